"""A Python-Markdown extension that expands the site's shortcodes and citations.

Any engine that runs Python-Markdown extensions can use it: list
``mlops_atlas.site.markdown`` under ``markdown_extensions``. It prepares the
site on first use (`mlops_atlas.site.prepare.prepared`) and expands each
page with `mlops_atlas.site.shortcodes.render_page`. Links are written
relative to the page, so the extension must know which page it converts: from
its ``page`` setting, or from `CURRENT_PAGE`, which the MkDocs hook sets
(under MkDocs the hook has already expanded the page, and this finds nothing to do).
"""

from __future__ import annotations

import contextvars
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from mlops_atlas.i18n import language_of

__all__ = ["CURRENT_PAGE", "AtlasExtension", "makeExtension"]

CURRENT_PAGE: contextvars.ContextVar[str] = contextvars.ContextVar("CURRENT_PAGE", default="")
"""The docs path of the page being converted, when the engine tells it."""


class _Expand(Preprocessor):
    def __init__(self, md: Markdown, extension: AtlasExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "<!--" not in text and "[@" not in text:
            return lines
        from mlops_atlas.site.pages import PageError
        from mlops_atlas.site.prepare import prepared
        from mlops_atlas.site.shortcodes import SHORTCODE, render_page

        page = self.extension.getConfig("page") or CURRENT_PAGE.get()
        if not page:
            if not SHORTCODE.search(text) and "[@" not in text:
                return lines
            raise PageError(
                "mlops_atlas.site.markdown needs the page's docs path (its 'page' setting)"
            )
        context = prepared(Path(self.extension.getConfig("root")))
        return render_page(text, page=page, context=context, language=language_of(page)).split("\n")


class AtlasExtension(Extension):
    """Expand ``<!-- md:NAME ARG -->`` shortcodes and ``[@key]`` citations."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "root": [".", "The project folder (mkdocs.yml, docs/, examples/)."],
            "page": ["", "The docs path of the page, e.g. readings/sculley2015hidden.md."],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        """Run before pymdownx.snippets (32), so included code is never expanded."""
        md.preprocessors.register(_Expand(md, self), "mlops_atlas", 35)


def makeExtension(**kwargs: Any) -> AtlasExtension:  # noqa: N802 (Python-Markdown's name)
    """The entry point Python-Markdown calls for ``mlops_atlas.site.markdown``."""
    return AtlasExtension(**kwargs)
