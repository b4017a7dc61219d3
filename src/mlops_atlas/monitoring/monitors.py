"""Three monitors a deployed classifier can run, each watching a different factor (Huyen 2022, ch. 8).

- `input_drift` watches the features, ``P(X)``: each column of a batch
  against the training data, with this project's TFDV-style comparators
  (Jensen-Shannon divergence for numbers, L-infinity distance for categories).
- `prediction_drift` watches the model's outputs, ``P(Ŷ)``: the histogram of
  predicted probabilities against the one on reference data. It needs no label.
- `performance_drop` watches what matters, accuracy, but only on labels
  that have arrived; natural labels come late, so it always looks at the past.

No one of them sees everything: outputs are a function of inputs, so when only
``P(Y | X)`` changes, neither inputs nor outputs move and only labels tell.

Two samples of the same world never read exactly zero on a drift comparator
(sampling noise, approximate histograms), so `calibrate_thresholds` sets
each alarm level from readings taken when nothing had shifted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlops_atlas.validation import (
    DatasetStatistics,
    compute_statistics,
    jensen_shannon_divergence,
    l_infinity_distance,
)

__all__ = [
    "CALIBRATION_MARGIN",
    "CATEGORICAL_THRESHOLD",
    "NUMERIC_THRESHOLD",
    "PERFORMANCE_TOLERANCE",
    "Reading",
    "calibrate_thresholds",
    "column_drift",
    "input_drift",
    "performance_drop",
    "prediction_drift",
]

NUMERIC_THRESHOLD = 0.05
"""Default alarm level of the Jensen-Shannon divergence of a numeric column."""

CATEGORICAL_THRESHOLD = 0.1
"""Default alarm level of the L-infinity distance of a categorical column."""

PERFORMANCE_TOLERANCE = 0.04
"""Default accuracy loss, against the reference accuracy, that raises an alarm."""

CALIBRATION_MARGIN = 2.0
"""Alarm levels sit this many times above the largest value seen when nothing shifted."""


@dataclass(frozen=True)
class Reading:
    """What one monitor measured on one batch.

    Attributes:
        value: The measurement (a divergence, a distance, or an accuracy loss);
            ``None`` when there was nothing to measure yet (no label has arrived).
        threshold: The level above which the monitor raises an alarm.
        alarm: Whether ``value`` exceeded ``threshold``.
        where: What the value refers to: the worst column, ``"score"``, or the
            batch whose labels were used.
    """

    value: float | None
    threshold: float
    alarm: bool
    where: str = ""


def column_drift(reference: DatasetStatistics, batch: pd.DataFrame) -> dict[str, float]:
    """How far each column of ``batch`` has moved from the reference statistics.

    Numeric columns are compared by approximate Jensen-Shannon divergence of their
    histograms, categorical ones by L-infinity distance of their value frequencies,
    as TFDV's drift and skew comparators do. Columns missing from the reference are
    ignored (the label, for instance), and so are columns the comparator cannot
    measure (an empty one).

    Args:
        reference: Statistics of the training data (see
            [`compute_statistics`][mlops_atlas.validation.compute_statistics]).
        batch: The batch to check.

    Returns:
        Column name → divergence or distance.

    Examples:
        >>> ref = compute_statistics(pd.DataFrame({"c": ["a", "b"]}))
        >>> column_drift(ref, pd.DataFrame({"c": ["a", "a", "a", "b"], "label": [1, 0, 0, 1]}))
        {'c': 0.25}
    """
    current = compute_statistics(batch[[c for c in batch.columns if c in reference]])
    values: dict[str, float] = {}
    for name, feature in current.features.items():
        control = reference[name]
        if feature.is_numeric:
            value = jensen_shannon_divergence(feature, control)
        else:
            value = l_infinity_distance(feature.value_counts, control.value_counts)[0]
        if value is not None:
            values[name] = float(value)
    return values


def calibrate_thresholds(
    quiet: Iterable[Mapping[str, float]], *, margin: float = CALIBRATION_MARGIN
) -> dict[str, float]:
    """Alarm levels from readings taken when nothing had shifted: ``margin`` times the largest.

    A comparator reads more than zero even between two samples of the same world
    (sampling noise, and approximate histograms). Calibrating on quiet batches sets
    each level just above that floor, column by column.

    Args:
        quiet: One mapping of name → value per batch drawn from the unshifted world.
        margin: Factor above the largest quiet value.

    Returns:
        Name → alarm level.

    Examples:
        >>> calibrate_thresholds([{"x": 0.01, "c": 0.03}, {"x": 0.02, "c": 0.01}])
        {'x': 0.04, 'c': 0.06}
    """
    levels: dict[str, float] = {}
    for reading in quiet:
        for name, value in reading.items():
            levels[name] = max(levels.get(name, 0.0), value)
    return {name: round(margin * value, 12) for name, value in levels.items()}


def input_drift(
    reference: DatasetStatistics,
    batch: pd.DataFrame,
    thresholds: Mapping[str, float] | None = None,
) -> Reading:
    """Compare every column of ``batch`` with the reference; report the worst one.

    Args:
        reference: Statistics of the training data.
        batch: The batch to check.
        thresholds: Alarm level per column (see `calibrate_thresholds`); a column
            without one gets `NUMERIC_THRESHOLD` or `CATEGORICAL_THRESHOLD`.

    Returns:
        The column whose value is largest relative to its level, and whether any
        column exceeded its level.

    Examples:
        >>> ref = compute_statistics(pd.DataFrame({"c": ["a", "b"]}))
        >>> input_drift(ref, pd.DataFrame({"c": ["a", "a", "a", "b"]}))
        Reading(value=0.25, threshold=0.1, alarm=True, where='c')
    """
    thresholds = thresholds or {}
    worst = Reading(value=0.0, threshold=NUMERIC_THRESHOLD, alarm=False, where="")
    for name, value in column_drift(reference, batch).items():
        default = NUMERIC_THRESHOLD if reference[name].is_numeric else CATEGORICAL_THRESHOLD
        level = thresholds.get(name, default)
        if value / level > (worst.value or 0.0) / worst.threshold:
            worst = Reading(value=value, threshold=level, alarm=value > level, where=name)
    return worst


def prediction_drift(
    reference_scores: np.ndarray, scores: np.ndarray, *, threshold: float = NUMERIC_THRESHOLD
) -> Reading:
    """Jensen-Shannon divergence between two sets of predicted probabilities.

    Args:
        reference_scores: The model's scores on reference data (held-out training data).
        scores: The model's scores on the batch.
        threshold: Alarm level.

    Returns:
        The divergence of the score histograms (``where="score"``).
    """
    reference = compute_statistics(pd.DataFrame({"score": np.asarray(reference_scores, float)}))
    current = compute_statistics(pd.DataFrame({"score": np.asarray(scores, float)}))
    value = jensen_shannon_divergence(current["score"], reference["score"]) or 0.0
    return Reading(value=value, threshold=threshold, alarm=value > threshold, where="score")


def performance_drop(
    reference_accuracy: float,
    labels: np.ndarray | None,
    predictions: np.ndarray | None,
    *,
    tolerance: float = PERFORMANCE_TOLERANCE,
    where: str = "",
) -> Reading:
    """Accuracy lost on a batch whose labels have arrived, against the reference accuracy.

    Args:
        reference_accuracy: Accuracy on held-out data when the model was trained.
        labels: The batch's true labels, or ``None`` if none has arrived yet.
        predictions: The predictions the model served for that batch.
        tolerance: Accuracy loss that raises the alarm.
        where: A name for the batch the labels belong to.

    Returns:
        ``reference_accuracy - accuracy``; no value and no alarm without labels.

    Examples:
        >>> performance_drop(0.9, np.array([1, 0, 1, 1]), np.array([1, 0, 0, 0]))
        Reading(value=0.4, threshold=0.04, alarm=True, where='')
    """
    if labels is None or predictions is None:
        return Reading(value=None, threshold=tolerance, alarm=False, where=where)
    accuracy = float(np.mean(np.asarray(labels) == np.asarray(predictions)))
    drop = round(reference_accuracy - accuracy, 12)
    return Reading(value=drop, threshold=tolerance, alarm=drop > tolerance, where=where)
