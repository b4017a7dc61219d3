"""Numeric histograms built as TFDV builds them (issue 11: the integer-histogram drift bug).

The expected numbers in the first tests are those of tfx-bsl's ``quantiles_sketch_test.py``
and TFDV's ``quantiles_util_test.py``: the port must reproduce them exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlops_atlas.validation import (
    compute_statistics,
    infer_schema,
    jensen_shannon_divergence,
    set_default_thresholds,
    validate_statistics,
)
from mlops_atlas.validation.drift import _jsd, align_histograms
from mlops_atlas.validation.histograms import (
    Histogram,
    equi_width_histogram,
    quantiles_and_cumulative_weights,
    quantiles_histogram,
)

INF = float("inf")


@pytest.mark.parametrize(
    ("values", "weights", "num_quantiles", "quantiles", "cumulative"),
    [
        (np.arange(1.0, 301.0), np.ones(300), 5, [1, 61, 121, 181, 241, 300], None),
        ([1.0, 2.0, 3.0, 4.0], [2, 6, 2, 2], 3, [1, 2, 3, 4], [2, 8, 10, 12]),
        ([0.0], [100], 3, [0, 0, 0, 0], [100, 100, 100, 100]),
        ([-INF, 1, 2, 3, 4, 5, INF], [3, 2, 1, 1, 1, 1, 3], 5, [-INF, -INF, 1, 4, INF, INF], None),
    ],
)
def test_quantiles_are_tfx_bsl_summary_quantiles(
    values, weights, num_quantiles, quantiles, cumulative
) -> None:
    q, w = quantiles_and_cumulative_weights(
        np.asarray(values, float), np.asarray(weights, float), num_quantiles
    )
    assert q.tolist() == quantiles
    if cumulative is not None:
        assert w.tolist() == cumulative


def test_repeated_quantiles_become_point_buckets_sharing_their_mass() -> None:
    histogram = quantiles_histogram(
        np.array([1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 4.0]), np.array([1, 34, 34, 34, 51, 51, 60])
    )
    assert [count for _, _, count in histogram.buckets] == [12.0, 11.0, 11.0, 8.5, 8.5, 9.0]
    assert [(low, high) for low, high, _ in histogram.buckets][1] == (2.0, 2.0)


@pytest.mark.parametrize(
    ("quantiles", "cumulative", "low", "high", "buckets", "pos_inf", "expected"),
    [
        ([1, 2, 2, 2, 3, 3, 4], [1, 34, 34, 34, 51, 51, 60], 1, 4, 2, 0, [38.25, 21.75]),
        ([1, 2, 3, 4, 5, 7], [2, 5, 7, 10, 12, 15], 1, 7, 2, 0, [10, 5]),
        ([1, 2, 3, 4, 5, 7], [2, 5, 7, 10, 12, 15], 1, 7, 4, 0, [6, 4, 2.75, 2.25]),
        ([-INF, -INF, 1, 2, 3], [5, 7, 10, 12, 15], 1, 3, 4, 0, [7, 2.5, 2.5, 1.5, 1.5]),
        ([1, 2, 3, INF, INF], [3, 5, 6, 7, 8], 1, 4, 2, 0.5, [5.5, 2, 0.5]),
        ([-INF, 1, INF], [3, 5, 9], 1, 1, 99, 4, [3, 2, 4]),
    ],
)
def test_standard_histogram_is_tfdv_equi_width_histogram(
    quantiles, cumulative, low, high, buckets, pos_inf, expected
) -> None:
    histogram = equi_width_histogram(
        np.asarray(quantiles, float), np.asarray(cumulative, float), low, high, pos_inf, buckets
    )
    assert [count for _, _, count in histogram.buckets] == pytest.approx(expected)


def test_overflowing_range_gives_an_empty_histogram_as_tfdv() -> None:
    big = 1.7976931348623157e308
    histogram = equi_width_histogram(
        np.array([-big, 0.0, big]), np.array([1.0, 3.0, 5.0]), -big, big, 0, 3
    )
    assert histogram.buckets == ()


def test_an_integer_on_an_inner_edge_belongs_to_the_bucket_on_its_left() -> None:
    # 0..10 spread on 10 buckets of width 1: edges fall on every integer.
    values = np.repeat(np.arange(11), 100)
    histogram = compute_statistics(pd.DataFrame({"n": values}))["n"].histogram
    counts = [count for _, _, count in histogram.buckets]
    assert counts[0] == pytest.approx(200, abs=1)  # [0, 1] holds 0 and 1
    assert counts[1:] == pytest.approx([100] * 9, abs=1)  # (k-1, k] holds k
    # numpy.histogram's [k, k+1) buckets, the old construction, put 9 and 10 together instead.
    assert np.histogram(values, np.linspace(0, 10, 11))[0][-1] == 200


def _old_standard_histogram(values: np.ndarray) -> Histogram:
    """The construction this package used before: exact counts in [low, high) buckets."""
    edges = np.linspace(values.min(), values.max(), 11)
    counts, _ = np.histogram(values, edges)
    return Histogram(tuple(zip(edges[:-1], edges[1:], counts.astype(float), strict=True)))


def _poisson(lam: float, seed: int, n: int = 100_000) -> np.ndarray:
    return np.random.default_rng(seed).poisson(lam, n)


def _drift(previous: np.ndarray, current: np.ndarray, threshold: float = 0.01):
    training = compute_statistics(pd.DataFrame({"count": previous}))
    batch = compute_statistics(pd.DataFrame({"count": current}))
    schema = set_default_thresholds(infer_schema(training), numeric=threshold)
    return validate_statistics(batch, schema, previous_statistics=training)


def test_poisson_counts_without_drift_stay_below_a_001_threshold() -> None:
    previous, current = _poisson(2.0, seed=2), _poisson(2.0, seed=7)
    assert (previous.min(), previous.max()) == (current.min(), current.max())
    result = _drift(previous, current)
    assert result.ok, result.table()
    (measurement,) = result.measurements
    assert measurement.value < 0.001


def test_poisson_counts_with_a_real_shift_are_drift() -> None:
    previous, current = _poisson(2.0, seed=2), _poisson(2.6, seed=7)
    result = _drift(previous, current)
    assert result.types() == {"count": ["COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH"]}
    assert result.measurements[0].value > 0.01


def test_edge_integers_no_longer_inflate_the_divergence_several_times() -> None:
    # Same distribution, maxima 10 and 11: with the old [low, high) counting every
    # integer of the max-10 batch sat on the left edge of its bucket; TFDV's
    # construction gives about a sixth of that divergence.
    rng = np.random.default_rng(3)
    current, previous = rng.poisson(2.0, 100_000), rng.poisson(2.0, 100_000)
    assert (current.max(), previous.max()) == (10, 11)
    old = _jsd(
        *align_histograms(_old_standard_histogram(current), _old_standard_histogram(previous))
    )
    stats = [compute_statistics(pd.DataFrame({"x": v}))["x"] for v in (current, previous)]
    new = jensen_shannon_divergence(*stats)
    assert old > 0.05
    assert new < old / 4


def test_quantiles_histogram_has_ten_equal_masses_and_can_be_compared() -> None:
    stats = compute_statistics(pd.DataFrame({"x": np.arange(1000.0)}))["x"]
    assert stats.quantiles.kind == "QUANTILES"
    assert [count for _, _, count in stats.quantiles.buckets] == pytest.approx([100] * 10, abs=1)
    assert stats.median == pytest.approx(499.5, abs=1)
    assert jensen_shannon_divergence(stats, stats, "QUANTILES") == pytest.approx(0.0, abs=1e-12)
