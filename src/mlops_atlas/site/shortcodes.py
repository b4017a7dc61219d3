"""Expand the site's shortcodes into Markdown: plain functions, no site engine in here.

Pages carry what the build adds as invisible HTML comments, each with its
argument written in the comment itself (a Markdown extension sees no front
matter), and an unknown name or argument stops the build:

- ``<!-- md:citation KEY -->``: the citation block of a work (APA, IEEE, BibTeX, download);
- ``<!-- md:diagram NAME -->``: a generated diagram with its caption;
- ``<!-- md:example NAME -->``: a link to an example's page;
- ``<!-- md:output NAME -->``: what an example printed, the files it offers, its figures;
- ``<!-- md:notebook NAME -->``: an example cell by cell, each with its output, and its
  notebook and script to download;
- ``<!-- md:diagram-gallery -->``: every diagram, with the reading it belongs to;
- ``<!-- md:course-map -->`` and ``<!-- md:glossary -->``: the course map and the glossary;
- ``<!-- md:bibliography -->``: every reference, with its BibTeX;
- ``<!-- md:get-code -->``: the project to download (and its repository, once published).

Everything is written in the page's language (`mlops_atlas.i18n`), and
links are relative to the page, as Markdown links to files are.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from mlops_atlas.bibliography import UnknownKeyError
from mlops_atlas.citations import (
    CitationError,
    prose_only,
    references_section,
    render_citations,
)
from mlops_atlas.course import course_map_markdown, glossary_markdown
from mlops_atlas.escaping import escape_markdown
from mlops_atlas.i18n import Language, topic_label, word
from mlops_atlas.references import author_year, format_reference
from mlops_atlas.site import paths
from mlops_atlas.site.context import SiteContext
from mlops_atlas.site.pages import PageError

__all__ = [
    "INCLUDE",
    "SHORTCODE",
    "SHORTCODES",
    "bibliography_list",
    "check_page",
    "citation_block",
    "diagram_block",
    "expand_shortcodes",
    "output_block",
    "render_page",
]

SHORTCODE = re.compile(r"<!--\s*md:(?P<name>[a-z][\w-]*)(?:[ \t]+(?P<arg>[^\s]+))?\s*-->")
"""``<!-- md:NAME [ARGUMENT] -->``."""

_ANY_SHORTCODE = re.compile(r"<!--\s*md:")

INCLUDE = re.compile(
    r"^[ \t]*-{1,}8<-{1,}[ \t]+[\"'](?P<path>[^\"':]+)(?::[^\"']*)?[\"'][ \t]*$", re.M
)
"""A pymdownx.snippets include line: ``--8<-- "examples/cace.py"``."""

SHORTCODES: dict[str, str] = {
    "citation": "key",
    "diagram": "diagram",
    "example": "example",
    "output": "example",
    "notebook": "example",
    "diagram-gallery": "none",
    "course-map": "language?",
    "glossary": "language?",
    "bibliography": "none",
    "get-code": "none",
}
"""Each shortcode and what its argument names: a cite key, a diagram, an example, an
optional language, or nothing."""


def _indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def _fenced(language: str, code: str, title: str = "") -> str:
    """A fenced block that ``code`` cannot close: the fence is longer than any run of backticks in it.

    Examples:
        >>> print(_fenced("bibtex", "note = {```}"))
        ````bibtex
        note = {```}
        ````
    """
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    head = f'{fence}{language} title="{title}"' if title else f"{fence}{language}"
    return f"{head}\n{code}\n{fence}"


def citation_block(key: str, page: str, context: SiteContext, language: str = "en") -> str:
    """The "Cite this work" block: APA, IEEE and BibTeX in tabs, and a .bib download.

    Every field reaches the page escaped (names in the title too: a ``"`` would end it);
    the BibTeX sits in a fence that no field can close.
    """
    reference = context.bibliography[key]
    bibtex = context.bibliography.to_bibtex([key]).strip()
    apa = format_reference(reference, "apa", "markdown")
    ieee = format_reference(reference, "ieee", "markdown")
    download = paths.relative(paths.entry_download(key), page)
    entry = paths.bibliography_anchor(key, page)
    title = f"{word('cite_this_work', language)}: {author_year(reference, 'markdown')}"
    parts = [
        f'!!! quote "{title}"',
        "",
        _indent(f'=== "APA 7"\n\n{_indent(apa)}'),
        "",
        _indent(f'=== "IEEE"\n\n{_indent(ieee)}'),
        "",
        _indent('=== "BibTeX"\n\n' + _indent(_fenced("bibtex", bibtex))),
        "",
        _indent(
            f"[:material-download: {escape_markdown(key)}.bib]({download}){{ download }} · "
            f"[{word('entry_in_bibliography', language)}]({entry})"
        ),
        "",
    ]
    if reference.unverified:
        parts[1:1] = ["", _indent(_unverified_note(reference.unverified, language)), ""]
    return "\n".join(parts)


def _unverified_note(what: str, language: str) -> str:
    return (
        f'!!! warning "{word("not_verified", language)}"\n\n'
        f"    {escape_markdown(what)}. {word('check_before_citing', language)}"
    )


def diagram_block(name: str, page: str, context: SiteContext, language: str = "en") -> str:
    """A generated diagram as a captioned figure that opens full size on the site.

    The picture is never shown narrower than its legible width (its smallest text at
    `MIN_TEXT_PX`): on a narrow screen it keeps
    that width and its frame scrolls sideways.
    """
    spec = _known(name, context.diagrams, "diagram")
    source = paths.relative(context.diagram_paths[name], page)
    title = escape_markdown(spec.caption(language))
    width = context.diagram_widths.get(name)
    legible = f' style="min-width: {width}px"' if width else ""
    return (
        f'<figure class="atlas-diagram" markdown>\n'
        f"  [![{title}]({source}){{ loading=lazy{legible} }}]({source})\n"
        f"  <figcaption>{title} {word('generated_from', language)} "
        f"<code>mlops_atlas.diagrams</code>: <code>{name}</code>.</figcaption>\n"
        f"</figure>\n"
    )


def example_link(name: str, page: str, context: SiteContext, language: str = "en") -> str:
    """A link to an example's page, labelled with the example's name."""
    target = _known(name, context.example_pages, "example")
    return (
        f"[:material-play-circle: {word('example', language)}: `{name}`]"
        f"({paths.relative(target, page)})"
    )


def output_block(name: str, page: str, context: SiteContext, language: str = "en") -> str:
    """What an example printed (as a text block), the files it offers, then its figures."""
    run = _known(name, context.runs, "example")
    parts = [_fenced("text", run.stdout.rstrip(), f"python examples/{name}.py"), ""]
    downloads = [
        f"[:material-download: {posixpath.basename(path)}]({paths.relative(path, page)})"
        "{ download }"
        for path in context.download_paths.get(name, [])
    ]
    if downloads:
        parts += [" · ".join(downloads), ""]
    for path in context.figure_paths.get(name, []):
        parts += [_figure(path, name, page, context, language), ""]
    return "\n".join(parts)


def _figure(path: str, example: str, page: str, context: SiteContext, language: str) -> str:
    """An example's figure as Markdown, sized (the browser keeps its place while it loads)."""
    stem = posixpath.splitext(posixpath.basename(path))[0]
    alt = f"{word('figure_produced_by', language, name=stem)} examples/{example}.py"
    size = context.figure_sizes.get(path)
    attributes = f'{{ width="{size[0]}" height="{size[1]}" }}' if size else ""
    return f"![{alt}]({paths.relative(path, page)}){attributes}"


def notebook_block(name: str, page: str, context: SiteContext, language: str = "en") -> str:
    """An example cell by cell: each cell's code, then what that cell printed and drew.

    The code shown is the file (its cells put together are the script, byte for
    byte); the outputs are those of the run the build made. Downloads of the
    notebook and of the script come first.
    """
    from mlops_atlas.cells import split_cells

    run = _known(name, context.runs, "example")
    notebook, script = context.notebook_paths[name]
    parts = [
        f"[:material-notebook-outline: {word('download_notebook', language)}]"
        f"({paths.relative(notebook, page)}){{ download }} · "
        f"[:material-language-python: {word('download_script', language)}]"
        f"({paths.relative(script, page)}){{ download }}",
        "",
    ]
    downloads = [
        f"[:material-download: {posixpath.basename(path)}]({paths.relative(path, page)})"
        "{ download }"
        for path in context.download_paths.get(name, [])
    ]
    if downloads:
        parts += [" · ".join(downloads), ""]
    source = (context.root / "examples" / f"{name}.py").read_text(encoding="utf-8")
    figures = dict(zip(run.figures, context.figure_paths.get(name, []), strict=True))
    for index, cell in enumerate(split_cells(source)):
        title = f"examples/{name}.py"
        if cell.number:
            title += f" · {word('cell', language)} {cell.number}"
        parts += [_fenced("python", cell.source.strip("\n"), title), ""]
        if index < len(run.cells):
            shown = run.cells[index]
            if shown.stdout.strip():
                parts += [_fenced("text", shown.stdout.rstrip(), word("output", language)), ""]
            for figure in shown.figures:
                parts += [_figure(figures[figure], name, page, context, language), ""]
    return "\n".join(parts)


def get_code(page: str, context: SiteContext, language: str = "en") -> str:
    """How to get the project: the zip the site offers and, once published, the repository."""
    link = paths.relative(paths.PROJECT_ZIP, page)
    lines = [
        f"[:material-folder-download: {word('download_project', language)}]({link}){{ download }}"
        f" — {word('download_project_then', language)}",
    ]
    if context.repository:
        lines += ["", f"{word('or_clone', language)}: `git clone {context.repository}`"]
    return "\n".join(lines) + "\n"


def diagram_gallery(page: str, context: SiteContext, language: str = "en") -> str:
    """Every registered diagram with a link to the reading it belongs to."""
    parts = []
    for name, spec in sorted(context.diagrams.items()):
        parts.append(f"### {escape_markdown(spec.heading(language))} {{ #{name} }}\n")
        parts.append(diagram_block(name, page, context, language))
        if spec.reading in context.reading_pages:
            label = author_year(context.bibliography[spec.reading], "markdown")
            target = paths.relative(context.reading_pages[spec.reading], page)
            parts.append(f"{word('reading', language)}: [{label}]({target})\n")
    return "\n".join(parts)


def _entry_markdown(key: str, page: str, context: SiteContext, language: str) -> str:
    reference = context.bibliography[key]
    parts = [
        f"#### {author_year(reference, 'markdown')} {{ #{key} }}\n",
        format_reference(reference, "apa", "markdown") + "\n",
    ]
    if reference.unverified:
        parts.append(_unverified_note(reference.unverified, language) + "\n")
    citing = context.cited_by.get(key, [])
    if citing:
        links = ", ".join(
            f"[{escape_markdown(context.title(other, language))}]({paths.relative(other, page)})"
            for other in citing
        )
        parts.append(f"{word('cited_on', language)}: {links}\n")
    download = paths.relative(paths.entry_download(key), page)
    bibtex = context.bibliography.to_bibtex([key]).strip()
    parts.append(
        f'??? note "BibTeX: `{key}`"\n\n'
        + _indent(_fenced("bibtex", bibtex))
        + f"\n\n    [:material-download: {escape_markdown(key)}.bib]({download}){{ download }}\n"
    )
    return "\n".join(parts)


def bibliography_list(page: str, context: SiteContext, language: str = "en") -> str:
    """Every reference, grouped: the course bibliography, then companions by topic.

    Each entry has its APA reference (DOI as a link), the pages that cite it, its
    BibTeX with a copy button and a download. Downloads for everything, each
    topic and each UBA class come first.
    """
    bibliography = context.bibliography

    def link(target: str) -> str:
        return paths.relative(target, page)

    classes = sorted({n for reference in bibliography for n in reference.course_classes})
    parts = [
        f"## {word('downloads', language)}\n",
        f"- {word('everything', language)}: [:material-download: references.bib]"
        f"({link(paths.download('references.bib'))}){{ download }}",
        f"- {word('by_uba_class', language)}: "
        + ", ".join(f"[Clase {n}]({link(paths.class_download(n))}){{ download }}" for n in classes),
        f"- {word('by_topic', language)}: "
        + ", ".join(
            f"[{escape_markdown(topic_label(topic, language))}]"
            f"({link(paths.topic_download(topic))}){{ download }}"
            for topic in bibliography.topics()
        ),
        "",
        f"## {word('course_bibliography', language)}\n",
        word("course_bibliography_intro", language) + "\n",
    ]
    course = [reference.key for reference in bibliography if reference.is_course_reading]
    parts.extend(_entry_markdown(key, page, context, language) for key in course)
    parts.append(f"## {word('companion_readings', language)}\n")
    parts.append(word("companion_readings_intro", language) + "\n")
    by_topic: dict[str, list[str]] = {}
    for reference in bibliography:
        if not reference.is_course_reading:
            by_topic.setdefault(
                reference.keywords[0] if reference.keywords else "other", []
            ).append(reference.key)
    for topic in sorted(by_topic):
        parts.append(f"### {escape_markdown(topic_label(topic, language))}\n")
        parts.extend(_entry_markdown(key, page, context, language) for key in by_topic[topic])
    return "\n".join(parts)


def _language(argument: str | None, page_language: str) -> Language:
    if argument is None:
        return "es" if page_language == "es" else "en"
    if argument not in ("en", "es"):
        raise PageError(f"this shortcode takes a language, en or es (got {argument!r})")
    return argument  # type: ignore[return-value]


def course_map(argument: str | None, page: str, context: SiteContext, language: str) -> str:
    """The course map in the page's language (or the one given as the argument)."""
    if context.course is None:
        raise PageError(
            "<!-- md:course-map --> needs the course data, which this site has not loaded"
        )
    return course_map_markdown(
        context.course,
        context.bibliography,
        language=_language(argument, language),
        page=page,
        reading_pages=context.reading_pages,
    )


def _known(name: str | None, known: Mapping[str, object], what: str):
    if not name:
        raise PageError(f"the {what} shortcode needs a name, e.g. <!-- md:{what} NAME -->")
    if name not in known:
        choices = ", ".join(sorted(known)) or "none"
        raise PageError(f"unknown {what} '{name}' (known: {choices})")
    return known[name]


def _key(key: str | None, context: SiteContext) -> str:
    if not key:
        raise PageError("<!-- md:citation KEY --> needs the work's citation key")
    if key not in context.bibliography:
        raise PageError(str(UnknownKeyError(key, context.bibliography.keys())))
    return key


def expand_shortcodes(
    markdown: str, *, page: str, context: SiteContext, language: str = "en"
) -> str:
    """Expand every shortcode of a page.

    Args:
        markdown: The page's Markdown (front matter removed or not: it is left alone).
        page: The page's docs path, e.g. ``readings/sculley2015hidden.md``.
        context: What the shortcodes may refer to.
        language: The page's language (``en`` or ``es``).

    Returns:
        The Markdown with every shortcode replaced.

    Raises:
        PageError: Unknown shortcode or name, or a missing argument; the message names
            the line.
    """
    handlers: dict[str, Callable[[str | None], str]] = {
        "citation": lambda arg: citation_block(_key(arg, context), page, context, language),
        "diagram": lambda arg: diagram_block(arg or "", page, context, language),
        "example": lambda arg: example_link(arg or "", page, context, language),
        "output": lambda arg: output_block(arg or "", page, context, language),
        "notebook": lambda arg: notebook_block(arg or "", page, context, language),
        "diagram-gallery": lambda _: diagram_gallery(page, context, language),
        "course-map": lambda arg: course_map(arg, page, context, language),
        "glossary": lambda arg: glossary_markdown(
            context.glossary, language=_language(arg, language), page=page
        ),
        "bibliography": lambda _: bibliography_list(page, context, language),
        "get-code": lambda _: get_code(page, context, language),
    }

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        try:
            if name not in handlers:
                raise PageError(
                    f"unknown shortcode <!-- md:{name} --> (known: {', '.join(handlers)})"
                )
            return handlers[name](match.group("arg"))
        except PageError as error:
            line = markdown.count("\n", 0, match.start()) + 1
            raise PageError(f"line {line}: {error}") from None

    # shortcodes in code (a page showing the syntax) are text, not shortcodes
    prose = prose_only(markdown)
    pieces, last = [], 0
    for match in SHORTCODE.finditer(prose):
        pieces += [markdown[last : match.start()], replace(match)]
        last = match.end()
    leftover = next(
        (m for m in _ANY_SHORTCODE.finditer(prose) if not SHORTCODE.match(prose, m.start())), None
    )
    if leftover:
        line = markdown.count("\n", 0, leftover.start()) + 1
        text = markdown[leftover.start() :].split("\n", 1)[0]
        raise PageError(
            f"line {line}: malformed shortcode {text!r}: write <!-- md:NAME ARGUMENT -->"
        )
    return "".join([*pieces, markdown[last:]])


def check_includes(markdown: str, base: Path) -> None:
    """Check that every file a page includes with ``--8<--`` exists under ``base``.

    Raises:
        PageError: An included file is missing; the message names it.
    """
    for match in INCLUDE.finditer(markdown):
        if not (base / match.group("path")).is_file():
            raise PageError(f"includes {match.group('path')}, which does not exist")


def render_page(markdown: str, *, page: str, context: SiteContext, language: str = "en") -> str:
    """Everything the site does to a page's Markdown: shortcodes, citations, references.

    Args:
        markdown: The page's Markdown.
        page: The page's docs path.
        context: What it may refer to.
        language: The page's language.

    Returns:
        The Markdown to hand to the Markdown converter.

    Raises:
        PageError: An unknown name or key, a missing included file; the message names
            the line where it can.
    """
    check_includes(markdown, context.root)
    expanded = expand_shortcodes(markdown, page=page, context=context, language=language)

    def link_for(key: str) -> str:
        return paths.bibliography_anchor(key, page)

    try:
        rendered, cited = render_citations(expanded, context.bibliography, link_for)
    except CitationError as error:
        raise PageError(str(error)) from None
    if cited and page.removesuffix(".es.md").removesuffix(".md") != "bibliography":
        rendered += references_section(cited, context.bibliography, link_for, language)
    return rendered


def check_page(markdown: str, *, page: str, context: SiteContext) -> None:
    """Check a page as the build will render it, in both languages' words.

    Raises:
        PageError: The first problem, naming the line.
    """
    render_page(markdown, page=page, context=context)
