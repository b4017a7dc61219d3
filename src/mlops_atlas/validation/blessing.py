"""The model-validation gate of TFX's Evaluator: bless a candidate or refuse it.

TFMA checks a *change threshold* on every slice (``metrics_validator.py``): with
``HIGHER_IS_BETTER`` the candidate passes a slice when ``candidate - baseline >
absolute`` (strictly). Here ``absolute = -tolerance``: the candidate may be worse
than the baseline by less than ``tolerance``, overall and on every slice, and
is blessed only if every slice passes. A slice missing from the candidate's
metrics fails with TFMA's message ``Metric not found.``. With no baseline, TFX
"rubber stamps" the model (change thresholds are ignored).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["BlessingResult", "SliceFailure", "bless", "slice_metrics"]

OVERALL = "overall"
"""Name of the slice holding every example."""


@dataclass(frozen=True)
class SliceFailure:
    """A slice on which the candidate is worse than allowed.

    Attributes:
        slice: Slice name (``"overall"`` or ``"<column>=<value>"``).
        candidate: The candidate's metric (``nan`` if missing).
        baseline: The baseline's metric.
        message: Why it failed.
    """

    slice: str
    candidate: float
    baseline: float
    message: str


@dataclass(frozen=True)
class BlessingResult:
    """The gate's verdict.

    Attributes:
        blessed: True when the candidate may replace the baseline (TFX writes ``BLESSED``).
        failures: The slices that failed, in the order checked.
        note: Extra information (e.g. rubber stamping with no baseline).
    """

    blessed: bool
    failures: tuple[SliceFailure, ...] = ()
    note: str = ""

    @property
    def failed_slices(self) -> list[str]:
        """Names of the slices that failed."""
        return [failure.slice for failure in self.failures]

    def explain(self) -> str:
        """One line per failure, or the verdict."""
        if self.blessed:
            return "BLESSED" + (f": {self.note}" if self.note else "")
        return "NOT_BLESSED: " + "; ".join(f"{f.slice}: {f.message}" for f in self.failures)


def bless(
    candidate: Mapping[str, float],
    baseline: Mapping[str, float] | None,
    *,
    tolerance: float = 0.0,
    higher_is_better: bool = True,
    metric: str = "metric",
) -> BlessingResult:
    """Bless the candidate only if no slice is worse than the baseline by ``tolerance`` or more.

    Args:
        candidate: Metric by slice name for the candidate (include ``"overall"``).
        baseline: Metric by slice name for the model in production, or ``None``.
        tolerance: How much worse a slice may be (absolute), e.g. 0.01 for accuracy.
        higher_is_better: Direction of the metric (accuracy: True; loss: False).
        metric: The metric's name, for messages.

    Returns:
        The verdict with every failing slice.

    Examples:
        >>> bless({"overall": 0.90, "country=MX": 0.70}, {"overall": 0.85, "country=MX": 0.80},
        ...       tolerance=0.02).failed_slices
        ['country=MX']
    """
    if baseline is None:
        return BlessingResult(
            True, note="no baseline model: rubber stamped, change thresholds ignored"
        )
    failures = []
    sign = 1.0 if higher_is_better else -1.0
    for name, base in baseline.items():
        value = candidate.get(name)
        if value is None or np.isnan(value):
            failures.append(SliceFailure(name, float("nan"), base, "Metric not found."))
            continue
        change = sign * (value - base)
        if not change > -tolerance:
            failures.append(
                SliceFailure(
                    name,
                    value,
                    base,
                    f"{metric} {value:.4f} vs baseline {base:.4f}: "
                    f"{'worse' if change < 0 else 'changed'} by {abs(value - base):.4f}, "
                    f"tolerance {tolerance:.4f}",
                )
            )
    return BlessingResult(not failures, tuple(failures))


def slice_metrics(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    slices: pd.Series,
    metric: Callable[[np.ndarray, np.ndarray], float],
) -> dict[str, float]:
    """A metric overall and on each value of a slicing column (``"<column>=<value>"``).

    Args:
        y_true: True labels.
        y_pred: Predictions.
        slices: The slicing column, aligned with the labels.
        metric: ``metric(y_true, y_pred) -> float``, e.g. ``sklearn.metrics.accuracy_score``.

    Returns:
        Metric by slice name, ``"overall"`` first, then slices sorted by value.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    result = {OVERALL: float(metric(y_true, y_pred))}
    codes, values = pd.factorize(slices, sort=True)
    for code, value in enumerate(values):
        mask = codes == code
        result[f"{slices.name}={value}"] = float(metric(y_true[mask], y_pred[mask]))
    return result
