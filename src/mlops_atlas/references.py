"""Formatted references in APA 7 and IEEE style, as plain text, Markdown or HTML.

The styles cover the entry types the bibliography uses (article,
inproceedings, book, misc/online). Titles keep the capitalisation of the
``.bib`` file except that APA's sentence case lowers every word not protected
by braces, as BibTeX styles do.

Field text is never trusted as markup. HTML output escapes it; Markdown output
(fed to Python-Markdown, which passes raw HTML and link syntax through) turns
every character that HTML or Markdown would read as syntax into a character
reference (`mlops_atlas.escaping.escape_markdown`), so it shows as the same text. Links are
made only from an http(s) URL or a DOI that passes
`mlops_atlas.bibliography_checks.is_http_url` /
`mlops_atlas.bibliography_checks.is_doi`; anything else is shown as text.
A malformed access date is shown as written, never a crash.
"""

from __future__ import annotations

import html
import re
from typing import Literal

from mlops_atlas.bibliography import Reference
from mlops_atlas.bibliography_checks import is_doi, is_http_url, iso_date
from mlops_atlas.escaping import Output, escape, escape_markdown_inline

__all__ = ["Output", "Style", "author_year", "format_reference", "latex_to_text"]

Style = Literal["apa", "ieee"]

_COMMANDS = {
    r"\&": "&",
    r"\%": "%",
    r"\_": "_",
    r"\$": "$",
    "~": "\u00a0",
    "---": "\u2014",
    "--": "\u2013",
}


def latex_to_text(value: str) -> str:
    """Strip BibTeX braces and the few LaTeX escapes our file uses.

    Examples:
        >>> latex_to_text("{TFX}: A {TensorFlow}-Based Platform, pp. 1387--1395")
        'TFX: A TensorFlow-Based Platform, pp. 1387–1395'
        >>> latex_to_text("Debt---and interest")
        'Debt—and interest'
    """
    for command, replacement in _COMMANDS.items():
        value = value.replace(command, replacement)
    value = re.sub(r"\\url\{([^}]*)\}", r"\1", value)
    return value.replace("{", "").replace("}", "")


def _sentence_case(title: str) -> str:
    """Lower every letter outside braces, then capitalise the start and after a colon.

    Examples:
        >>> _sentence_case("Hidden Technical Debt in {Machine Learning} Systems: A {TFX} Story")
        'Hidden technical debt in Machine Learning systems: A TFX story'
    """
    out: list[str] = []
    depth = 0
    for char in title:
        depth += (char == "{") - (char == "}")
        out.append(char if depth or char == "}" else char.lower())
    text = "".join(out)
    text = re.sub(r"^([^\w]*)(\w)", lambda m: m.group(1) + m.group(2).upper(), text)
    text = re.sub(r"(:\s+\{?)(\w)", lambda m: m.group(1) + m.group(2).upper(), text)
    return latex_to_text(text)


def _initials(first: str) -> str:
    parts = re.split(r"([\s-]+)", latex_to_text(first).strip())
    return "".join(
        f"{part[0]}." if part and part[0].isalpha() else ("-" if "-" in part else " ")
        for part in parts
        if part
    ).strip()


def _apa_authors(people: tuple[tuple[str, str], ...]) -> str:
    names = [f"{latex_to_text(last)}, {_initials(first)}".strip(", ") for first, last in people]
    if len(names) == 1:
        return names[0]
    if len(names) <= 20:
        return ", ".join(names[:-1]) + ", & " + names[-1]
    return ", ".join(names[:19]) + ", . . . " + names[-1]


def _ieee_authors(people: tuple[tuple[str, str], ...]) -> str:
    names = [f"{_initials(first)} {latex_to_text(last)}".strip() for first, last in people]
    if len(names) > 6:
        return f"{names[0]} et al."
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def author_year(reference: Reference, output: Output = "text") -> str:
    """Short in-text label, APA style: ``Sculley et al., 2015``.

    Args:
        reference: The entry.
        output: ``"text"``, or ``"markdown"``/``"html"`` to escape names for that
            output (`escape`): pass it wherever the label lands in a page.

    Examples:
        >>> ref = Reference("k", "article", {"year": "2022", "title": "T"},
        ...                 authors=(("Dominik", "Kreuzberger"), ("Niklas", "Kühl")))
        >>> author_year(ref)
        'Kreuzberger & Kühl, 2022'
    """
    people = reference.authors or reference.editors
    if not people:
        who = latex_to_text(reference.get("author") or reference.get("title"))
    elif len(people) == 1:
        who = latex_to_text(people[0][1])
    elif len(people) == 2:
        who = f"{latex_to_text(people[0][1])} & {latex_to_text(people[1][1])}"
    else:
        who = f"{latex_to_text(people[0][1])} et al."
    return escape(f"{who}, {reference.year or 'n.d.'}", output)


