"""Baselines, metrics, the timed search and the retraining policies, on small inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlops_atlas.training import (
    EPOCHS,
    RuleBaseline,
    drifting_batch,
    evaluate,
    expected_calibration_error,
    forest_search_space,
    make_churn_data,
    simulate_continual_learning,
    timed_search,
)


def test_rule_baseline_scores_are_the_training_frequencies() -> None:
    train = pd.DataFrame({"calls": [0, 1, 3, 4, 5, 0]})
    rule = RuleBaseline(min_calls=3).fit(train, np.array([0, 1, 1, 1, 0, 0]))
    assert rule.rates_ == pytest.approx((1 / 3, 2 / 3))
    test = pd.DataFrame({"calls": [2, 3]})
    assert rule.predict(test).tolist() == [0, 1]
    assert rule.predict_proba(test)[:, 1] == pytest.approx([1 / 3, 2 / 3])


def test_calibration_error_is_zero_for_frequencies_and_large_for_coin_flips() -> None:
    rng = np.random.default_rng(0)
    scores = rng.random(50_000)
    labels = (rng.random(50_000) < scores).astype(int)  # calibrated by construction
    assert expected_calibration_error(labels, scores) < 0.01
    assert expected_calibration_error(labels, (scores > 0.5).astype(float)) > 0.2


def test_evaluate_slices_recall_by_region() -> None:
    labels = np.array([1, 1, 1, 1, 0, 0])
    decisions = np.array([1, 1, 0, 0, 0, 0])
    regions = np.array(["north", "north", "south", "south", "north", "south"])
    result = evaluate("m", labels, decisions.astype(float), decisions, regions)
    assert result.recall == 0.5
    assert result.recall_by_region == {"north": 1.0, "south": 0.0}
    assert result.worst_region == ("south", 0.0)


def test_churn_data_has_the_promised_shape() -> None:
    data = make_churn_data(20_000, np.random.default_rng(0))
    assert list(data.columns) == ["tenure", "charges", "calls", "region", "churned"]
    assert (data["region"] == "south").mean() == pytest.approx(0.1, abs=0.01)
    # support calls predict churn everywhere but in the south
    calls = data["calls"] >= 3
    south = data["region"] == "south"
    lift = data[calls & ~south]["churned"].mean() - data[~calls & ~south]["churned"].mean()
    south_lift = data[calls & south]["churned"].mean() - data[~calls & south]["churned"].mean()
    assert lift > 0.15
    assert abs(south_lift) < 0.08


@pytest.mark.slow  # a pool of worker processes
def test_timed_search_counts_fits_and_finds_the_same_winner_serially_and_in_parallel() -> None:
    data = make_churn_data(600, np.random.default_rng(0))
    forest, grid = forest_search_space(0)
    inputs, labels = data.drop(columns="churned"), data["churned"]
    serial = timed_search(forest, grid, inputs, labels, n_jobs=1)
    parallel = timed_search(forest, grid, inputs, labels, n_jobs=2)
    assert serial.fits == 2 * 2 * 3 + 1
    assert serial.best_params == parallel.best_params
    assert serial.best_score == pytest.approx(parallel.best_score)
    assert serial.seconds > 0


def test_drifting_batch_turns_inputs_and_concept_together() -> None:
    rng = np.random.default_rng(0)
    start, later = drifting_batch(0, 5_000, rng, turn=0.1), drifting_batch(10, 5_000, rng, turn=0.1)
    assert start["x1"].mean() == pytest.approx(0.0, abs=0.1)  # centre at angle pi/2
    assert start["x2"].mean() == pytest.approx(1.5, abs=0.1)
    assert later["x1"].mean() < -1.0  # a radian later the centre has moved
    # the old rule (x1 > 0) is much worse on the later world
    old_rule = ((later["x1"] > 0) == later["converted"]).mean()
    assert old_rule < ((start["x1"] > 0) == start["converted"]).mean() - 0.2


def test_compute_is_counted_as_rows_times_passes() -> None:
    result = simulate_continual_learning(batches=4, batch_size=100, every=2, window=3)
    initial = 3 * 100 * EPOCHS
    assert result.runs["never"].rows_processed == [initial] * 4
    assert result.runs["stateful"].rows_processed == [initial + 100 * k for k in range(1, 5)]
    scheduled = result.runs["scheduled"]
    assert scheduled.retrained_at == [1, 3]
    assert scheduled.rows_processed == [initial, 2 * initial, 2 * initial, 3 * initial]
