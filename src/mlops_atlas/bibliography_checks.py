r"""What a ``.bib`` file must satisfy before anything renders it: plain rules on text.

`mlops_atlas.bibliography` runs these rules when it loads a file. They
reject, with a message saying what to do:

- keys and topics outside `NAME_RULE` (both become file names:
  ``downloads/entries/KEY.bib``, ``downloads/topics/TOPIC.bib``);
- a ``url`` that is not a plain http(s) URL, a ``doi`` that is not a DOI, a
  ``urldate`` that is not a real ISO date;
- markup (an HTML tag or character reference), a ``javascript:`` link,
  Markdown link syntax, a LaTeX ``\url``/``\href`` to anything but http(s),
  or a control character, in any field or person name.

Every renderer escapes fields as well (`mlops_atlas.references`): these
checks tell the author early and by line; escaping keeps the site inert even so.

Where entries and fields are in the text, and whether braces balance, is
`mlops_atlas.bibliography_scan`.
"""

from __future__ import annotations

import datetime
import re

__all__ = [
    "DOI_PATTERN",
    "NAME_PATTERN",
    "NAME_RULE",
    "REQUIRED_FIELDS",
    "URL_PATTERN",
    "entry_problems",
    "field_problems",
    "is_doi",
    "is_http_url",
    "is_name",
    "iso_date",
    "person_problems",
    "shown",
]

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
"""Citation keys and topics (``keywords``): they name files, so nothing else is allowed."""

NAME_RULE = (
    "ASCII letters, digits, '_', '-' and '.', starting with a letter or digit, "
    "at most 100 characters"
)
"""`NAME_PATTERN` in words, for messages and documentation."""

DOI_PATTERN = re.compile(r"10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+")
"""A DOI as Crossref recommends matching modern DOIs (no ``https://doi.org/`` prefix)."""

URL_PATTERN = re.compile(
    r"[Hh][Tt][Tt][Pp][Ss]?://"
    r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"  # host: ASCII (an IDN host in punycode)
    r"(?::[0-9]{1,5})?"
    r"(?:[/?#][^\s\"'<>\\`{}\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*)?"
)
"""An http(s) URL with no whitespace, quote, angle bracket, backslash, backtick or brace."""

