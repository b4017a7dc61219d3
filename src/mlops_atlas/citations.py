"""In-text citations in Markdown: ``[@key]``, ``[@key, §2]``, ``[@a; @b]``.

A citation renders as an author-year link to the work's entry on the
Bibliography page, and a page that cites anything gets a "References" list
at its end. Citations inside code (fenced blocks or inline code) are left
alone, so a page can show the syntax.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mlops_atlas.bibliography import Bibliography, UnknownKeyError
from mlops_atlas.errors import AtlasError
from mlops_atlas.references import author_year, format_reference

__all__ = [
    "CITATION",
    "Citation",
    "CitationError",
    "find_citations",
    "prose_only",
    "references_section",
    "render_citations",
]

CITATION = re.compile(r"\[(?P<body>@[\w:.-]+(?:,[^\];]*)?(?:;\s*@[\w:.-]+(?:,[^\];]*)?)*)\]")
"""A bracketed citation: one or more ``@key[, locator]`` separated by ``;``."""

_ITEM = re.compile(r"@(?P<key>[\w:.-]+)(?:,\s*(?P<locator>[^;]*))?")
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


class CitationError(AtlasError):
    """A page cites a key the bibliography does not hold; the message names the line."""


@dataclass(frozen=True)
class Citation:
    """One cited key, where it stands in a page.

    Attributes:
        key: The citation key.
        line: 1-based line in the Markdown text.
        locator: Section, figure or page cited, e.g. ``§2``; empty when none.
    """

    key: str
    line: int
    locator: str = ""


def prose_only(markdown: str) -> str:
    r"""The text with fenced and inline code blanked out (same length, same lines).

    Positions in the result are positions in ``markdown``: a match found here lies
    in prose, never in code that shows the syntax.

    Examples:
        >>> prose_only("a `[@x]` b\n```\n[@y]\n```\n[@z]")
        'a        b\n   \n    \n   \n[@z]'
    """
    blanked = markdown.splitlines(keepends=True)
    prose = dict(_prose_lines(markdown))
    for index, line in enumerate(blanked):
        ending = line[len(line.rstrip("\r\n")) :]
        body = line[: len(line) - len(ending)]
        blanked[index] = prose.get(index + 1, " " * len(body)) + ending
    return "".join(blanked)


def _prose_lines(markdown: str) -> list[tuple[int, str]]:
    """Lines outside fenced code, numbered from 1, with inline code blanked out."""
    lines: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(markdown.splitlines(), start=1):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(2)
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        lines.append((number, _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)))
    return lines


def find_citations(markdown: str) -> list[Citation]:
    """Every citation in the prose of a Markdown text, in order.

    Examples:
        >>> [c.key for c in find_citations("As [@a2020; @b2021, §3] show. `[@not]`")]
        ['a2020', 'b2021']
    """
    found = []
    for number, line in _prose_lines(markdown):
        for match in CITATION.finditer(line):
            for item in _ITEM.finditer(match.group("body")):
                found.append(
                    Citation(item.group("key"), number, (item.group("locator") or "").strip())
                )
    return found


def render_citations(
    markdown: str, bibliography: Bibliography, link_for: Callable[[str], str]
) -> tuple[str, list[str]]:
    """Replace every citation by author-year links; return the text and the keys cited.

    Args:
        markdown: The page's Markdown.
        bibliography: Where keys are looked up.
        link_for: The link (relative to the page) to a key's bibliography entry.

    Returns:
        The Markdown with citations rendered, and the cited keys in order of first use.

    Raises:
        CitationError: A cited key is not in the bibliography; the message names its line.
    """
    cited: list[str] = []
    out_lines = markdown.splitlines(keepends=True)
    for number, line in _prose_lines(markdown):
        original = out_lines[number - 1]
        if "[@" not in line:
            continue

        def render(match: re.Match[str], number: int = number) -> str:
            parts = []
            for item in _ITEM.finditer(match.group("body")):
                key = item.group("key")
                if key not in bibliography:
                    raise CitationError(
                        f"line {number}: {UnknownKeyError(key, bibliography.keys())}"
                    )
                if key not in cited:
                    cited.append(key)
                label = author_year(bibliography[key], "markdown")
                locator = (item.group("locator") or "").strip()
                text = f"{label}, {locator}" if locator else label
                parts.append(f"[{text}]({link_for(key)})")
            return "(" + "; ".join(parts) + ")"

        # only the spans found in prose are replaced (inline code was blanked in `line`)
        pieces, last = [], 0
        for match in CITATION.finditer(line):
            pieces.append(original[last : match.start()])
            pieces.append(render(match))
            last = match.end()
        pieces.append(original[last:])
        out_lines[number - 1] = "".join(pieces)
    return "".join(out_lines), cited


def references_section(
    keys: list[str],
    bibliography: Bibliography,
    link_for: Callable[[str], str],
    language: str = "en",
) -> str:
    """A "References" section listing the cited works in APA 7, sorted by author and year.

    Its heading and link titles are in the page's ``language``; references stay as
    APA writes them.
    """
    from mlops_atlas.i18n import word

    ordered = sorted(keys, key=lambda key: author_year(bibliography[key]).lower())
    tip = word("entry_and_bibtex", language)
    items = [
        f"- {format_reference(bibliography[key], 'apa', 'markdown')} "
        f'[:material-bookmark-outline:]({link_for(key)} "{tip}")'
        for key in ordered
    ]
    heading = word("references", language)
    return f"\n\n## {heading} {{ #references }}\n\n" + "\n".join(items) + "\n"
