"""The API reference rendered once per version of the library, not at every build.

mkdocstrings renders each ``::: module`` block of ``docs/reference/`` from the
library's sources: about a third of a build, repeated at every build although
the sources rarely change. This module keeps each block's rendering in the build
cache, keyed by everything the rendering depends on:

- the bytes of every ``.py`` file under the handler's ``paths`` (a change anywhere
  renders every block again: a module's page shows what it imports and inherits);
- the block itself (identifier, options, heading level), its page and the locale;
- the project's ``mkdocs.yml`` (Markdown extensions and handler options);
- the versions of mkdocstrings, its Python handler, griffe, autorefs, Markdown,
  pymdown-extensions and Pygments.

A block found in the cache gives mkdocstrings what its rendering would have: the
HTML, the headings for the table of contents, and each heading's aliases, which
mkdocstrings then registers with autorefs and the objects inventory itself. The
built pages are byte-identical either way (a test builds both).

This is glue around two methods of mkdocstrings' ``AutoDocProcessor``
(`install_api_cache`); if a version of mkdocstrings no longer has them, the
cache stays off and the build renders everything, as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from mlops_atlas.outputs import write_atomically
from mlops_atlas.site.jsoncache import package_version

__all__ = ["ApiCache", "api_cache", "install_api_cache", "report_api_cache", "sources_key"]

log = logging.getLogger("mkdocs.mlops_atlas")

_PACKAGES = (
    "mkdocstrings",
    "mkdocstrings-python",
    "griffelib",
    "griffe",
    "mkdocs-autorefs",
    "markdown",
    "pymdown-extensions",
    "pygments",
)


_NOT_SOURCES = frozenset({"__pycache__", "site-packages", "node_modules"})
"""Folders never read as sources (with hidden ones, such as ``.venv``): a handler whose
``paths`` is the project folder, mkdocstrings' default, would hash a whole environment."""


def sources_key(source_dirs: Iterable[Path], config_file: Path) -> str:
    r"""A digest of what every block's rendering depends on, whatever the block.

    Args:
        source_dirs: The folders mkdocstrings reads the library from (its ``paths``).
        config_file: The project's ``mkdocs.yml``.

    Returns:
        A hex digest that changes when any ``.py`` file under ``source_dirs``, the
        configuration or a rendering package's version changes.

    Examples:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> (folder / "m.py").write_text("def f(): ...\n")
        13
        >>> (folder / "mkdocs.yml").write_text("site_name: t\n")
        13
        >>> before = sources_key([folder], folder / "mkdocs.yml")
        >>> before == sources_key([folder], folder / "mkdocs.yml")
        True
        >>> (folder / "m.py").write_text("def g(): ...\n")
        13
        >>> before == sources_key([folder], folder / "mkdocs.yml")
        False
    """
    digest = hashlib.sha256()
    for package in _PACKAGES:
        digest.update(f"{package}={package_version(package)}\n".encode())
    digest.update(Path(config_file).read_bytes())
    for folder in source_dirs:
        for path in _python_files(Path(folder)):
            digest.update(f"\n{path.relative_to(folder).as_posix()}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _python_files(folder: Path) -> list[Path]:
    """The ``.py`` files under ``folder``, in a stable order, skipping `_NOT_SOURCES`."""
    found = []
    for here, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _NOT_SOURCES and not d.startswith(".")]
        found += [Path(here) / name for name in names if name.endswith(".py")]
    return sorted(found)


@dataclass
class ApiCache:
    """Rendered blocks in ``folder``, valid for one `sources_key`.

    Attributes:
        folder: Where the blocks are kept (one JSON file per block).
        key: The `sources_key` of this build.
        hits: Blocks taken from the cache in this build.
        misses: Blocks rendered (and kept) in this build.
    """

    folder: Path
    key: str
    hits: int = 0
    misses: int = 0
    _pending: dict[int, tuple[Path, str]] = field(default_factory=dict, repr=False)

    def path(
        self, identifier: str, options: str, heading_level: int, page: str, locale: str
    ) -> Path:
        """The file of one block's rendering (a digest: no name from the page leaves the folder)."""
        block = json.dumps([self.key, identifier, options, heading_level, page, locale])
        return self.folder / f"{hashlib.sha256(block.encode()).hexdigest()}.json"

    def load(self, path: Path) -> dict[str, Any] | None:
        """A kept block, or None when it is missing or unreadable (then it is rendered again)."""
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or not isinstance(record.get("html"), str):
            return None
        return record

    def keep(
        self, path: Path, html: str, headings: list[Element], aliases: dict[str, list[str]]
    ) -> None:
        """Write one block's rendering (atomically; a failure to write only loses the cache)."""
        record = {
            "html": html,
            "headings": [[h.tag, dict(h.attrib), h.text] for h in headings],
            "aliases": aliases,
        }
        with suppress(Exception):
            write_atomically(path, json.dumps(record, ensure_ascii=False))


