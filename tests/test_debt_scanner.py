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


# ---------------------------------------------------------------------------- hostile input
# No input may make a scan hang, run out of memory or end in a traceback (issue 11). A scan
# that would hang is caught by a watchdog: the test fails after a minute instead of hanging.


def _scan_with_watchdog(path: Path, **options: object):
    import threading

    result: dict[str, object] = {}
    worker = threading.Thread(
        target=lambda: result.update(report=scan(path, **options)), daemon=True
    )
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the scan hung"
    return result["report"]


def test_a_fifo_named_like_python_is_skipped_not_read(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "good.py").write_text("def decide(proba):\n    return proba > 0.5\n")
    report = _scan_with_watchdog(tmp_path)
    problems = {u.file: u.reason for u in report.unreadable}
    assert problems == {"pipe.py": "skipped: a named pipe (FIFO), not a regular file"}
    assert [f.location for f in report.rule("fixed-thresholds").findings] == ["good.py:2"]


def test_links_out_of_the_folder_are_not_followed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "zero.py").symlink_to("/dev/zero")
    outside = tmp_path / "outside.py"
    outside.write_text("def decide(proba):\n    return proba > 0.5\n")
    (project / "outside.py").symlink_to(outside)
    (project / "real.py").write_text("def decide(score):\n    return score > 0.1\n")
    (project / "inside.py").symlink_to(project / "real.py")
    (project / "linked_folder").symlink_to(tmp_path, target_is_directory=True)
    report = _scan_with_watchdog(project)
    problems = {u.file: u.reason for u in report.unreadable}
    reason = "skipped: a symbolic link to outside the scanned folder (not followed)"
    assert problems == {"outside.py": reason, "zero.py": reason}
    # A link to a file of the project is read like the file; a linked folder is not entered.
    locations = [f.location for f in report.rule("fixed-thresholds").findings]
    assert locations == ["inside.py:2", "real.py:2"]


def test_a_file_is_read_up_to_the_limit_and_the_report_says_so(tmp_path: Path) -> None:
    from mlops_atlas.debt.scanner.files import MAX_BYTES

    (tmp_path / "big.py").write_text("#" * MAX_BYTES + "\n")
    (tmp_path / "fits.py").write_text("#" * (MAX_BYTES - 1) + "\n")
    report = scan(tmp_path)
    assert [(u.file, u.reason) for u in report.unreadable] == [
        ("big.py", "skipped: larger than 1 MB (the limit read per file)")
    ]
    assert "at most 1 MB read per file" in render(report, "table")
    assert json.loads(render(report, "json"))["limits"]["max_bytes_per_file"] == MAX_BYTES


def test_a_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    conf = tmp_path / "conf"
    conf.mkdir()
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 12):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    (conf / "params.yaml").write_text("\n".join(levels) + "\n")
    (conf / "small.yaml").write_text("base: &base {lr: 0.1}\ntrain: *base\ntest: *base\n")
    report = _scan_with_watchdog(tmp_path)
    problems = {u.file: u.reason for u in report.unreadable}
    assert list(problems) == ["conf/params.yaml"]
    assert "more than 100 YAML aliases (line 12)" in problems["conf/params.yaml"]


def test_aliases_within_the_budget_give_every_parent_its_keys(tmp_path: Path) -> None:
    from mlops_atlas.debt.scanner.engine import load

    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "train.yaml").write_text(
        "base: &base\n  lr: 0.1\n  depth: 3\ntrain: *base\ntest:\n  - *base\n"
    )
    project = load(tmp_path)
    assert project.unreadable == []
    assert project.config_keys == {
        "base": ("conf/train.yaml", 1),
        "lr": ("conf/train.yaml", 2),
        "depth": ("conf/train.yaml", 3),
        "train": ("conf/train.yaml", 4),
        "test": ("conf/train.yaml", 5),
    }
    assert project.config_children == {p: {"lr", "depth"} for p in ("base", "train", "test")}


