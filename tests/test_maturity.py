"""The maturity models, the assessment rules, repository evidence and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from mlops_atlas.cli import main
from mlops_atlas.maturity import (
    AnswersError,
    EvidenceError,
    ModelError,
    assess,
    load_answers,
    load_models,
    parse_answers,
    scan_repository,
    template,
)
from mlops_atlas.maturity.models import DATA_DIR

FIXTURES = Path(__file__).parent / "fixtures" / "maturity"


# --- the models as data -------------------------------------------------------------------


def test_models_hold_the_28_tests_nine_principles_and_nine_components() -> None:
    models = load_models()
    tests = [q for q in models.questions.values() if q.model == "ml_test_score"]
    assert len(tests) == 28
    assert {q.group for q in tests} == {"data", "model", "infrastructure", "monitoring"}
    assert list(models.principles) == [f"P{i}" for i in range(1, 10)]
    assert list(models.components) == [f"C{i}" for i in range(1, 10)]
    # Kreuzberger §4.2: the principles each component implements.
    assert models.component_principles["C1"] == ("P1", "P6", "P9")
    assert models.component_principles["C8"] == ("P1",)
    assert models.component_principles["C9"] == ("P8", "P9")
    assert sorted(models.google_levels) == [0, 1, 2]
    assert sorted(models.microsoft_levels) == [0, 1, 2, 3, 4]
    assert set(models.microsoft_dimensions) == {
        "people",
        "model_creation",
        "model_release",
        "application_integration",
    }


def test_every_question_names_its_source_and_a_principle() -> None:
    for question in load_models().questions.values():
        assert question.source, question.id
        assert question.principles, question.id


def _copy_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def test_a_component_with_an_unknown_principle_names_file_and_item(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    path = folder / "kreuzberger.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "principles: [P8, P9], source", "principles: [P8, P99], source"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match=r"kreuzberger\.yaml: item 'C9': unknown principle P99"):
        load_models(folder)


def test_a_test_without_text_names_file_and_item(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    path = folder / "ml_test_score.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["sections"][1]["tests"][2]["text"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(
        ModelError, match=r"ml_test_score\.yaml: item 'mlts\.model\.3': missing 'text'"
    ):
        load_models(folder)


# --- assessment rules ---------------------------------------------------------------------


def _all(value: str, prefix: str) -> dict[str, str]:
    return {q: value for q in load_models().questions if q.startswith(prefix)}


def test_ml_test_score_is_the_minimum_of_the_sections_with_2017_points() -> None:
    answers = {
        **_all("automated", "mlts.data."),  # 7
        **_all("automated", "mlts.model."),  # 7
        **_all("manual", "mlts.infrastructure."),  # 3.5
        "mlts.monitoring.1": "manual",  # 0.5 + 1 = 1.5
        "mlts.monitoring.2": "automated",
    }
    result = assess(answers)
    assert result.ml_test_score == {
        "data": 7.0,
        "model": 7.0,
        "infrastructure": 3.5,
        "monitoring": 1.5,
        "final": 1.5,
    }
    assert result.band.startswith("There's been first pass at basic productionization")
    # The 2016 workshop rule (1 manual, 2 automated) would have given 3 for monitoring: not used.
    assert result.ml_test_score["monitoring"] != 3


@pytest.mark.parametrize(
    ("final_points", "band_start"),
    [
        (0, "More of a research project"),
        (1, "Not totally untested"),
        (3, "Reasonably tested"),
        (5, "Strong levels"),
        (5.5, "Exceptional levels"),
    ],
)
def test_table_v_bands_have_inclusive_upper_bounds(final_points: float, band_start: str) -> None:
    models = load_models()
    answers: dict[str, str] = {}
    for section in models.test_sections:
        ids = [q for q in models.questions if q.startswith(f"mlts.{section}.")]
        whole, half = int(final_points), final_points % 1 > 0
        answers.update(dict.fromkeys(ids[:whole], "automated"))
        if half:
            answers[ids[whole]] = "manual"
    result = assess(answers)
    assert result.ml_test_score["final"] == final_points
    assert result.band.startswith(band_start)


def test_google_level_needs_every_criterion_of_the_levels_below() -> None:
    level2_only = _all("yes", "google.l2.")
    assert assess(level2_only).google_level == 0
    assert assess({**level2_only, **_all("yes", "google.l1.")}).google_level == 2
    one_missing = {**_all("yes", "google.l1."), "google.l1.metadata": "no"}
    assert assess(one_missing).google_level == 0


def test_microsoft_overall_level_is_the_weakest_dimension() -> None:
    answers = _all("yes", "microsoft.")
    assert assess(answers).microsoft_level == 4
    answers["microsoft.release.l2"] = "no"
    result = assess(answers)
    assert result.microsoft_dimensions == {
        "people": 4,
        "model_creation": 4,
        "model_release": 1,
        "application_integration": 4,
    }
    assert result.microsoft_level == 1


def test_unanswered_items_are_reported_not_scored_as_no() -> None:
    team, answers = load_answers(FIXTURES / "partial.yaml")
    result = assess(answers, team=team)
    assert len(result.unanswered) == len(load_models().questions) - 3
    assert "mlts.data.2" in result.unanswered
    statuses = {gap.question: gap.status for gap in result.gaps}
    assert statuses["google.l1.metadata"] == "unanswered"
    assert "no" not in statuses.values()


def test_gaps_put_the_next_google_level_first_then_the_weakest_section() -> None:
    answers = {
        **_all("yes", "google.l1."),
        "google.l1.metadata": "no",
        **_all("automated", "mlts."),
    }
    answers["mlts.monitoring.3"] = "none"
    gaps = assess(answers).gaps
    assert gaps[0].question == "google.l1.metadata"
    assert gaps[0].impact == "blocks Google level 1"
    assert gaps[1].question == "mlts.monitoring.3"
    assert gaps[0].reading == "readings/mlops-maturity-models.md"
    assert gaps[0].example == "examples/cace.md"
    for gap in gaps:
        page = Path(__file__).parents[1] / "docs" / gap.example
        assert page.is_file(), gap.example


def test_principles_follow_positive_answers_and_components_only_yes_no_items() -> None:
    result = assess({"kreuzberger.C9": "yes", "mlts.data.7": "automated"})
    assert result.principles["P8"]
    assert result.principles["P9"]
    assert result.principles["P1"]  # data 7 (input feature code tested) evidences P1
    assert result.components["C9"]
    assert not result.components["C1"]  # ...but a test run does not make a CI/CD component


# --- answers files --------------------------------------------------------------------------


def test_template_lists_every_question_and_parses_back_as_all_unanswered() -> None:
    text = template(team="x")
    data = yaml.safe_load(text)
    assert set(data["answers"]) == set(load_models().questions)
    team, answers = parse_answers(data)
    assert (team, answers) == ("x", {})


def test_a_wrong_answer_type_names_the_item_and_the_allowed_values() -> None:
    with pytest.raises(AnswersError) as error:
        load_answers(FIXTURES / "bad_value.yaml")
    assert str(error.value) == (
        f"{FIXTURES / 'bad_value.yaml'}:4: 'mlts.data.1' must be one of none, manual, automated "
        "(or left empty), got 'sometimes'"
    )


def test_an_unknown_question_id_is_named() -> None:
    with pytest.raises(AnswersError, match=r"unknown question id 'google\.l1\.metdata'"):
        load_answers(FIXTURES / "unknown_id.yaml")


def test_a_boolean_for_an_ml_test_score_test_is_rejected() -> None:
    with pytest.raises(
        AnswersError, match=r"'mlts\.data\.1' must be one of none, manual, automated"
    ):
        parse_answers({"answers": {"mlts.data.1": True}})


def test_yes_for_an_ml_test_score_test_names_the_accepted_words_not_true(tmp_path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("team: t\nanswers:\n  mlts.data.1: yes\n", encoding="utf-8")
    with pytest.raises(AnswersError) as error:
        load_answers(answers)
    assert str(error.value) == (
        f"{answers}:3: 'mlts.data.1' must be one of none, manual, automated (or left empty), "
        "got a yes/no answer"
    )


def test_a_non_utf8_answers_file_is_one_line_with_its_line(tmp_path, capsys) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(b"team: t\nanswers:\n  mlts.data.1: manual  # caf\xe9\n")
    assert main(["maturity", "assess", str(answers)]) == 2
    assert capsys.readouterr().err == (
        f"mlops-atlas: error: {answers}:3: not UTF-8 text (byte 0xe9); save it as UTF-8\n"
    )


def test_an_alias_bomb_is_refused_without_expanding_it(tmp_path) -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    answers = tmp_path / "answers.yaml"
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AnswersError, match=r"aliases expand to more than 1,000,000 values"):
        load_answers(answers)


def test_a_folder_given_as_answers_is_named(tmp_path) -> None:
    with pytest.raises(AnswersError, match=r"is a folder, not a YAML file"):
        load_answers(tmp_path)


# --- evidence from a repository ---------------------------------------------------------------


def test_repository_evidence_names_an_existing_file_for_each_answer() -> None:
    root = FIXTURES / "repo"
    found = {d.question: d for d in scan_repository(root)}
    assert found["kreuzberger.C1"].file == ".github/workflows/ci.yml"
    assert found["kreuzberger.C3"].file == "pipelines/train.py"
    assert found["kreuzberger.C6"].file == "pipelines/track.py"
    assert found["kreuzberger.C7"].file == "pipelines/track.py"
    assert found["kreuzberger.pinned_dependencies"].file == "uv.lock"
    assert found["kreuzberger.C5"].file == "main.tf"
    assert "kreuzberger.C9" not in found  # no monitoring code in the fixture
    for item in found.values():
        assert (root / item.file).exists(), item


def test_team_answers_take_precedence_over_detected_ones() -> None:
    detected = scan_repository(FIXTURES / "repo")
    result = assess({"kreuzberger.C1": "no"}, detected=detected)
    assert result.answers["kreuzberger.C1"] == "no"
    assert "kreuzberger.C1" not in {d.question for d in result.detected}


def test_a_missing_repository_is_one_clear_message(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match=r"not a folder; give --repo the root of a checkout"):
        scan_repository(tmp_path / "nowhere")


# --- command line ----------------------------------------------------------------------------


def test_cli_template_then_assess_json(tmp_path: Path, capsys) -> None:
    answers = tmp_path / "answers.yaml"
    assert main(["maturity", "template", "-o", str(answers)]) == 0
    text = answers.read_text(encoding="utf-8").replace(
        "  mlts.data.1:\n", "  mlts.data.1: manual\n"
    )
    answers.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert (
        main(
            [
                "maturity",
                "assess",
                str(answers),
                "--repo",
                str(FIXTURES / "repo"),
                "--format",
                "json",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["google_level"] == 0
    assert report["microsoft_level"] == 0
    assert report["ml_test_score"] == {
        "data": 0.5,
        "model": 0.0,
        "infrastructure": 0.0,
        "monitoring": 0.0,
        "final": 0.0,
    }
    assert set(report["principles"]) == {f"P{i}" for i in range(1, 10)}
    assert report["components"]["C1"] is True  # detected from .github/workflows/ci.yml
    assert report["gaps"][0]["impact"] == "blocks Google level 1"


def test_cli_missing_answers_file_is_one_line(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "answers.yaml"
    assert main(["maturity", "assess", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"mlops-atlas: error: {missing}: no such answers file; create one with "
        f"'mlops-atlas maturity template -o {missing}'\n"
    )


def test_cli_unreadable_repo_is_one_line(tmp_path: Path, capsys) -> None:
    assert (
        main(["maturity", "assess", str(FIXTURES / "partial.yaml"), "--repo", str(tmp_path / "x")])
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "not a folder; give --repo the root of a checkout" in err


def test_cli_template_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("team: mine\n", encoding="utf-8")
    assert main(["maturity", "template", "-o", str(target)]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "team: mine\n"


@pytest.mark.parametrize(
    "argv",
    [["maturity", "--help"], ["maturity", "assess", "--help"], ["maturity", "template", "--help"]],
)
def test_maturity_help_has_an_example(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    assert "example" in capsys.readouterr().out


def test_cli_wrong_answer_type_is_one_line_naming_the_item(capsys) -> None:
    assert main(["maturity", "assess", str(FIXTURES / "bad_value.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "'mlts.data.1' must be one of none, manual, automated" in err


def test_cli_table_marks_unanswered_sections_instead_of_scoring_them(capsys) -> None:
    assert main(["maturity", "assess", str(FIXTURES / "partial.yaml")]) == 0
    out = capsys.readouterr().out
    assert "ML Test Score: data                  1 / 7 (6 unanswered)" in out
    assert "[unanswered]" in out


def test_repository_scan_skips_fifos_and_device_links_instead_of_hanging(tmp_path) -> None:
    import os

    (tmp_path / "train.py").write_text("import mlflow\nmlflow.log_metric('a', 1)\n")
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    detected = scan_repository(tmp_path)  # returns: neither special file is read
    assert {(item.question, item.file) for item in detected} == {
        ("kreuzberger.C7", "train.py"),
        ("microsoft.creation.l2_tracked", "train.py"),
    }
