"""Read a project for the debt scanner: find its files, parse its Python, index what rules need.

Nothing here imports or runs the scanned code: Python files and notebook code cells are
parsed with :mod:`ast`, configuration files with YAML/JSON/TOML readers, and everything
else is only counted or searched as text. A file that cannot be read (binary, larger than
1 MB, not UTF-8, a syntax error, a notebook that is not JSON) becomes an
:class:`Unreadable` entry and the scan goes on.
"""

from __future__ import annotations

import ast
import json
import os
import posixpath
import re
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
    "SKIP_DIRS",
    "Module",
    "Project",
    "ScanError",
    "Unreadable",
    "load_project",
]

MAX_BYTES = 1_000_000
"""Files larger than this are skipped and reported (generated code, data dumps)."""

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


def _walk(root: Path, exclude: Sequence[str]) -> list[str]:
    found: list[str] = []
    for folder, dirs, names in os.walk(root):
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


def _read_text(path: Path, relative: str, unreadable: list[Unreadable]) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            unreadable.append(Unreadable(relative, f"skipped: {size:,} bytes, larger than 1 MB"))
            return None
        data = path.read_bytes()
    except OSError as error:
        unreadable.append(Unreadable(relative, f"cannot be read: {error.strerror}"))
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


def _index(module: Module) -> list[ast.stmt]:
    """Fill the module's scopes, calls, aliases, constants and imports in one pass.

    Returns the docstrings (they are not code lines).
    """
    docstrings: list[ast.stmt] = []
    scopes: list[list[ast.AST]] = [[]]
    stack: list[tuple[ast.AST, int]] = [(module.tree, 0)]
    package = module.name.rsplit(".", 1)[0] if "." in module.name else ""
    if module.path.endswith("__init__.py"):
        package = module.name
    while stack:
        node, scope = stack.pop()
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
            stack.extend((child, scope) for child in reversed(outer_children))
            stack.extend(
                (child, inner) for child in reversed(children) if child not in outer_children
            )
        else:
            stack.extend((child, scope) for child in reversed(children))
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


def _config_keys(
    path: str, text: str, keys: dict[str, tuple[str, int]], children: dict[str, set[str]]
) -> str | None:
    """Collect a config file's keys; return an error message if it cannot be parsed."""
    suffix = posixpath.splitext(path)[1].lower()
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        return f"configuration file cannot be parsed: {str(error).splitlines()[0]}"
    lines = text.splitlines()

    def line_of(key: str) -> int:
        pattern = re.compile(rf"""(^|[\s"'{{,])["']?{re.escape(key)}["']?\s*[:=]""")
        return next((n for n, line in enumerate(lines, 1) if pattern.search(line)), 1)

    def visit(value: object, parent: str | None) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                key = str(key)
                keys.setdefault(key, (path, line_of(key)))
                if parent is not None:
                    children.setdefault(parent, set()).add(key)
                visit(child, key)
        elif isinstance(value, list):
            for child in value:
                visit(child, parent)

    visit(data, None)
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
    try:
        files = _walk(root, exclude)
    except OSError as error:
        raise ScanError(f"{root}: cannot be read: {error.strerror}") from None
    unreadable: list[Unreadable] = []
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
        text = _read_text(root / relative, relative, unreadable)
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
            module.code_lines = _code_lines(source, _index(module))
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
