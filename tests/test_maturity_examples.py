"""The maturity example: three teams land on Google levels 0, 1 and 2; this repository's
detected answers each name a file that exists."""

from __future__ import annotations

import pytest

from mlops_atlas.runner import EXAMPLES_DIR

pytestmark = pytest.mark.examples

ROOT = EXAMPLES_DIR.parent


@pytest.fixture(scope="module")
def run(example_run):
    return example_run("maturity_teams")


@pytest.fixture(scope="module")
def teams(run) -> dict:
    return run.namespace()["results"]


def test_the_three_teams_land_on_google_levels_0_1_2(teams) -> None:
    assert [teams[n].google_level for n in ("notebook_team", "training_team", "cicd_team")] == [
        0,
        1,
        2,
    ]


def test_microsoft_overall_is_the_weakest_dimension_for_each_team(teams) -> None:
    # Worked by hand from examples/maturity/*.yaml and data/microsoft.yaml.
    assert teams["notebook_team"].microsoft_dimensions == {
        "people": 1,
        "model_creation": 0,
        "model_release": 0,
        "application_integration": 0,
    }
    assert teams["training_team"].microsoft_dimensions == {
        "people": 2,
        "model_creation": 3,
        "model_release": 2,
        "application_integration": 2,
    }
    assert teams["cicd_team"].microsoft_dimensions == {
        "people": 3,
        "model_creation": 4,
        "model_release": 4,
        "application_integration": 4,
    }
    assert [teams[n].microsoft_level for n in ("notebook_team", "training_team", "cicd_team")] == [
        0,
        2,
        3,
    ]


def test_the_minimum_rule_bites_for_the_training_team(teams) -> None:
    training = teams["training_team"].ml_test_score
    # data 4 automated + 3 manual; model 3 automated + 3 manual; infrastructure 3 + 2;
    # monitoring 0 automated + 2 manual.
    assert training == {
        "data": 5.5,
        "model": 4.5,
        "infrastructure": 4.0,
        "monitoring": 1.0,
        "final": 1.0,
    }
    assert sum(training[s] for s in ("data", "model", "infrastructure", "monitoring")) / 4 > 3
    assert teams["notebook_team"].ml_test_score["final"] == 0
    assert teams["cicd_team"].ml_test_score["final"] == 5.0
    assert teams["cicd_team"].band.startswith("Strong levels of automated testing")


def test_this_repository_is_assessed_from_its_own_files(teams) -> None:
    repository = teams["this_repository"]
    detected = {d.question: d for d in repository.detected}
    assert "kreuzberger.C3" in detected  # examples/kubeflow_pipeline.py declares a kfp pipeline
    assert "kreuzberger.C7" in detected  # MLflow tracking
    for item in repository.detected:
        assert (ROOT / item.file).exists(), item
    # Nothing the files cannot show is scored: it is left unanswered.
    assert "mlts.model.7" in repository.unanswered
    assert repository.google_level == 0


def test_the_example_saves_both_charts(run) -> None:
    assert [figure.name for figure in run.figures] == [
        "maturity_teams-coverage.svg",
        "maturity_teams-ml-test-score.svg",
    ]
    for figure in run.figures:
        assert figure.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_the_script_prints_the_levels_table(run) -> None:
    assert "Notebook & email          0         0  0.5/1/0.5/0 -> 0" in run.stdout
    assert "average of sections 3.75, final (minimum) 1" in run.stdout
