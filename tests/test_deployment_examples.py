"""The deployment examples show what their pages say, on the local store and on a real server."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from mlops_atlas.runner import EXAMPLES_DIR

pytestmark = pytest.mark.examples


def run(name: str, output: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("MLOPS_ATLAS_OUTPUT", str(output))
    return runpy.run_path(str(EXAMPLES_DIR / f"{name}.py"), run_name="__main__")


@pytest.fixture(scope="module")
def staged_run(example_run):
    return example_run("staged_deployment")


@pytest.fixture(scope="module")
def staged(staged_run) -> dict:
    return staged_run.namespace()


def test_the_leaky_version_is_the_best_offline(staged) -> None:
    offline = staged["offline"]
    assert offline["1"] < offline["2"] < offline["3"]
    assert offline["3"] > 0.9  # what a gate on offline accuracy alone would ship


def test_version_2_is_promoted_through_shadow_and_every_canary_step(staged) -> None:
    promotion = staged["promotion"]
    assert promotion.decision == "promoted"
    assert promotion.previous_champion == "1"
    assert promotion.aliases == {"champion": "2"}  # no challenger left behind
    assert promotion.canary.passed
    assert [step.fraction for step in promotion.canary.steps] == [0.10, 0.25, 0.50]
    assert all(step.challenger_metric >= staged["GUARDRAIL"] for step in promotion.canary.steps)
    assert 0.05 < promotion.shadow.disagreement_rate < 0.25


def test_version_3_is_rolled_back_at_the_first_canary_step(staged) -> None:
    rollback, guardrail = staged["rollback"], staged["GUARDRAIL"]
    assert rollback.decision == "rolled_back"
    assert rollback.aliases == {"champion": "2"}
    assert len(rollback.canary.steps) == 1
    failed = rollback.canary.failed_step
    assert failed.fraction == 0.10
    assert failed.challenger_metric < guardrail <= failed.champion_metric
    # the shadow stage already showed it: far more disagreement, far fewer predicted defaults
    assert rollback.shadow.disagreement_rate > 1.5 * staged["promotion"].shadow.disagreement_rate
    assert rollback.shadow.challenger_positive_rate < rollback.shadow.champion_positive_rate / 2


def expected_tags(staged) -> dict[str, dict[str, str]]:
    promotion, rollback = staged["promotion"], staged["rollback"]
    return {
        "1": {"rollout.decision": "promoted", "rollout.superseded_by": "2"},
        "2": {
            "rollout.decision": "promoted",
            "rollout.previous_champion": "1",
            "canary.guardrail": "0.7000",
            "shadow.requests": "2000",
            "shadow.disagreement_rate": f"{promotion.shadow.disagreement_rate:.4f}",
        },
        "3": {
            "rollout.decision": "rolled_back",
            "canary.guardrail": "0.7000",
            "canary.live_accuracy": f"{rollback.canary.steps[0].challenger_metric:.4f}",
            "shadow.disagreement_rate": f"{rollback.shadow.disagreement_rate:.4f}",
        },
    }


def test_the_registry_records_every_decision(staged) -> None:
    assert staged["final_aliases"] == {"champion": "2"}
    for version, tags in expected_tags(staged).items():
        assert tags.items() <= staged["final_tags"][version].items(), version
    assert "fell below the guardrail 0.70" in staged["final_tags"]["3"]["rollout.reason"]


def test_the_figure_and_the_run(staged, staged_run) -> None:
    (saved,) = staged_run.figures
    assert saved.name == staged["saved"].name == "staged_deployment-canary.svg"
    assert saved.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    from mlflow import MlflowClient

    logged = MlflowClient(tracking_uri=staged_run.tracking_uri)  # the store the run logged to
    experiment = logged.get_experiment_by_name("shankar2022-staged-deployment")
    runs = logged.search_runs(
        [experiment.experiment_id], filter_string="attributes.run_name = 'staged rollouts'"
    )
    assert runs[0].data.metrics["v3_promoted"] == 0.0
    assert runs[0].data.metrics["v2_promoted"] == 1.0


def test_staged_deployment_against_a_real_mlflow_server(
    mlflow_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server)
    result = run("staged_deployment", tmp_path, monkeypatch)
    from mlflow import MlflowClient

    server = MlflowClient(tracking_uri=mlflow_server)  # asks the server, not the local store
    registered = server.get_registered_model("staged-deployment-credit")
    assert {alias: str(v) for alias, v in registered.aliases.items()} == {"champion": "2"}
    for version, tags in expected_tags(result).items():
        assert tags.items() <= server.get_model_version(registered.name, version).tags.items()
    loaded = server.get_model_version_by_alias(registered.name, "champion")
    assert loaded.tags["rollout.previous_champion"] == "1"


@pytest.fixture(scope="module")
def environments(example_run) -> dict:
    return example_run("environments").namespace()


def test_the_first_release_goes_all_the_way(environments) -> None:
    first = environments["first"]
    assert first.reached == "prod"
    assert [p.environment for p in first.promotions] == ["dev", "test", "prod"]
    blessing = first.promotions[1].checks[-1]
    assert blessing.name == "blessing"
    assert "rubber stamped" in blessing.detail  # nothing in production to compare with


def test_a_change_that_hurts_one_region_stops_in_test(environments) -> None:
    second = environments["second"]
    assert second.reached == "dev"
    dev, test = second.promotions
    assert all(check.passed for check in dev.checks)  # dev's small sample does not see it
    assert test.version is None
    failed = [check for check in test.checks if not check.passed]
    assert [check.name for check in failed] == ["blessing"]
    assert "region=south" in failed[0].detail
    assert "overall" not in failed[0].detail  # better on average
    assert environments["refused_tags"]["promotion.test"].startswith("refused: blessing")


def test_the_fixed_change_replaces_production(environments) -> None:
    assert environments["third"].reached == "prod"
    assert environments["deployed"] == {"dev": "3", "test": "2", "prod": "2"}
    assert environments["third"].deployed == environments["deployed"]
