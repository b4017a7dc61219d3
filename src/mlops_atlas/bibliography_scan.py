"""Single passes over a ``.bib`` file's text: where entries and fields are, and braces.

pybtex parses the file; these scans tell `mlops_atlas.bibliography` what
pybtex does not keep or says in the wrong place: the line of each entry and
field (for messages), keys used twice, and braces that do not balance (reported
at the field whose brace is never closed, not at the next entry where a parser
notices). Each is linear in the size of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "EntryScan",
    "EntryStart",
    "duplicate_keys",
    "entry_at",
    "entry_starts",
    "scan_entries",
    "scan_entry",
]

_SPECIAL_ENTRIES = frozenset({"comment", "string", "preamble"})
_START = re.compile(
    r"^[ \t]*@[ \t]*(?P<type>\w+)[ \t]*(?P<open>[{(])(?:\s*(?P<key>[^,\s]+)\s*,)?", re.MULTILINE
)
_FIELD_LINE = re.compile(r"[ \t]*(?P<name>[A-Za-z][\w-]*)[ \t]*=")
_BRACE = re.compile(r"[{}]")


@dataclass(frozen=True)
class EntryStart:
    """Where an ``@type{key,`` (or ``@string{``, ``@comment{``...) begins.

    Attributes:
        type: The entry type in lower case.
        key: The key; ``None`` for ``@string``, ``@comment``, ``@preamble`` or no key.
        line: 1-based line.
        offset: Character offset in the text.
        braced: True for ``@type{``, False for ``@type(``.
    """

    type: str
    key: str | None
    line: int
    offset: int
    braced: bool


def entry_starts(text: str) -> list[EntryStart]:
    r"""Every entry start in the text, in order, with its line (one pass).

    Examples:
        >>> [(s.key, s.line) for s in entry_starts("@string{a = 1}\n\n@misc{k,\n}")]
        [(None, 1), ('k', 3)]
    """
    starts = []
    line, last = 1, 0
    for match in _START.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        kind = match.group("type").lower()
        key = None if kind in _SPECIAL_ENTRIES else match.group("key")
        starts.append(EntryStart(kind, key, line, match.start(), match.group("open") == "{"))
    return starts


def entry_at(starts: list[EntryStart], line: int) -> str | None:
    """The key of the entry that holds ``line`` (the last keyed entry starting at or before it)."""
    keys = [start.key for start in starts if start.key is not None and start.line <= line]
    return keys[-1] if keys else None


def duplicate_keys(starts: list[EntryStart]) -> list[tuple[int, str, str]]:
    """``(line, key, message)`` for each key already used (BibTeX keys ignore case)."""
    first: dict[str, EntryStart] = {}
    found = []
    for start in starts:
        if start.key is None:
            continue
        earlier = first.setdefault(start.key.lower(), start)
        if earlier is start:
            continue
        if earlier.key == start.key:
            message = f"duplicate key (first on line {earlier.line})"
        else:
            message = f"duplicate key (same as '{earlier.key}' on line {earlier.line})"
        found.append((start.line, start.key, message))
    return found


@dataclass
class EntryScan:
    """What one pass over an entry's text finds.

    Attributes:
        field_lines: Line of each field (lower-case name), for messages.
        problem: ``(line, message)`` when its braces do not balance.
    """

    field_lines: dict[str, int] = field(default_factory=dict)
    problem: tuple[int, str] | None = None


def scan_entry(start: EntryStart, region: str) -> EntryScan:
    """Find each field's line and check the braces of one ``@type{key, ...}`` entry.

    An entry still open where the next one starts is reported at the field whose
    ``{`` was never closed (the first field to begin while another is still open),
    not at the next entry, where a BibTeX parser notices. A field found after the
    entry was closed is reported at the ``}`` that closed it too early.

    Args:
        start: Where the entry starts.
        region: Its text, up to the next entry's start.
    """
    scan = EntryScan()
    depth, closed_at, stray = 0, 0, 0
    field_now: tuple[int, str] | None = None
    suspect: tuple[int, str] | None = None
    for number, line in enumerate(region.split("\n"), start=start.line):
        heading = _FIELD_LINE.match(line)
        if heading and closed_at:
            stray = stray or number
        elif heading and depth == 1:
            field_now = (number, heading.group("name"))
            scan.field_lines.setdefault(field_now[1].lower(), number)
        elif heading and depth > 1 and suspect is None:
            suspect = field_now
        if closed_at:
            continue
        for brace in _BRACE.finditer(line):
            depth += 1 if brace.group(0) == "{" else -1
            if depth == 0:
                closed_at = number
                break
    culprit = suspect or (field_now if depth > 1 else None)
    if not closed_at and culprit:
        message = f"field '{culprit[1]}' opens a '{{' that is never closed: add the '}}'"
        scan.problem = (culprit[0], message)
    elif not closed_at:
        scan.problem = (start.line, "the entry is never closed: add a '}' after its last field")
    elif stray:
        message = f"this '}}' closes the entry but a field follows on line {stray}: remove it"
        scan.problem = (closed_at, message)
    return scan


def scan_entries(text: str, starts: list[EntryStart]) -> dict[str, EntryScan]:
    """`scan_entry` for every ``@type{key,`` entry, by key (the first of a repeated key)."""
    scans: dict[str, EntryScan] = {}
    for index, start in enumerate(starts):
        if start.key is None or not start.braced or start.key in scans:
            continue
        end = starts[index + 1].offset if index + 1 < len(starts) else len(text)
        scans[start.key] = scan_entry(start, text[start.offset : end])
    return scans
