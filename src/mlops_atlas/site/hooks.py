"""MkDocs hooks: the thin glue between MkDocs (or ProperDocs) and `mlops_atlas.site`.

``on_config`` prepares the site (`mlops_atlas.site.prepare.prepared`:
generated files into ``docs/generated/``, once per change); ``on_page_markdown``
expands a page (`mlops_atlas.site.shortcodes.render_page`). Any problem
stops the build with one message naming the page and the line.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from mlops_atlas.errors import AtlasError
from mlops_atlas.i18n import language_of
from mlops_atlas.site.context import SiteContext
from mlops_atlas.site.markdown import CURRENT_PAGE
from mlops_atlas.site.prepare import prepared
from mlops_atlas.site.shortcodes import render_page

_context: SiteContext | None = None
_full_content: dict[str, str] = {}
"""Pages whose search engine sees only their headings: their whole HTML, to put back."""


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Draw diagrams, run examples (cached) and write what they produced into the docs."""
    global _context
    root = Path(config.config_file_path).resolve().parent
    try:
        _context = prepared(root, docs_dir=Path(config.docs_dir))
    except AtlasError as error:
        raise PluginError(str(error)) from None
    api_key = _cache_api_reference(config, root)
    _cache_search_entries(root)
    _cache_markdown(root, api_key)
    return config


def _cache_markdown(root: Path, api_key: str | None) -> None:
    """Take each unchanged page's HTML from the build cache (`pagecache`)."""
    from mlops_atlas.site.pagecache import PageCache, install_page_cache
    from mlops_atlas.site.prepare import default_cache_dir

    install_page_cache(PageCache(default_cache_dir(root) / "pages", root, api_key))


def _cache_search_entries(root: Path) -> None:
    """Take each unchanged page's search entries from the build cache (`searchcache`)."""
    from mlops_atlas.site.prepare import default_cache_dir
    from mlops_atlas.site.searchcache import SearchCache, install_search_cache

    install_search_cache(SearchCache(default_cache_dir(root) / "search-entries"))


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Compiled templates kept in the build cache: each language's build compiles the theme."""
    from jinja2 import FileSystemBytecodeCache

    from mlops_atlas.site.prepare import default_cache_dir

    folder = default_cache_dir(Path(config.config_file_path).resolve().parent) / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return env  # a read-only cache: compile as usual
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


def _cache_api_reference(config: MkDocsConfig, root: Path) -> str | None:
    """Take the API reference's blocks from the build cache while the library is unchanged.

    Returns:
        The key of the library's version (`mlops_atlas.site.apicache.sources_key`), or
        None without mkdocstrings.
    """
    from mlops_atlas.site.apicache import api_cache, install_api_cache, sources_key
    from mlops_atlas.site.prepare import default_cache_dir

    plugin = config.plugins.get("mkdocstrings")
    if plugin is None:
        install_api_cache(None)
        return None
    handler = plugin.config.handlers.get("python") or {}
    sources = [root / folder for folder in handler.get("paths", ["."])]
    key = sources_key(sources, Path(config.config_file_path))
    install_api_cache(api_cache(default_cache_dir(root) / "api-reference", key))
    return key


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Expand the page's shortcodes and citations, or stop the build naming the page."""
    assert _context is not None, "on_config runs before on_page_markdown"
    docs_path = page.file.src_uri
    CURRENT_PAGE.set(docs_path)
    source, rendered = _context.rendered.get(docs_path, ("", ""))
    if source and source == markdown.strip():
        return rendered
    try:
        return render_page(
            markdown, page=docs_path, context=_context, language=language_of(docs_path)
        )
    except AtlasError as error:
        raise PluginError(f"docs/{docs_path}: {error}") from None


@event_priority(100)  # before Material's search plugin (0) reads the page
def _show_search_headings_only(
    context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation
) -> TemplateContext:
    from mlops_atlas.site.search import headings_only, indexed_by_headings

    # The English pages only: the Spanish ones are short stubs, and the i18n plugin drops
    # a Spanish entry whose title and text equal the English one's (both empty here).
    if page.content and indexed_by_headings(page.url, languages=()):
        _full_content[page.url] = page.content
        page.content = headings_only(page.content)
    return context


@event_priority(-100)  # after it: the page is written whole
def _restore_page_content(
    context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation
) -> TemplateContext:
    content = _full_content.pop(page.url, None)
    if content is not None:
        page.content = content
    return context


on_page_context = CombinedEvent(_show_search_headings_only, _restore_page_content)
"""The search index keeps only the API reference's headings (`mlops_atlas.site.search`):
its engine is given only them, instead of parsing megabytes of text it would drop."""


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """No per-page language alternates in the head, no indentation (`mlops_atlas.site.pages`)."""
    from mlops_atlas.site.pages import compact_whitespace, drop_language_alternates

    return compact_whitespace(drop_language_alternates(output))


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """The theme's own pages (404.html) compacted as the others (not sitemap.xml)."""
    from mlops_atlas.site.pages import compact_whitespace

    return compact_whitespace(output_content) if template_name.endswith(".html") else output_content


@event_priority(-200)  # after the i18n plugin (-100) has merged both languages' index
def on_post_build(config: MkDocsConfig) -> None:
    """Readings and examples first in search; the API reference indexed by its headings."""
    from mlops_atlas.site.apicache import report_api_cache
    from mlops_atlas.site.pagecache import report_page_cache
    from mlops_atlas.site.search import tune_search_index
    from mlops_atlas.site.searchcache import report_search_cache

    report_api_cache()
    report_page_cache()
    report_search_cache()
    try:
        tune_search_index(Path(config.site_dir))
    except AtlasError as error:
        raise PluginError(str(error)) from None
