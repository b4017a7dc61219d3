"""What a check returns, the thresholds it uses, and the shared state of one assurance run."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from mlops_atlas.assurance.data import Dataset, reference_model

__all__ = ["CheckResult", "Context", "Status", "Thresholds"]


class Status(enum.StrEnum):
    """The verdict of a check."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not applicable"
    """The check needs something this run lacks (an operational sample, a budget)."""
    NOT_CHECKABLE = "not checkable"
    """No program can judge this desideratum from a dataset and a model."""


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict with its evidence.

    Attributes:
        check: The check's name, ``desideratum/what`` (``"complete/missing-values"``).
        desideratum: The desideratum it gives evidence for.
        status: Pass, fail, not applicable or not checkable.
        measured: The number measured (None when nothing was measured).
        threshold: The bound it was held to (None when there is none).
        finding: What was measured, in words.
        action: What to do about it.
        culprit: The column, value or slice that decided the verdict, if one did.
        rows: Row labels of the data the finding points at (e.g. suspected label errors).
    """

    check: str
    desideratum: str
    status: Status
    measured: float | None
    threshold: float | None
    finding: str
    action: str
    culprit: str | None = None
    rows: tuple[int, ...] = ()

    @property
    def failed(self) -> bool:
        """True when the check failed."""
        return self.status is Status.FAIL

    def to_dict(self) -> dict[str, object]:
        """The result as JSON-ready data."""
        return {
            "check": self.check,
            "desideratum": self.desideratum,
            "status": str(self.status),
            "measured": None if self.measured is None else round(float(self.measured), 4),
            "threshold": None if self.threshold is None else float(self.threshold),
            "finding": self.finding,
            "action": self.action,
            "culprit": self.culprit,
            "rows": list(self.rows),
        }


@dataclass(frozen=True)
class Thresholds:
    """The bounds the checks hold the data and the model to; every one can be changed.

    The defaults are starting points for a discussion, not standards: the survey
    leaves acceptable levels to each system's requirements and hazard analysis.

    Attributes:
        max_missing: Largest share of empty cells allowed in a column.
        min_coverage: Smallest share of operational rows that must fall where the
            data has examples, for every feature.
        coverage_bins: Equal-width bins per numeric feature for coverage and support.
        min_bin_rows: Examples a bin needs to count as covered.
        max_outside_operational: Largest share of data rows allowed outside the
            operational sample's ranges and values.
        min_class_share: Smallest share of rows any class may have.
        min_slice_share: Smallest share of rows any level of a categorical column may have.
        min_representation: Smallest ratio of a level's share in the data to its share
            in operation.
        max_label_noise: Largest estimated share of wrong labels.
        noise_confidence: Out-of-fold probability of another class above which a
            label is suspected.
        min_margin: Balanced accuracy the model must gain over the best baseline.
        perturbation: Noise added to numeric features, as a fraction of each one's
            standard deviation.
        max_robust_drop: Largest fall of balanced accuracy under that noise.
        min_importance_agreement: Smallest rank correlation between permutation
            importances measured on disjoint parts of the test set.
        max_distribution_distance: Largest per-feature distance (Kolmogorov-Smirnov
            for numbers, L-infinity for categories) between test set and operation.
        max_slice_error: Largest error rate tolerated on any slice, at the upper end
            of its 95% confidence interval.
        latency_budget_ms: Milliseconds per prediction allowed (None: no budget given).
    """

    max_missing: float = 0.05
    min_coverage: float = 0.95
    coverage_bins: int = 20
    min_bin_rows: int = 5
    max_outside_operational: float = 0.05
    min_class_share: float = 0.10
    min_slice_share: float = 0.05
    min_representation: float = 0.5
    max_label_noise: float = 0.05
    noise_confidence: float = 0.8
    min_margin: float = 0.05
    perturbation: float = 0.1
    max_robust_drop: float = 0.05
    min_importance_agreement: float = 0.6
    max_distribution_distance: float = 0.2
    max_slice_error: float = 0.2
    latency_budget_ms: float | None = None


@dataclass
class Context:
    """Everything one run of the checks shares, computed once and only when a check needs it.

    Attributes:
        dataset: The labelled data.
        operational: Features of an operational sample, or None.
        thresholds: The bounds.
        seed: Seed for the split, the model and every random draw.
        model: An unfitted classifier; None means `reference_model`.
        test_size: Share of the data held out for testing.
        folds: Folds of the cross-validation that estimates label noise.
    """

    dataset: Dataset
    operational: pd.DataFrame | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    seed: int = 0
    model: object | None = None
    test_size: float = 0.25
    folds: int = 3

    def new_model(self):
        """A fresh, unfitted copy of the model under assurance."""
        from sklearn.base import clone

        return (
            clone(self.model)
            if self.model is not None
            else reference_model(self.dataset, self.seed)
        )

    @cached_property
    def split(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(training rows, test rows), stratified by class."""
        from sklearn.model_selection import train_test_split

        frame = self.dataset.frame
        train, test = train_test_split(
            frame,
            test_size=self.test_size,
            random_state=self.seed,
            stratify=frame[self.dataset.target],
        )
        return train, test

    @cached_property
    def fitted(self):
        """The model fitted on the training rows."""
        train, _ = self.split
        return self.new_model().fit(train[self.dataset.features], train[self.dataset.target])

    @cached_property
    def test_predictions(self) -> np.ndarray:
        """The fitted model's predictions for the test rows."""
        _, test = self.split
        return self.fitted.predict(test[self.dataset.features])

    @cached_property
    def out_of_fold(self) -> pd.DataFrame:
        """Cross-validated class probabilities for every row (columns: classes)."""
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        folds = StratifiedKFold(n_splits=self.folds, shuffle=True, random_state=self.seed)
        probabilities = cross_val_predict(
            self.new_model(), self.dataset.X, self.dataset.y, cv=folds, method="predict_proba"
        )
        return pd.DataFrame(
            probabilities, index=self.dataset.frame.index, columns=self.dataset.classes
        )

    def score(self, truth, predicted) -> float:
        """The checks' metric: balanced accuracy (chance is 1/classes whatever the balance)."""
        from sklearn.metrics import balanced_accuracy_score

        return float(balanced_accuracy_score(truth, predicted))
