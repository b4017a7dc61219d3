"""Expand the site's shortcodes into Markdown: plain functions, no MkDocs in here.

Pages carry metadata as invisible HTML comments that this module expands,
and that fail loudly on an unknown name:

- ``<!-- md:citation -->``: the citation block of the page's ``cite`` key;
- ``<!-- md:diagram NAME -->``: a generated diagram with its caption;
- ``<!-- md:example NAME -->``: a link to an example's page;
- ``<!-- md:output NAME -->``: what an example printed, and its figures;
- ``<!-- md:diagram-gallery -->``: every diagram, with the reading it belongs to;
- ``<!-- md:bibliography -->``: every reference, with its BibTeX.

Links are written relative to the page, as MkDocs expects of Markdown.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlops_atlas.bibliography import Bibliography, UnknownKeyError
from mlops_atlas.citations import CitationError, references_section, render_citations
from mlops_atlas.course import Course, course_map_markdown, glossary_markdown
from mlops_atlas.diagrams import DiagramSpec
from mlops_atlas.errors import AtlasError
from mlops_atlas.escaping import escape_markdown
from mlops_atlas.references import author_year, format_reference
from mlops_atlas.runner import ExampleRun

__all__ = [
    "BIBLIOGRAPHY_PAGE",
    "DOWNLOADS",
    "SHORTCODE",
    "PageError",
    "SiteContext",
    "check_front_matter",
    "check_includes",
    "expand_shortcodes",
    "render_page",
]

SHORTCODE = re.compile(r"<!--\s*md:(?P<name>[a-z][\w-]*)(?:[ \t]+(?P<arg>[^\s]+))?\s*-->")
"""``<!-- md:NAME [ARGUMENT] -->``."""

DOWNLOADS = "downloads"
"""Site folder of the BibTeX downloads (see :func:`mlops_atlas.bibliography.export_files`)."""

BIBLIOGRAPHY_PAGE = "bibliography.md"
"""Docs path of the Bibliography page, where every key has an anchor."""

INCLUDE = re.compile(
    r"^[ \t]*-{1,}8<-{1,}[ \t]+[\"'](?P<path>[^\"':]+)(?::[^\"']*)?[\"'][ \t]*$", re.M
)
"""A pymdownx.snippets include line: ``--8<-- "examples/cace.py"``."""


class PageError(AtlasError):
    """A page names something that does not exist, or misuses a shortcode."""


@dataclass
class SiteContext:
    """What the shortcodes may refer to, with the site paths of generated files.

    Attributes:
        bibliography: The checked bibliography.
        diagrams: Registered diagrams by name.
        diagram_paths: Site path (from the docs root) of each diagram's SVG.
        runs: Each example's run (output and figures).
        figure_paths: Site paths of each example's figures, in order.
        download_paths: Site paths of the files each example offers as downloads.
        example_pages: Docs path of each example's page (``examples/NAME.md``).
        reading_pages: Docs path of the reading page citing each key.
        cited_by: Docs paths of the pages citing each key (front matter or in the text).
        page_titles: Title of each docs page, for links.
        course: The course map data (None when a site has none).
        glossary: The English ⇄ Spanish glossary.
    """

    bibliography: Bibliography
    diagrams: Mapping[str, DiagramSpec]
    diagram_paths: Mapping[str, str] = field(default_factory=dict)
    runs: Mapping[str, ExampleRun] = field(default_factory=dict)
    figure_paths: Mapping[str, list[str]] = field(default_factory=dict)
    download_paths: Mapping[str, list[str]] = field(default_factory=dict)
    example_pages: Mapping[str, str] = field(default_factory=dict)
    reading_pages: Mapping[str, str] = field(default_factory=dict)
    cited_by: Mapping[str, list[str]] = field(default_factory=dict)
    page_titles: Mapping[str, str] = field(default_factory=dict)
    course: Course | None = None
    glossary: list[dict[str, str]] = field(default_factory=list)


def _relative(target: str, page: str) -> str:
    """Link from the Markdown file ``page`` to the docs file ``target`` (both docs-relative)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def _indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def _fenced(language: str, code: str) -> str:
    """A fenced block that ``code`` cannot close: the fence is longer than any run of backticks in it.

    Examples:
        >>> print(_fenced("bibtex", "note = {```}"))
        ````bibtex
        note = {```}
        ````
    """
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code}\n{fence}"