def test_config_key_lines_match_a_search_for_each_key(tmp_path: Path) -> None:
    """Key lines come from one index of the file; they are where a search for each key finds it."""
    import re

    from mlops_atlas.debt.scanner.engine import load

    conf = tmp_path / "conf"
    conf.mkdir()
    keys = {f"key_{n}": n for n in range(3000)}
    nested = {"group one": {"inner key": 1, "x": 2}, "a-b.c": {"key_7": 3}}
    lines = json.dumps({**keys, **nested}, indent=1)
    (conf / "params.json").write_text(lines)
    (conf / "flat.toml").write_text('title = "t"\n[owner]\nname = "n"\n"quoted key" = 1\n')
    project = load(tmp_path)
    assert project.unreadable == []
    files: dict[str, list[str]] = {}
    for key, (path, line) in project.config_keys.items():
        text = files.setdefault(path, (tmp_path / path).read_text().splitlines())
        pattern = re.compile(rf"""(^|[\s"'{{,])["']?{re.escape(key)}["']?\s*[:=]""")
        # the pattern can only match a line holding the key: test that first, it is cheap
        found = (n for n, row in enumerate(text, 1) if key in row and pattern.search(row))
        expected = next(found, 1)
        assert line == expected, key
    assert project.config_keys["group one"] == ("conf/params.json", 3002)
    assert project.config_keys["quoted key"] == ("conf/flat.toml", 4)


def test_deeply_nested_code_is_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "generated.py").write_text("x = a" + " + a" * 100_000 + "\n")
    # Parsed, but a path built from 5,000 pieces is deeper than the analysis can follow.
    (tmp_path / "deep.py").write_text('p = Path("a")' + ' / "b"' * 5_000 + "\n")
    (tmp_path / "unary.py").write_text("x = " + "-" * 100_000 + "1\n")
    (tmp_path / "good.py").write_text("def decide(proba):\n    return proba > 0.5\n")
    report = _scan_with_watchdog(tmp_path)
    problems = {u.file: u.reason for u in report.unreadable}
    assert set(problems) == {"generated.py", "deep.py", "unary.py"}
    assert all("nested" in reason for reason in problems.values())
    assert [f.location for f in report.rule("fixed-thresholds").findings] == ["good.py:2"]


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("configuration=nan", "N must be a finite number >= 0 (such as 0, 1 or 2.5), got 'nan'"),
        ("configuration=inf", "N must be a finite number >= 0"),
        ("configuration=-1", "N must be a finite number >= 0"),
        ("configuration=much", "N must be a finite number >= 0"),
        ("x=nan", "unknown rule 'x'; rules: configuration, correction-cascades"),
        ("configuration", "expected RULE=N, such as configuration=2"),
    ],
)
def test_bad_weights_get_one_line_naming_what_is_accepted(
    weight: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = FIXTURES / "fixed-thresholds" / "clean"
    assert main(["debt", "scan", str(path), "--weight", weight]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"mlops-atlas: error: --weight {weight}: ")
    assert message in err
    with pytest.raises(ValueError, match="finite number"):
        scan(path, weights={"configuration": float("nan")})


def test_a_folder_that_cannot_be_listed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "hidden.py").write_text("x = 1\n")
    (tmp_path / "good.py").write_text("x = 1\n")
    scandir = os.scandir

    def refuse(path: object = ".") -> object:
        # Tests run as root here, where permissions do not stop a read: refuse one folder.
        if Path(os.fspath(path)).name == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    report = scan(tmp_path)
    assert [(u.file, u.reason) for u in report.unreadable] == [
        ("locked/", "folder cannot be read: Permission denied")
    ]
    assert report.python_files == 1
    assert main(["debt", "scan", str(tmp_path)]) == 1
    assert "skipped locked/: folder cannot be read" in capsys.readouterr().err

    def refuse_all(path: object = ".") -> object:
        raise PermissionError(13, "Permission denied", os.fspath(path))

    monkeypatch.setattr(os, "scandir", refuse_all)
    with pytest.raises(ScanError, match="cannot be read: Permission denied"):
        scan(tmp_path)


# ---------------------------------------------------------------------------- file by file
# The scanner reads one file at a time on every core and keeps only small facts of each
# (issue 19). It must report exactly what the scanner that kept every tree reported.

BEFORE_FILE_BY_FILE = "5bd95aaf1befd0d3c1b5ea5268e0d78b2ae7bfbc"
"""The last commit of the scanner that parsed every file into memory, then ran the rules."""
REPOSITORY = Path(__file__).parents[1]
SAMPLES = ["examples/indebted_project", "tests/fixtures"]


