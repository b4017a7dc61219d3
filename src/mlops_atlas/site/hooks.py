"""MkDocs hooks: the thin glue between MkDocs and :mod:`mlops_atlas.site`.

One job per hook: ``on_files`` prepares and publishes generated files,
``on_page_markdown`` expands shortcodes and citations. Any problem stops the build with one
message naming the page and the missing thing.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from mlops_atlas.errors import AtlasError
from mlops_atlas.site.build import PreparedSite, default_cache_dir, prepare_site
from mlops_atlas.site.shortcodes import check_includes, render_page

_prepared: PreparedSite | None = None


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Draw diagrams, run examples (cached) and add what they produced to the site."""
    global _prepared
    root = Path(config.config_file_path).resolve().parent
    course_file = root / "src" / "mlops_atlas" / "course" / "courses.yaml"
    try:
        _prepared = prepare_site(
            docs_dir=Path(config.docs_dir),
            bib_path=root / "bibliography" / "references.bib",
            examples_dir=root / "examples",
            cache_dir=default_cache_dir(root),
            course_file=course_file if course_file.is_file() else None,
        )
    except AtlasError as error:
        raise PluginError(str(error)) from None
    for site_path, source in _prepared.generated.items():
        files.append(File.generated(config, site_path, abs_src_path=str(source)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Expand the page's shortcodes, or stop the build naming the page."""
    assert _prepared is not None, "on_files runs before on_page_markdown"
    try:
        check_includes(markdown, Path(config.config_file_path).resolve().parent)
        return render_page(
            markdown, page=page.file.src_uri, meta=page.meta, context=_prepared.context
        )
    except AtlasError as error:
        raise PluginError(f"docs/{page.file.src_uri}: {error}") from None
