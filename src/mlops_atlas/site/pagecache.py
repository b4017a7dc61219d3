"""A page's Markdown converted once per version of its text, not at every build.

MkDocs converts every page's Markdown to HTML at every build (``Page.render``),
although an edit changes one page: a third of a rebuild. This module keeps each
conversion in the build cache, keyed by everything it is made from:

- the page's Markdown as the hooks left it (shortcodes and citations expanded),
  its source path and address;
- the contents of the files it includes with ``--8<--`` (pymdownx.snippets);
- the Markdown extensions and their settings, the link validation settings,
  ``use_directory_urls``, and the address of every file of the build (a link to
  another page becomes a relative address, and a link to a missing file a warning);
- the versions of MkDocs (or ProperDocs), Markdown, pymdown-extensions, Pygments,
  Material and mkdocs-autorefs.

A page found in the cache gets what the conversion would have given it: its HTML,
table of contents, title, anchors and links to other pages' anchors; the anchors
it registered with mkdocs-autorefs are registered again, and so are the objects an
API reference block (``::: module``) added to mkdocstrings' inventory; such a page's
key also holds the library's sources (`mlops_atlas.site.apicache.sources_key`). Not
cached: a page that includes a file that includes others or that does not exist,
and any conversion that logged a warning (so that a strict build still fails on it
every time).

This is glue around one method of MkDocs' (and ProperDocs') ``Page``
(`install_page_cache`); without it, every page is converted, as before.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import re
from contextlib import suppress
from pathlib import Path
from typing import Any

from mlops_atlas.site.jsoncache import JsonFolder, package_version

__all__ = ["PageCache", "install_page_cache", "report_page_cache", "snippet_files"]


KEEP = 1_000
"""Conversions kept (the most recently used): a few builds' worth of this site's pages."""

_PACKAGES = (
    "mkdocs",
    "properdocs",
    "markdown",
    "pymdown-extensions",
    "pygments",
    "mkdocs-material",
    "mkdocs-autorefs",
)
_API_BLOCK = re.compile(r"^\s*:::", re.MULTILINE)
_SNIPPET_LINE = re.compile(r"^\s*-+8<-+\s*(?:(['\"])(.*?)\1)?\s*$")


def api_block(page: Any) -> bool:
    """Whether a page's Markdown has an API reference block (``::: module``)."""
    return _API_BLOCK.search(page.markdown or "") is not None


def snippet_files(markdown: str, bases: list[Path]) -> list[Path] | None:
    r"""The files a page includes with pymdownx.snippets, or None if one cannot be found.

    Both forms are read: ``--8<-- "path"`` on one line, and a block of paths between
    two ``--8<--`` lines. A ``:lines`` or ``:section`` suffix is dropped, a path
    starting with ``;`` is skipped (as the extension skips it), and a file that
    includes others makes the answer None (its own includes are not followed).

    Examples:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.py").write_text("x = 1\n")
        >>> [p.name for p in snippet_files('--8<-- "a.py:1:1"\n', [folder])]
        ['a.py']
        >>> snippet_files('--8<--\nmissing.py\n--8<--\n', [folder]) is None
        True
    """
    found: list[Path] = []
    in_block = False
    for line in markdown.splitlines():
        marker = _SNIPPET_LINE.match(line)
        if marker and marker.group(2) is None:  # a bare marker opens or closes a block
            in_block = not in_block
            continue
        names = [marker.group(2)] if marker else [line.strip()] if in_block else []
        for name in names:
            if not name or name.startswith(";"):
                continue
            path = _find(re.sub(r":[^/\\]*$", "", name), bases)
            if path is None:
                return None
            found.append(path)
    for path in found:
        with suppress(OSError, UnicodeDecodeError):
            if "8<-" in path.read_text(encoding="utf-8"):
                return None  # nested includes: not followed here, so not cached
    return found


