"""Read a project for the debt scanner: find its files, parse its Python, index what rules need.

Nothing here imports or runs the scanned code: Python files and notebook code cells are
parsed with :mod:`ast`, configuration files with YAML/JSON/TOML readers, and everything
else is only counted or searched as text. A file that cannot be read (binary, larger than
1 MB, not UTF-8, a syntax error, nested too deeply, a notebook that is not JSON, not a
regular file, a link out of the folder) and a folder that cannot be listed become
:class:`Unreadable` entries and the scan goes on.

Limits, so that no input makes a scan hang or run out of memory: at most :data:`MAX_BYTES`
are read from a file; only regular files are read (a FIFO or a device named ``*.py`` is
skipped), and a symbolic link is followed only to a regular file inside the scanned folder;
folders reached through links are not entered; a YAML configuration may use at most
:data:`MAX_YAML_ALIASES` aliases, and a configuration file at most :data:`MAX_CONFIG_NODES`
values; Python nested deeper than :data:`MAX_DEPTH` levels is skipped.
"""

from __future__ import annotations

import ast
import errno
import json
import os
import posixpath
import re
import stat
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path

import yaml

from mlops_atlas.errors import AtlasError

__all__ = [
    "MAX_BYTES",
    "MAX_CONFIG_NODES",
    "MAX_DEPTH",
    "MAX_YAML_ALIASES",
    "SKIP_DIRS",
    "Module",
    "Project",
    "ScanError",
    "Unreadable",
    "load_project",
]

MAX_BYTES = 1_000_000
"""Files larger than this are skipped and reported (generated code, data dumps); no more
than this is ever read from one file."""

MAX_YAML_ALIASES = 100
"""YAML aliases (``*name``) allowed in one configuration file; beyond it the file is skipped
(an "alias bomb" of a few lines expands to billions of values)."""

MAX_CONFIG_NODES = 1_000_000
"""Values (keys, items, scalars) visited in one configuration file before it is skipped."""

MAX_DEPTH = 200
"""Python nested deeper than this (machine-generated expressions) is skipped: the analyses
would exhaust Python's recursion limit."""

SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "node_modules", "__pycache__",
        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache", ".ipynb_checkpoints",
        "site", "build", "dist", "outputs", "mlruns", ".eggs",
    }
)  # fmt: skip
"""Folders never scanned: version control, virtual environments, caches and build output."""

_KEPT_HIDDEN = frozenset({".github", ".gitlab", ".circleci", ".ci"})
"""Hidden folders that are scanned anyway: they hold CI definitions."""

LANGUAGES: dict[str, str] = {
    ".py": "Python", ".pyi": "Python", ".ipynb": "Python", ".pyx": "Cython",
    ".r": "R", ".rmd": "R", ".sql": "SQL", ".sh": "Shell", ".bash": "Shell",
    ".scala": "Scala", ".java": "Java", ".kt": "Kotlin", ".js": "JavaScript",
    ".ts": "TypeScript", ".jl": "Julia", ".c": "C/C++", ".h": "C/C++", ".cc": "C/C++",
    ".cpp": "C/C++", ".hpp": "C/C++", ".go": "Go", ".rs": "Rust", ".m": "MATLAB",
    ".lua": "Lua", ".rb": "Ruby", ".cs": "C#", ".swift": "Swift",
}  # fmt: skip
"""Source-file extensions (lower case) and the language each is written in."""

_TEXT_NAMES = ("Makefile", "makefile", "GNUmakefile", "Dockerfile", "Snakefile", "Jenkinsfile")
_TEXT_SUFFIXES = frozenset(
    {".toml", ".cfg", ".ini", ".yaml", ".yml", ".json", ".txt", ".env", ".sh", ".mk", ".lock"}
)
_CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".toml"})
_CONFIG_NAME = re.compile(r"(?i)(config|conf|params|settings|hparams|hyperparam)")
_CONFIG_DIRS = frozenset({"config", "configs", "conf", "params", "settings"})
_TEST_FILE = re.compile(r"(^test_.*|.*_test|^conftest)\.py$")


class ScanError(AtlasError, ValueError):
    """The path to scan does not exist or is not a folder; the message names it."""


@dataclass(frozen=True)
class Unreadable:
    """A file the scan skipped, and why.

    Attributes:
        file: Its path relative to the scanned folder (POSIX separators).
        reason: One line, e.g. ``"syntax error: invalid syntax"``.
        line: The line the problem is on, when there is one.
    """

    file: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass
