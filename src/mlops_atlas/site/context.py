"""What the pages may refer to: the context the shortcodes are expanded in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlops_atlas.bibliography import Bibliography
from mlops_atlas.course import Course, GlossaryEntry
from mlops_atlas.diagrams import DiagramSpec
from mlops_atlas.runner import ExampleRun

__all__ = ["SiteContext"]


@dataclass
class SiteContext:
    """What the shortcodes may refer to, with the docs paths of generated files.

    Attributes:
        bibliography: The checked bibliography.
        diagrams: Registered diagrams by name.
        diagram_paths: Docs path of each diagram's SVG.
        diagram_widths: The narrowest width (CSS px) each diagram may be shown at, its
            smallest text then at `MIN_TEXT_PX`.
        runs: Each example's run (output and figures).
        figure_paths: Docs paths of each example's figures, in order.
        figure_sizes: Size in CSS pixels of each figure, by docs path (when it says).
        download_paths: Docs paths of the files each example offers as downloads.
        notebook_paths: Docs paths of each example's notebook and script downloads.
        example_pages: Docs path of each example's page (``examples/NAME.md``).
        reading_pages: Docs path of the reading page of each key.
        cited_by: Docs paths of the pages citing each key (front matter or in the text).
        page_titles: Title of each docs page, by language, for links.
        course: The course map data (None when a site has none).
        glossary: The glossary: each term in both languages, defined, cited and linked.
        root: The project folder (for included files).
        site_url: The site's public address (``site_url`` in ``mkdocs.yml``).
        repository: The project's repository (``repo_url`` in ``mkdocs.yml``), once published.
        rendered: Each page's Markdown as `mlops_atlas.site.prepare.prepare`
            rendered it, with the source it rendered, by docs path.
    """

    bibliography: Bibliography
    diagrams: Mapping[str, DiagramSpec]
    diagram_paths: Mapping[str, str] = field(default_factory=dict)
    diagram_widths: Mapping[str, int] = field(default_factory=dict)
    runs: Mapping[str, ExampleRun] = field(default_factory=dict)
    figure_paths: Mapping[str, list[str]] = field(default_factory=dict)
    figure_sizes: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    download_paths: Mapping[str, list[str]] = field(default_factory=dict)
    notebook_paths: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    example_pages: Mapping[str, str] = field(default_factory=dict)
    reading_pages: Mapping[str, str] = field(default_factory=dict)
    cited_by: Mapping[str, list[str]] = field(default_factory=dict)
    page_titles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    course: Course | None = None
    glossary: list[GlossaryEntry] = field(default_factory=list)
    root: Path = field(default_factory=Path)
    site_url: str = "/"
    repository: str = ""
    rendered: dict[str, tuple[str, str]] = field(default_factory=dict)

    def title(self, page: str, language: str) -> str:
        """The title of a docs page in a language (its English title when untranslated)."""
        titles = self.page_titles.get(page, {})
        return titles.get(language) or titles.get("en") or page
