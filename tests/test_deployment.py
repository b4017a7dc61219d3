"""The deployment library: the lending world, shadow and canary stages, the pipeline's configuration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlops_atlas.deployment import (
    CHECKS,
    LABEL,
    LEAKY_FEATURE,
    ConfigError,
    DeploymentError,
    load_pipeline_config,
    make_applications,
    model_uri,
    run_canary,
    run_shadow,
    with_features,
)
from mlops_atlas.errors import AtlasError
from mlops_atlas.runner import EXAMPLES_DIR

PIPELINE = EXAMPLES_DIR / "environments" / "pipeline.yaml"


class Constant:
    """A model that answers the same class for every request."""

    def __init__(self, answer: int) -> None:
        self.answer = answer

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.full(len(frame), self.answer)


class Column:
    """A model that answers the value of one column."""

    def __init__(self, name: str) -> None:
        self.name = name

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return frame[self.name].to_numpy()


def test_the_leak_is_there_offline_and_gone_at_decision_time() -> None:
    history = make_applications(seed=3, rows=5_000)
    live = make_applications(seed=3, rows=5_000, serving=True)
    agreement = (history[LEAKY_FEATURE] == history[LABEL]).mean()
    assert agreement > 0.9  # offline, the column nearly is the label
    assert live[LEAKY_FEATURE].sum() == 0
    # everything else is the same draw
    pd.testing.assert_frame_equal(
        history.drop(columns=LEAKY_FEATURE), live.drop(columns=LEAKY_FEATURE)
    )


def test_only_the_south_has_a_local_score() -> None:
    frame = make_applications(seed=1, rows=2_000)
    assert (frame.loc[frame["region"] != "south", "local_score"] == 0).all()
    assert frame.loc[frame["region"] == "south", "local_score"].std() > 0.5


def test_model_uri_by_alias_or_version() -> None:
    assert model_uri("credit", "challenger") == "models:/credit@challenger"
    assert model_uri("credit", "12") == "models:/credit/12"


def test_shadow_counts_disagreements_without_labels() -> None:
    requests = pd.DataFrame({"guess": [0, 1, 1, 0, 1]})
    report = run_shadow(Constant(1), Column("guess"), requests)
    assert (report.requests, report.disagreements) == (5, 2)
    assert report.disagreement_rate == pytest.approx(0.4)
    assert report.champion_positive_rate == 1.0
    assert report.challenger_positive_rate == pytest.approx(0.6)


def test_shadow_needs_requests() -> None:
    with pytest.raises(DeploymentError, match="at least one request"):
        run_shadow(Constant(1), Constant(0), pd.DataFrame({"x": []}))


def batches(count: int, rows: int = 400) -> list[pd.DataFrame]:
    """Batches whose label is always 1: a model answering 1 is always right."""
    return [pd.DataFrame({"x": np.zeros(rows), "y": np.ones(rows, dtype=int)})] * count


def test_canary_runs_every_step_of_a_good_challenger() -> None:
    report = run_canary(
        Constant(0), Constant(1), batches(3), (0.1, 0.25, 0.5), guardrail=0.9, label="y", seed=0
    )
    assert report.passed
    assert report.failed_step is None
    assert [step.fraction for step in report.steps] == [0.1, 0.25, 0.5]
    assert all(step.challenger_metric == 1.0 for step in report.steps)
    assert all(step.champion_metric == 0.0 for step in report.steps)
    # routing follows the fraction: about 10%, 25%, 50% of each batch of 400
    for step in report.steps:
        assert step.challenger_requests / 400 == pytest.approx(step.fraction, abs=0.05)
        assert step.challenger_requests + step.champion_requests == 400


def test_canary_stops_at_the_first_step_below_the_guardrail() -> None:
    report = run_canary(
        Constant(1), Constant(0), batches(3), (0.1, 0.25, 0.5), guardrail=0.5, label="y", seed=0
    )
    assert not report.passed
    assert len(report.steps) == 1
    assert report.failed_step is report.steps[0]
    assert report.failed_step.challenger_metric == 0.0
    assert "below the guardrail 0.50" in report.summary()


def test_the_guardrail_itself_passes() -> None:
    report = run_canary(
        Constant(0), Constant(1), batches(1), (0.5,), guardrail=1.0, label="y", seed=0
    )
    assert report.passed


@pytest.mark.parametrize(
    ("fractions", "count", "message"),
    [
        ((0.0, 0.5), 2, r"fractions must each be in \(0, 1\]"),
        ((0.5, 1.5), 2, r"fractions must each be in \(0, 1\]"),
        ((), 2, r"fractions must each be in \(0, 1\]"),
        ((0.1, 0.2, 0.3), 2, "3 steps but only 2 batches"),
    ],
)
def test_canary_settings_are_checked(fractions, count, message) -> None:
    with pytest.raises(DeploymentError, match=message):
        run_canary(
            Constant(0), Constant(1), batches(count), fractions, guardrail=0.5, label="y", seed=0
        )


def test_a_step_that_routes_nothing_is_an_error_not_a_pass() -> None:
    with pytest.raises(DeploymentError, match="routed 0 requests to the challenger"):
        run_canary(
            Constant(0), Constant(1), batches(1, rows=3), (0.001,), guardrail=0.5, label="y", seed=0
        )


def test_the_example_pipeline_configuration() -> None:
    config = load_pipeline_config(PIPELINE)
    assert [env.name for env in config.environments] == ["dev", "test", "prod"]
    assert config.registered_model(config.environments[2]) == "environments-credit-prod"
    dev, test, prod = config.environments
    assert dev.rows < test.rows
    assert prod.serving
    assert not dev.serving
    assert "blessing" in test.checks
    assert test.tolerance == 0.01
    assert set(dev.checks + test.checks + prod.checks) <= set(CHECKS)
    assert with_features(config, ["x1"]).features == ("x1",)
    assert config.features == ("x1", "x2", "local_score")  # with_features copies


def write(folder: Path, text: str) -> Path:
    path = folder / "pipeline.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = PIPELINE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("checks: [schema, smoke]", "checks: [schema, smok]"), r"environment 'prod' 'checks'"),
        (("rows: 4000 ", "rows: many "), r"environment 'dev' 'rows': must be a whole number"),
        (("tolerance: 0.01", "tolerance: -1"), r"environment 'test' 'tolerance'"),
        (("serving: true", "serving: yes please"), r"environment 'prod' 'serving'"),
        (("features: [x1, x2, local_score]", "features: []"), r"'features': must be a non-empty"),
        (("  - name: test", "  - name: dev"), r"names must be unique"),
        (("model: environments-credit", "model: ''"), r"'model': must be a non-empty text"),
    ],
)
def test_a_bad_setting_is_named_with_its_file(tmp_path: Path, edit, message) -> None:
    old, new = edit
    assert old in GOOD, f"the example file no longer contains {old!r}"
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError, match=message) as caught:
        load_pipeline_config(path)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, AtlasError)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_pipeline_config(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_pipeline_config(write(tmp_path, "model: [unclosed"))
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_pipeline_config(write(tmp_path, "- just\n- a list\n"))
    with pytest.raises(ConfigError, match="'environments': must be a non-empty list"):
        load_pipeline_config(write(tmp_path, "features: [x1]\nenvironments: []\n"))


def test_a_dead_tracking_server_is_one_line_not_minutes_of_retries(monkeypatch) -> None:
    import socket

    from mlops_atlas.deployment import reset_registered_model
    from mlops_atlas.tracking import TrackingError

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{port}")
    with pytest.raises(TrackingError, match=r"not reachable \(connection refused\)"):
        reset_registered_model("anything")


def test_a_rollout_needs_a_champion_and_a_broken_one_leaves_no_challenger() -> None:
    from mlops_atlas.deployment import (
        aliases,
        bootstrap_champion,
        make_model,
        register_model,
        staged_rollout,
        version_tags,
    )

    frame = make_applications(seed=5, rows=300)
    model = make_model(["x1", "x2"]).fit(frame, frame[LABEL])
    name = "test-deployment-no-champion"
    first, second = (
        register_model(model, name, experiment="test-deployment", params={}, metrics={})
        for _ in range(2)
    )
    plan = {"canary_batches": [frame], "fractions": (0.5,), "guardrail": 0.5, "label": LABEL}
    with pytest.raises(DeploymentError, match=r"has no 'champion' alias: .*bootstrap_champion"):
        staged_rollout(name, second, shadow_requests=frame, seed=0, **plan)
    assert aliases(name) == {}  # refused before any alias moved

    bootstrap_champion(name, first, reason="test")
    with pytest.raises(DeploymentError, match="at least one request"):
        staged_rollout(name, second, shadow_requests=frame.iloc[:0], seed=0, **plan)
    assert aliases(name) == {"champion": first}  # the challenger alias was taken back
    assert version_tags(name, second)["rollout.decision"] == "aborted"


def test_registry_errors_are_one_line() -> None:
    from mlops_atlas.deployment import aliases
    from mlops_atlas.tracking import TrackingError

    with pytest.raises(TrackingError, match=r"MLflow model registry: .*no-such-model"):
        aliases("no-such-model")