class Module:
    """One parsed Python file or notebook, with the nodes rules look at.

    Attributes:
        path: Relative POSIX path.
        name: Dotted module name guessed from the path (``src/`` and ``__init__`` dropped).
        tree: The parsed module.
        is_test: A test file (``test_*.py``, ``*_test.py``, ``conftest.py`` or under ``tests/``).
        is_notebook: Parsed from a notebook's code cells.
        cells: For notebooks, ``cells[i]`` is the (cell, line in cell) of line ``i + 1``.
        code_lines: Lines holding code (not blank, not only a comment, not a docstring).
        aliases: Local name -> the dotted name it was imported as.
        constants: Module-level names bound once to a literal string (paths, URLs).
        scopes: The module body and each function, as lists of nodes in source order
            (a nested function is its own scope).
        calls: Every call, with the index of the scope it is in.
        imports: Dotted names imported (``from . import x`` resolved against ``name``).
    """

    path: str
    name: str
    tree: ast.Module
    is_test: bool
    is_notebook: bool
    cells: list[tuple[int, int]] | None
    code_lines: int
    aliases: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    scopes: list[list[ast.AST]] = field(default_factory=list)
    calls: list[tuple[ast.Call, int]] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)

    def where(self, line: int) -> tuple[int, int | None]:
        """The (line, cell) to report for a line of the parsed source."""
        if self.cells is None or not 0 < line <= len(self.cells):
            return line, None
        cell, in_cell = self.cells[line - 1]
        return in_cell, cell

    def nodes(self, *types: type[ast.AST]) -> Iterator[ast.AST]:
        """Every node of the given types, in source order within each scope."""
        for scope in self.scopes:
            for node in scope:
                if isinstance(node, types):
                    yield node


@dataclass
class Project:
    """Everything the rules need to know about a scanned folder.

    Attributes:
        root: The folder scanned.
        files: Every file scanned (relative POSIX paths), sorted.
        modules: Parsed Python files and notebooks, by relative path.
        texts: Small text files that are not Python (Makefiles, YAML, TOML...), by path.
        config_keys: Keys defined in configuration files: key -> first (file, line).
        config_children: Key -> the keys nested directly under it in configuration files.
        languages: Language -> (files, non-blank lines) for every source file found.
        unreadable: Files skipped, and why.
    """

    root: Path
    files: list[str]
    modules: dict[str, Module]
    texts: dict[str, str]
    config_keys: dict[str, tuple[str, int]]
    config_children: dict[str, set[str]]
    languages: dict[str, list[int]]
    unreadable: list[Unreadable]

    @cached_property
    def text_words(self) -> set[str]:
        """Identifier-like words in the non-Python text files (Makefiles, YAML, TOML...)."""
        words: set[str] = set()
        for text in self.texts.values():
            words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
        return words


# ---------------------------------------------------------------------------- discovery


def _walk(root: Path, exclude: Sequence[str], unreadable: list[Unreadable]) -> list[str]:
    """Every file under ``root`` (relative POSIX paths, sorted).

    Folders that cannot be listed go to ``unreadable``; links to folders are not entered.
    """
    found: list[str] = []

    def failed(error: OSError) -> None:
        if error.filename is None or Path(error.filename) == root:
            raise error
        folder = Path(error.filename).relative_to(root).as_posix()
        unreadable.append(Unreadable(folder + "/", f"folder cannot be read: {error.strerror}"))

    for folder, dirs, names in os.walk(root, onerror=failed):
        relative = Path(folder).relative_to(root).as_posix()
        relative = "" if relative == "." else relative + "/"
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS
            and (not d.startswith(".") or d in _KEPT_HIDDEN)
            and not _excluded(relative + d, exclude)
        )
        found.extend(
            relative + name
            for name in sorted(names)
            if not _excluded(relative + name, exclude) and not name.endswith((".pyc", ".pyo"))
        )
    return sorted(found)


def _excluded(path: str, exclude: Sequence[str]) -> bool:
    return any(path == pattern.rstrip("/") or fnmatch(path, pattern) for pattern in exclude)


def _module_name(path: str) -> str:
    parts = path.removesuffix(".py").removesuffix(".ipynb").split("/")
    if parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def _open_regular(root: Path, relative: str) -> int | str:
    """A descriptor open on the regular file ``relative``, or why it is not read.

    A symbolic link is followed only when it resolves to a path inside ``root``. The file
    is opened without blocking, so that a FIFO cannot hang the scan, and checked to be a
    regular file before anything is read.
    """
    path = root / relative
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root.resolve()):
            return "skipped: a symbolic link to outside the scanned folder (not followed)"
        path = target
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "skipped: a symbolic link (not followed)"
        return f"cannot be read: {error.strerror}"
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        return f"skipped: {kind}, not a regular file"
    return descriptor


