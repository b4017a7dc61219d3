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
import hashlib
import json
from typing import Any

from mlops_atlas.site.jsoncache import JsonFolder, package_version

__all__ = ["SearchCache", "install_search_cache", "page_key"]

KEEP = 2_000
"""Entries files kept (the most recently used): a few builds' worth of this site's pages."""


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
            package_version("mkdocs-material"),
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


class SearchCache(JsonFolder):
    """A folder of JSON files, one per page version: the entries the plugin added."""

    keep = KEEP

    @staticmethod
    def valid(value: Any) -> bool:
        """A list of entries (dicts)."""
        return isinstance(value, list) and all(isinstance(entry, dict) for entry in value)


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
    if _current is not None:
        _current.report("Search index")
