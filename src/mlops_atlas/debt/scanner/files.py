"""Find and read a project's files for the debt scanner, within limits no input can break.

Only regular files are read: a FIFO or a device named ``*.py`` is skipped, and a symbolic
link is followed only to a regular file inside the scanned folder; folders reached through
links are not entered. At most `MAX_BYTES` are read from a file. A folder that cannot
be listed, like a file that cannot be read, becomes an `Unreadable` entry.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from mlops_atlas.errors import AtlasError

__all__ = [
    "LANGUAGES",
    "MAX_BYTES",
    "SKIP_DIRS",
    "ScanError",
    "Unreadable",
    "kind_of",
    "module_name",
    "read_text",
    "walk",
]

MAX_BYTES = 1_000_000
"""Files larger than this are skipped and reported (generated code, data dumps); no more
than this is ever read from one file."""

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


class ScanError(AtlasError, ValueError):
    """The path to scan does not exist, is not a folder or cannot be listed; the message names it."""


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


def walk(root: Path, exclude: Sequence[str], unreadable: list[Unreadable]) -> list[str]:
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


def module_name(path: str) -> str:
    """The dotted module name a path stands for (``src/`` and ``__init__`` dropped).

    Examples:
        >>> module_name("src/pkg/__init__.py"), module_name("jobs/train.py")
        ('pkg', 'jobs.train')
    """
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


def read_text(root: Path, relative: str) -> str | Unreadable:
    """A file's text (UTF-8), or why it is not read.

    Not read: not a regular file, a link out of the folder, larger than `MAX_BYTES`,
    binary, not UTF-8.
    """
    opened = _open_regular(root, relative)
    if isinstance(opened, str):
        return Unreadable(relative, opened)
    try:
        with os.fdopen(opened, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        return Unreadable(relative, f"cannot be read: {error.strerror}")
    if len(data) > MAX_BYTES:
        return Unreadable(relative, "skipped: larger than 1 MB (the limit read per file)")
    if b"\0" in data:
        return Unreadable(relative, "skipped: a binary file (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Unreadable(relative, "skipped: not UTF-8 text", line)


def kind_of(path: str) -> tuple[str | None, bool]:
    """(language, is a text file the rules read) for a relative path, from its name alone.

    Examples:
        >>> kind_of("src/train.py"), kind_of("dvc.yaml"), kind_of("data/x.parquet")
        (('Python', False), (None, True), (None, False))
    """
    name = path.rsplit("/", 1)[-1]
    suffix = posixpath.splitext(name)[1].lower()
    return LANGUAGES.get(suffix), suffix in _TEXT_SUFFIXES or name in _TEXT_NAMES
