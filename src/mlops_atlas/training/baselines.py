"""Baselines, and metrics beyond accuracy (Huyen 2022, ch. 6, "Baselines", "Evaluation Methods").

A metric means little until it is set against a baseline. This module makes a
small churn task whose classes are unbalanced (most customers stay), so that
"always predict the majority" already scores a high accuracy; then it scores
baselines and models on accuracy, ranking quality, recall of the rare class,
calibration, and recall per slice of customers.

- `make_churn_data`: the task, with a region where customers behave differently.
- `RuleBaseline`: a heuristic a support manager would write, as a classifier.
- `expected_calibration_error`: how far predicted probabilities are from
  observed frequencies.
- `evaluate`: all the metrics for one model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "FEATURES",
    "REGIONS",
    "BaselineReport",
    "Evaluation",
    "RuleBaseline",
    "compare_models",
    "evaluate",
    "expected_calibration_error",
    "make_churn_data",
    "standard_models",
]

REGIONS = ("east", "north", "south", "west")
"""Values of the ``region`` column; the south is small and different."""

FEATURES = ("tenure", "charges", "calls", "region")
"""Input columns of the churn task."""


def make_churn_data(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """Customers of a subscription service, and whether they leave (``churned``).

    About one customer in eight leaves. Leaving grows with support calls and
    monthly charges and falls with tenure, and charges matter most for new
    customers (an interaction a linear model cannot draw). In the ``south``
    (a tenth of the customers) support calls do not predict leaving at all:
    there a partner handles support.

    Args:
        rows: How many customers.
        rng: The random generator.

    Returns:
        Columns ``tenure`` (months), ``charges`` (per month), ``calls`` (support
        calls last quarter), ``region`` and ``churned`` (0 or 1).

    Examples:
        >>> data = make_churn_data(50_000, np.random.default_rng(0))
        >>> round(float(data["churned"].mean()), 2)  # about one in eight
        0.12
    """
    region = rng.choice(REGIONS, rows, p=[0.3, 0.3, 0.1, 0.3])
    tenure = rng.exponential(24.0, rows).round() + 1
    charges = rng.normal(70.0, 20.0, rows).clip(15, 150)
    calls = rng.poisson(1.2, rows)
    south = region == "south"
    new = tenure <= 6
    logit = (
        -3.2
        + np.where(south, 0.0, 0.8) * calls
        + 0.04 * (charges - 70) * np.where(new, 2.5, 0.5)
        - 0.03 * tenure
        + np.where(south, 0.8, 0.0)
        + 1.2 * new
    )
    churned = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame(
        {"tenure": tenure, "charges": charges, "calls": calls, "region": region, "churned": churned}
    )


class RuleBaseline:
    """The heuristic "customers with at least ``min_calls`` support calls leave", as a classifier.

    ``fit`` learns only how often each side of the rule churned in the training
    data, so ``predict_proba`` returns honest frequencies and the rule can be
    judged on calibration like any model.

    Args:
        min_calls: Support calls from which the rule says "leaves".
    """

    def __init__(self, min_calls: int = 3) -> None:
        self.min_calls = min_calls

    def fit(self, frame: pd.DataFrame, labels: np.ndarray) -> RuleBaseline:
        """Learn the churn rate on each side of the rule."""
        flagged = self._flag(frame)
        labels = np.asarray(labels)
        self.rates_ = (float(labels[~flagged].mean()), float(labels[flagged].mean()))
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Two columns, ``P(stays)`` and ``P(leaves)``, from the training frequencies."""
        positive = np.where(self._flag(frame), self.rates_[1], self.rates_[0])
        return np.column_stack([1 - positive, positive])

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """1 where the rule fires."""
        return self._flag(frame).astype(int)

    def _flag(self, frame: pd.DataFrame) -> np.ndarray:
        return frame["calls"].to_numpy() >= self.min_calls


def expected_calibration_error(labels: np.ndarray, scores: np.ndarray, bins: int = 10) -> float:
    """Mean gap between predicted probability and observed frequency, over equal-width bins.

    Each bin's gap ``|mean score - share of positives|`` is weighted by the share
    of examples in it.

    Args:
        labels: True labels, 0 or 1.
        scores: Predicted probabilities of the positive class.
        bins: Number of equal-width bins on [0, 1].

    Returns:
        The expected calibration error, in [0, 1].

    Examples:
        >>> expected_calibration_error(np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.5, 0.5]))
        0.0
        >>> expected_calibration_error(np.array([0, 0, 0, 0]), np.array([0.9, 0.9, 0.9, 0.9]))
        0.9
    """
    labels, scores = np.asarray(labels, float), np.asarray(scores, float)
    which = np.minimum((scores * bins).astype(int), bins - 1)
    total = 0.0
    for index in np.unique(which):
        inside = which == index
        total += inside.mean() * abs(scores[inside].mean() - labels[inside].mean())
    return round(float(total), 12)


@dataclass(frozen=True)
class Evaluation:
    """One model's scores on the test data.

    Attributes:
        name: The model.
        accuracy: Share of correct decisions (threshold 0.5, or the model's own rule).
        recall: Share of the customers who left that the model flagged.
        roc_auc: Probability that a leaver is scored above a stayer (0.5 = chance).
        brier: Mean squared error of the predicted probabilities (lower is better).
        ece: Expected calibration error (lower is better).
        recall_by_region: Recall on each region.
    """

    name: str
    accuracy: float
    recall: float
    roc_auc: float
    brier: float
    ece: float
    recall_by_region: dict[str, float]

    @property
    def worst_region(self) -> tuple[str, float]:
        """The region with the lowest recall, and that recall."""
        name = min(self.recall_by_region, key=self.recall_by_region.__getitem__)
        return name, self.recall_by_region[name]


