"""The bibliography as data: load and check ``references.bib``, select, export.

``bibliography/references.bib`` is the one source of every citation. This
module reads it with pybtex, checks it (fields per entry type, unique keys,
DOI/URL/year syntax), and answers the rest of the library: entries by key,
topic or course class, and BibTeX that parses back to the same entries.
Formatting references (APA, IEEE) lives in :mod:`mlops_atlas.references`.

Every problem in a file is reported at once, each with file, line and key::

    bibliography/references.bib:12: sculley2015hidden: missing required field 'booktitle'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.errors
from pybtex.database import BibliographyData, BibliographyDataError, Entry, parse_string
from pybtex.database.output.bibtex import Writer as BibtexWriter
from pybtex.scanner import PybtexSyntaxError

from mlops_atlas.errors import AtlasError

__all__ = [
    "DEFAULT_BIB",
    "REQUIRED_FIELDS",
    "Bibliography",
    "BibliographyError",
    "Problem",
    "Reference",
    "UnknownKeyError",
    "export_files",
    "load_bibliography",
]

DEFAULT_BIB = Path(__file__).resolve().parents[2] / "bibliography" / "references.bib"
"""The project's bibliography (in a source checkout)."""

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

_ENTRY_START = re.compile(r"^[ \t]*@(?P<type>\w+)\s*[{(]\s*(?P<key>[^,\s]+)\s*,", re.MULTILINE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_YEAR = re.compile(r"^\d{4}$")
_HTML_LIKE = re.compile(r"<[^>]*>|&#?\w+;")
_LIST_FIELDS = ("keywords", "uba-classes", "tc5044-skills")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a bibliography file.

    Attributes:
        file: The ``.bib`` file.
        line: 1-based line number, when known.
        key: The entry's key, when known.
        message: What is wrong and, where useful, what to do.
    """

    file: Path
    line: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class BibliographyError(AtlasError):
    """The bibliography has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class UnknownKeyError(AtlasError, KeyError):
    """A citation key that the bibliography does not hold."""

    def __init__(self, key: str, known: Iterable[str]) -> None:
        self.key = key
        known = list(known)
        near = difflib.get_close_matches(key, known, n=3, cutoff=0.75)
        near += [k for k in known if k.lower().startswith(key.lower()) and k not in near][:3]
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        super().__init__(f"unknown citation key '{key}'{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Reference:
    """One entry of the bibliography, with the fields the site and CLI use.

    Attributes:
        key: The citation key.
        type: Entry type in lower case (``article``, ``inproceedings``, ...).
        fields: Every field except persons, with their BibTeX text.
        authors: Authors as ``(first names, last names)`` pairs, in order.
        editors: Editors, likewise.
        line: Line of the entry in its file.
    """

    key: str
    type: str
    fields: dict[str, str]
    authors: tuple[tuple[str, str], ...] = ()
    editors: tuple[tuple[str, str], ...] = ()
    line: int = 0

    def get(self, name: str, default: str = "") -> str:
        """A field's value, or ``default``."""
        return self.fields.get(name, default)

    @property
    def year(self) -> str:
        """The year of publication."""
        return self.get("year")

    def _list(self, name: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.get(name).split(",") if part.strip())

    @property
    def keywords(self) -> tuple[str, ...]:
        """Topics, from the ``keywords`` field."""
        return self._list("keywords")

    @property
    def course_classes(self) -> tuple[int, ...]:
        """UBA classes (1-8) the work serves, from the ``uba-classes`` field."""
        return tuple(int(number) for number in self._list("uba-classes"))

    @property
    def skills(self) -> tuple[str, ...]:
        """TC5044 skills the work serves, from the ``tc5044-skills`` field."""
        return self._list("tc5044-skills")

    @property
    def unverified(self) -> str:
        """What could not be verified about this entry (empty when everything was)."""
        return self.get("unverified")

    @property
    def is_course_reading(self) -> bool:
        """True for the works of the course bibliography (they name their classes)."""
        return bool(self.course_classes)


@dataclass
class Bibliography:
    """A checked bibliography: references by key, in file order.

    Attributes:
        path: The file it was read from.
        references: References by key, in the order of the file.
    """

    path: Path
    references: dict[str, Reference] = field(default_factory=dict)
    _data: BibliographyData = field(default_factory=BibliographyData, repr=False)
    _bibtex_cache: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)

    def __contains__(self, key: object) -> bool:
        return key in self.references

    def __getitem__(self, key: str) -> Reference:
        try:
            return self.references[key]
        except KeyError:
            raise UnknownKeyError(key, self.references) from None

    def __iter__(self):
        return iter(self.references.values())

    def __len__(self) -> int:
        return len(self.references)

    def keys(self) -> list[str]:
        """Every key, in file order."""
        return list(self.references)

    def topics(self) -> list[str]:
        """Every topic used in ``keywords``, sorted."""
        return sorted({topic for reference in self for topic in reference.keywords})

    def select(
        self,
        keys: Iterable[str] = (),
        *,
        topic: str | None = None,
        course_class: int | None = None,
    ) -> list[str]:
        """Keys matching every given criterion (all keys when none is given).

        Args:
            keys: Keys to include; each must exist.
            topic: Keep entries whose ``keywords`` hold this topic.
            course_class: Keep entries serving this UBA class (1-8).

        Returns:
            Matching keys in file order.

        Raises:
            UnknownKeyError: A key in ``keys`` is not in the bibliography.
        """
        wanted = list(keys)
        for key in wanted:
            self[key]  # raises with a hint for an unknown key
        chosen = []
        for reference in self:
            if wanted and reference.key not in wanted:
                continue
            if topic is not None and topic not in reference.keywords:
                continue
            if course_class is not None and course_class not in reference.course_classes:
                continue
            chosen.append(reference.key)
        return chosen

    def to_bibtex(self, keys: Iterable[str] | None = None) -> str:
        """BibTeX text for the given keys (everything when ``None``), in file order.

        The result parses back (pybtex, bibtexparser) to the same entries.
        """
        chosen = tuple(self.keys() if keys is None else self.select(keys))
        if chosen not in self._bibtex_cache:
            subset = BibliographyData(entries={key: self._data.entries[key] for key in chosen})
            # the writer class directly: to_string("bibtex") scans entry points on every call
            self._bibtex_cache[chosen] = BibtexWriter().to_string(subset)
        return self._bibtex_cache[chosen]


def _line_of(text: str) -> dict[str, int]:
    """Line of each entry's ``@type{key,`` in the text (first occurrence wins)."""
    lines: dict[str, int] = {}
    for match in _ENTRY_START.finditer(text):
        lines.setdefault(match.group("key"), text.count("\n", 0, match.start()) + 1)
    return lines


def _syntax_problem(path: Path, text: str, error: PybtexSyntaxError) -> Problem:
    """Turn a pybtex syntax error into a problem naming the entry it happened in."""
    line = getattr(error, "lineno", None)
    key = None
    if line:
        opened = [(start, k) for k, start in _line_of(text).items() if start <= line]
        if opened:
            key = max(opened)[1]
    message = str(error).split(": ", 1)[-1] if ":" in str(error) else str(error)
    return Problem(path, line, key, f"BibTeX syntax error: {message}")


def _check_entry(path: Path, key: str, entry: Entry, line: int) -> list[Problem]:
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem(path, line, key, message))

    kind = entry.type.lower()
    present = {name.lower() for name in entry.fields} | {role.lower() for role in entry.persons}
    if kind not in REQUIRED_FIELDS:
        problem(f"entry type '@{kind}' is not supported (use one of {', '.join(REQUIRED_FIELDS)})")
    else:
        for need in REQUIRED_FIELDS[kind]:
            options = (need,) if isinstance(need, str) else need
            if not present & set(options):
                problem(f"missing required field '{' or '.join(options)}' for @{kind}")
    for name, value in entry.fields.items():
        lower, text = name.lower(), value.strip()
        if not text:
            problem(f"field '{lower}' is empty")
            continue
        if lower == "doi" and not _DOI.match(text):
            problem(f"field 'doi' is not a DOI (10.NNNN/...; no https://doi.org/ prefix): {text}")
        elif lower == "url" and not _URL.match(text):
            problem(f"field 'url' is not an http(s) URL: {text}")
        elif lower == "year" and not (_YEAR.match(text) and 1900 <= int(text) <= 2100):
            problem(f"field 'year' must be a four-digit year: {text}")
        elif lower not in ("url", "doi") and _HTML_LIKE.search(text):
            problem(
                f"field '{lower}' contains markup ({_HTML_LIKE.search(text).group(0)}): remove it"
            )
        elif lower == "uba-classes" and not all(
            part.strip().isdigit() and 1 <= int(part) <= 8 for part in text.split(",")
        ):
            problem(f"field 'uba-classes' must list class numbers 1-8: {text}")
    for role, persons in entry.persons.items():
        if not persons:
            problem(f"field '{role.lower()}' is empty")
    return problems


