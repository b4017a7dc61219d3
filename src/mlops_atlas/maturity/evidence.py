"""Evidence from a repository: answer what its files can show, and name the file.

A detector (``data/evidence.yaml``) looks for file names or for patterns in Python files. What
it finds is an answer marked *detected* with the file that shows it; everything else stays for
the team to answer. A detected answer says a file shows the practice, not that the practice is
followed well: review the file it names.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import yaml

from mlops_atlas.errors import AtlasError
from mlops_atlas.maturity.models import DATA_DIR

__all__ = ["Detected", "EvidenceError", "scan_repository"]

_SKIP_DIRS = {
    ".git", ".venv", "venv", "env", "node_modules", "__pycache__", "site", "outputs", "mlruns",
    "build", "dist", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache", "fixtures",
}  # fmt: skip
"""Folders never scanned: tools' caches, build output, and test fixtures (deliberate samples)."""

_MAX_FILES = 20_000
_MAX_BYTES = 1_000_000


class EvidenceError(AtlasError, ValueError):
    """The repository cannot be scanned; the message names the path."""


@dataclass(frozen=True)
class Detected:
    """An answer a repository's files show.

    Attributes:
        question: The question id it answers.
        value: The answer (``"yes"``, or an ML Test Score value).
        file: The file that shows it, relative to the repository root (POSIX separators).
        what: What was detected, e.g. ``"MLflow tracking"``.
    """

    question: str
    value: str
    file: str
    what: str


def _files(root: Path) -> list[str]:
    found: list[str] = []
    for folder, dirs, names in os.walk(root):
        relative = Path(folder).relative_to(root)
        if ".git" in dirs or ".git" in names:
            found.append((relative / ".git").as_posix())
        dirs[:] = sorted(
            d
            for d in dirs
            if (d not in _SKIP_DIRS and not d.startswith(".")) or d in {".github", ".circleci"}
        )
        found.extend((relative / name).as_posix() for name in sorted(names) if name != ".git")
        if len(found) > _MAX_FILES:
            break
    return found


def scan_repository(root: Path | str) -> list[Detected]:
    """Scan a checkout and return the answers its files show, one per question.

    Args:
        root: The repository's root folder.

    Returns:
        Detected answers in detector order; each names an existing file.

    Raises:
        EvidenceError: ``root`` does not exist, is not a folder or cannot be read.
    """
    root = Path(root)
    if not root.is_dir():
        raise EvidenceError(f"{root}: not a folder; give --repo the root of a checkout")
    try:
        files = _files(root)
        next(root.iterdir(), None)  # an unreadable folder raises here
    except OSError as error:
        raise EvidenceError(f"{root}: cannot read the repository: {error.strerror}") from None
    detectors = yaml.safe_load((DATA_DIR / "evidence.yaml").read_text(encoding="utf-8"))[
        "detectors"
    ]
    python_files = [name for name in files if name.endswith(".py")]
    texts: dict[str, str] = {}

    def text(name: str) -> str:
        if name not in texts:
            path = root / name
            texts[name] = ""
            try:
                # regular files only: a FIFO or a link to /dev/zero named *.py would never end
                if stat.S_ISREG(path.stat().st_mode) and path.stat().st_size <= _MAX_BYTES:
                    with path.open("rb") as handle:
                        texts[name] = handle.read(_MAX_BYTES).decode("utf-8", errors="replace")
            except OSError:
                pass  # unreadable: shows nothing
        return texts[name]

    detected: dict[str, Detected] = {}
    for detector in detectors:
        shown = next(
            (f for f in files for pattern in detector.get("names", []) if fnmatch(f, pattern)),
            None,
        )
        if shown is None and detector.get("python"):
            patterns = [re.compile(p, re.MULTILINE) for p in detector["python"]]
            shown = next(
                (f for f in python_files if any(p.search(text(f)) for p in patterns)), None
            )
        if shown is None:
            continue
        for question, value in detector["answers"].items():
            detected.setdefault(question, Detected(question, str(value), shown, detector["what"]))
    return list(detected.values())