def api_cache(base: Path, key: str, keep: int = 3) -> ApiCache:
    """The cache of one `sources_key` in ``base``, keeping the ``keep`` most recent keys' folders.

    Each version of the library has its folder of blocks (about 10 MB for this
    project's); older ones are removed so that the cache does not grow with every edit.
    """
    folder = Path(base) / key[:24]
    folder.mkdir(parents=True, exist_ok=True)
    folder.touch()  # the most recent, whatever its age
    others = sorted(
        (p for p in Path(base).iterdir() if p.is_dir() and p != folder),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[keep - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    return ApiCache(folder, key)


def _headings(record: dict[str, Any]) -> list[Element]:
    elements = []
    for tag, attributes, text in record["headings"]:
        element = Element(tag, attributes)
        element.text = text
        elements.append(element)
    return elements


_current: ApiCache | None = None


def install_api_cache(cache: ApiCache | None) -> bool:
    """Use ``cache`` for the blocks mkdocstrings renders from now on (None: render them all).

    Wraps ``AutoDocProcessor._process_block`` (collect and render one block) and
    ``_process_headings`` (register its headings); installed once per process, the
    cache itself can change at every build (``mkdocs serve``).

    Returns:
        Whether mkdocstrings has the two methods (False: nothing is cached).
    """
    global _current
    try:
        from mkdocstrings._internal.extension import AutoDocProcessor
    except ImportError:
        return False
    block = getattr(AutoDocProcessor, "_process_block", None)
    headings = getattr(AutoDocProcessor, "_process_headings", None)
    if block is None or headings is None:
        return False
    # the i18n plugin configures each language's build: the same cache keeps one count
    kept = _current
    if cache is None or kept is None or (cache.folder, cache.key) != (kept.folder, kept.key):
        _current = cache
    if getattr(block, "_atlas_cache", False):
        return True

    def _process_block(self: Any, identifier: str, yaml_block: str, heading_level: int = 0) -> Any:
        cache = _current
        page = self._autorefs.current_page
        handler = self._handlers.get_handler(self._handlers.get_handler_name({}))
        if cache is None or page is None or not handler.outer_layer or yaml_block.strip():
            return block(self, identifier, yaml_block, heading_level)
        path = cache.path(
            identifier, yaml_block, heading_level, page.url, str(self._handlers._locale)
        )
        record = cache.load(path)
        if record is None:
            html, handler, data = block(self, identifier, yaml_block, heading_level)
            cache._pending[id(self)] = (path, html)
            cache.misses += 1
            return html, handler, data
        handler._headings.extend(_headings(record))
        self._atlas_aliases = record.get("aliases") or {}
        cache.hits += 1
        return record["html"], handler, None

    def _process_headings(self: Any, handler: Any, element: Element) -> None:
        cache = _current
        aliases: dict[str, list[str]] | None = self.__dict__.pop("_atlas_aliases", None)
        pending = cache._pending.pop(id(self), None) if cache is not None else None
        if aliases is not None:  # from the cache: mkdocstrings registers them as usual
            handler.get_aliases = lambda identifier: tuple(aliases.get(identifier, ()))
            try:
                headings(self, handler, element)
            finally:
                del handler.get_aliases  # the handler's own method again
            return
        if pending is None or cache is None:
            headings(self, handler, element)
            return
        rendered = list(handler._headings)
        kept = {
            h.attrib["id"]: list(handler.get_aliases(h.attrib["id"]))
            for h in rendered
            if "id" in h.attrib
        }
        headings(self, handler, element)
        cache.keep(pending[0], pending[1], rendered, kept)

    _process_block._atlas_cache = True  # type: ignore[attr-defined]
    AutoDocProcessor._process_block = _process_block  # type: ignore[method-assign]
    AutoDocProcessor._process_headings = _process_headings  # type: ignore[method-assign]
    return True


def report_api_cache() -> None:
    """Log how many blocks came from the cache in this build (then count afresh)."""
    cache = _current
    if cache is None or not cache.hits + cache.misses:
        return
    log.info(
        "API reference: %d of %d blocks from the cache, %d rendered",
        cache.hits,
        cache.hits + cache.misses,
        cache.misses,
    )
    cache.hits = cache.misses = 0
