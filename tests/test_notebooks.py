"""Examples as notebooks: cells split exactly, run one by one, and a notebook runs in Jupyter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_atlas.cells import (
    KeptValues,
    load_namespace,
    save_namespace,
    split_cells,
    to_notebook,
)
from mlops_atlas.runner import EXAMPLES_DIR, available_examples, run_example

SCRIPT = '''"""A tiny example.

Illustrates nothing in particular.
"""

# %%
# Two numbers.
import subprocess
import sys

a, b = 2, 3
print("sum", a + b)

# %%
# A subprocess prints too, and a figure is saved.
subprocess.run([sys.executable, "-c", "print('from a child')"], check=True)
from pathlib import Path
import os

Path(os.environ["MLOPS_ATLAS_OUTPUT"], "tiny-figure.svg").write_text("<svg/>")
total = {"a": a, "b": b, "sum": a + b}
'''


@pytest.mark.parametrize("name", available_examples())
def test_the_cells_of_every_example_put_together_are_the_file(name: str) -> None:
    text = (EXAMPLES_DIR / f"{name}.py").read_text(encoding="utf-8")
    assert "".join(cell.source for cell in split_cells(text)) == text


def run_tiny(tmp_path: Path, script: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    (tmp_path / "tiny.py").write_text(script, encoding="utf-8")
    figures = tmp_path / "figures"
    figures.mkdir()
    env = {**os.environ, "MLOPS_ATLAS_OUTPUT": str(figures)}
    command = [sys.executable, "-m", "mlops_atlas.cells", str(tmp_path / "tiny.py")]
    result = subprocess.run(
        [*command, str(tmp_path / "cells.json"), str(figures)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result, tmp_path / "cells.json"


def test_each_cell_keeps_what_it_printed_its_subprocesses_included(tmp_path: Path) -> None:
    result, record = run_tiny(tmp_path, SCRIPT)
    assert result.returncode == 0, result.stderr
    cells = json.loads(record.read_text(encoding="utf-8"))["cells"]
    assert cells == [
        {"stdout": "", "figures": []},
        {"stdout": "sum 5\n", "figures": []},
        {"stdout": "from a child\n", "figures": ["tiny-figure.svg"]},
    ]
    assert result.stdout == "sum 5\nfrom a child\n"  # the whole run's output, as a script's
    assert load_namespace(tmp_path / "namespace.pickle")["total"] == {"a": 2, "b": 3, "sum": 5}


def test_a_failing_cell_stops_the_run_with_its_traceback_at_the_scripts_line(
    tmp_path: Path,
) -> None:
    result, record = run_tiny(tmp_path, "# %%\nprint('before')\n\n# %%\nraise ValueError('x')\n")
    assert result.returncode == 1
    assert result.stdout == "before\n"
    assert f'File "{tmp_path / "tiny.py"}", line 5' in result.stderr
    assert result.stderr.rstrip().endswith("ValueError: x")
    assert len(json.loads(record.read_text(encoding="utf-8"))["cells"]) == 2


def test_values_that_cannot_be_pickled_or_loaded_are_left_out(tmp_path: Path) -> None:
    import threading

    saved = save_namespace(
        {"n": 1, "lock": threading.Lock(), "f": len, "__name__": "__main__"},
        tmp_path / "ns.pickle",
    )
    assert saved == ["n"]
    assert load_namespace(tmp_path / "ns.pickle") == {"n": 1}


def test_kept_values_load_when_read_and_one_that_cannot_load_is_absent(tmp_path: Path) -> None:
    import pickle

    path = tmp_path / "ns.pickle"
    save_namespace({"n": 1, "table": {"a": [1, 2]}}, path)
    kept = pickle.loads(path.read_bytes())
    # as a value of a class the script defined: its module does not exist outside the run
    kept["ghost"] = b"cno_module_of_that_name\nThing\n)\x81."
    path.write_bytes(pickle.dumps(kept))
    values = KeptValues(path)
    assert sorted(values) == ["ghost", "n", "table"]
    assert values["n"] == 1
    assert values["table"] == {"a": [1, 2]}
    assert "ghost" not in values
    with pytest.raises(KeyError, match="'ghost' was kept but cannot load here"):
        values["ghost"]
    with pytest.raises(KeyError):
        values["never-kept"]
    assert load_namespace(path) == {"n": 1, "table": {"a": [1, 2]}}


def test_the_notebook_is_valid_with_prose_code_and_outputs() -> None:
    import nbformat

    outputs = [
        {"stdout": "", "figures": []},
        {"stdout": "sum 5\n", "figures": []},
        {"stdout": "from a child\n", "figures": ["tiny-figure.svg"]},
    ]
    notebook = to_notebook(SCRIPT, outputs, {"tiny-figure.svg": "<svg/>"})
    nbformat.validate(nbformat.reads(json.dumps(notebook), as_version=4))
    kinds = [(cell["cell_type"], "".join(cell["source"])[:12]) for cell in notebook["cells"]]
    assert kinds == [
        ("markdown", "# A tiny exa"),
        ("markdown", "Two numbers."),
        ("code", "import subpr"),
        ("markdown", "A subprocess"),
        ("code", "subprocess.r"),
    ]
    figure = notebook["cells"][-1]["outputs"][-1]
    assert figure["data"] == {"image/svg+xml": "<svg/>"}


@pytest.mark.examples
def test_a_notebook_runs_in_jupyter_and_prints_what_the_script_printed(
    tmp_path: Path, monkeypatch
) -> None:
    import nbformat
    from nbclient import NotebookClient

    from mlops_atlas.site.prepare import default_cache_dir

    name = "cace"  # cells at module level, a figure, a logged run, and quick to run
    run = run_example(name, default_cache_dir(EXAMPLES_DIR.parent) / "examples")
    recorded = [{"stdout": c.stdout, "figures": [f.name for f in c.figures]} for c in run.cells]
    script = (EXAMPLES_DIR / f"{name}.py").read_text(encoding="utf-8")
    notebook = nbformat.reads(
        json.dumps(to_notebook(script)), as_version=4
    )  # without outputs, as a reader gets it
    monkeypatch.setenv("MLOPS_ATLAS_OUTPUT", str(tmp_path / "figures"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    printed = [
        "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
    assert [p for p in printed if p] == [cell["stdout"] for cell in recorded if cell["stdout"]]
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == sorted(
        f.name for f in run.figures
    )
