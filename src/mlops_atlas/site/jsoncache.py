"""Folders of the build cache that keep one JSON file per key, the most recently used.

`mlops_atlas.site.pagecache` and `mlops_atlas.site.searchcache` keep what a build
would otherwise compute again (a page's conversion, its search entries) in such a
folder: a damaged or unreadable file reads as missing, a failure to write only costs
the next build, and a hit marks the file as recently used so that `JsonFolder.prune`
keeps it.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import logging
import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from mlops_atlas.outputs import write_atomically

__all__ = ["JsonFolder", "package_version"]

log = logging.getLogger("mkdocs.mlops_atlas")


@functools.cache
def package_version(package: str) -> str:
    """An installed distribution's version, or ``"-"`` when it is not installed (for keys)."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "-"


class JsonFolder:
    """One JSON file per key in ``folder``, with the build's hit and miss counts.

    Subclasses say what a valid value looks like (`valid`); anything else reads as
    missing.
    """

    keep = 1_000
    """Files kept by `prune` (the most recently used)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    @staticmethod
    def valid(value: Any) -> bool:
        """Whether a value read back is one this cache keeps."""
        return value is not None

    def get(self, key: str) -> Any:
        """The value kept under ``key``, or None (missing, unreadable or not `valid`)."""
        path = self.folder / f"{key}.json"
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not self.valid(value):
            return None
        with suppress(OSError):
            os.utime(path)  # recently used: kept by `prune`
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` under ``key`` (a failure to write only costs the next build)."""
        with suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / f"{key}.json", json.dumps(value))

    def prune(self, keep: int | None = None) -> None:
        """Remove all but the ``keep`` (default `keep`) most recently used files."""
        with suppress(OSError):
            files = sorted(
                self.folder.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True
            )
            for stale in files[self.keep if keep is None else keep :]:
                with suppress(OSError):
                    stale.unlink()

    def report(self, label: str) -> None:
        """Log this build's hits (``LABEL: H of N pages from the cache``), prune, count afresh."""
        if not self.hits + self.misses:
            return
        log.info("%s: %d of %d pages from the cache", label, self.hits, self.hits + self.misses)
        self.prune()
        self.hits = self.misses = 0