def _find(name: str, bases: list[Path]) -> Path | None:
    for base in bases:
        path = base / name
        if path.is_file():
            return path
    return None


class PageCache(JsonFolder):
    """A folder of JSON files, one per conversion, and the key parts shared by a build."""

    keep = KEEP

    def __init__(self, folder: Path, project: Path, api_key: str | None = None) -> None:
        super().__init__(folder)
        self.project = project
        self.api_key = api_key
        """What the API reference's blocks depend on (`mlops_atlas.site.apicache.sources_key`);
        without it, a page with a ``:::`` block is converted at every build."""
        self._build_key: tuple[Any, str] | None = None  # the build's files, held: ids are reused

    def build_key(self, config: Any, files: Any) -> str:
        """What every page's conversion depends on in this build (computed once per build)."""
        if self._build_key is not None and self._build_key[0] is files:
            return self._build_key[1]
        extensions = [
            e if isinstance(e, str) else f"{type(e).__module__}.{type(e).__qualname__}"
            for e in config["markdown_extensions"]
        ]
        described = json.dumps(
            [
                [package_version(package) for package in _PACKAGES],
                extensions,
                config["mdx_configs"],
                config.get("validation"),
                config.get("use_directory_urls"),
                sorted((f.src_uri, f.dest_uri, f.url) for f in files),
            ],
            default=_describe,
            sort_keys=True,
        )
        key = hashlib.sha256(described.encode("utf-8")).hexdigest()
        self._build_key = (files, key)
        return key

    def page_key(self, page: Any, config: Any, files: Any) -> str | None:
        """The key of ``page``'s conversion, or None if it is not cached (see the module)."""
        markdown = page.markdown or ""
        api = api_block(page)
        if api and self.api_key is None:
            return None
        settings = (config["mdx_configs"] or {}).get("pymdownx.snippets") or {}
        bases = settings.get("base_path") or ["."]
        bases = [bases] if isinstance(bases, str) else bases
        included = snippet_files(markdown, [self.project / base for base in bases])
        if included is None:
            return None
        digest = hashlib.sha256(self.build_key(config, files).encode())
        for part in (page.file.src_uri, page.file.dest_uri, page.url, markdown):
            digest.update(b"\0" + part.encode("utf-8"))
        for path in included:
            digest.update(b"\0" + str(path).encode("utf-8") + b"\0" + path.read_bytes())
        if api:  # the library's sources and the renderers' versions
            digest.update(b"\0api\0" + str(self.api_key).encode())
        return digest.hexdigest()

    @staticmethod
    def valid(value: Any) -> bool:
        """A kept conversion: a dict with the page's HTML."""
        return isinstance(value, dict) and isinstance(value.get("content"), str)


def _describe(value: object) -> str:
    name = getattr(value, "__qualname__", None) or type(value).__qualname__
    return f"{getattr(value, '__module__', '')}.{name}"


def _toc_record(items: Any) -> list[dict[str, Any]]:
    return [
        {"title": i.title, "id": i.id, "level": i.level, "children": _toc_record(i.children)}
        for i in items
    ]


def _toc_from(record: list[dict[str, Any]], toc: Any) -> Any:
    def links(items: list[dict[str, Any]]) -> list[Any]:
        made = []
        for item in items:
            link = toc.AnchorLink(item["title"], item["id"], item["level"])
            link.children = links(item["children"])
            made.append(link)
        return made

    return toc.TableOfContents(links(record))


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_current: PageCache | None = None