def _persons(entry: Entry, role: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (
            " ".join(person.first_names + person.middle_names),
            " ".join(person.prelast_names + person.last_names + person.lineage_names),
        )
        for person in entry.persons.get(role, [])
    )


def load_bibliography(path: Path | str = DEFAULT_BIB) -> Bibliography:
    """Read and check a ``.bib`` file.

    Args:
        path: The file to read.

    Returns:
        The checked bibliography.

    Raises:
        BibliographyError: The file is missing, unreadable or malformed, or any
            entry fails a check; every problem is listed with file, line and key.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BibliographyError([Problem(path, None, None, "file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BibliographyError([Problem(path, None, None, f"cannot read: {error}")]) from None

    lines = _line_of(text)
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for key, line in sorted(lines.items(), key=lambda item: item[1]):
        if key.lower() in seen:
            first = seen[key.lower()]
            problems.append(
                Problem(
                    path, line, key, f"duplicate key (same as '{first}' on line {lines[first]})"
                )
            )
        else:
            seen[key.lower()] = key
    # Find repeats the first-occurrence map above could not see (same key twice).
    for key in lines:
        starts = [m.start() for m in _ENTRY_START.finditer(text) if m.group("key") == key]
        for start in starts[1:]:
            line = text.count("\n", 0, start) + 1
            problems.append(Problem(path, line, key, f"duplicate key (first on line {lines[key]})"))
    if problems:
        raise BibliographyError(sorted(problems, key=lambda p: p.line or 0))

    strict = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)
    try:
        data = parse_string(text, "bibtex")
    except PybtexSyntaxError as error:
        raise BibliographyError([_syntax_problem(path, text, error)]) from None
    except BibliographyDataError as error:
        raise BibliographyError([Problem(path, None, None, str(error))]) from None
    finally:
        pybtex.errors.set_strict_mode(strict)

    bibliography = Bibliography(path=path, _data=data)
    for key, entry in data.entries.items():
        line = lines.get(key, 0)
        problems.extend(_check_entry(path, key, entry, line))
        bibliography.references[key] = Reference(
            key=key,
            type=entry.type.lower(),
            fields={name.lower(): value for name, value in entry.fields.items()},
            authors=_persons(entry, "author"),
            editors=_persons(entry, "editor"),
            line=line,
        )
    if problems:
        raise BibliographyError(problems)
    return bibliography


def export_files(bibliography: Bibliography) -> dict[str, str]:
    """Every BibTeX download the site offers, by relative path.

    Returns:
        ``references.bib`` (everything), ``entries/KEY.bib`` (one per entry),
        ``topics/TOPIC.bib`` (one per keyword) and ``classes/uba-clase-N.bib``
        (one per UBA class that has readings), each mapped to its BibTeX text.
    """
    files = {"references.bib": bibliography.to_bibtex()}
    for key in bibliography.references:
        files[f"entries/{key}.bib"] = bibliography.to_bibtex([key])
    for topic in bibliography.topics():
        files[f"topics/{topic}.bib"] = bibliography.to_bibtex(bibliography.select(topic=topic))
    for number in sorted({n for reference in bibliography for n in reference.course_classes}):
        keys = bibliography.select(course_class=number)
        files[f"classes/uba-clase-{number}.bib"] = bibliography.to_bibtex(keys)
    return files