def citation_block(key: str, page: str, context: SiteContext) -> str:
    """The "Cite this work" block: APA, IEEE and BibTeX in tabs, and a .bib download.

    Every field reaches the page escaped (names in the title too: a ``"`` would end it);
    the BibTeX sits in a fence that no field can close.
    """
    reference = context.bibliography[key]
    bibtex = context.bibliography.to_bibtex([key]).strip()
    apa = format_reference(reference, "apa", "markdown")
    ieee = format_reference(reference, "ieee", "markdown")
    download = _relative(f"{DOWNLOADS}/entries/{key}.bib", page)
    entry = _relative(BIBLIOGRAPHY_PAGE, page) + f"#{key}"
    parts = [
        f'!!! quote "Cite this work: {author_year(reference, "markdown")}"',
        "",
        _indent(f'=== "APA 7"\n\n{_indent(apa)}'),
        "",
        _indent(f'=== "IEEE"\n\n{_indent(ieee)}'),
        "",
        _indent('=== "BibTeX"\n\n' + _indent(_fenced("bibtex", bibtex))),
        "",
        _indent(
            f"[:material-download: {escape_markdown(key)}.bib]({download}){{ download }} · "
            f"[entry in the bibliography]({entry})"
        ),
        "",
    ]
    if reference.unverified:
        parts[1:1] = ["", _indent(_unverified_note(reference.unverified)), ""]
    return "\n".join(parts)


def _unverified_note(what: str) -> str:
    return f'!!! warning "Not verified"\n\n    {escape_markdown(what)}. Check the source before citing.'


def diagram_block(name: str, page: str, context: SiteContext) -> str:
    """A generated diagram as a captioned figure."""
    spec = _known(name, context.diagrams, "diagram")
    source = _relative(context.diagram_paths[name], page)
    return (
        f'<figure class="atlas-diagram" markdown>\n'
        f"  [![{spec.title}]({source}){{ loading=lazy }}]({source})\n"
        f"  <figcaption>{spec.title} Generated from "
        f"<code>mlops_atlas.diagrams</code>: <code>{name}</code>.</figcaption>\n"
        f"</figure>\n"
    )


def example_link(name: str, page: str, context: SiteContext) -> str:
    """A link to an example's page, labelled with the example's name."""
    target = _known(name, context.example_pages, "example")
    return f"[:material-play-circle: Example: `{name}`]({_relative(target, page)})"


def output_block(name: str, page: str, context: SiteContext) -> str:
    """What an example printed (as a text block), the files it offers, then its figures."""
    run = _known(name, context.runs, "example")
    parts = [f'```text title="python examples/{name}.py"\n{run.stdout.rstrip()}\n```', ""]
    downloads = [
        f"[:material-download: {posixpath.basename(path)}]({_relative(path, page)}){{ download }}"
        for path in context.download_paths.get(name, [])
    ]
    if downloads:
        parts += [f"Written by the run: {' · '.join(downloads)}", ""]
    for path in context.figure_paths.get(name, []):
        stem = posixpath.splitext(posixpath.basename(path))[0]
        parts.append(f"![Figure {stem} produced by examples/{name}.py]({_relative(path, page)})")
        parts.append("")
    return "\n".join(parts)


def diagram_gallery(page: str, context: SiteContext) -> str:
    """Every registered diagram with a link to the reading it belongs to."""
    parts = []
    for name, spec in sorted(context.diagrams.items()):
        parts.append(f"### {spec.title.split(':')[0].split(',')[0]} ({name})\n")
        parts.append(diagram_block(name, page, context))
        if spec.reading in context.reading_pages:
            label = author_year(context.bibliography[spec.reading], "markdown")
            parts.append(
                f"Reading: [{label}]({_relative(context.reading_pages[spec.reading], page)})\n"
            )
    return "\n".join(parts)


