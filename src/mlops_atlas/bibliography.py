"""The bibliography as data: load and check ``references.bib``, select, export.

``bibliography/references.bib`` is the one source of every citation. This
module reads it with pybtex, checks it (fields per entry type, unique keys,
DOI/URL/year syntax), and answers the rest of the library: entries by key,
topic or course class, and BibTeX that parses back to the same entries.
Formatting references (APA, IEEE) lives in `mlops_atlas.references`.

Every problem in a file is reported at once, each with file, line and key::

    bibliography/references.bib:12: sculley2015hidden: missing required field 'booktitle'

What a field, key or topic may hold (and why) is in
`mlops_atlas.bibliography_checks`: keys and topics follow
`mlops_atlas.bibliography_checks.NAME_RULE` because they name files;
URLs, DOIs and access dates are checked strictly; markup, script links and
Markdown links are refused. Loading is linear in the size of the file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.errors
from pybtex.database import BibliographyData, Entry, parse_string
from pybtex.database.output.bibtex import Writer as BibtexWriter
from pybtex.exceptions import PybtexError
from pybtex.scanner import PybtexSyntaxError

from mlops_atlas.bibliography_checks import REQUIRED_FIELDS, entry_problems, shown
from mlops_atlas.bibliography_scan import (
    EntryStart,
    duplicate_keys,
    entry_at,
    entry_starts,
    scan_entries,
)
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
        key = shown(self.key, limit=100) if self.key else ""
        return f"{where}: {key}: {self.message}" if key else f"{where}: {self.message}"


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
    _bibtex_cache: dict[str, str] = field(default_factory=dict, repr=False)
    _position_cache: dict[str, int] = field(default_factory=dict, repr=False)

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
        wanted = dict.fromkeys(keys)
        for key in wanted:
            self[key]  # raises with a hint for an unknown key
        if wanted:  # only the keys asked for, in file order: no scan of the whole file
            position = self._positions()
            candidates = [self.references[key] for key in sorted(wanted, key=position.__getitem__)]
        else:
            candidates = list(self)
        chosen = []
        for reference in candidates:
            if topic is not None and topic not in reference.keywords:
                continue
            if course_class is not None and course_class not in reference.course_classes:
                continue
            chosen.append(reference.key)
        return chosen

    def _positions(self) -> dict[str, int]:
        if len(self._position_cache) != len(self.references):
            self._position_cache.clear()
            self._position_cache.update((key, n) for n, key in enumerate(self.references))
        return self._position_cache

    def to_bibtex(self, keys: Iterable[str] | None = None) -> str:
        """BibTeX text for the given keys (everything when ``None``), in file order.

        The result parses back (pybtex, bibtexparser) to the same entries. Each
        entry is written once and kept: pybtex writes entries one after the other,
        separated by a blank line, so any selection is a join of written entries.
        """
        chosen = self.keys() if keys is None else self.select(keys)
        return "\n".join(self._entry_bibtex(key) for key in chosen)

    def _entry_bibtex(self, key: str) -> str:
        if key not in self._bibtex_cache:
            entry = BibliographyData(entries={key: self._data.entries[key]})
            # the writer class directly: to_string("bibtex") scans entry points on every call
            self._bibtex_cache[key] = BibtexWriter().to_string(entry)
        return self._bibtex_cache[key]


def _pybtex_problem(path: Path, text: str, starts: list[EntryStart], error: PybtexError) -> Problem:
    """A pybtex error placed at its line and entry (by the text it quotes when it has no line)."""
    line = getattr(error, "lineno", None)
    if isinstance(error, PybtexSyntaxError):
        message = "BibTeX syntax error: " + str(error).split(": ", 1)[-1]
    else:  # a duplicate pybtex found, a name with too many commas...
        message = f"BibTeX error: {error}"
        quoted = re.search(r"'(.+)'", str(error))
        offset = text.find(quoted.group(1)) if quoted else -1
        line = text.count("\n", 0, offset) + 1 if offset >= 0 else None
    return Problem(path, line, entry_at(starts, line) if line else None, message)


def _check_entry(
    path: Path, key: str, entry: Entry, line: int, field_lines: dict[str, int]
) -> list[Problem]:
    """Every problem of one entry; a field's problem names the field's own line."""
    persons = {
        role.lower(): [str(person) for person in people] for role, people in entry.persons.items()
    }
    fields = {name.lower(): value for name, value in entry.fields.items()}
    return [
        Problem(path, field_lines.get(name, line), key, message)
        for name, message in entry_problems(key, entry.type.lower(), fields, persons)
    ]


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
    except UnicodeDecodeError as error:
        line = path.read_bytes().count(b"\n", 0, error.start) + 1
        message = f"not UTF-8 (byte 0x{error.object[error.start]:02x}): save the file as UTF-8"
        raise BibliographyError([Problem(path, line, None, message)]) from None
    except OSError as error:
        message = f"cannot read: {error.strerror or error}"
        raise BibliographyError([Problem(path, None, None, message)]) from None

    starts = entry_starts(text)
    scans = scan_entries(text, starts)
    found = [Problem(path, line, key, message) for line, key, message in duplicate_keys(starts)]
    for key, scan in scans.items():
        if scan.problem:
            line, message = scan.problem
            found.append(
                Problem(path, line, key, f"BibTeX syntax error: unbalanced braces: {message}")
            )
    if found:
        raise BibliographyError(sorted(found, key=lambda p: p.line or 0))

    strict = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)
    try:
        data = parse_string(text, "bibtex")
    except PybtexError as error:
        raise BibliographyError([_pybtex_problem(path, text, starts, error)]) from None
    finally:
        pybtex.errors.set_strict_mode(strict)

    lines: dict[str, int] = {}
    for start in starts:
        if start.key is not None:
            lines.setdefault(start.key, start.line)
    problems = []
    bibliography = Bibliography(path=path, _data=data)
    for key, entry in data.entries.items():
        line = lines.get(key, 0)
        field_lines = scans[key].field_lines if key in scans else {}
        problems.extend(_check_entry(path, key, entry, line, field_lines))
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

    Keys and topics are checked names (`mlops_atlas.bibliography_checks.NAME_RULE`);
    writers still keep each path inside its folder (`mlops_atlas.outputs.path_inside`).

    Returns:
        ``references.bib`` (everything), ``entries/KEY.bib`` (one per entry),
        ``topics/TOPIC.bib`` (one per keyword) and ``classes/uba-clase-N.bib``
        (one per UBA class that has readings), each mapped to its BibTeX text.
    """
    files = {"references.bib": bibliography.to_bibtex()}
    by_topic: dict[str, list[str]] = {}
    by_class: dict[int, list[str]] = {}
    for reference in bibliography:
        files[f"entries/{reference.key}.bib"] = bibliography.to_bibtex([reference.key])
        for topic in reference.keywords:
            by_topic.setdefault(topic, []).append(reference.key)
        for number in reference.course_classes:
            by_class.setdefault(number, []).append(reference.key)
    for topic in sorted(by_topic):
        files[f"topics/{topic}.bib"] = bibliography.to_bibtex(by_topic[topic])
    for number in sorted(by_class):
        files[f"classes/uba-clase-{number}.bib"] = bibliography.to_bibtex(by_class[number])
    return files
