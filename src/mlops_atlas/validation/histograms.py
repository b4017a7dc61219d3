"""Numeric histograms built the way TFDV builds them: from quantiles, then re-bucketed.

TFDV does not count values into equal-width buckets. Its ``BasicStatsGenerator``
(``tensorflow_data_validation/statistics/generators/basic_stats_generator.py``,
``_make_numeric_stats_proto``) feeds every value into a tfx-bsl ``QuantilesSketch``,
asks it for 1,000 quantiles (``_NUM_QUANTILES_FACTOR_FOR_STD_HISTOGRAM = 100`` times
``num_quantiles_histogram_buckets = 10``) with their cumulative weights, and then
(``tensorflow_data_validation/utils/quantiles_util.py``):

1. ``generate_quantiles_histogram``: the 1,000 intervals between consecutive quantiles
   are buckets; when a value repeats (integers always do) its mass is spread evenly
   over the run of buckets ending at it, so most of it becomes zero-width *point
   buckets* at the value (``_get_bin_weights``);
2. ``generate_equi_width_histogram``: those buckets are merged into 10 equal-width
   buckets between the finite min and max, a bucket's count going to the buckets it
   overlaps in proportion to the overlap; a point bucket that falls on an inner edge
   goes to the bucket on its *left* (buckets are ``(low, high]``, the first one
   ``[low, high]``), see ``_overlap``.

The drift comparator then aligns two such standard histograms
(`mlops_atlas.validation.drift.align_histograms`). Counting an integer column
straight into ``[low, high)`` buckets instead (``numpy.histogram``, what this package
did before) puts each integer on the other side of an edge it falls on, and with a
different max in each batch every integer changes bucket: on Poisson counts without
any drift that made the Jensen-Shannon divergence several times TFDV's.

This module reproduces steps 1 and 2 line by line, and the sketch's own
``GenerateQuantilesAndCumulativeWeights`` (``tfx_bsl/cc/sketches/
weighted_quantiles_summary.h``) on an *exact* summary (every distinct value with its
count, which is what tfx-bsl's summary holds as long as the distinct values fit its
buffer). So on integer data the histograms are TFDV's, bucket for bucket. On
high-cardinality data the summary comes from
`mlops_atlas.validation.sketch.ValueSketch`, whose values are within a relative 0.1 % of the true ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "NUM_HISTOGRAM_BUCKETS",
    "NUM_QUANTILES",
    "Histogram",
    "equi_width_histogram",
    "quantiles_and_cumulative_weights",
    "quantiles_histogram",
    "tfdv_histograms",
]

NUM_HISTOGRAM_BUCKETS = 10
"""TFDV's ``StatsOptions.num_histogram_buckets`` (and ``num_quantiles_histogram_buckets``)."""

NUM_QUANTILES = 100 * NUM_HISTOGRAM_BUCKETS
"""Quantiles TFDV asks the sketch for to build the standard histogram."""


@dataclass(frozen=True)
class Histogram:
    """A histogram as TFDV stores it: buckets ``(low, high, count)`` and a NaN count.

    Attributes:
        buckets: ``(low, high, count)`` triples in order; point and infinite buckets included.
        num_nan: NaN values not in any bucket (always 0 here: NaN counts as missing).
        kind: ``"STANDARD"`` (equal widths) or ``"QUANTILES"`` (equal masses).
    """

    buckets: tuple[tuple[float, float, float], ...]
    num_nan: float = 0.0
    kind: str = "STANDARD"

    @property
    def total(self) -> float:
        """Sum of the bucket counts."""
        return float(sum(count for _, _, count in self.buckets))


