"""Distances between two datasets' statistics, computed as TFDV's ``anomalies/metrics.cc``.

- `l_infinity_distance` (categorical features): normalise each side's value
  counts by its own total, take the largest absolute difference over the union of
  values, and name the value where it occurs (on ties the lexicographically last
  value, as ``GetLInftyNorm`` iterates a sorted map with ``>=``).
- `jensen_shannon_divergence` (numeric features): the *approximate* JSD
  between the two standard histograms after `align_histograms`, with log
  base 2, capped at 1.0. Both categorical: the JSD of the value frequencies.

The histograms compared are built as TFDV builds them, from quantiles
(`mlops_atlas.validation.histograms`); that matters most for integer features,
whose values fall on bucket edges. Even so, the standard histogram's buckets span each
side's own min and max, so two batches of the same integer distribution whose
extremes differ by one get different edges, and the divergence of the aligned
histograms is not zero: on Poisson counts it is typically 0.01-0.07 for TFDV as here.
A threshold for an integer feature should be set above that floor (or the feature
compared as categorical).

``align_histograms`` follows TFDV's ``AlignHistograms``: point buckets
(``low == high``) and infinite buckets are taken out; the remaining buckets of both
histograms are re-bucketed onto the union of their boundaries, spreading each
bucket's count uniformly over its width; point masses are appended as aligned
buckets; infinite mass and NaN mass are appended as deliberately *mismatching*
buckets, so they always add divergence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from mlops_atlas.validation.statistics import FeatureStatistics, Histogram

__all__ = ["align_histograms", "jensen_shannon_divergence", "l_infinity_distance"]


def l_infinity_distance(
    treatment: Mapping[str, float], control: Mapping[str, float]
) -> tuple[float, str]:
    """L-infinity distance between two normalised frequency distributions.

    Args:
        treatment: Value counts of the data under test (training or current batch).
        control: Value counts of the reference (serving or previous batch).

    Returns:
        ``(distance, value with the largest difference)``.

    Examples:
        >>> l_infinity_distance({"a": 3, "b": 1}, {"a": 1, "b": 1})
        (0.25, 'b')
    """
    p, q = _normalise(treatment), _normalise(control)
    best_value, best = "", 0.0
    for value in sorted(set(p) | set(q)):
        difference = abs(p.get(value, 0.0) - q.get(value, 0.0))
        if difference >= best:
            best_value, best = value, difference
    return best, best_value


def _normalise(counts: Mapping[str, float]) -> dict[str, float]:
    total = float(sum(counts.values()))
    if total == 0:
        return {key: float(value) for key, value in counts.items()}
    return {key: value / total for key, value in counts.items()}


def align_histograms(first: Histogram, second: Histogram) -> tuple[np.ndarray, np.ndarray]:
    """Put two histograms on common buckets, as TFDV's ``AlignHistograms``.

    Args:
        first: A histogram (the treatment's).
        second: Another (the control's).

    Returns:
        Two arrays of counts, bucket by bucket on the same buckets.

    Examples:
        >>> a = Histogram(((0.0, 1.0, 2.0), (1.0, 2.0, 2.0)))
        >>> b = Histogram(((0.0, 2.0, 4.0),))
        >>> [c.tolist() for c in align_histograms(a, b)]
        [[2.0, 2.0], [2.0, 2.0]]
    """
    regular_a, points_a, infinite_a = _strip(first)
    regular_b, points_b, infinite_b = _strip(second)
    boundaries = sorted({edge for low, high, _ in regular_a + regular_b for edge in (low, high)})
    counts_a = _rebucket(regular_a, boundaries)
    counts_b = _rebucket(regular_b, boundaries)
    for point in sorted(set(points_a) | set(points_b)):
        counts_a.append(points_a.get(point, 0.0))
        counts_b.append(points_b.get(point, 0.0))
    if infinite_a:
        counts_a.append(infinite_a)
        counts_b.append(0.0)
    if infinite_b:
        counts_a.append(0.0)
        counts_b.append(infinite_b)
    if first.num_nan > 0 or second.num_nan > 0:
        counts_a += [0.0, first.num_nan]
        counts_b += [second.num_nan, 0.0]
    return np.asarray(counts_a, dtype=float), np.asarray(counts_b, dtype=float)


def _strip(
    histogram: Histogram,
) -> tuple[list[tuple[float, float, float]], dict[float, float], float]:
    regular: list[tuple[float, float, float]] = []
    points: dict[float, float] = {}
    infinite = 0.0
    for low, high, count in histogram.buckets:
        if not (math.isfinite(low) and math.isfinite(high)):
            infinite += count
        elif low == high:
            points[low] = points.get(low, 0.0) + count
        else:
            regular.append((low, high, count))
    return regular, points, infinite


def _rebucket(buckets: list[tuple[float, float, float]], boundaries: list[float]) -> list[float]:
    edges = np.asarray(boundaries)
    counts = np.zeros(max(len(edges) - 1, 0))
    for low, high, count in buckets:  # at most ~12 buckets: a loop over buckets, not rows
        start, stop = np.searchsorted(edges, low), np.searchsorted(edges, high)
        widths = np.diff(edges[start : stop + 1])
        counts[start:stop] += widths / (high - low) * count
    return counts.tolist()


def _jsd(p_counts: np.ndarray, q_counts: np.ndarray) -> float | None:
    p_total, q_total = p_counts.sum(), q_counts.sum()
    if p_total == 0 or q_total == 0:
        return None  # TFDV: "Unable to normalize an empty histogram"
    p, q = p_counts / p_total, q_counts / q_total
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where((p > 0) & (m > 0), p * np.log2(p / m), 0.0).sum()
        kl_q = np.where((q > 0) & (m > 0), q * np.log2(q / m), 0.0).sum()
    return float(min((kl_p + kl_q) / 2, 1.0))


def jensen_shannon_divergence(
    treatment: FeatureStatistics, control: FeatureStatistics, source: str = "STANDARD"
) -> float | None:
    """Approximate Jensen-Shannon divergence (log base 2) between two features' distributions.

    Args:
        treatment: Statistics of the data under test.
        control: Statistics of the reference data.
        source: Which numeric histograms to compare, ``"STANDARD"`` (TFDV's default)
            or ``"QUANTILES"`` (the comparator's ``source { type: QUANTILES }``).

    Returns:
        The divergence in [0, 1], or ``None`` when it cannot be computed (an empty
        side, or one side categorical and the other numeric), where TFDV only logs
        a warning.
    """
    if treatment.value_counts and control.value_counts:
        keys = sorted(set(treatment.value_counts) | set(control.value_counts))
        first = np.array([treatment.value_counts.get(key, 0) for key in keys], dtype=float)
        second = np.array([control.value_counts.get(key, 0) for key in keys], dtype=float)
        return _jsd(first, second)
    attribute = "quantiles" if source == "QUANTILES" else "histogram"
    first, second = getattr(treatment, attribute), getattr(control, attribute)
    if first is None or second is None:
        return None
    return _jsd(*align_histograms(first, second))
