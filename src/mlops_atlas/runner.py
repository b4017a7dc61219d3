"""Run an example script the way a user would, capture what it shows, cache it.

The site shows each example's printed output and figures under its code.
They come from running ``python examples/NAME.py`` in a subprocess with a
private output folder and a private MLflow store, never the user's; the store
is kept with the run, so what the example logged can be read back. Results
are cached by the script's content and the library's sources, so a rebuild
with nothing changed runs nothing.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_atlas.cells import NAMESPACE_FILE
from mlops_atlas.errors import AtlasError
from mlops_atlas.outputs import OUTPUT_ENV, write_atomically

__all__ = [
    "EXAMPLES_DIR",
    "STORE_TEMPLATES_ENV",
    "CellOutput",
    "ExampleError",
    "ExampleRun",
    "available_examples",
    "library_modules",
    "mlflow_store_template",
    "run_example",
    "store_templates_dir",
]

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
"""The examples of a source checkout."""

_LIBRARY = Path(__file__).resolve().parent

RECORD_FORMAT = "cells-namespace-store-2"
"""What a cached run records; changing it runs every example again."""

TIMEOUT_ENV = "MLOPS_ATLAS_EXAMPLE_TIMEOUT"
"""Environment variable: seconds an example may run before it is stopped."""

DEFAULT_TIMEOUT = 600.0

STORE_TEMPLATES_ENV = "MLOPS_ATLAS_STORE_TEMPLATES"
"""Environment variable: the folder keeping the empty MLflow stores that runs start from
(default: ``mlflow-templates`` in the project's cache, ``$MLOPS_ATLAS_CACHE`` or
``.cache/mlops-atlas``)."""

KEEP_RUNS = 3
"""Runs kept per example, the most recently used: older contents' runs are removed,
so that the cache does not grow with every edit of an example or the library."""

STORE_FILE = "mlflow.db"
"""The MLflow store a run logged to, kept in its folder (its artifacts in ``mlflow-artifacts/``)."""

DOWNLOAD_SUFFIXES = (".yaml",)
"""Files an example writes at the top of its output folder that its page offers as downloads
(a compiled pipeline, a manifest)."""


class ExampleError(AtlasError):
    """An example is missing or failed; the message names it and shows its error."""


@dataclass(frozen=True)
class CellOutput:
    """What one cell of an example printed, and the figures it saved.

    Attributes:
        stdout: Everything the cell printed (its subprocesses included).
        figures: Its figure files, in the order they appeared.
    """

    stdout: str
    figures: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ExampleRun:
    """What one run of an example showed.

    Attributes:
        name: The example's name (its file name without ``.py``).
        stdout: Everything it printed.
        figures: Its figure files (SVG), sorted by name.
        downloads: Files it wrote for the reader to take away (``*.yaml``), sorted by name.
        cells: What each of its ``# %%`` cells printed and drew, in order
            (see `mlops_atlas.cells`).
        folder: The cached run's folder.
        seconds: How long the run took (wall clock), when it ran.
    """

    name: str
    stdout: str
    figures: tuple[Path, ...]
    downloads: tuple[Path, ...] = ()
    cells: tuple[CellOutput, ...] = ()
    folder: Path | None = None
    seconds: float = 0.0

    def namespace(self) -> Mapping[str, Any]:
        """The values the script left at module level when this run finished.

        What ``runpy.run_path`` would return, from the run itself: tests assert on
        these instead of running the example again. Each value is loaded when first
        read (`KeptValues`). Values of classes the script
        defined, functions and modules are not kept. Paths into the example's output
        folder name files that are gone: its figures and downloads are in `folder`.
        """
        from mlops_atlas.cells import NAMESPACE_FILE, KeptValues

        if self.folder is None or not (self.folder / NAMESPACE_FILE).is_file():
            raise ExampleError(f"example {self.name!r}: this run kept no values")
        return KeptValues(self.folder / NAMESPACE_FILE)

    @property
    def tracking_uri(self) -> str:
        """The MLflow store this run logged to, kept with its artifacts (``sqlite:///...``).

        Read what the example logged, its runs and registered models, with
        ``mlflow.MlflowClient(run.tracking_uri)``; write nothing to it, it is the cache's.
        """
        if self.folder is None or not (self.folder / STORE_FILE).is_file():
            raise ExampleError(f"example {self.name!r}: this run kept no MLflow store")
        return f"sqlite:///{(self.folder / STORE_FILE).resolve()}"


def available_examples(folder: Path = EXAMPLES_DIR) -> list[str]:
    """Names of the example scripts in ``folder`` (files ``*.py`` not starting with ``_``)."""
    return sorted(path.stem for path in folder.glob("*.py") if not path.name.startswith("_"))


def _content_hash(script: Path) -> str:
    """Hash of everything that decides an example's run.

    The script, the data kept in folders beside the scripts, and the library
    modules it imports (followed from module to module): a change elsewhere in
    the library does not run it again.
    """
    digest = hashlib.sha256(RECORD_FORMAT.encode())
    digest.update(script.read_bytes())
    # Data kept in folders beside the scripts (sample projects, answers files) is an input too.
    for data in sorted(p for p in script.parent.glob("*/**/*") if p.is_file()):
        if "__pycache__" not in data.parts:
            digest.update(data.relative_to(script.parent).as_posix().encode())
            digest.update(data.read_bytes())
    for source in library_modules(script):
        digest.update(source.relative_to(_LIBRARY).as_posix().encode())
        digest.update(_FACTS.get(source, "code", functools.partial(_code_digest, source)).encode())
    project = script.parent.parent
    for pattern in declared_inputs(script):
        for data in sorted(project.glob(pattern)):
            if data.is_file():
                digest.update(data.relative_to(project).as_posix().encode())
                digest.update(data.read_bytes())
    return digest.hexdigest()[:16]


class _FileFacts:
    """Facts about source files kept between processes: code digests and imports.

    Each build (and each language's build) computes the examples' cache keys, which
    means parsing the ~130 library modules they import: most of a rebuild's
    ``prepare``. The facts are kept in the cache folder, keyed like the in-process
    memos by each file's path, modification time and size; a file that changed is
    read again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._data: dict[str, Any] = {}
        self._dirty = False

    def use(self, path: Path) -> None:
        """Keep the facts in ``path`` (read once; a damaged file counts as empty)."""
        with self._lock:
            if self._path == path:
                return
            self._path, self._dirty = path, False
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            self._data = data if isinstance(data, dict) else {}

    def _facts(self, file: Path, stamp: list[int]) -> dict[str, Any]:
        record = self._data.get(str(file))
        if (
            isinstance(record, list)
            and len(record) == 3
            and record[:2] == stamp
            and isinstance(record[2], dict)
        ):
            return record[2]
        return {}

    def get(self, file: Path, kind: str, compute: Callable[[], Any]) -> Any:
        """The fact ``kind`` about ``file``: kept, or computed now and kept."""
        try:
            status = file.stat()
        except OSError:
            return compute()
        stamp = [status.st_mtime_ns, status.st_size]
        with self._lock:
            known = self._facts(file, stamp).get(kind)
        if known is not None and _FACT_TYPES[kind](known):
            return known
        value = compute()
        with self._lock:
            facts = self._facts(file, stamp)
            facts[kind] = value
            self._data[str(file)] = [*stamp, facts]
            self._dirty = True
        return value

    def save(self) -> None:
        """Write the facts if they changed (a failure only costs the next build)."""
        with self._lock:
            if not self._dirty or self._path is None:
                return
            path, text, self._dirty = self._path, json.dumps(self._data), False
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)


_FACT_TYPES: dict[str, Callable[[Any], bool]] = {
    "code": lambda value: isinstance(value, str),
    "imports": lambda value: isinstance(value, list) and all(isinstance(v, str) for v in value),
    "pkgutil": lambda value: isinstance(value, bool),
}
_FACTS = _FileFacts()


def _mentions_pkgutil(package: Path) -> bool:
    return "pkgutil" in package.read_text(encoding="utf-8")


def _code_digest(module: Path) -> str:
    stat = module.stat()
    return hashlib.sha256(_code_fingerprint(module, stat.st_mtime_ns)).hexdigest()


@functools.lru_cache(maxsize=1024)
def _code_fingerprint(module: Path, mtime_ns: int) -> bytes:
    """What a library module does, without its docstrings and comments.

    Editing documentation (the API reference is generated from docstrings) then runs no
    example again; any change to the code does. ``mtime_ns`` keys the memo.
    """
    text = module.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text.encode("utf-8")  # the run will fail and say why; hash what is there
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.Pass()  # keeps the body non-empty, drops the text
    return ast.dump(tree, include_attributes=False).encode("utf-8")


def declared_inputs(script: Path) -> list[str]:
    """The project files an example reads besides its own, as it declares them.

    An example that reads, say, the site's reading pages names them in a top-level
    ``CACHE_INPUTS = ["docs/readings/*.md"]`` (globs from the project folder), so
    that a change to them runs it again.
    """
    tree = ast.parse(script.read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "CACHE_INPUTS" for t in node.targets)
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            return [
                e.value
                for e in node.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
    return []


def _module_files(name: str) -> list[Path]:
    """The files Python runs to import ``mlops_atlas.x.y``: every package ``__init__`` on the way."""
    parts = name.split(".")[1:]
    files = [_LIBRARY / "__init__.py"]
    for depth in range(1, len(parts) + 1):
        base = _LIBRARY.joinpath(*parts[:depth])
        if (base / "__init__.py").is_file():
            files.append(base / "__init__.py")
        elif base.with_suffix(".py").is_file():
            files.append(base.with_suffix(".py"))
            break
        else:
            break
    return files


_MODULE_NAME = re.compile(r"^mlops_atlas(?:\.\w+)+$")


def _imports(source: Path) -> frozenset[str]:
    """The ``mlops_atlas`` modules a file imports (a ``from`` import may name a module)."""
    try:
        stat = source.stat()
    except OSError:
        return frozenset()
    return frozenset(
        _FACTS.get(
            source,
            "imports",
            lambda: sorted(_imports_of(source, stat.st_mtime_ns, stat.st_size)),
        )
    )


@functools.lru_cache(maxsize=2048)
def _imports_of(source: Path, mtime_ns: int, size: int) -> frozenset[str]:
    """`_imports`, memoised: the examples share most of the library's modules.

    ``mtime_ns`` and ``size`` key the memo, so an edited file is read again.
    """
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return frozenset()
    found: set[str] = set()
    top = source == _LIBRARY / "__init__.py"  # its names load lazily, when an example asks
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "mlops_atlas")
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] == "mlops_atlas":
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and not top and _MODULE_NAME.match(str(node.value)):
            found.add(str(node.value))  # named in a string (importlib, kfp components, runpy)
    return frozenset(found)


