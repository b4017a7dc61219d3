"""Fixed thresholds (Sculley et al. 2015, §7): the costs and the monitor behave as the example claims."""

from __future__ import annotations

import numpy as np
import pytest

from mlops_atlas.debt.thresholds import (
    BiasMonitor,
    best_threshold,
    decision_cost,
    simulate_fixed_threshold,
)


@pytest.fixture(scope="module")
def result():
    return simulate_fixed_threshold(seed=0)


def test_fixed_threshold_costs_more_after_the_prior_shift(result) -> None:
    assert result.cost_fixed_after > 1.3 * result.cost_relearned_after


def test_relearning_on_fresh_data_recovers_most_of_the_cost(result) -> None:
    assert result.recovered > 0.8
    assert (
        result.relearned_threshold > result.fixed_threshold
    )  # rarer positives call for a higher bar


def test_bias_monitor_fires_after_the_shift_and_not_before(result) -> None:
    assert not any(result.batch_alarm[: result.shift_batch])
    assert all(result.batch_alarm[result.shift_batch :])
    assert result.first_alarm == result.shift_batch


def test_no_shift_means_no_alarm_and_no_extra_cost() -> None:
    calm = simulate_fixed_threshold(seed=1, prior_after=0.5)
    assert not any(calm.batch_alarm)
    assert calm.cost_fixed_after == pytest.approx(calm.cost_before, abs=0.03)


def test_decision_cost_counts_misses_and_alarms() -> None:
    scores = np.array([0.9, 0.8, 0.1, 0.2])
    labels = np.array([1, 0, 1, 0])
    # at 0.5: one false alarm (cost 1) and one miss (cost 5) over four cases
    assert decision_cost(scores, labels, 0.5) == pytest.approx(1.5)
    assert (
        best_threshold(scores, labels) <= 0.1
    )  # flagging everything costs 2 alarms = 0.5 per case


def test_monitor_ignores_a_calibrated_batch() -> None:
    rng = np.random.default_rng(0)
    scores = rng.random(10_000)
    labels = (rng.random(10_000) < scores).astype(int)
    assert abs(BiasMonitor().bias(scores, labels)) < 0.02
    assert not BiasMonitor().alarms(scores, labels)