def _entry_markdown(key: str, page: str, context: SiteContext) -> str:
    reference = context.bibliography[key]
    parts = [
        f"#### {author_year(reference, 'markdown')} {{ #{key} }}\n",
        format_reference(reference, "apa", "markdown") + "\n",
    ]
    if reference.unverified:
        parts.append(_unverified_note(reference.unverified) + "\n")
    citing = context.cited_by.get(key, [])
    if citing:
        links = ", ".join(
            f"[{context.page_titles.get(other, other)}]({_relative(other, page)})"
            for other in citing
        )
        parts.append(f"Cited on: {links}\n")
    download = _relative(f"{DOWNLOADS}/entries/{key}.bib", page)
    bibtex = context.bibliography.to_bibtex([key]).strip()
    parts.append(
        f'??? note "BibTeX: `{key}`"\n\n'
        + _indent(_fenced("bibtex", bibtex))
        + f"\n\n    [:material-download: {escape_markdown(key)}.bib]({download}){{ download }}\n"
    )
    return "\n".join(parts)


def bibliography_list(page: str, context: SiteContext) -> str:
    """Every reference, grouped: the course bibliography, then companions by topic.

    Each entry has its APA reference (DOI as a link), the pages that cite it, its
    BibTeX with a copy button and a download. Downloads for everything, each
    topic and each UBA class come first.
    """
    bibliography = context.bibliography
    link = functools.partial(_relative, page=page)
    topics = bibliography.topics()
    classes = sorted({n for reference in bibliography for n in reference.course_classes})
    parts = [
        "## Downloads\n",
        f"- Everything: [:material-download: references.bib]({link(f'{DOWNLOADS}/references.bib')}){{ download }}",
        "- By UBA class: "
        + ", ".join(
            f"[Clase {n}]({link(f'{DOWNLOADS}/classes/uba-clase-{n}.bib')}){{ download }}"
            for n in classes
        ),
        "- By topic: "
        + ", ".join(
            f"[{escape_markdown(topic)}]({link(f'{DOWNLOADS}/topics/{topic}.bib')}){{ download }}"
            for topic in topics
        ),
        "",
        "## Course bibliography\n",
        "The works of the UBA course bibliography, in the order the course lists them.\n",
    ]
    course = [reference.key for reference in bibliography if reference.is_course_reading]
    parts.extend(_entry_markdown(key, page, context) for key in course)
    parts.append("## Companion readings\n")
    parts.append("Works the reading pages lean on, grouped by their first topic.\n")
    by_topic: dict[str, list[str]] = {}
    for reference in bibliography:
        if not reference.is_course_reading:
            by_topic.setdefault(
                reference.keywords[0] if reference.keywords else "other", []
            ).append(reference.key)
    for topic in sorted(by_topic):
        parts.append(f"### {escape_markdown(topic.replace('-', ' ').capitalize())}\n")
        parts.extend(_entry_markdown(key, page, context) for key in by_topic[topic])
    return "\n".join(parts)


def _language(argument: str | None) -> str:
    if argument not in ("en", "es"):
        raise PageError(f"this shortcode takes a language, en or es (got {argument!r})")
    return argument


def course_map(argument: str | None, page: str, context: SiteContext) -> str:
    """The course map in the language given as the shortcode's argument."""
    if context.course is None:
        raise PageError(
            "<!-- md:course-map --> needs the course data, which this site has not loaded"
        )
    return course_map_markdown(
        context.course,
        context.bibliography,
        language=_language(argument),  # type: ignore[arg-type]
        page=page,
        reading_pages=context.reading_pages,
    )


def spanish_summary(meta: Mapping[str, object], page: str) -> str:
    """The "En español" section of a reading page, from its front matter ``resumen_es``.

    Raises:
        PageError: A reading page without ``resumen_es`` (Spanish-speaking students rely on it).
    """
    summary = meta.get("resumen_es")
    if not summary:
        raise PageError(
            "a reading page needs 'resumen_es' in its front matter (a short summary in Spanish)"
        )
    return f"\n\n## En español {{ #en-espanol }}\n\n{str(summary).strip()}\n"


