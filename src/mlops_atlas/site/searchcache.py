"""Search entries computed once per version of a page, not at every build.

Material's search plugin parses every built page's HTML into sections
(``SearchIndex.add_entry_from_context``): about a sixth of a rebuild, repeated for
every page although an edit changes one. This module keeps each page's entries in
the build cache, keyed by everything they are made from: the page's HTML, address,
title, table of contents, the front matter the plugin reads (``search``, ``tags``,
``title``), the plugin's settings and the version of Material. A page found in the
cache adds the same entries, in the same order, so the search index is
byte-identical either way (a test builds both).

This is glue around one method of Material's search plugin (`install_search_cache`);
if a version of Material no longer has it, the cache stays off and every page is
indexed, as before.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from mlops_atlas.outputs import write_atomically

__all__ = ["SearchCache", "install_search_cache", "page_key"]

log = logging.getLogger("mkdocs.mlops_atlas")

KEEP = 2_000
"""Entries files kept (the most recently used): a few builds' worth of this site's pages."""


@functools.cache
def _material_version() -> str:
    try:
        return importlib.metadata.version("mkdocs-material")
    except importlib.metadata.PackageNotFoundError:
        return "-"


def _toc(items: Any) -> list[Any]:
    return [[item.id, item.url, item.title, _toc(item.children)] for item in items]


def page_key(page: Any, settings: dict[str, Any]) -> str:
    """A digest of what the search plugin makes a page's entries from.

    Args:
        page: The MkDocs page, rendered (``content``, ``toc``, ``url``, ``title``, ``meta``).
        settings: The search plugin's settings.

    Returns:
        A hex digest.
    """
    meta = {name: page.meta.get(name) for name in ("search", "tags", "title")}
    described = json.dumps(
        [
            _material_version(),
            page.url,
            str(page.title),
            _toc(page.toc),
            meta,
            {name: settings[name] for name in sorted(settings)},
        ],
        default=str,
        sort_keys=True,
    )
    digest = hashlib.sha256(described.encode("utf-8"))
    digest.update(b"\0")
    digest.update((page.content or "").encode("utf-8"))
    return digest.hexdigest()


class SearchCache:
    """A folder of JSON files, one per page version: the entries the plugin added."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> list[dict[str, Any]] | None:
        """The entries kept under ``key``, or None (missing or damaged)."""
        path = self.folder / f"{key}.json"
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            return None
        with suppress(OSError):
            os.utime(path)  # recently used: kept by `prune`
        return entries

    def put(self, key: str, entries: list[dict[str, Any]]) -> None:
        """Keep ``entries`` under ``key`` (a failure to write only costs the next build)."""
        with suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / f"{key}.json", json.dumps(entries))

    def prune(self, keep: int = KEEP) -> None:
        """Remove all but the ``keep`` most recently used files."""
        with suppress(OSError):
            files = sorted(
                self.folder.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True
            )
            for stale in files[keep:]:
                with suppress(OSError):
                    stale.unlink()


_current: SearchCache | None = None


def install_search_cache(cache: SearchCache | None) -> bool:
    """Use ``cache`` for the pages Material's search plugin indexes from now on.

    Wraps ``SearchIndex.add_entry_from_context``; installed once per process, the cache
    itself can change at every build (None: index every page).

    Returns:
        Whether Material's search plugin has that method (False: nothing is cached).
    """
    global _current
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:
        return False
    original = getattr(SearchIndex, "add_entry_from_context", None)
    if original is None:
        return False
    # the i18n plugin configures each language's build: the same cache keeps one count
    if cache is None or _current is None or cache.folder != _current.folder:
        _current = cache
    if getattr(original, "_atlas_cache", False):
        return True

    def add_entry_from_context(self: Any, page: Any) -> None:
        cache = _current
        if cache is None:
            original(self, page)
            return
        key = page_key(page, self.config)
        entries = cache.get(key)
        if entries is not None:
            cache.hits += 1
            self.entries.extend(entries)
            return
        cache.misses += 1
        start = len(self.entries)
        original(self, page)
        cache.put(key, copy.deepcopy(self.entries[start:]))

    add_entry_from_context._atlas_cache = True  # type: ignore[attr-defined]
    SearchIndex.add_entry_from_context = add_entry_from_context
    return True


def report_search_cache() -> None:
    """Log how many pages' entries came from the cache, and prune it."""
    cache = _current
    if cache is None or not cache.hits + cache.misses:
        return
    log.info("Search index: %d of %d pages from the cache", cache.hits, cache.hits + cache.misses)
    cache.prune()
    cache.hits = cache.misses = 0
