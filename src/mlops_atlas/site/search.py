"""Make the site's search find the readings and examples first, and keep its index light.

Material for MkDocs writes one search index (``search/search_index.json``) for both
languages. `tune_search_index` rewrites it after the build: the API reference
keeps its headings (a function's name still finds it) but loses its text, which was a
third of the index and outranked the readings for any common word, and its
weight is lowered (its titles are names such as ``DESIDERATA``, which the prefix
search matches for "de"); readings and examples are boosted, so a query such as "drift" or "deriva" opens the page that
teaches it before a page that merely mentions it. Code blocks (``<pre>``: the
examples' cells and outputs) leave the index too: they were a third of what remained,
and a browser downloads the whole index on every page's first visit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from mlops_atlas.errors import AtlasError
from mlops_atlas.outputs import write_atomically

__all__ = [
    "BOOSTS",
    "HEADINGS_ONLY",
    "SearchIndexReport",
    "headings_only",
    "indexed_by_headings",
    "tune_search_index",
]

INDEX = "search/search_index.json"

HEADINGS_ONLY = ("reference/",)
"""Folders (after an optional language prefix) whose entries keep their titles only."""

BOOSTS = {"readings/": 3.0, "examples/": 2.0, "reference/": 0.05}
"""Boost of the entries of each folder (after an optional language prefix)."""


_HEADING = re.compile(r"<h([1-6])\b[^>]*>.*?</h\1\s*>", re.S | re.I)
"""A heading element, whole (its markup is the title the search index gives it)."""

_CODE_BLOCK = re.compile(r"<pre\b[^>]*>.*?</pre>", re.S)
"""A code block in an entry's text (Material keeps the HTML of each section)."""


class SearchIndexError(AtlasError):
    """The built search index cannot be read."""


@dataclass(frozen=True)
class SearchIndexReport:
    """What `tune_search_index` did.

    Attributes:
        entries: Entries in the index.
        trimmed: Entries reduced to their title, or that lost their code blocks.
        boosted: Entries given a boost.
        bytes_before: Size of the index before.
        bytes_after: Size after.
    """

    entries: int
    trimmed: int
    boosted: int
    bytes_before: int
    bytes_after: int


def _folder(location: str, languages: tuple[str, ...]) -> str:
    for language in languages:
        if location.startswith(f"{language}/"):
            return location.removeprefix(f"{language}/")
    return location


def indexed_by_headings(url: str, languages: tuple[str, ...] = ("es",)) -> bool:
    """Whether the search index keeps only the headings of the page at ``url`` (`HEADINGS_ONLY`)."""
    return _folder(url, languages).startswith(HEADINGS_ONLY)


def headings_only(html: str) -> str:
    """The headings of a page's HTML, whole, one per line, after an empty paragraph if the page has text before its first heading; nothing else.

    What the search engine is given of a page the index keeps by its headings: it
    finds the same sections and titles as in the whole page (the empty paragraph stands
    for the text before the first heading, which makes a section of its own), without
    parsing the page's megabytes of text and highlighted source (the API reference).
    """
    headings = [match.group(0) for match in _HEADING.finditer(html)]
    first = _HEADING.search(html)
    if html[: first.start() if first else len(html)].strip():
        headings.insert(0, "<p></p>")
    return "\n".join(headings)


def tune_search_index(site_dir: Path, languages: tuple[str, ...] = ("es",)) -> SearchIndexReport:
    """Trim the API reference to its headings, drop code blocks, boost readings and examples.

    Works in place.

    Idempotent: tuning a tuned index changes nothing.

    Args:
        site_dir: The built site.
        languages: Language prefixes of the locations (``es/readings/...``).

    Returns:
        Counts and sizes, for the build log and the benchmarks.

    Raises:
        SearchIndexError: The index exists but is not the JSON Material writes.
    """
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return SearchIndexReport(0, 0, 0, 0, 0)
    raw = path.read_bytes()
    try:
        index = json.loads(raw)
        docs = index["docs"]
    except (ValueError, KeyError, TypeError) as error:
        raise SearchIndexError(f"{path}: not a search index ({error})") from None
    trimmed = boosted = 0
    for entry in docs:
        folder = _folder(str(entry.get("location", "")), languages)
        text = str(entry.get("text") or "")
        kept = "" if folder.startswith(HEADINGS_ONLY) else _CODE_BLOCK.sub("", text)
        if kept != text:
            entry["text"] = kept
            trimmed += 1
        boost = next((b for prefix, b in BOOSTS.items() if folder.startswith(prefix)), None)
        if boost is not None and entry.get("boost") != boost:
            entry["boost"] = boost
            boosted += 1
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    write_atomically(path, text)
    return SearchIndexReport(len(docs), trimmed, boosted, len(raw), len(text.encode("utf-8")))