def _known(name: str | None, known: Mapping[str, object], what: str):
    if not name:
        raise PageError(f"the {what} shortcode needs a name, e.g. <!-- md:{what} NAME -->")
    if name not in known:
        choices = ", ".join(sorted(known)) or "none"
        raise PageError(f"unknown {what} '{name}' (known: {choices})")
    return known[name]


def check_front_matter(meta: Mapping[str, object], context: SiteContext) -> None:
    """Check that a page's front matter names only things that exist.

    Raises:
        PageError: Unknown cite key, diagram or example; the message names it.
    """
    key = meta.get("cite")
    if key is not None:
        try:
            context.bibliography[str(key)]
        except UnknownKeyError as error:
            raise PageError(f"front matter 'cite': {error}") from None
    for name in meta.get("diagrams", []) or []:
        _known(str(name), context.diagrams, "diagram")
    for name in meta.get("examples", []) or []:
        _known(str(name), context.example_pages, "example")


def check_includes(markdown: str, base: Path) -> None:
    """Check that every file a page includes with ``--8<--`` exists under ``base``.

    Raises:
        PageError: An included file is missing; the message names it.
    """
    for match in INCLUDE.finditer(markdown):
        if not (base / match.group("path")).is_file():
            raise PageError(f"includes {match.group('path')}, which does not exist")


def expand_shortcodes(
    markdown: str, *, page: str, meta: Mapping[str, object], context: SiteContext
) -> str:
    """Expand every shortcode of a page.

    Args:
        markdown: The page's Markdown (front matter already removed).
        page: The page's path from the docs root, e.g. ``readings/sculley2015hidden.md``.
        meta: The page's front matter.
        context: What the shortcodes may refer to.

    Returns:
        The Markdown with every shortcode replaced.

    Raises:
        PageError: Unknown shortcode or name; ``citation`` without a ``cite`` key.
    """
    check_front_matter(meta, context)

    def citation(_: str | None) -> str:
        if "cite" not in meta:
            raise PageError("<!-- md:citation --> needs 'cite: KEY' in the page's front matter")
        return citation_block(str(meta["cite"]), page, context)

    handlers: dict[str, Callable[[str | None], str]] = {
        "citation": citation,
        "diagram": lambda arg: diagram_block(
            _known(arg, context.diagrams, "diagram") and arg, page, context
        ),
        "example": lambda arg: example_link(arg or "", page, context),
        "output": lambda arg: output_block(arg or "", page, context),
        "diagram-gallery": lambda _: diagram_gallery(page, context),
        "course-map": lambda arg: course_map(arg, page, context),
        "glossary": lambda arg: glossary_markdown(context.glossary, language=_language(arg)),
        "bibliography": lambda _: bibliography_list(page, context),
    }

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in handlers:
            raise PageError(f"unknown shortcode <!-- md:{name} --> (known: {', '.join(handlers)})")
        return handlers[name](match.group("arg"))

    return SHORTCODE.sub(replace, markdown)


def render_page(
    markdown: str, *, page: str, meta: Mapping[str, object], context: SiteContext
) -> str:
    """Everything the site does to a page's Markdown: shortcodes, citations, references.

    Args:
        markdown: The page's Markdown (front matter removed).
        page: The page's docs path.
        meta: Its front matter.
        context: What it may refer to.

    Returns:
        The Markdown to hand to the Markdown converter.

    Raises:
        PageError: An unknown name or key; the message names the line where it can.
    """
    expanded = expand_shortcodes(markdown, page=page, meta=meta, context=context)

    def link_for(key: str) -> str:
        return _relative(BIBLIOGRAPHY_PAGE, page) + f"#{key}"

    try:
        rendered, cited = render_citations(expanded, context.bibliography, link_for)
    except CitationError as error:
        raise PageError(str(error)) from None
    if "cite" in meta and page.startswith("readings/"):
        rendered += spanish_summary(meta, page)
    if cited and page != BIBLIOGRAPHY_PAGE:
        rendered += references_section(cited, context.bibliography, link_for)
    return rendered
