"""An example as a notebook: its ``# %%`` cells, run one by one, and written as ``.ipynb``.

An example is a script whose ``# %%`` lines (at the start of a line) begin its
cells, as in scikit-learn's gallery and in editors that run cells. This module

- splits a script into its cells (`split_cells`; the cells put together
  are the file, byte for byte);
- runs a script cell by cell as ``__main__``, recording what each cell printed
  (Python's prints and its subprocesses' alike) and the figures it saved
  (`run_cells`, the command ``python -m mlops_atlas.cells``);
- writes a Jupyter notebook from the cells and, when given, their outputs
  (`to_notebook`): the comment lines that open a cell become a Markdown
  cell, the rest a code cell.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import json
import os
import re
import sys
import tempfile
import traceback
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CELL_MARK",
    "NAMESPACE_FILE",
    "Cell",
    "KeptValues",
    "load_namespace",
    "run_cells",
    "save_namespace",
    "split_cells",
    "to_notebook",
]

CELL_MARK = re.compile(r"^# %%")
"""A line that begins a cell."""


@dataclass(frozen=True)
class Cell:
    """One cell of a script.

    Attributes:
        number: 0 for what comes before the first ``# %%`` (the docstring, usually),
            then 1, 2, ... in order.
        line: The cell's first line in the file (1-based).
        source: The cell's text exactly as in the file.
    """

    number: int
    line: int
    source: str

    @property
    def prose(self) -> str:
        """The comment lines that open the cell (after ``# %%``), as text without ``#``."""
        lines = self.source.splitlines()[1 if self.number else 0 :]
        prose = []
        for line in lines:
            if not line.startswith("#"):
                break
            prose.append(line[2:] if line.startswith("# ") else line[1:])
        return "\n".join(prose).strip()

    @property
    def code(self) -> str:
        """The cell's code: its text without the ``# %%`` line and the opening comments."""
        lines = self.source.splitlines()[1 if self.number else 0 :]
        while lines and lines[0].startswith("#"):
            lines.pop(0)
        return "\n".join(lines).strip("\n")


def split_cells(text: str) -> list[Cell]:
    r"""The cells of a script: a leading one (number 0) when text comes before the first mark.

    Examples:
        >>> script = "x = 1\n\n# %%\n# Say hi.\nprint(x)\n"
        >>> cells = split_cells(script)
        >>> [(c.number, c.line, c.prose, c.code) for c in cells]
        [(0, 1, '', 'x = 1'), (1, 3, 'Say hi.', 'print(x)')]
        >>> "".join(c.source for c in cells) == script
        True
    """
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if CELL_MARK.match(line)]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    cells = []
    number = 0 if not CELL_MARK.match(lines[0] if lines else "") else 1
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        cells.append(Cell(number, start + 1, "".join(lines[start:end])))
        number += 1
    return cells