class _Writer:
    """Builds one reference from pieces, as text, Markdown or HTML, escaping every piece."""

    def __init__(self, output: Output) -> None:
        self.output = output
        self.parts: list[str] = []

    def _escaped(self, value: str) -> str:
        if self.output == "markdown" and self.parts:
            # only the first piece starts the line: later ones need no block-start escape
            return escape_markdown_inline(value)
        return escape(value, self.output)

    def text(self, value: str) -> None:
        self.parts.append(self._escaped(value))

    def italic(self, value: str) -> None:
        value = value.strip()
        if not value:
            return
        if self.output == "html":
            self.parts.append(f"<em>{html.escape(value)}</em>")
        elif self.output == "markdown":
            self.parts.append(f"*{escape_markdown_inline(value)}*")
        else:
            self.parts.append(value)

    def link(self, url: str) -> None:
        """``url`` as a link when it is a checked http(s) URL; as text otherwise."""
        if not is_http_url(url) or self.output == "text":
            self.text(url)
        elif self.output == "html":
            escaped = html.escape(url)
            self.parts.append(f'<a href="{escaped}">{escaped}</a>')
        else:
            self.parts.append(f"<{url}>")  # an autolink: a checked URL has no '<', '>' or space

    def result(self) -> str:
        return "".join(self.parts)


def _pages(reference: Reference) -> str:
    return (
        latex_to_text(reference.get("pages"))
        .replace("-", "\u2013")
        .replace("\u2013\u2013", "\u2013")
    )


def _link_for(reference: Reference) -> str:
    """The DOI as a https://doi.org/ URL, else the URL (as written: LaTeX would mangle ``~``)."""
    doi = reference.get("doi").strip()
    if doi:
        return f"https://doi.org/{doi}" if is_doi(doi) else doi
    return reference.get("url").strip()


def _apa(reference: Reference, out: _Writer) -> None:
    people = reference.authors or reference.editors
    title = _sentence_case(reference.get("title"))
    if people:
        names = _apa_authors(people)
        if not reference.authors:
            names += " (Ed.)." if len(people) == 1 else " (Eds.)."
        elif not names.endswith("."):
            names += "."  # a group author: "Google Cloud. (2023)."
        out.text(names + " ")
        out.text(f"({reference.year or 'n.d.'}). ")
    kind = reference.type
    if kind == "article":
        out.text(f"{title}. ")
        out.italic(latex_to_text(reference.get("journal")))
        if reference.get("volume"):
            out.text(", ")
            out.italic(latex_to_text(reference.get("volume")))
        if reference.get("number"):
            out.text(f"({latex_to_text(reference.get('number'))})")
        if reference.get("pages"):
            out.text(f", {_pages(reference)}")
        out.text(". ")
    elif kind in ("inproceedings", "incollection"):
        out.text(f"{title}. In ")
        if reference.authors and reference.editors:
            editors = [
                f"{_initials(first)} {latex_to_text(last)}" for first, last in reference.editors
            ]
            joined = (
                editors[0] if len(editors) == 1 else ", ".join(editors[:-1]) + ", & " + editors[-1]
            )
            out.text(f"{joined} ({'Ed.' if len(editors) == 1 else 'Eds.'}), ")
        out.italic(latex_to_text(reference.get("booktitle")))
        locator = []
        if reference.get("volume"):
            locator.append(f"Vol. {latex_to_text(reference.get('volume'))}")
        if reference.get("pages"):
            locator.append(f"pp. {_pages(reference)}")
        if locator:
            out.text(f" ({', '.join(locator)})")
        out.text(". ")
        if reference.get("publisher"):
            out.text(f"{latex_to_text(reference.get('publisher')).rstrip('.')}. ")
    elif kind == "book":
        out.italic(title)
        out.text(". ")
        out.text(f"{latex_to_text(reference.get('publisher')).rstrip('.')}. ")
    else:
        if not people:
            out.italic(title)
            out.text(f". ({reference.year or 'n.d.'}). ")
        else:
            out.italic(title)
            out.text(". ")
        owner = reference.get("organization") or reference.get("publisher")
        if owner:
            out.text(f"{latex_to_text(owner).rstrip('.')}. ")
        if reference.get("howpublished"):
            out.text(f"{latex_to_text(reference.get('howpublished')).rstrip('.')}. ")
    link = _link_for(reference)
    if link and reference.get("urldate") and not reference.get("doi"):
        out.text(f"Retrieved {_long_date(reference.get('urldate'))}, from ")
    if link:
        out.link(link)


