"""The mlops-atlas command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mlops_atlas.cli import main


@pytest.mark.slow  # the command in a new process
def test_help_lists_subcommands_with_an_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mlops_atlas.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "cite" in result.stdout
    assert "diagram" in result.stdout
    assert "mlops-atlas cite sculley2015hidden" in result.stdout


@pytest.mark.parametrize("command", ["cite", "diagram"])
def test_every_subcommand_help_has_an_example(command: str, capsys) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "example" in capsys.readouterr().out


def test_cite_apa(capsys) -> None:
    assert main(["cite", "sculley2015hidden", "--style", "apa"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sculley, D., Holt, G., Golovin, D.")
    assert "(2015). Hidden technical debt in machine learning systems." in out


def test_cite_unknown_key_is_one_line_and_status_2(capsys) -> None:
    assert main(["cite", "sculley2051hidden"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        "mlops-atlas: error: unknown citation key 'sculley2051hidden'; did you mean sculley2015hidden?"
    )


def test_malformed_bib_is_reported_with_file_and_line(tmp_path: Path, capsys) -> None:
    bib = tmp_path / "bad.bib"
    bib.write_text("@article{x2020,\n  title = {T\n")
    assert main(["--bib", str(bib), "cite", "x2020"]) == 2
    assert f"{bib}:" in capsys.readouterr().err


def test_diagram_writes_an_svg(tmp_path: Path) -> None:
    target = tmp_path / "f.svg"
    assert main(["diagram", "sculley2015-figure1", "-o", str(target)]) == 0
    assert "data:image/png;base64," in target.read_text(encoding="utf-8")


def test_export_a_course_class_to_a_file(tmp_path: Path, capsys) -> None:
    target = tmp_path / "clase8.bib"
    assert main(["export", "--course-class", "8", "-o", str(target)]) == 0
    assert "@misc{chandrasehar2023llmops," in target.read_text(encoding="utf-8")
    assert "entries written to" in capsys.readouterr().err


def test_export_of_a_malformed_bib_writes_nothing(tmp_path: Path, capsys) -> None:
    bib = tmp_path / "bad.bib"
    bib.write_text(
        "@article{ok2020,\n  author = {A, B},\n  title = {T},\n  journal = {J},\n  year = {2020}\n}\n@article{x2020,\n  title = {T\n"
    )
    target = tmp_path / "out.bib"
    target.write_text("previous export\n")
    assert main(["--bib", str(bib), "export", "-o", str(target)]) == 2
    assert target.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.bib", "out.bib"]
    assert f"{bib}:" in capsys.readouterr().err


def test_export_with_no_match_is_an_error(capsys) -> None:
    assert main(["export", "--topic", "astrology"]) == 2
    assert "no entry matches topic astrology" in capsys.readouterr().err


def test_check_passes_on_the_project(capsys) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_check_names_file_and_line_of_every_unknown_key(tmp_path: Path, capsys) -> None:
    page = tmp_path / "p.md"
    page.write_text(
        "---\ncite: nope2020\n---\n# t\nsee [@sculley2015hidden] and [@bogus1999x, §2]\n"
    )
    assert main(["check", "--docs", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{page}:2: front matter 'cite': unknown citation key 'nope2020'"
    assert err[1] == f"{page}:5: unknown citation key 'bogus1999x'"


def test_ctrl_c_prints_one_line_and_exits_130(monkeypatch, capsys) -> None:
    def interrupted(args) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("mlops_atlas.cli._cite", interrupted)
    assert main(["cite", "sculley2015hidden"]) == 130
    assert capsys.readouterr().err == "mlops-atlas: interrupted\n"


def test_a_file_system_error_is_one_line_without_errno(monkeypatch, capsys) -> None:
    def denied(args) -> int:
        raise PermissionError(13, "Permission denied", "/data/answers.yaml")

    monkeypatch.setattr("mlops_atlas.cli._cite", denied)
    assert main(["cite", "sculley2015hidden"]) == 2
    assert capsys.readouterr().err == "mlops-atlas: error: /data/answers.yaml: Permission denied\n"


@pytest.mark.slow  # commands in new processes
def test_a_command_imports_only_what_it_needs(tmp_path: Path) -> None:
    # `debt scan` starts in a tenth of a second because it loads neither the bibliography's
    # pybtex nor the validator's pandas nor the simulations' numpy; `--help` lists everything.
    (tmp_path / "train.py").write_text("import os\nprint(os.getcwd())\n")
    probe = (
        "import sys\n"
        "from mlops_atlas.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('numpy', 'pandas', 'pybtex', 'mlops_atlas.validation')\n"
        "print(' '.join(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr)\n"
    )

    def imported(*words: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", probe, *words], capture_output=True, text=True, check=True
        )
        return result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""

    assert imported("debt", "scan", str(tmp_path), "--jobs", "1") == ""
    assert imported("cite", "sculley2015hidden") == "pybtex"
    assert "mlops_atlas.validation" in imported("--help").split()  # to list `validate`
