"""The validation examples catch what they claim to catch."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.examples


@pytest.fixture(scope="module")
def skew_run(example_run) -> dict:
    return example_run("train_serve_skew").namespace()


def test_each_serving_problem_is_caught_by_type_and_feature(skew_run) -> None:
    serving = skew_run["anomalies"].types()
    assert serving["Region"] == ["SCHEMA_NEW_COLUMN"]  # the renamed column...
    assert serving["region"] == ["SCHEMA_MISSING_COLUMN"]  # ...and the one it replaced
    assert serving["plan"] == ["ENUM_TYPE_UNEXPECTED_STRING_VALUES"]  # a new category
    assert "enterprise" in skew_run["anomalies"].anomalies["plan"][0].description
    assert set(serving["income"]) == {"INVALID_FEATURE_SHAPE", "FEATURE_TYPE_LOW_FRACTION_PRESENT"}
    assert "churn" not in serving  # the label is not expected at serving time


def test_shifted_distribution_and_new_category_exceed_skew_thresholds(skew_run) -> None:
    skew = skew_run["skew"]
    measured = {m.feature: m for m in skew.measurements}
    assert measured["age"].measure == "JENSEN_SHANNON_DIVERGENCE"
    assert measured["age"].value > measured["age"].threshold == 0.1
    assert measured["plan"].measure == "L_INFTY"
    assert measured["plan"].worst_value == "enterprise"
    assert measured["plan"].value == pytest.approx(0.15, abs=0.01)  # 750 of 5000 rows
    assert not measured["income"].exceeded  # missing values do not move the distribution
    assert skew.types()["age"] == ["COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH"]
    assert skew.types()["region"] == ["COMPARATOR_CONTROL_DATA_MISSING"]


def test_clean_batch_has_no_anomaly(skew_run) -> None:
    assert skew_run["clean_anomalies"].ok
    assert skew_run["clean_skew"].ok
    assert all(m.value < m.threshold / 2 for m in skew_run["clean_skew"].measurements)


def test_skew_figure_is_written(example_run) -> None:
    figures = example_run("train_serve_skew").figures
    assert [figure.name for figure in figures] == ["train_serve_skew-distributions.svg"]


@pytest.fixture(scope="module")
def blessing(example_run) -> dict:
    return example_run("model_blessing").namespace()


def test_candidate_better_overall_is_refused_for_the_worse_slice(blessing, example_run) -> None:
    result = blessing["result"]
    assert not result.blessed
    assert result.failed_slices == ["region=south"]
    (failure,) = result.failures
    assert failure.baseline - failure.candidate > 0.05  # the south loses clearly...
    assert "worse by" in failure.message
    figures = example_run("model_blessing").figures
    assert [figure.name for figure in figures] == ["model_blessing-slices.svg"]


def test_candidate_wins_overall_in_the_blessing_example(blessing) -> None:
    baseline, candidate = blessing["baseline_metrics"], blessing["candidate_metrics"]
    assert candidate["overall"] > baseline["overall"] + 0.05  # ...while the average improves


def test_validation_at_scale_agrees_every_way_and_bounds_memory(example_run) -> None:
    run = example_run("validation_at_scale")
    result = run.namespace()
    assert result["same_everywhere"] is True
    assert set(result["results"]) == {
        "in memory",
        "CSV in chunks",
        "Parquet in chunks",
        "Dask, 4 partitions",
    }
    types = result["results"]["in memory"].types()
    assert types == {
        "orders": ["COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH"],
        "plan": ["COMPARATOR_L_INFTY_HIGH"],
    }  # the shifted count and the shifted plan mix; amount and city did not move
    assert result["peak_chunked"] < result["peak_whole"] / 2
    assert 0.01 < result["no_drift"] < 0.05 < result["shifted"]  # the floor, and the drift above it
    assert [figure.name for figure in run.figures] == ["validation_at_scale-orders.svg"]
