"""Shifts do what their definitions say, and each monitor sees what it can see."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlops_atlas.monitoring import (
    ShiftError,
    calibrate_thresholds,
    column_drift,
    conversion_probability,
    input_drift,
    performance_drop,
    prediction_drift,
    sample_conversions,
)
from mlops_atlas.validation import compute_statistics

ROWS = 40_000


@pytest.fixture(scope="module")
def worlds() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(1)
    return {
        shift: sample_conversions(ROWS, rng, shift=shift)
        for shift in ("none", "covariate", "label", "concept")
    }


def conditional_rate(frame: pd.DataFrame) -> pd.Series:
    """Observed conversion rate by channel and binned income + engagement (a proxy of P(Y|X))."""
    score = pd.cut(frame["income"] + frame["engagement"], [-np.inf, 0, 1.5, 3, np.inf])
    return frame.groupby([frame["channel"], score], observed=True)["converted"].mean()


def test_covariate_shift_moves_inputs_but_keeps_the_concept(worlds) -> None:
    before, after = worlds["none"], worlds["covariate"]
    assert after["income"].mean() - before["income"].mean() == pytest.approx(1.0, abs=0.05)
    assert (after["channel"] == "ads").mean() > (before["channel"] == "ads").mean() + 0.1
    # the true P(Y | X) is unchanged: labels follow the same function of the inputs
    expected = conversion_probability(after).mean()
    assert after["converted"].mean() == pytest.approx(expected, abs=0.01)


def test_label_shift_changes_the_prior_and_keeps_each_class_alike(worlds) -> None:
    before, after = worlds["none"], worlds["label"]
    assert before["converted"].mean() == pytest.approx(0.3, abs=0.01)
    assert after["converted"].mean() == pytest.approx(0.7, abs=0.01)
    for label in (0, 1):  # P(X | Y) unchanged
        mean_before = before.loc[before["converted"] == label, "income"].mean()
        mean_after = after.loc[after["converted"] == label, "income"].mean()
        assert mean_after == pytest.approx(mean_before, abs=0.05)


def test_concept_drift_keeps_inputs_and_changes_the_answer(worlds) -> None:
    before, after = worlds["none"], worlds["concept"]
    for column in ("income", "engagement"):
        assert after[column].mean() == pytest.approx(before[column].mean(), abs=0.03)
    gap = (conditional_rate(after) - conditional_rate(before)).abs()
    assert gap.max() > 0.2  # same inputs, different outputs


def test_unknown_shift_and_unknown_channel_are_reported() -> None:
    with pytest.raises(ShiftError, match="unknown shift 'seasonal'"):
        sample_conversions(10, np.random.default_rng(0), shift="seasonal")
    frame = pd.DataFrame({"income": [0.0], "engagement": [0.0], "channel": ["tv"]})
    with pytest.raises(ShiftError, match=r"column 'channel'.*'tv'"):
        conversion_probability(frame)


def test_input_drift_reports_the_worst_column_against_its_own_level() -> None:
    rng = np.random.default_rng(0)
    reference = pd.DataFrame({"x": rng.normal(size=5_000), "c": rng.choice(["a", "b"], 5_000)})
    shifted = pd.DataFrame({"x": rng.normal(size=2_000) + 1.0, "c": rng.choice(["a", "b"], 2_000)})
    stats = compute_statistics(reference)
    values = column_drift(stats, shifted)
    assert values["x"] > 0.1
    assert values["c"] < 0.05
    reading = input_drift(stats, shifted)
    assert (reading.where, reading.alarm) == ("x", True)
    # a level above the value silences the column
    assert not input_drift(stats, shifted, {"x": 1.0}).alarm


def test_calibrated_levels_sit_above_every_quiet_reading() -> None:
    rng = np.random.default_rng(0)
    stats = compute_statistics(pd.DataFrame({"x": rng.normal(size=5_000)}))
    quiet = [column_drift(stats, pd.DataFrame({"x": rng.normal(size=1_000)})) for _ in range(10)]
    levels = calibrate_thresholds(quiet, margin=2.0)
    assert levels["x"] == pytest.approx(2 * max(q["x"] for q in quiet))
    assert all(q["x"] < levels["x"] for q in quiet)


def test_prediction_drift_sees_scores_move_and_not_noise() -> None:
    rng = np.random.default_rng(0)
    reference = rng.beta(2, 5, 5_000)
    assert not prediction_drift(reference, rng.beta(2, 5, 2_000), threshold=0.02).alarm
    assert prediction_drift(reference, rng.beta(5, 2, 2_000), threshold=0.02).alarm


def test_performance_drop_waits_for_labels() -> None:
    assert performance_drop(0.9, None, None).value is None
    assert not performance_drop(0.9, None, None).alarm
    reading = performance_drop(0.9, np.array([1, 1, 0, 0]), np.array([1, 1, 0, 1]), tolerance=0.1)
    assert reading.value == pytest.approx(0.15)
    assert reading.alarm
