"""The validation examples catch what they claim to catch."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from mlops_atlas.runner import EXAMPLES_DIR

pytestmark = pytest.mark.examples


def load_example(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def skew_run(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("train_serve_skew")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLOPS_ATLAS_OUTPUT", str(folder))
        return load_example("train_serve_skew").main(), folder


def test_each_serving_problem_is_caught_by_type_and_feature(skew_run) -> None:
    serving = skew_run[0]["serving"].types()
    assert serving["Region"] == ["SCHEMA_NEW_COLUMN"]  # the renamed column...
    assert serving["region"] == ["SCHEMA_MISSING_COLUMN"]  # ...and the one it replaced
    assert serving["plan"] == ["ENUM_TYPE_UNEXPECTED_STRING_VALUES"]  # a new category
    assert "enterprise" in skew_run[0]["serving"].anomalies["plan"][0].description
    assert set(serving["income"]) == {"INVALID_FEATURE_SHAPE", "FEATURE_TYPE_LOW_FRACTION_PRESENT"}
    assert "churn" not in serving  # the label is not expected at serving time


def test_shifted_distribution_and_new_category_exceed_skew_thresholds(skew_run) -> None:
    skew = skew_run[0]["skew"]
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
    result = skew_run[0]
    assert result["clean"].ok
    assert result["clean_skew"].ok
    assert all(m.value < m.threshold / 2 for m in result["clean_skew"].measurements)


def test_skew_figure_is_written(skew_run) -> None:
    folder: Path = skew_run[1]
    assert (folder / "train_serve_skew-distributions.svg").is_file()


def test_candidate_better_overall_is_refused_for_the_worse_slice(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MLOPS_ATLAS_OUTPUT", str(tmp_path))
    module = load_example("model_blessing")
    result = module.main()
    assert not result.blessed
    assert result.failed_slices == ["region=south"]
    (failure,) = result.failures
    assert failure.baseline - failure.candidate > 0.05  # the south loses clearly...
    assert "worse by" in failure.message
    assert (tmp_path / "model_blessing-slices.svg").is_file()


def test_candidate_wins_overall_in_the_blessing_example(tmp_path) -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score

    module = load_example("model_blessing")
    rng = np.random.default_rng(module.SEED)
    train, evaluation = (
        module.make_world(rng, module.ROWS),
        module.make_world(rng, module.ROWS // 2),
    )
    scores = {}
    for name, features in (
        ("baseline", module.baseline_features),
        ("candidate", module.candidate_features),
    ):
        model = LogisticRegression().fit(features(train), train["label"])
        scores[name] = accuracy_score(evaluation["label"], model.predict(features(evaluation)))
    assert scores["candidate"] > scores["baseline"] + 0.05  # ...while the average improves


def test_validation_at_scale_agrees_every_way_and_bounds_memory(tmp_path, monkeypatch) -> None:
    import runpy

    monkeypatch.setenv("MLOPS_ATLAS_OUTPUT", str(tmp_path))
    result = runpy.run_path(str(EXAMPLES_DIR / "validation_at_scale.py"), run_name="__main__")
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
    assert (tmp_path / "validation_at_scale-orders.svg").is_file()