@pytest.fixture(scope="module")
def old_scanner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as it was at :data:`BEFORE_FILE_BY_FILE`, extracted from git."""
    import shutil
    import subprocess
    import tarfile

    if shutil.which("git") is None or not (REPOSITORY / ".git").exists():
        pytest.skip("the comparison needs this repository's git history, and git")
    folder = tmp_path_factory.mktemp("old-scanner")
    archive = subprocess.run(
        ["git", "-C", str(REPOSITORY), "archive", BEFORE_FILE_BY_FILE, "src/mlops_atlas"],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        pytest.skip(f"commit {BEFORE_FILE_BY_FILE[:10]} is not in this clone's history")
    tarball = folder / "old.tar"
    tarball.write_bytes(archive.stdout)
    with tarfile.open(tarball) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


COMPARED = [
    *(
        f"tests/fixtures/debt/{rule}/{kind}"
        for rule in sorted(FLAGGED)
        for kind in ("flagged", "clean")
    ),
    "examples/indebted_project",
    ".",
]
_OLD_SCAN = """
import json, sys
from mlops_atlas.debt.scanner import render, scan
root, samples, folders = sys.argv[1], sys.argv[2].split(","), sys.argv[3:]
reports = {}
for folder in folders:
    report = json.loads(render(scan(f"{root}/{folder}", exclude=samples if folder == "." else []), "json"))
    report.pop("limits", None)
    reports[folder] = report
print(json.dumps(reports))
"""


@pytest.fixture(scope="module")
def old_reports(old_scanner: Path) -> dict[str, dict]:
    """What the whole-tree scanner reported on each compared folder (one process for all)."""
    import os
    import subprocess
    import sys

    command = [sys.executable, "-c", _OLD_SCAN, str(REPOSITORY), ",".join(SAMPLES), *COMPARED]
    env = {**os.environ, "PYTHONPATH": str(old_scanner)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _new_report(path: Path | str, exclude: list[str], jobs: int) -> dict:
    report = json.loads(render(scan(path, exclude=exclude, jobs=jobs), "json"))
    report.pop("limits", None)
    return report


@pytest.mark.slow  # the old scanner, from git, in another process
@pytest.mark.xdist_group("old-scanner")  # one worker runs the old scanner, once
@pytest.mark.parametrize("folder", COMPARED)
def test_file_by_file_reports_what_the_whole_tree_scanner_did(
    folder: str, old_reports: dict[str, dict]
) -> None:
    exclude = SAMPLES if folder == "." else []
    # This repository is read by worker processes, the small fixtures in this process.
    jobs = 2 if folder == "." else 1
    assert _new_report(f"{REPOSITORY}/{folder}", exclude, jobs) == old_reports[folder]


@pytest.mark.slow  # pools of worker processes
def test_the_report_does_not_depend_on_the_number_of_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mlops_atlas.debt.scanner import engine

    monkeypatch.setattr(engine, "_PARALLEL_FROM", 1)
    reports = [_new_report(REPOSITORY, SAMPLES, jobs) for jobs in (1, 2, 3)]
    assert reports[0] == reports[1] == reports[2]
    assert reports[0]["python_files"] > 50


def test_progress_counts_every_file_once(tmp_path: Path) -> None:
    for name in ("a.py", "b.py", "conf.yaml", "notes.txt", "data.bin"):
        (tmp_path / name).write_text("x = 1\n")
    calls: list[tuple[int, int]] = []
    scan(tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]  # the binary is not read


def test_jobs_must_be_a_whole_number(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "fixed-thresholds" / "clean"
    with pytest.raises(SystemExit) as stop:
        main(["debt", "scan", str(path), "--jobs", "0"])
    assert stop.value.code == 2
    assert "expected a whole number >= 1, got '0'" in capsys.readouterr().err
    assert main(["debt", "scan", str(path), "--jobs", "2"]) == 0


def test_io_is_recorded_whether_or_not_a_scope_needs_its_bindings() -> None:
    # `load` has nothing that reads what its names hold (no fit, no write of data, no
    # comparison): the analysis records its reads without following its assignments.
    # `publish` writes data, so its assignments are followed to see that it is predictions.
    from mlops_atlas.debt.scanner.flow import analyse
    from mlops_atlas.debt.scanner.source import Module, parse_module

    module = parse_module(
        "pipeline.py",
        "import pandas as pd\n"
        "def load():\n"
        "    frame = pd.read_csv('data/train.csv')\n"
        "    with open('notes.txt') as f:\n"
        "        notes = f.read()\n"
        "    return frame, notes\n"
        "def publish(model, frame):\n"
        "    scored = model.predict(frame)\n"
        "    kept = scored\n"
        "    pd.DataFrame(kept).to_csv('out/predictions.csv')\n",
    )
    assert isinstance(module, Module)
    events = [(e.line, e.kind, e.target, e.predictions) for e in analyse(module).io]
    assert events == [
        (3, "read", "data/train.csv", False),
        (4, "read", "notes.txt", False),
        (10, "write", "out/predictions.csv", True),
    ]