def library_modules(script: Path) -> list[Path]:
    """Every library file an example imports, directly or through other library modules.

    A package that finds its modules at run time (``pkgutil``) counts with all of
    them; a module named in a string (``"mlops_atlas.x"``) counts too.
    """
    seen: set[Path] = set()
    todo = [script]
    while todo:
        source = todo.pop()
        for name in _imports(source):
            for file in _module_files(name):
                if file not in seen:
                    seen.add(file)
                    todo.append(file)
                    if file.name == "__init__.py" and _FACTS.get(
                        file, "pkgutil", functools.partial(_mentions_pkgutil, file)
                    ):
                        for other in file.parent.rglob("*.py"):
                            if other not in seen:
                                seen.add(other)
                                todo.append(other)
    return sorted(seen)


def run_example(
    name: str,
    cache_dir: Path,
    *,
    folder: Path = EXAMPLES_DIR,
    timeout: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExampleRun:
    """Run ``folder/NAME.py`` (or reuse the cached run) and return what it showed.

    Args:
        name: The example's name.
        cache_dir: Where runs are cached, one folder per name and content hash.
        folder: The folder holding the examples.
        timeout: Seconds before the run is stopped and reported as failed (default
            ``$MLOPS_ATLAS_EXAMPLE_TIMEOUT``, else 600: a guard against a hang, generous
            because a busy machine slows every example at once).
        progress: Called with one line when the example really runs (not cached).

    Returns:
        The printed output, the figures and the downloads.

    Raises:
        ExampleError: The script does not exist, fails, or runs out of time.
    """
    script = folder / f"{name}.py"
    if not script.is_file():
        known = ", ".join(available_examples(folder)) or "none"
        raise ExampleError(f"example {name!r} not found: no file {script} (known: {known})")
    _FACTS.use(cache_dir / "file-facts.json")
    target = cache_dir / f"{name}-{_content_hash(script)}"
    _FACTS.save()
    manifest = target / "run.json"
    if not manifest.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        # one run per content, whoever asks: the build and test workers wait for each other
        with _locked(cache_dir / f".{name}.lock"):
            if not manifest.exists():
                if progress is not None:
                    progress(f"example {name}")
                limit = timeout or float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT)
                _execute(name, script, target, limit)
                _prune_runs(cache_dir, name)
    else:
        with contextlib.suppress(OSError):
            os.utime(target)  # used now: the last to be removed
    record = json.loads(manifest.read_text(encoding="utf-8"))
    return ExampleRun(
        name=name,
        stdout=record["stdout"],
        figures=tuple(target / figure for figure in record["figures"]),
        downloads=tuple(target / file for file in record.get("downloads", [])),
        cells=tuple(
            CellOutput(cell["stdout"], tuple(target / f for f in cell["figures"]))
            for cell in record.get("cells", [])
        ),
        folder=target,
        seconds=float(record.get("seconds", 0.0)),
    )