def quantiles_and_cumulative_weights(
    values: np.ndarray, weights: np.ndarray, num_quantiles: int = NUM_QUANTILES
) -> tuple[np.ndarray, np.ndarray]:
    """``num_quantiles + 1`` boundaries and their cumulative weights, as tfx-bsl's summary.

    Args:
        values: Distinct values, ascending (``-inf``/``inf`` allowed).
        weights: The count of each value (all positive).
        num_quantiles: Number of quantile intervals.

    Returns:
        Boundaries (values taken from ``values``) and the weight at or below each.

    Examples:
        >>> q, w = quantiles_and_cumulative_weights(np.array([1.0, 2.0]), np.array([3.0, 1.0]), 4)
        >>> q.tolist(), w.tolist()
        ([1.0, 1.0, 1.0, 2.0, 2.0], [3.0, 3.0, 3.0, 4.0, 4.0])
    """
    weights = np.asarray(weights, dtype=np.float64)
    max_rank = np.cumsum(weights)
    min_rank = max_rank - weights
    total = max_rank[-1]
    num_quantiles = max(num_quantiles, 2)
    ranks = np.arange(num_quantiles + 1, dtype=np.float64)
    d_2 = 2 * (ranks * total / num_quantiles)
    # First entry whose (min_rank + max_rank) exceeds d_2, never before entry 1: the
    # summary's monotone scan, done with one binary search per rank.
    next_idx = np.maximum(np.searchsorted(min_rank + max_rank, d_2, side="right"), 1)
    cur_idx = next_idx - 1
    size = values.size
    safe_next = np.minimum(next_idx, size - 1)
    take_current = (next_idx == size) | (
        d_2 < (min_rank[cur_idx] + weights[cur_idx]) + (max_rank[safe_next] - weights[safe_next])
    )
    chosen = np.where(take_current, cur_idx, safe_next)
    return values[chosen].astype(np.float64), max_rank[chosen]