def evaluate(
    name: str,
    labels: np.ndarray,
    scores: np.ndarray,
    decisions: np.ndarray,
    regions: np.ndarray,
) -> Evaluation:
    """Score one model on accuracy, recall, ranking, calibration and recall per region.

    Args:
        name: The model's name.
        labels: True labels, 0 or 1.
        scores: Its predicted probabilities of the positive class.
        decisions: Its decisions, 0 or 1.
        regions: Each row's region (the slices).

    Returns:
        The model's `Evaluation`.
    """
    from sklearn.metrics import accuracy_score, brier_score_loss, recall_score, roc_auc_score

    labels, decisions, regions = np.asarray(labels), np.asarray(decisions), np.asarray(regions)
    by_region = {
        region: float(recall_score(labels[regions == region], decisions[regions == region]))
        for region in sorted(set(regions.tolist()))
    }
    return Evaluation(
        name=name,
        accuracy=float(accuracy_score(labels, decisions)),
        recall=float(recall_score(labels, decisions)),
        roc_auc=float(roc_auc_score(labels, scores)),
        brier=float(brier_score_loss(labels, scores)),
        ece=expected_calibration_error(labels, scores),
        recall_by_region=by_region,
    )


def standard_models(seed: int = 0) -> dict[str, Any]:
    """The four baselines of the example and the "real" model, unfitted, in order.

    - ``random``: draws a label at random with the training label frequencies.
    - ``majority``: always the most frequent label, with the training prior as its score.
    - ``rule``: `RuleBaseline` (three or more support calls).
    - ``linear``: logistic regression on scaled numbers and one-hot regions.
    - ``forest``: a random forest, the model the team means to ship.

    Args:
        seed: Seed of the randomised models.
    """
    from sklearn.compose import make_column_transformer
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    def encoded(scale: bool):
        numbers = StandardScaler() if scale else "passthrough"
        return make_column_transformer((OneHotEncoder(), ["region"]), remainder=numbers)

    return {
        "random": DummyClassifier(strategy="stratified", random_state=seed),
        "majority": DummyClassifier(strategy="prior"),
        "rule": RuleBaseline(min_calls=3),
        "linear": make_pipeline(encoded(scale=True), LogisticRegression()),
        "forest": make_pipeline(
            encoded(scale=False),
            RandomForestClassifier(
                n_estimators=40, min_samples_leaf=5, random_state=seed, n_jobs=1
            ),
        ),
    }


@dataclass(frozen=True)
class BaselineReport:
    """Every model's evaluation on the same test data.

    Attributes:
        evaluations: One `Evaluation` per model, by name, in order.
        scores: Each model's predicted churn probabilities on the test data.
        labels: The test labels.
    """

    evaluations: dict[str, Evaluation]
    scores: dict[str, np.ndarray]
    labels: np.ndarray

    def table(self) -> str:
        """Accuracy, recall, ROC AUC, Brier score, calibration error and the worst region."""
        header = (
            f"{'model':<10}{'accuracy':>9}{'recall':>8}{'ROC AUC':>9}{'Brier':>7}"
            f"{'ECE':>7}{'worst region (recall)':>24}"
        )
        lines = [header, "-" * len(header)]
        for item in self.evaluations.values():
            region, recall = item.worst_region
            lines.append(
                f"{item.name:<10}{item.accuracy:>9.3f}{item.recall:>8.3f}{item.roc_auc:>9.3f}"
                f"{item.brier:>7.3f}{item.ece:>7.3f}{f'{region} ({recall:.2f})':>24}"
            )
        return "\n".join(lines)

    def slice_table(self) -> str:
        """Recall of each model on each region."""
        regions = list(next(iter(self.evaluations.values())).recall_by_region)
        lines = [f"{'model':<10}" + "".join(f"{region:>8}" for region in regions)]
        for item in self.evaluations.values():
            lines.append(
                f"{item.name:<10}"
                + "".join(f"{item.recall_by_region[region]:>8.2f}" for region in regions)
            )
        return "\n".join(lines)


def compare_models(
    models: Mapping[str, Any], train: pd.DataFrame, test: pd.DataFrame, *, label: str = "churned"
) -> BaselineReport:
    """Fit every model on ``train`` and evaluate it on ``test``.

    Args:
        models: Name → unfitted estimator with ``fit``, ``predict`` and ``predict_proba``.
        train: Training rows (the columns of `FEATURES` and ``label``).
        test: Test rows, same columns.
        label: The label column.

    Returns:
        The evaluations and scores, in the order of ``models``.
    """
    inputs, test_inputs = train[list(FEATURES)], test[list(FEATURES)]
    labels = test[label].to_numpy()
    evaluations, scores = {}, {}
    for name, model in models.items():
        model.fit(inputs, train[label].to_numpy())
        scores[name] = model.predict_proba(test_inputs)[:, 1]
        evaluations[name] = evaluate(
            name, labels, scores[name], model.predict(test_inputs), test["region"].to_numpy()
        )
    return BaselineReport(evaluations=evaluations, scores=scores, labels=labels)
