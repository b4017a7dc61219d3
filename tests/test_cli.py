"""The mlops-atlas command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mlops_atlas.cli import main


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