def _prune_runs(cache_dir: Path, name: str, keep: int = KEEP_RUNS) -> None:
    """Remove the runs of ``name`` beyond the ``keep`` most recently used (by folder time)."""
    own = re.compile(rf"{re.escape(name)}-[0-9a-f]{{16}}")
    runs = sorted(
        (p for p in cache_dir.iterdir() if p.is_dir() and own.fullmatch(p.name)),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` held for the block, across processes."""
    import fcntl

    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def store_templates_dir() -> Path:
    """Where the empty MLflow stores are kept (see `STORE_TEMPLATES_ENV`)."""
    explicit = os.environ.get(STORE_TEMPLATES_ENV)
    if explicit:
        return Path(explicit)
    # the project's cache, found as mlops_atlas.site.prepare.default_cache_dir finds it
    cache = os.environ.get("MLOPS_ATLAS_CACHE") or EXAMPLES_DIR.parent / ".cache" / "mlops-atlas"
    return Path(cache) / "mlflow-templates"


def mlflow_store_template() -> Path:
    """An empty MLflow SQLite store with its tables created: copy it to start a fresh store.

    Creating a store (MLflow's migrations) takes seconds; copying a file does not.
    One is made per MLflow version in `store_templates_dir`, by whichever
    process asks first while the others wait, and appears there whole or not at all.

    Raises:
        ExampleError: MLflow could not create the store (the message ends with its error).
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        mlflow_version = version("mlflow")  # its migrations decide the tables
    except PackageNotFoundError:  # creating the store will say what is missing
        mlflow_version = "unknown"
    folder = store_templates_dir()
    template = folder / f"mlflow-{mlflow_version}.db"
    if template.is_file():
        return template
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / f".mlflow-{mlflow_version}.lock"):
        if not template.is_file():
            partial = folder / f".mlflow-{mlflow_version}-{os.getpid()}.db"
            partial.unlink(missing_ok=True)
            try:
                _create_store(partial)
                partial.replace(template)  # atomic: a reader sees no template or a whole one
            finally:
                partial.unlink(missing_ok=True)
    return template


def _create_store(path: Path) -> None:
    """Let MLflow create its tables in a new SQLite file at ``path``."""
    create = (
        "import sys, mlflow; mlflow.MlflowClient(sys.argv[1]).search_experiments(max_results=1)"
    )
    result = subprocess.run(
        [sys.executable, "-c", create, f"sqlite:///{path.resolve()}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-4:])
        raise ExampleError(f"cannot create an MLflow store for the examples:\n{tail}")


def _execute(name: str, script: Path, target: Path, timeout: float) -> None:
    # a folder without run.json is what an interrupted run left: start it again from nothing
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    try:
        _run_into(name, script, target, timeout)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _run_into(name: str, script: Path, target: Path, timeout: float) -> None:
    # Each run gets a private store, copied from one whose tables MLflow created once (per
    # MLflow version, shared by every cache): examples run side by side and never wait for
    # each other's SQLite writes. It stays in the run's folder, its artifacts beside it, so
    # what the example logged can be read afterwards.
    store = target / STORE_FILE
    shutil.copyfile(mlflow_store_template(), store)
    with tempfile.TemporaryDirectory(prefix=f"{name}-", dir=target.parent) as scratch:
        work = Path(scratch)
        figures = work / "figures"
        env = {
            **os.environ,
            OUTPUT_ENV: str(figures),
            "MLFLOW_TRACKING_URI": f"sqlite:///{store.resolve()}",
            "MPLBACKEND": "Agg",
            "PYTHONHASHSEED": "0",
        }
        cells = work / "cells.json"
        started = time.perf_counter()
        try:
            # run as `python examples/NAME.py` would, one # %% cell at a time
            result = subprocess.run(
                [sys.executable, "-m", "mlops_atlas.cells", str(script), str(cells), str(figures)],
                cwd=script.parent.parent,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ExampleError(f"example {name!r} ran longer than {timeout:.0f} s") from None
        if result.returncode != 0:
            tail = "\n".join(result.stderr.strip().splitlines()[-8:])
            raise ExampleError(f"example {name!r} failed (exit {result.returncode}):\n{tail}")
        written = sorted(figures.iterdir()) if figures.exists() else []
        shown = [path.name for path in written if path.suffix == ".svg"]
        downloads = [path.name for path in written if path.suffix in DOWNLOAD_SUFFIXES]
        for file in shown + downloads:
            shutil.copy2(figures / file, target / file)
        if (work / NAMESPACE_FILE).is_file():
            shutil.copy2(work / NAMESPACE_FILE, target / NAMESPACE_FILE)
        by_cell = json.loads(cells.read_text(encoding="utf-8"))["cells"]
        record = {
            "seconds": round(time.perf_counter() - started, 3),  # for the benchmarks
            "stdout": result.stdout,
            "figures": shown,
            "downloads": downloads,
            "cells": [{**c, "figures": [f for f in c["figures"] if f in shown]} for c in by_cell],
        }
        # written last: a run folder without run.json is incomplete and is redone
        (target / "run.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
