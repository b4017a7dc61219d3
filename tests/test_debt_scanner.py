"""The debt scanner: each rule flags its fixture and not its clean twin; bad input is skipped
and reported; the CLI's formats and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlops_atlas.cli import main
from mlops_atlas.debt.scanner import RULES, ScanError, render, scan

FIXTURES = Path(__file__).parent / "fixtures" / "debt"

# rule -> (location, a word its message must contain) for every finding in the flagged twin.
# Each location is the line where the fixture plants the smell.
FLAGGED = {
    "correction-cascades": [("stack.py:8", "base.predict")],
    "undeclared-consumers": [("mailer.py:5", "out/scores.csv")],
    "unstable-data": [
        ("load.py:6", "no version"),
        ("load.py:7", "fetch_openml"),
        ("load.py:8", "moving version"),
    ],
    "glue-code": [("serve.py:2", "sklearn"), ("train.py:1", "sklearn")],
    "pipeline-jungle": [("extract.py:5", "extract.py -> features.py -> train.py")],
    "dead-codepaths": [
        ("predict.py:5", "USE_NEW_RANKER"),
        ("predict.py:7", "experimental_boost"),
        ("predict.py:12", "rank_v0"),
    ],
    "plain-old-data": [("api.py:4", "features, return"), ("api.py:8", "age, spend, return")],
    "multiple-languages": [("query.sql:1", "SQL"), ("report.R:1", "R file")],
    "prototype": [("serve.py:3", "sandbox.features")],
    "configuration": [
        ("params.yaml:3", "'unused_learning_rate' is defined but never read"),
        ("train.py:8", "/home/maria"),
        ("train.py:9", "min_samples_leaf=20"),
        ("train.py:11", "'model_dir' is read but never defined"),
    ],
    "fixed-thresholds": [("decide.py:3", "0.8"), ("decide.py:7", "-0.2")],
    "process-hygiene": [
        ("(project)", "no CI"),
        ("(project)", "no tests"),
        ("requirements.txt:1", "scikit-learn>=1.3"),
        ("train.py:6", "train_test_split"),
        ("train.py:7", "RandomForestClassifier"),
    ],
}


def test_every_rule_has_a_fixture_pair() -> None:
    assert {rule.id for rule in RULES} == set(FLAGGED)
    for rule in FLAGGED:
        assert (FIXTURES / rule / "flagged").is_dir()
        assert (FIXTURES / rule / "clean").is_dir()


@pytest.mark.parametrize("rule", sorted(FLAGGED))
def test_rule_flags_its_fixture(rule: str) -> None:
    report = scan(FIXTURES / rule / "flagged")
    result = report.rule(rule)
    found = [(f.location, f.message) for f in result.findings]
    assert [location for location, _ in found] == [location for location, _ in FLAGGED[rule]]
    for (_, message), (_, word) in zip(found, FLAGGED[rule], strict=True):
        assert word in message
    assert result.score is not None
    assert result.score < 100
    assert report.unreadable == []


@pytest.mark.parametrize("rule", sorted(FLAGGED))
def test_rule_passes_its_clean_twin(rule: str) -> None:
    result = scan(FIXTURES / rule / "clean").rule(rule)
    assert result.findings == []
    assert result.checked > 0  # the twin gives the rule something to look at
    assert result.score == 100


def test_scores_are_the_share_of_checked_things_not_flagged() -> None:
    result = scan(FIXTURES / "dead-codepaths" / "flagged").rule("dead-codepaths")
    # Two flag branches, and three module-level functions (rank, rank_v0, main): 3 of 5 dead.
    assert (result.flagged, result.checked, result.score) == (3, 5, 40)


def test_census_counts_ml_lines_against_the_rest() -> None:
    census = scan(FIXTURES / "glue-code" / "clean").census
    # model.py: 6 code lines, 2 calling sklearn or fit/predict; serve.py: 3 lines, none.
    assert (census["ml_lines"], census["other_lines"]) == (2, 7)


def test_section_score_is_the_weighted_mean_of_its_rules() -> None:
    path = FIXTURES / "correction-cascades" / "flagged"
    equal = scan(path)
    cascade = equal.rule("correction-cascades").score
    assert cascade == 50  # 1 of 2 fit calls
    section = next(s for s in equal.sections if s.section == 2)
    assert section.score == cascade  # undeclared consumers: nothing to check, left out
    empty = next(s for s in equal.sections if s.section == 3)
    assert empty.score is None


def test_weights_change_the_section_score(tmp_path: Path) -> None:
    sample = Path(__file__).parents[1] / "examples" / "indebted_project"
    equal = scan(sample)
    weighted = scan(sample, weights={"correction-cascades": 3})
    cascade = equal.rule("correction-cascades").score
    consumers = equal.rule("undeclared-consumers").score
    section = lambda report: next(s.score for s in report.sections if s.section == 2)  # noqa: E731
    assert section(equal) == round((cascade + consumers) / 2)
    assert section(weighted) == round((3 * cascade + consumers) / 4)
    with pytest.raises(ValueError, match="unknown rule 'nope'"):
        scan(sample, weights={"nope": 1})


def test_notebook_findings_name_the_cell(tmp_path: Path) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# title"]},
            {
                "cell_type": "code",
                "source": ["%pip install x\n", "scores = model.predict_proba(X)\n"],
            },
            {"cell_type": "code", "source": ["flagged = scores > 0.9"]},
        ],
        "nbformat": 4,
    }
    (tmp_path / "explore.ipynb").write_text(json.dumps(notebook))
    findings = scan(tmp_path).rule("fixed-thresholds").findings
    assert [f.location for f in findings] == ["explore.ipynb:cell 3:1"]


def test_scanned_code_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "boom.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('x')\nraise SystemExit(3)\n"
    )
    scan(tmp_path)
    assert not marker.exists()


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    (tmp_path / "good.py").write_text("def decide(proba):\n    return proba > 0.5\n")
    (tmp_path / "syntax.py").write_text("x = 1\ndef broken(:\n    pass\n")
    (tmp_path / "binary.py").write_bytes(b"import os\n\x00\x01\x02")
    (tmp_path / "latin1.py").write_bytes("x = 1\ny = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "huge.py").write_text("x = 1\n" * 200_000)
    (tmp_path / "bad.ipynb").write_text('{"cells": [\n  {"cell_type": "code",\n  }\n]}')
    return tmp_path


def test_bad_files_are_reported_and_skipped(broken: Path) -> None:
    report = scan(broken)
    problems = {u.file: (u.line, u.reason) for u in report.unreadable}
    assert problems["syntax.py"][0] == 2
    assert problems["syntax.py"][1].startswith("syntax error")
    assert "binary" in problems["binary.py"][1]
    assert problems["latin1.py"] == (2, "skipped: not UTF-8 text")
    assert "larger than 1 MB" in problems["huge.py"][1]
    assert problems["bad.ipynb"][0] == 3
    assert "not a valid notebook" in problems["bad.ipynb"][1]
    # The scan went on: the readable file's finding is there.
    assert [f.location for f in report.rule("fixed-thresholds").findings] == ["good.py:2"]


def test_cli_exit_status_says_files_were_skipped(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["debt", "scan", str(broken)]) == 1
    captured = capsys.readouterr()
    assert "good.py:2" in captured.out
    assert "mlops-atlas: skipped syntax.py:2: syntax error" in captured.err
    assert len(captured.err.strip().splitlines()) == 5  # one line per unreadable file


def test_cli_clean_scan_exits_0_and_bad_path_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["debt", "scan", str(FIXTURES / "fixed-thresholds" / "clean")]) == 0
    capsys.readouterr()
    assert main(["debt", "scan", str(tmp_path / "missing")]) == 2
    assert (
        capsys.readouterr().err.strip()
        == f"mlops-atlas: error: {tmp_path / 'missing'}: no such folder"
    )
    file = tmp_path / "a.py"
    file.write_text("x = 1\n")
    assert main(["debt", "scan", str(file)]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_scan_error_for_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ScanError, match="no such folder"):
        scan(tmp_path / "nowhere")


def test_json_output_has_every_rule_and_finding(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "fixed-thresholds" / "flagged"
    assert main(["debt", "scan", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["rule"] for r in data["rules"]] == [rule.id for rule in RULES]
    thresholds = next(r for r in data["rules"] if r["rule"] == "fixed-thresholds")
    assert [f["location"] for f in thresholds["findings"]] == ["decide.py:3", "decide.py:7"]
    assert thresholds["score"] == 0
    assert thresholds["definition"].endswith("examples/debt_scan/#fixed-thresholds")


def test_markdown_and_table_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "correction-cascades" / "flagged"
    main(["debt", "scan", str(path), "--format", "markdown"])
    markdown = capsys.readouterr().out
    assert "| Section | Rule | Score | Flagged |" in markdown
    assert "- `stack.py:8`:" in markdown
    main(["debt", "scan", str(path)])
    table = capsys.readouterr().out
    assert "  stack.py:8: correction is fitted on predictions from base.predict" in table
    assert "§2 Complex Models Erode Boundaries" in table


def test_exclude_leaves_paths_out() -> None:
    path = FIXTURES / "glue-code" / "flagged"
    report = scan(path, exclude=["serve.py", "train.py"])
    assert report.python_files == 1
    assert report.rule("glue-code").findings == []


def test_output_is_stable_from_run_to_run() -> None:
    sample = Path(__file__).parents[1] / "examples" / "indebted_project"
    assert render(scan(sample), "json") == render(scan(sample), "json")