def _ieee(reference: Reference, out: _Writer) -> None:
    """IEEE: authors, "title," venue, details, then DOI or URL (with access date)."""
    people = reference.authors or reference.editors
    title = latex_to_text(reference.get("title"))
    kind = reference.type
    if people:
        out.text(_ieee_authors(people) + (", Ed., " if not reference.authors else ", "))
    details: list[str] = []
    if kind == "article":
        out.text(f"\u201c{title},\u201d ")
        out.italic(latex_to_text(reference.get("journal")))
        for name, label in (("volume", "vol. "), ("number", "no. "), ("pages", "pp. ")):
            if reference.get(name):
                value = _pages(reference) if name == "pages" else latex_to_text(reference.get(name))
                details.append(label + value)
        details.append(reference.year)
    elif kind in ("inproceedings", "incollection"):
        out.text(f"\u201c{title},\u201d in ")
        out.italic(latex_to_text(reference.get("booktitle")))
        if reference.get("volume"):
            details.append(f"vol. {latex_to_text(reference.get('volume'))}")
        details.append(reference.year)
        if reference.get("pages"):
            details.append(f"pp. {_pages(reference)}")
    elif kind == "book":
        out.italic(title)
        out.text(". ")
        where = latex_to_text(reference.get("address"))
        publisher = latex_to_text(reference.get("publisher"))
        out.text(f"{where}: {publisher}" if where else publisher)
        details.append(reference.year)
    else:
        out.text(f"\u201c{title},\u201d" if people else title)
        for name in ("organization", "publisher", "howpublished"):
            if reference.get(name):
                details.append(latex_to_text(reference.get(name)))
        details.append(reference.year)
    details = [detail for detail in details if detail]
    if details:
        after_quoted_title = out.result().endswith("\u201d")  # the comma is inside the quotes
        out.text((" " if after_quoted_title else ", ") + ", ".join(details))
    if reference.get("doi"):
        out.text(", doi: ")
        if out.output == "text":
            out.text(reference.get("doi").strip())  # IEEE prints the DOI; pages link it
        else:
            out.link(_link_for(reference))
        out.text(".")
    elif reference.get("url"):
        out.text(". [Online]. Available: ")
        out.link(_link_for(reference))
        if reference.get("urldate"):
            out.text(f" (accessed {_long_date(reference.get('urldate'), short=True)}).")
    else:
        out.text(".")


def _long_date(iso: str, *, short: bool = False) -> str:
    """``2026-11-22`` as ``November 22, 2026`` (``Nov. 22, 2026`` when short).

    Text that is not a real ISO date is returned as written (loading refuses it;
    a hand-made `mlops_atlas.bibliography.Reference` must not crash a page).

    Examples:
        >>> _long_date("2026-11-22"), _long_date("2026-11-22", short=True)
        ('November 22, 2026', 'Nov. 22, 2026')
        >>> _long_date("2026-00-10"), _long_date("2026")
        ('2026-00-10', '2026')
    """
    date = iso_date(iso.strip())
    if date is None:
        return iso.strip()
    name = _MONTHS[date.month - 1]
    if short and len(name) > 4:
        name = name[:3] + "."
    return f"{name} {date.day}, {date.year}"


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_reference(reference: Reference, style: Style = "apa", output: Output = "text") -> str:
    """Format one reference.

    Args:
        reference: The entry to format.
        style: ``"apa"`` (APA 7) or ``"ieee"``.
        output: ``"text"``, ``"markdown"`` (field text escaped with
            `mlops_atlas.escaping.escape_markdown`,
            italics with ``*``, links in ``<>``) or ``"html"`` (escaped, ``<em>`` and ``<a>``).
            Only http(s) URLs and DOIs that pass the bibliography's checks become links.

    Returns:
        The formatted reference.

    Raises:
        ValueError: Unknown style or output.
    """
    if style not in ("apa", "ieee"):
        raise ValueError(f"unknown style {style!r}: use 'apa' or 'ieee'")
    if output not in ("text", "markdown", "html"):
        raise ValueError(f"unknown output {output!r}: use 'text', 'markdown' or 'html'")
    writer = _Writer(output)
    (_apa if style == "apa" else _ieee)(reference, writer)
    return re.sub(r"\s+", " ", writer.result()).strip()