def _bin_weights(
    boundaries: np.ndarray, cumulative: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TFDV's ``_get_bin_weights``: repeated bins share their weight; the min's goes first."""
    cumulative = cumulative.astype(np.float64)
    low, high = boundaries[:-1], boundaries[1:]
    counts = np.diff(cumulative)
    size = low.size
    i = 0
    while i < size:  # runs of bins with the same upper bound share their total evenly
        j = i + 1
        while j < size and high[j] == high[i]:
            j += 1
        if j > i + 1:
            counts[i:j] = counts[i:j].sum() / (j - i)
        i = j
    same = 0
    while same < size and low[same] == low[0] and high[same] == high[0]:
        same += 1
    if same > 0:
        counts[:same] += cumulative[0] / same
    return low, high, counts


def quantiles_histogram(boundaries: np.ndarray, cumulative: np.ndarray) -> Histogram:
    """TFDV's ``generate_quantiles_histogram`` from quantile boundaries and cumulative weights."""
    low, high, counts = _bin_weights(boundaries, cumulative)
    return Histogram(
        tuple(zip(low.tolist(), high.tolist(), counts.tolist(), strict=True)),
        kind="QUANTILES",
    )


def _rebin(
    boundaries: np.ndarray, cumulative: np.ndarray, factor: int
) -> tuple[np.ndarray, np.ndarray]:
    """TFDV's ``rebin_quantiles``: keep the first and every ``factor``-th boundary."""
    return (
        np.concatenate([boundaries[:1], boundaries[factor::factor]]),
        np.concatenate([cumulative[:1], cumulative[factor::factor]]),
    )


def _strip_infinities(
    boundaries: np.ndarray, cumulative: np.ndarray, finite_max: float, num_pos_inf: float
) -> tuple[np.ndarray, np.ndarray, float]:
    """TFDV's ``_strip_infinities``."""
    neg_inf_idx = int(np.searchsorted(boundaries, -np.inf, side="right"))
    num_neg_inf = 0.0
    if neg_inf_idx:
        num_neg_inf = float(cumulative[neg_inf_idx - 1])
        boundaries, cumulative = boundaries[neg_inf_idx:], cumulative[neg_inf_idx:] - num_neg_inf
    if num_pos_inf:
        pos_inf_idx = int(np.searchsorted(boundaries, np.inf, side="left"))
        finite_max_count = cumulative[-1] - num_pos_inf
        boundaries = np.concatenate([boundaries[:pos_inf_idx], [finite_max]])
        cumulative = np.concatenate([cumulative[:pos_inf_idx], [finite_max_count]])
    return boundaries, cumulative, num_neg_inf


def _overlap(
    bucket: tuple[float, float, float], low: float, high: float, first: bool
) -> tuple[float, bool, bool]:
    """TFDV's ``_overlap``: (fraction of the bucket in [low, high], precedes, follows)."""
    b_low, b_high, _ = bucket
    if b_high == b_low == low:  # a point on the left edge belongs to the first bucket only
        return (1.0, False, False) if first else (0.0, True, False)
    if b_high < low:
        return 0.0, True, False
    if b_low > high:
        return 0.0, False, True
    if low <= b_low and high >= b_high:
        return 1.0, False, False
    if low <= b_low:
        return (high - b_low) / (b_high - b_low), False, False
    if high >= b_high:
        return (b_high - low) / (b_high - b_low), False, False
    return (high - low) / (b_high - b_low), False, False


def equi_width_histogram(
    boundaries: np.ndarray,
    cumulative: np.ndarray,
    finite_min: float,
    finite_max: float,
    num_pos_inf: float,
    num_buckets: int = NUM_HISTOGRAM_BUCKETS,
) -> Histogram:
    """TFDV's ``generate_equi_width_histogram``: the standard histogram from quantiles.

    Args:
        boundaries: Quantile boundaries from `quantiles_and_cumulative_weights`.
        cumulative: Their cumulative weights.
        finite_min: Smallest finite value.
        finite_max: Largest finite value.
        num_pos_inf: Number of ``+inf`` values.
        num_buckets: Equal-width buckets between ``finite_min`` and ``finite_max``.

    Returns:
        The standard histogram, with ``(-inf, -inf)``/``(inf, inf)`` buckets for infinities.
    """
    if not np.isfinite(finite_min) and not np.isfinite(finite_max):
        return Histogram(((finite_min, finite_max, float(cumulative[-1])),))
    boundaries, cumulative, num_neg_inf = _strip_infinities(
        boundaries, cumulative, finite_max, num_pos_inf
    )
    source = quantiles_histogram(boundaries, cumulative).buckets
    if finite_min == finite_max:
        edges = np.array([finite_min, finite_max])
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            edges = np.linspace(finite_min, finite_max, num_buckets + 1)
        if not np.isfinite(edges).all():
            return Histogram(())  # overflow: TFDV returns an empty histogram too
    buckets: list[tuple[float, float, float]] = []
    if num_neg_inf:
        buckets.append((-np.inf, -np.inf, num_neg_inf))
    start = 0
    for i in range(edges.size - 1):
        low, high = float(edges[i]), float(edges[i + 1])
        count = 0.0
        for index in range(start, len(source)):
            overlap, precedes, follows = _overlap(source[index], low, high, first=i == 0)
            if follows:
                break
            if precedes:
                start = index
            count += overlap * source[index][2]
        buckets.append((low, high, count))
    if num_pos_inf:
        buckets.append((np.inf, np.inf, float(num_pos_inf)))
    return Histogram(tuple(buckets))


def tfdv_histograms(
    values: np.ndarray,
    weights: np.ndarray,
    finite_min: float,
    finite_max: float,
    num_pos_inf: float,
) -> tuple[Histogram, Histogram, float]:
    """Standard histogram, 10-bucket quantiles histogram and median, as TFDV derives them.

    Args:
        values: Distinct values (infinities included), ascending.
        weights: Their counts.
        finite_min: Smallest finite value (``inf`` if none).
        finite_max: Largest finite value (``-inf`` if none).
        num_pos_inf: Number of ``+inf`` values.

    Returns:
        ``(standard, quantiles, median)``.
    """
    boundaries, cumulative = quantiles_and_cumulative_weights(values, weights)
    median = float(_median(boundaries))
    standard = equi_width_histogram(boundaries, cumulative, finite_min, finite_max, num_pos_inf)
    quantiles = quantiles_histogram(*_rebin(boundaries, cumulative, NUM_QUANTILES // 10))
    return standard, quantiles, median


def _median(boundaries: np.ndarray) -> float:
    """TFDV's ``find_median``: the middle boundary (or the mean of the two middle ones)."""
    middle = boundaries.size // 2
    if boundaries.size % 2 == 0:
        return (boundaries[middle - 1] + boundaries[middle]) / 2.0
    return boundaries[middle]