def _read_text(root: Path, relative: str, unreadable: list[Unreadable]) -> str | None:
    opened = _open_regular(root, relative)
    if isinstance(opened, str):
        unreadable.append(Unreadable(relative, opened))
        return None
    try:
        with os.fdopen(opened, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        unreadable.append(Unreadable(relative, f"cannot be read: {error.strerror}"))
        return None
    if len(data) > MAX_BYTES:
        unreadable.append(
            Unreadable(relative, "skipped: larger than 1 MB (the limit read per file)")
        )
        return None
    if b"\0" in data:
        unreadable.append(Unreadable(relative, "skipped: a binary file (it contains NUL bytes)"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        unreadable.append(Unreadable(relative, "skipped: not UTF-8 text", line))
        return None


# ---------------------------------------------------------------------------- Python


_MAGIC = re.compile(r"^\s*[%!?]")


def _notebook_source(
    text: str, relative: str, unreadable: list[Unreadable]
) -> tuple[str, list[tuple[int, int]]] | None:
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        unreadable.append(
            Unreadable(relative, f"not a valid notebook: JSON error: {error.msg}", error.lineno)
        )
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        unreadable.append(Unreadable(relative, "not a valid notebook: no list of cells"))
        return None
    lines: list[str] = []
    where: list[tuple[int, int]] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        for in_cell, line in enumerate(source.splitlines(), start=1):
            # IPython magics and shell escapes are not Python: keep the line count, drop the text.
            lines.append("" if _MAGIC.match(line) else line)
            where.append((number, in_cell))
    return "\n".join(lines) + "\n", where


def _code_lines(text: str, docstrings: list[ast.stmt]) -> int:
    lines = {
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    }
    for docstring in docstrings:
        lines.difference_update(range(docstring.lineno, (docstring.end_lineno or 0) + 1))
    return len(lines)


def _docstring(node: ast.AST) -> ast.stmt | None:
    body = getattr(node, "body", None)
    if (
        isinstance(body, list)
        and body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return body[0]
    return None


_SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class _TooDeepError(Exception):
    """A tree nested deeper than :data:`MAX_DEPTH`."""


def _index(module: Module) -> list[ast.stmt]:
    """Fill the module's scopes, calls, aliases, constants and imports in one pass.

    Returns the docstrings (they are not code lines).

    Raises:
        _TooDeepError: The tree is nested deeper than :data:`MAX_DEPTH`.
    """
    docstrings: list[ast.stmt] = []
    scopes: list[list[ast.AST]] = [[]]
    stack: list[tuple[ast.AST, int, int]] = [(module.tree, 0, 0)]
    package = module.name.rsplit(".", 1)[0] if "." in module.name else ""
    if module.path.endswith("__init__.py"):
        package = module.name
    while stack:
        node, scope, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _TooDeepError
        scopes[scope].append(node)
        if isinstance(node, ast.Call):
            module.calls.append((node, scope))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module.imports.add(alias.name)
                local = alias.asname or alias.name.split(".")[0]
                module.aliases[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - node.level + 1] if node.level > 1 else parts
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                full = f"{base}.{alias.name}" if base else alias.name
                module.imports.add(full)
                module.imports.add(base)
                module.aliases[alias.asname or alias.name] = full
        elif isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = _docstring(node)
            if docstring is not None:
                docstrings.append(docstring)
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, _SCOPE_TYPES) and node is not module.tree:
            scopes.append([])
            inner = len(scopes) - 1
            # Decorators and defaults run in the enclosing scope; the body is its own.
            outer_children = [
                *getattr(node, "decorator_list", []),
                *(node.args.defaults if hasattr(node, "args") else []),
            ]
            stack.extend((child, scope, depth + 1) for child in reversed(outer_children))
            stack.extend(
                (child, inner, depth + 1)
                for child in reversed(children)
                if child not in outer_children
            )
        else:
            stack.extend((child, scope, depth + 1) for child in reversed(children))
    module.scopes = scopes
    for statement in module.tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            value = path_of(statement.value, module.constants)
            if value is not None:
                module.constants[statement.targets[0].id] = value
    return docstrings


def path_of(node: ast.AST | None, constants: dict[str, str]) -> str | None:
    """The string a path expression stands for, when it is built from literals.

    Handles literals, module constants, ``Path(...)``, ``a / b``, ``os.path.join``
    and f-strings (each ``{...}`` becomes ``*``).

    >>> path_of(ast.parse('Path(DATA) / "train.csv"', mode="eval").body, {"DATA": "data"})
    'data/train.csv'
    >>> path_of(ast.parse('f"runs/{day}/scores.csv"', mode="eval").body, {})
    'runs/*/scores.csv'
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            else:
                parts.append("*")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = path_of(node.left, constants), path_of(node.right, constants)
        if left is not None and right is not None:
            return posixpath.join(left, right)
        return None
    if isinstance(node, ast.Call):
        name = dotted(node.func)
        if name in {"Path", "pathlib.Path", "os.path.join", "PurePath", "posixpath.join"}:
            parts = [path_of(argument, constants) for argument in node.args]
            if parts and all(part is not None for part in parts):
                return posixpath.join(*parts)  # type: ignore[arg-type]
    return None


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else ``None``.

    >>> dotted(ast.parse("np.random.seed", mode="eval").body)
    'np.random.seed'
    """
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def qualified(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The imported dotted name a call target refers to (``pd.read_csv`` -> ``pandas.read_csv``)."""
    name = dotted(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    if head in aliases:
        return f"{aliases[head]}.{rest}" if rest else aliases[head]
    return name


def _parse(text: str, relative: str, unreadable: list[Unreadable]) -> ast.Module | None:
    try:
        return ast.parse(text, filename=relative)
    except SyntaxError as error:
        unreadable.append(Unreadable(relative, f"syntax error: {error.msg}", error.lineno))
    except (RecursionError, MemoryError):
        unreadable.append(
            Unreadable(relative, "skipped: nested too deeply to parse (machine-generated code?)")
        )
    except ValueError as error:  # e.g. source code string cannot contain null bytes
        unreadable.append(Unreadable(relative, f"cannot be parsed: {error}"))
    return None


# ---------------------------------------------------------------------------- configuration


def is_config_file(path: str) -> bool:
    """A YAML/JSON/TOML file named like configuration, or kept in a ``config``-like folder.

    >>> is_config_file("conf/train.yaml"), is_config_file("params.yaml")
    (True, True)
    >>> is_config_file("pyproject.toml"), is_config_file(".github/workflows/ci.yml")
    (False, False)
    """
    suffix = posixpath.splitext(path)[1].lower()
    if suffix not in _CONFIG_SUFFIXES or path.startswith("."):
        return False
    parts = path.split("/")
    return bool(_CONFIG_NAME.search(parts[-1])) or any(p in _CONFIG_DIRS for p in parts[:-1])


class _AliasBudgetLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a document with more than :data:`MAX_YAML_ALIASES` aliases."""

    aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                event = self.peek_event()
                raise _ConfigTooLargeError(
                    f"skipped: more than {MAX_YAML_ALIASES} YAML aliases (line "
                    f"{event.start_mark.line + 1}); the scanner refuses alias bombs"
                )
        return super().compose_node(parent, index)  # type: ignore[misc]


class _ConfigTooLargeError(Exception):
    """A configuration file beyond one of the scanner's limits; the message says which."""


_KEY_AT = re.compile(r"""(?:^|(?<=[\s"'{,]))["']?([^\s"'{,:=]+)["']?\s*[:=]""")
"""A key followed by ``:`` or ``=``, as YAML, JSON and TOML write them."""
_KEY_CHARACTERS = re.compile(r"""[^\s"'{,:=]+""")
_FALLBACK_CHARACTERS = 20_000_000
"""Characters searched for keys with spaces or punctuation, per file (beyond: line 1)."""


def _key_lines(lines: list[str]) -> dict[str, int]:
    """The first line (1-based) on which each plain key is written, in one pass."""
    first: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        for match in _KEY_AT.finditer(line):
            first.setdefault(match.group(1), number)
    return first


def _config_keys(
    path: str, text: str, keys: dict[str, tuple[str, int]], children: dict[str, set[str]]
) -> str | None:
    """Collect a config file's keys; return an error message if it cannot be parsed.

    Linear in the file's size: the line of each key comes from one index of the lines
    (keys with spaces or punctuation are searched for, within a budget).
    """
    suffix = posixpath.splitext(path)[1].lower()
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_AliasBudgetLoader)  # a SafeLoader
    except (yaml.YAMLError, json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        return f"configuration file cannot be parsed: {str(error).splitlines()[0]}"
    except _ConfigTooLargeError as error:
        return str(error)
    except (RecursionError, MemoryError):
        return "skipped: configuration nested too deeply to parse"
    lines = text.splitlines()
    plain = _key_lines(lines)
    budget = _FALLBACK_CHARACTERS

    def line_of(key: str) -> int:
        nonlocal budget
        if _KEY_CHARACTERS.fullmatch(key):
            return plain.get(key, 1)
        if budget < len(text):
            return 1
        budget -= len(text)
        pattern = re.compile(rf"""(^|[\s"'{{,])["']?{re.escape(key)}["']?\s*[:=]""")
        return next((n for n, line in enumerate(lines, 1) if pattern.search(line)), 1)

    # Depth-first, children in order, each (value, parent) pair once: a YAML anchor used
    # under several keys is visited once per key, not once per path to it.
    stack: list[tuple[object, str | None]] = [(data, None)]
    seen: set[tuple[int, str | None]] = set()
    visited = 0
    while stack:
        value, parent = stack.pop()
        visited += 1
        if visited > MAX_CONFIG_NODES:
            return f"skipped: more than {MAX_CONFIG_NODES:,} values in one configuration file"
        if isinstance(value, dict | list):
            if (id(value), parent) in seen:
                continue
            seen.add((id(value), parent))
        if isinstance(value, dict):
            pending = []
            for key, child in value.items():
                key = str(key)
                if key not in keys:
                    keys[key] = (path, line_of(key))
                if parent is not None:
                    children.setdefault(parent, set()).add(key)
                pending.append((child, key))
            stack.extend(reversed(pending))
        elif isinstance(value, list):
            stack.extend((child, parent) for child in reversed(value))
    return None


# ---------------------------------------------------------------------------- the project


def load_project(
    root: Path | str,
    *,
    exclude: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Project:
    """Find, read and parse a project's files.

    Args:
        root: The folder to scan.
        exclude: Glob patterns of relative paths to leave out (``"tests/fixtures"``).
        progress: Called as ``progress(done, total)`` while files are parsed.

    Returns:
        The project; files it could not read are listed in ``unreadable``.

    Raises:
        ScanError: ``root`` does not exist or is not a folder.
    """
    root = Path(root)
    if not root.exists():
        raise ScanError(f"{root}: no such folder")
    if not root.is_dir():
        raise ScanError(f"{root}: not a folder; give the root of the project to scan")
    unreadable: list[Unreadable] = []
    try:
        files = _walk(root, exclude, unreadable)
    except OSError as error:
        raise ScanError(f"{root}: cannot be read: {error.strerror}") from None
    modules: dict[str, Module] = {}
    texts: dict[str, str] = {}
    languages: dict[str, list[int]] = {}
    keys: dict[str, tuple[str, int]] = {}
    children: dict[str, set[str]] = {}
    total = len(files)
    for done, relative in enumerate(files, start=1):
        if progress is not None:
            progress(done, total)
        name = relative.rsplit("/", 1)[-1]
        suffix = posixpath.splitext(name)[1].lower()
        language = LANGUAGES.get(suffix)
        is_text = suffix in _TEXT_SUFFIXES or name in _TEXT_NAMES
        if language is None and not is_text:
            continue
        text = _read_text(root, relative, unreadable)
        if text is None:
            continue
        if is_text:
            texts[relative] = text
            if is_config_file(relative):
                problem = _config_keys(relative, text, keys, children)
                if problem:
                    unreadable.append(Unreadable(relative, problem))
        if language is None:
            continue
        cells = None
        source = text
        if suffix == ".ipynb":
            converted = _notebook_source(text, relative, unreadable)
            if converted is None:
                continue
            source, cells = converted
        counted = languages.setdefault(language, [0, 0])
        if suffix in {".py", ".ipynb"}:
            tree = _parse(source, relative, unreadable)
            if tree is None:
                continue
            module = Module(
                path=relative,
                name=_module_name(relative),
                tree=tree,
                is_test=bool(_TEST_FILE.match(name))
                or any(part in {"tests", "test"} for part in relative.split("/")[:-1]),
                is_notebook=cells is not None,
                cells=cells,
                code_lines=0,
            )
            try:
                module.code_lines = _code_lines(source, _index(module))
            except _TooDeepError:
                unreadable.append(
                    Unreadable(
                        relative,
                        f"skipped: nested more than {MAX_DEPTH} levels deep "
                        "(machine-generated code?)",
                    )
                )
                continue
            modules[relative] = module
            counted[0] += 1
            counted[1] += module.code_lines
        else:
            counted[0] += 1
            counted[1] += sum(1 for line in text.splitlines() if line.strip())
    return Project(
        root=root,
        files=files,
        modules=modules,
        texts=texts,
        config_keys=keys,
        config_children=children,
        languages=languages,
        unreadable=unreadable,
    )