REQUIRED_FIELDS: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "article": ("author", "title", "journal", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "book": (("author", "editor"), "title", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "misc": ("title", ("url", "doi", "howpublished")),
    "online": ("title", "url"),
}
"""Fields each entry type needs; a tuple inside means "one of these"."""

_TAG = re.compile(r"<[A-Za-z/!?][^>]{0,30}>?|&#?[A-Za-z0-9]+;")
_SCRIPT_LINK = re.compile(r"(?:java|vb)script:(?=\S)|data:[a-z]+/[\w.+-]+[;,]", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"\]\s*[(\[]|!\[")
_LATEX_LINK = re.compile(r"\\(?:url|href)\s*\{(?P<target>[^}]*)\}")
_SUSPECT = re.compile(r"[<&:\]!\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")
_CLASS_NUMBER = re.compile(r"[1-8]")


def is_name(text: str) -> bool:
    """True for a key or topic that may name a file (`NAME_RULE`).

    Examples:
        >>> is_name("sculley2015hidden"), is_name("../../bibliography/references")
        (True, False)
    """
    return NAME_PATTERN.fullmatch(text) is not None


def is_http_url(text: str) -> bool:
    """True for a URL that may become a link (`URL_PATTERN`).

    Examples:
        >>> is_http_url("https://example.org/a?b=1"), is_http_url('https://x.org/"><script>')
        (True, False)
        >>> is_http_url("javascript:alert(1)")
        False
    """
    return URL_PATTERN.fullmatch(text) is not None


def is_doi(text: str) -> bool:
    """True for a DOI (`DOI_PATTERN`).

    Examples:
        >>> is_doi("10.1145/3097983.3098021"), is_doi('10.1000/x"onmouseover="alert(1)')
        (True, False)
    """
    return DOI_PATTERN.fullmatch(text) is not None


def iso_date(text: str) -> datetime.date | None:
    """The date of ``YYYY-MM-DD`` text when it is a real date, else ``None``.

    Examples:
        >>> iso_date("2026-11-22"), iso_date("2026-13-01"), iso_date("2026")
        (datetime.date(2026, 11, 22), None, None)
    """
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def shown(text: str, limit: int = 60) -> str:
    r"""Text fit for a one-line message: whitespace collapsed, controls escaped, shortened.

    Examples:
        >>> shown("a\x1b[31m  b")
        'a\\x1b[31m b'
    """
    flat = " ".join(text.split())
    clean = "".join(
        char
        if char.isprintable()
        else f"\\x{ord(char):02x}"
        if ord(char) < 256
        else f"\\u{ord(char):04x}"
        for char in flat
    )
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def _unbraced(text: str) -> str:
    return text.replace("{", "").replace("}", "")


def _text_problems(what: str, text: str) -> list[str]:
    """Markup, script links, Markdown links, LaTeX links and controls in any text."""
    if not _SUSPECT.search(text):
        return []  # none of the characters these rules look for: most fields
    problems = []
    flat = _unbraced(text)
    if control := _CONTROL.search(text):
        problems.append(
            f"{what} contains a control character ({shown(control.group(0))}): remove it"
        )
    if tag := _TAG.search(text) or _TAG.search(flat):
        problems.append(f"{what} contains markup ({shown(tag.group(0))}): remove it")
    if _SCRIPT_LINK.search(flat):
        problems.append(f"{what} contains a script link (javascript:, data:): remove it")
    if _MARKDOWN_LINK.search(flat):
        problems.append(f"{what} contains Markdown link syntax ('](' or '!['): write plain text")
    for link in _LATEX_LINK.finditer(text):
        if not is_http_url(link.group("target").strip()):
            problems.append(
                f"{what} links to {shown(link.group('target'))!r}: only http(s) URLs may be linked"
            )
    return problems


def field_problems(name: str, value: str) -> list[str]:
    r"""What is wrong with one field's value (empty when nothing is).

    Args:
        name: The field name, lower case.
        value: Its BibTeX text.

    Examples:
        >>> field_problems("url", "https://example.org/\"><script>")[0][:45]
        "field 'url' must be an http(s) URL with no sp"
        >>> field_problems("urldate", "2026-13-01")
        ["field 'urldate' must be a real date, YYYY-MM-DD: '2026-13-01'"]
    """
    text = value.strip()
    what = f"field '{name}'"
    if not text:
        return [f"{what} is empty"]
    if name == "url":
        if not is_http_url(text):
            return [
                f"{what} must be an http(s) URL with no space, quote, angle bracket, "
                f"brace, backtick or backslash (percent-encode them): {shown(text)!r}"
            ]
        return []
    if name == "doi":
        if not is_doi(text):
            return [
                f"{what} is not a DOI (10.NNNN/..., letters, digits and -._;()/: only; "
                f"no https://doi.org/ prefix): {shown(text)!r}"
            ]
        return []
    problems = _text_problems(what, text)
    if name == "urldate" and iso_date(text) is None:
        problems.append(f"{what} must be a real date, YYYY-MM-DD: {shown(text)!r}")
    elif name == "year" and not (_YEAR.fullmatch(text) and 1900 <= int(text) <= 2100):
        problems.append(f"{what} must be a four-digit year: {shown(text)}")
    elif name == "uba-classes" and not all(
        _CLASS_NUMBER.fullmatch(part.strip()) for part in text.split(",")
    ):
        problems.append(f"{what} must list class numbers 1-8, separated by commas: {shown(text)}")
    elif name == "keywords":
        for topic in (part.strip() for part in text.split(",")):
            if not is_name(topic):
                problems.append(
                    f"{what}: topic {shown(topic)!r} must be {NAME_RULE} "
                    "(it names the file downloads/topics/TOPIC.bib)"
                )
    return problems


def person_problems(role: str, person: str) -> list[str]:
    """What is wrong with one author's or editor's name (empty when nothing is).

    Examples:
        >>> person_problems("author", "Doe, <img src=x onerror=alert(1)>")
        ["field 'author' contains markup (<img src=x onerror=alert(1)>): remove it"]
    """
    what = f"field '{role}'"
    problems = _text_problems(what, person)
    if ("<" in person or ">" in person) and not any("markup" in p for p in problems):
        problems.append(f"{what} contains an angle bracket in {shown(person)!r}: remove it")
    return problems


def entry_problems(
    key: str, kind: str, fields: dict[str, str], persons: dict[str, list[str]]
) -> list[tuple[str, str]]:
    """``(field name, message)`` for everything wrong with one entry (name ``""``: the entry).

    Args:
        key: The entry's key.
        kind: Its type, lower case.
        fields: Its fields by lower-case name, with their BibTeX text.
        persons: Its people (``author``, ``editor``) by role, each name as text.
    """
    found: list[tuple[str, str]] = []
    if not is_name(key):
        found.append(
            (
                "",
                f"the key must be {NAME_RULE} (it names the file downloads/entries/KEY.bib): "
                "rename the entry and the pages citing it",
            )
        )
    if kind not in REQUIRED_FIELDS:
        found.append(
            ("", f"entry type '@{kind}' is not supported (use one of {', '.join(REQUIRED_FIELDS)})")
        )
    else:
        present = set(fields) | set(persons)
        for need in REQUIRED_FIELDS[kind]:
            options = (need,) if isinstance(need, str) else need
            if not present & set(options):
                found.append(("", f"missing required field '{' or '.join(options)}' for @{kind}"))
    for name, value in fields.items():
        found.extend((name, message) for message in field_problems(name, value))
    for role, names in persons.items():
        if not names:
            found.append((role, f"field '{role}' is empty"))
        found.extend((role, message) for message in person_problems(role, " and ".join(names)))
    return found