def install_page_cache(cache: PageCache | None) -> bool:
    """Use ``cache`` for the pages MkDocs and ProperDocs convert from now on.

    Wraps ``Page.render`` of whichever of the two is installed; installed once per
    process, the cache itself can change at every build (None: convert every page).

    Returns:
        Whether a ``Page`` class was found to wrap.
    """
    global _current
    if cache is None or _current is None or cache.folder != _current.folder:
        _current = cache  # else: the i18n plugin's second language, one count for both
    wrapped = False
    for engine in ("mkdocs", "properdocs"):
        try:
            pages = importlib.import_module(f"{engine}.structure.pages")
            toc = importlib.import_module(f"{engine}.structure.toc")
        except ImportError:
            continue
        original = getattr(pages.Page, "render", None)
        if original is None:
            continue
        wrapped = True
        if not getattr(original, "_atlas_cache", False):
            pages.Page.render = _wrap(original, toc, logging.getLogger(engine))
    return wrapped


def _wrap(original: Any, toc: Any, engine_log: logging.Logger) -> Any:
    def render(self: Any, config: Any, files: Any) -> None:
        cache = _current
        key = cache.page_key(self, config, files) if cache is not None else None
        if cache is None or key is None:
            original(self, config, files)
            return
        autorefs = config.plugins.get("autorefs")
        record = cache.get(key)
        if record is not None:
            cache.hits += 1
            self.content = record["content"]
            self.toc = _toc_from(record["toc"], toc)
            self._title_from_render = record["title"]
            self.present_anchor_ids = set(record["anchors"])
            if "links_to_anchors" in record:
                self.links_to_anchors = {
                    files.get_file_from_path(uri): links
                    for uri, links in record["links_to_anchors"].items()
                }
            if autorefs is not None:
                for identifier, anchor, title, primary in record["autorefs"]:
                    autorefs.register_anchor(self, identifier, anchor, title=title, primary=primary)
            if record.get("handlers") or record.get("inventory"):
                handlers = config.plugins["mkdocstrings"].handlers
                for name in record.get("handlers", []):
                    handlers.get_handler(name)  # its CSS and inventory, as a rendering would
                for item in record.get("inventory", []):
                    handlers.inventory.register(**item)
            return
        cache.misses += 1
        registered: list[list[Any]] = []
        register = getattr(autorefs, "register_anchor", None)
        if register is not None:

            def recording(page: Any, identifier: str, anchor: str | None = None, **kw: Any) -> None:
                if page is self:
                    registered.append(
                        [identifier, anchor, kw.get("title"), kw.get("primary", True)]
                    )
                register(page, identifier, anchor, **kw)

            autorefs.register_anchor = recording
        inventory: list[dict[str, Any]] = []
        mkdocstrings = config.plugins.get("mkdocstrings") if api_block(self) else None
        handlers = getattr(mkdocstrings, "handlers", None) if mkdocstrings else None
        if handlers is not None:
            add = handlers.inventory.register

            def registering(name: str, domain: str, role: str, uri: str, **kw: Any) -> None:
                inventory.append({"name": name, "domain": domain, "role": role, "uri": uri, **kw})
                add(name, domain, role, uri, **kw)

            handlers.inventory.register = registering
        warnings = _Warnings()
        engine_log.addHandler(warnings)
        try:
            original(self, config, files)
        finally:
            engine_log.removeHandler(warnings)
            if register is not None:
                del autorefs.register_anchor  # the class's method again
            if handlers is not None:
                del handlers.inventory.register
        if warnings.count:
            return
        kept: dict[str, Any] = {
            "content": self.content,
            "toc": _toc_record(self.toc),
            "title": self._title_from_render,
            "anchors": sorted(self.present_anchor_ids or ()),
            "autorefs": registered,
        }
        if handlers is not None:
            kept["handlers"] = sorted(h.name for h in handlers.seen_handlers)
            kept["inventory"] = inventory
        if self.links_to_anchors is not None:
            kept["links_to_anchors"] = {
                f.src_uri: links for f, links in self.links_to_anchors.items()
            }
        cache.put(key, kept)

    render._atlas_cache = True  # type: ignore[attr-defined]
    return render


def report_page_cache() -> None:
    """Log how many pages' conversions came from the cache, and prune it."""
    if _current is not None:
        _current.report("Markdown")