@contextlib.contextmanager
def _stdout_into(text: list[str]) -> Iterator[None]:
    """Send standard output to a temporary file for the block, then append it to ``text``.

    File descriptor 1 is redirected, not just ``sys.stdout``: what a cell's
    subprocesses print belongs to the cell too.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
            capture.seek(0)
            text.append(capture.read().decode("utf-8", errors="replace"))


def run_cells(script: Path, record: Path, figures: Path) -> int:
    """Run ``script`` cell by cell as ``__main__`` and write what each cell showed to ``record``.

    The record is JSON: ``{"cells": [{"stdout": ..., "figures": [...]}, ...]}`` in cell
    order; a figure belongs to the cell during which it appeared in ``figures``.

    Args:
        script: The example.
        record: The JSON file to write.
        figures: The folder the example saves its figures into (``$MLOPS_ATLAS_OUTPUT``).

    Returns:
        0, or 1 when a cell raised (its traceback goes to standard error, as Python's would).
    """
    script = Path(script).resolve()
    text = script.read_text(encoding="utf-8")
    module = types.ModuleType("__main__")
    module.__file__ = str(script)
    module.__builtins__ = builtins  # type: ignore[attr-defined]
    sys.modules["__main__"] = module
    sys.argv = [str(script)]
    sys.path[0] = str(script.parent)
    shown: set[str] = set()
    results: list[dict[str, Any]] = []
    status = 0
    for cell in split_cells(text):
        code = compile("\n" * (cell.line - 1) + cell.source, str(script), "exec", dont_inherit=True)
        printed: list[str] = []
        failure: BaseException | None = None
        with _stdout_into(printed):
            try:
                exec(code, module.__dict__)
            except BaseException as error:  # reported like Python does, after the output
                failure = error
        sys.stdout.write(printed[0])  # the whole run's output stays on standard output too
        new = sorted(
            p.name for p in (figures.iterdir() if figures.is_dir() else []) if p.name not in shown
        )
        shown.update(new)
        results.append({"stdout": printed[0], "figures": new})
        if failure is not None:
            if not (isinstance(failure, SystemExit) and failure.code in (None, 0)):
                traceback.print_exception(failure)
                status = 1
            break
    sys.stdout.flush()
    Path(record).write_text(json.dumps({"cells": results}, indent=1), encoding="utf-8")
    if status == 0:
        save_namespace(module.__dict__, Path(record).with_name(NAMESPACE_FILE))
    return status


NAMESPACE_FILE = "namespace.pickle"
"""Where a run keeps the names its script left at module level (for tests)."""


def save_namespace(namespace: Mapping[str, Any], path: Path) -> list[str]:
    """Pickle each module-level value of a finished run that can be pickled, one by one.

    Modules, functions and classes are left out (the script defines them; tests
    import what they need), and so is anything pickle refuses.

    Returns:
        The names saved.
    """
    import pickle

    saved: dict[str, bytes] = {}
    for name, value in namespace.items():
        if name.startswith("__") or isinstance(value, types.ModuleType | type):
            continue
        if callable(value) and not hasattr(value, "__dict__"):
            continue
        try:
            saved[name] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            continue
    path.write_bytes(pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL))
    return sorted(saved)


def load_namespace(path: Path) -> dict[str, Any]:
    """The values `save_namespace` kept, those that load in this process.

    A value of a class the script defined itself cannot load outside the run and
    is left out.
    """
    kept = KeptValues(path)
    return {name: kept[name] for name in kept if name in kept}


class KeptValues(Mapping[str, Any]):
    """The values `save_namespace` kept, each unpickled when it is first read.

    Reading one name loads only what that value needs (a test that reads a table
    does not import the libraries of a model kept beside it). Iterating gives
    every kept name; one whose value cannot load in this process (of a class the
    script defined itself) raises ``KeyError`` when read, as if it had not been kept.
    """

    def __init__(self, path: Path) -> None:
        import pickle

        self._pickled: dict[str, bytes] = pickle.loads(Path(path).read_bytes())
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            import pickle

            data = self._pickled[name]  # KeyError: not kept
            try:
                self._loaded[name] = pickle.loads(data)
            except Exception as error:
                raise KeyError(f"{name!r} was kept but cannot load here: {error}") from None
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pickled)

    def __len__(self) -> int:
        return len(self._pickled)


def _markdown_cell(text: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(keepends=True)}


def to_notebook(
    script_text: str,
    outputs: Sequence[Mapping[str, Any]] | None = None,
    figures: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A Jupyter notebook (format 4) of a script: prose cells, code cells, and their outputs.

    Args:
        script_text: The example's source.
        outputs: What each cell printed and saved (as `run_cells` records), or
            ``None`` for a notebook without outputs.
        figures: SVG text of each figure file named in ``outputs``, to embed.

    Returns:
        The notebook as JSON-ready data.
    """
    cells: list[dict[str, Any]] = []
    counter = 0
    for index, cell in enumerate(split_cells(script_text)):
        code = cell.code
        if cell.number == 0:
            docstring = ast.get_docstring(ast.parse(script_text)) or ""
            if docstring:
                title, _, rest = docstring.partition("\n")
                cells.append(_markdown_cell(f"# {title}\n{rest}".rstrip()))
                code = _without_docstring(code)
        elif cell.prose:
            cells.append(_markdown_cell(cell.prose))
        if not code.strip():
            continue
        counter += 1
        produced: list[dict[str, Any]] = []
        if outputs is not None and index < len(outputs):
            stdout = str(outputs[index].get("stdout", ""))
            if stdout:
                produced.append(
                    {"output_type": "stream", "name": "stdout", "text": stdout.splitlines(True)}
                )
            for name in outputs[index].get("figures", []):
                svg = (figures or {}).get(name)
                if svg is not None:
                    produced.append(
                        {
                            "output_type": "display_data",
                            "metadata": {},
                            "data": {"image/svg+xml": svg},
                        }
                    )
        cells.append(
            {
                "cell_type": "code",
                "execution_count": counter if outputs is not None else None,
                "metadata": {},
                "outputs": produced,
                "source": code.splitlines(keepends=True),
            }
        )
    for number, entry in enumerate(cells):
        entry["id"] = f"cell-{number}"  # nbformat 4.5 wants ids; stable ones keep diffs quiet
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _without_docstring(code: str) -> str:
    tree = ast.parse(code)
    if (
        tree.body
        and isinstance(tree.body[0], ast.Expr)
        and isinstance(tree.body[0].value, ast.Constant)
    ):
        end = tree.body[0].end_lineno or 0
        return "\n".join(code.splitlines()[end:]).strip("\n")
    return code


if __name__ == "__main__":
    # python -m mlops_atlas.cells SCRIPT RECORD FIGURES
    sys.exit(run_cells(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
