"""The glossary: every term with its Spanish name, a definition, its source and where it is used.

One data file, ``glossary.yaml`` beside this module, holds every entry:

```yaml
- en: concept drift                      # the English term; its slug is the entry's anchor
  es: deriva de concepto (concept drift) # the Spanish term the Spanish pages use
  note: ...                              # optional: when Spanish keeps the English word
  define_en: One or two sentences.
  define_es: Una o dos oraciones.
  cite: huyen2022designing, ch. 8        # BibTeX key [, locator]; null when no work defines it
  see: [readings/huyen2022designing.md#shifts-monitoring, examples/distribution_shifts.md]
```

`load_glossary` reads and checks it; given the bibliography and the docs
folder it also checks every cite key and every ``see`` page and anchor, and
names each link after its target in both languages. Every problem is one line
naming the file, the entry and the key. `glossary_markdown` renders the
entries for one language, each under a heading whose anchor is the slug of the
English term (``glossary.md#concept-drift`` in both languages), with every field
escaped: the file is data, never markup.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from mlops_atlas.bibliography import Bibliography, UnknownKeyError
from mlops_atlas.course.model import CourseError, Language
from mlops_atlas.escaping import escape_markdown, escape_markdown_inline
from mlops_atlas.yamlfiles import safe_load

__all__ = [
    "GLOSSARY_FILE",
    "GlossaryEntry",
    "SeeLink",
    "glossary_markdown",
    "load_glossary",
    "term_anchor",
]

GLOSSARY_FILE = Path(__file__).with_name("glossary.yaml")
"""Every term of the site, in English and Spanish, with its definition."""

_REQUIRED = ("en", "es", "define_en", "define_es", "cite", "see")
_KEYS = (*_REQUIRED, "note")
_CITE = re.compile(r"^(?P<key>[\w:.-]+)(?:,[ \t]*(?P<locator>.*))?$")
# a locator lands inside an in-text citation and a link: words, numbers, §, and . , – - only
_LOCATOR = re.compile(r"^(?:[^\W_]|[§.,–\- ])+$")
_PATH = re.compile(r"^[\w.-]+(?:/[\w.-]+)*$")
_ANCHOR = re.compile(r"^[\w-]*$")

_WORDS: dict[str, dict[str, str]] = {
    "en": {"other": "Español", "see": "See", "note": "Spanish usage", "letters": "Jump to"},
    "es": {"other": "Inglés", "see": "Véase", "note": "Nota", "letters": "Ir a"},
}


@dataclass(frozen=True)
class SeeLink:
    """A page of the site where a term is used, with the text of a link to it.

    Attributes:
        page: Docs path of the English page, e.g. ``readings/sculley2015hidden.md``
            (the site links each language's page to its twin).
        anchor: A heading's anchor on that page; empty for the top of the page.
        labels: The link's text by language: the page's title, and the section's
            heading when there is an anchor.
    """

    page: str
    anchor: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """``page#anchor`` (or the page alone), as written in the data file."""
        return f"{self.page}#{self.anchor}" if self.anchor else self.page

    def label(self, language: str) -> str:
        """The link's text in ``language`` (its target when no title is known)."""
        return self.labels.get(language) or self.labels.get("en") or self.target


@dataclass(frozen=True)
class GlossaryEntry:
    """One term.

    Attributes:
        en: The English term.
        es: The Spanish term (with the English one in parentheses where teams keep it).
        define_en: One or two sentences defining it, in English.
        define_es: The same definition, in Spanish.
        cite: The BibTeX key of the work that introduced or defines it; ``None`` for a
            general term that no work in the bibliography defines.
        locator: Where in that work (``§4``, ``ch. 8``), as its reading page locates it.
        see: Pages (and sections) of the site where the term is used.
        note: When Spanish keeps the English word, and where.
    """

    en: str
    es: str
    define_en: str
    define_es: str
    cite: str | None = None
    locator: str = ""
    see: tuple[SeeLink, ...] = ()
    note: str = ""

    @property
    def anchor(self) -> str:
        """The entry's anchor on the glossary page, the same in both languages."""
        return term_anchor(self.en)

    def term(self, language: str) -> str:
        """The term in ``language``."""
        return self.es if language == "es" else self.en

    def definition(self, language: str) -> str:
        """The definition in ``language``."""
        return self.define_es if language == "es" else self.define_en


def _fold(text: str) -> str:
    """``text`` in lower-case ASCII letters where it can be: accents dropped, Greek spelled out.

    Examples:
        >>> _fold("ε-feature"), _fold("Árbol")
        ('epsilon-feature', 'arbol')
    """
    letters = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char):
            continue
        name = unicodedata.name(char, "")
        if not char.isascii() and name.startswith("GREEK SMALL LETTER "):
            letters.append(name.removeprefix("GREEK SMALL LETTER ").lower())
        else:
            letters.append(char)
    return "".join(letters).lower()


def term_anchor(term: str) -> str:
    """The glossary anchor of an English term, as the toc extension slugs a heading.

    Examples:
        >>> term_anchor("concept drift"), term_anchor("A/B testing"), term_anchor("ε-feature")
        ('concept-drift', 'ab-testing', 'epsilon-feature')
    """
    from markdown.extensions.toc import slugify

    return slugify(_fold(term), "-")


def _fail(path: Path, where: str, message: str) -> CourseError:
    return CourseError(f"{path}: {where}: {message}")


def _text(raw: dict[str, object], key: str, where: str, path: Path) -> str:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if key.startswith("define_"):
            language = "English" if key.endswith("_en") else "Spanish"
            raise _fail(
                path, where, f"'{key}' is missing: write one or two sentences in {language}"
            )
        raise _fail(path, where, f"'{key}' is missing")
    if not isinstance(value, str):
        raise _fail(path, where, f"'{key}' must be text, not {type(value).__name__}")
    return " ".join(value.split())


def _cite(
    raw: dict[str, object], where: str, path: Path, bibliography: Bibliography | None
) -> tuple[str | None, str]:
    value = raw["cite"]
    if value is None:
        return None, ""
    match = _CITE.match(str(value).strip()) if isinstance(value, str) else None
    if match is None:
        raise _fail(path, where, f"'cite' must be 'KEY' or 'KEY, LOCATOR', not {value!r}")
    key, locator = match.group("key"), (match.group("locator") or "").strip()
    if locator and not _LOCATOR.match(locator):
        raise _fail(
            path,
            where,
            f"'cite' locator {locator!r} may hold only letters, digits, spaces and § . , – -",
        )
    if bibliography is not None and key not in bibliography:
        raise _fail(path, where, f"'cite': {UnknownKeyError(key, bibliography.keys())}")
    return key, locator


def _page_texts(docs_dir: Path, page: str) -> dict[str, str]:
    """The Markdown of an English page and of its Spanish twin, by language."""
    english = docs_dir / page
    texts = {"en": english.read_text(encoding="utf-8")}
    twin = english.with_name(f"{english.stem}.es.md")
    if twin.is_file():
        texts["es"] = twin.read_text(encoding="utf-8")
    return texts


Outline = tuple[dict[str, str], dict[str, dict[str, str]]]
"""A page's title and its headings' titles by anchor, each by language."""


def _page_outline(docs_dir: Path, page: str, outlines: dict[str, Outline]) -> Outline:
    """A page's title and its headings' titles by anchor, in English and in its twin.

    Read once per glossary load: ``outlines`` keeps the pages read so far (many entries
    link the same pages).
    """
    from mlops_atlas.site.translations import headings

    if page not in outlines:
        texts = _page_texts(docs_dir, page)
        outlines[page] = (
            {language: _title(text) or page for language, text in texts.items()},
            {language: dict(headings(text)) for language, text in texts.items()},
        )
    return outlines[page]


def _title(markdown: str) -> str:
    from mlops_atlas.site.pages import first_heading, split_front_matter

    meta, body = split_front_matter(markdown)
    return str(meta.get("title") or first_heading(body))


def _see(
    raw: dict[str, object],
    where: str,
    path: Path,
    docs_dir: Path | None,
    outlines: dict[str, Outline],
) -> tuple[SeeLink, ...]:
    items = raw["see"]
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list) or not items:
        raise _fail(path, where, "'see' must list at least one page, e.g. [examples/cace.md]")
    links = []
    for number, item in enumerate(items, start=1):
        here = f"{where}: 'see' item {number}"
        if not isinstance(item, str) or not item.strip():
            raise _fail(path, here, "must be a docs path such as readings/KEY.md#anchor")
        page, _, anchor = item.strip().partition("#")
        pure = PurePosixPath(page)
        if pure.is_absolute() or ".." in pure.parts or not _PATH.match(page):
            raise _fail(path, here, f"{item!r} must be a path inside docs/ (no '..', no '/' first)")
        if not _ANCHOR.match(anchor):
            raise _fail(path, here, f"{item!r}: an anchor holds only letters, digits, - and _")
        if pure.suffix != ".md" or page.endswith(".es.md"):
            raise _fail(
                path, here, f"{item!r} must name an English page (NAME.md): its twin follows"
            )
        if docs_dir is None:
            links.append(SeeLink(page, anchor))
            continue
        target = docs_dir / page
        try:
            inside = target.resolve().is_relative_to(docs_dir.resolve())
        except OSError:
            inside = False
        if not inside or not target.is_file():
            raise _fail(path, here, f"{item!r}: no such page under {docs_dir.name}/")
        titles, sections = _page_outline(docs_dir, page, outlines)
        if anchor and anchor not in sections["en"]:
            known = ", ".join(sections["en"]) or "none"
            raise _fail(path, here, f"{item!r}: {page} has no heading #{anchor} (it has: {known})")
        labels = {}
        for language, title in titles.items():
            section = sections[language].get(anchor) or sections["en"].get(anchor, "")
            labels[language] = f"{title} › {section}" if anchor else title
        links.append(SeeLink(page, anchor, labels))
    return tuple(links)


def _entry(
    raw: object,
    number: int,
    path: Path,
    bibliography: Bibliography | None,
    docs_dir: Path | None,
    outlines: dict[str, Outline],
) -> GlossaryEntry:
    where = f"entry {number}"
    if not isinstance(raw, dict):
        raise _fail(path, where, "must be a mapping with the keys " + ", ".join(_REQUIRED))
    if isinstance(raw.get("en"), str) and raw["en"].strip():
        where = f"entry {number} ({raw['en'].strip()!r})"
    unknown = sorted(str(key) for key in raw if key not in _KEYS)
    if unknown:
        raise _fail(path, where, f"unknown key '{unknown[0]}' (known: {', '.join(_KEYS)})")
    missing = [key for key in _REQUIRED if key not in raw and not key.startswith("define_")]
    if missing:
        raise _fail(path, where, f"'{missing[0]}' is missing")
    cite, locator = _cite(raw, where, path, bibliography)
    note = _text(raw, "note", where, path) if raw.get("note") is not None else ""
    return GlossaryEntry(
        en=_text(raw, "en", where, path),
        es=_text(raw, "es", where, path),
        define_en=_text(raw, "define_en", where, path),
        define_es=_text(raw, "define_es", where, path),
        cite=cite,
        locator=locator,
        see=_see(raw, where, path, docs_dir, outlines),
        note=note,
    )


def load_glossary(
    path: Path = GLOSSARY_FILE,
    *,
    bibliography: Bibliography | None = None,
    docs_dir: Path | None = None,
) -> list[GlossaryEntry]:
    """The glossary, checked, sorted by English term.

    Args:
        path: The data file.
        bibliography: When given, every ``cite`` key must be in it.
        docs_dir: When given, every ``see`` page must exist under it, with the heading
            its anchor names; links are then labelled with their targets' titles.

    Raises:
        CourseError: The first problem, on one line naming the file, the entry (its
            number in the file and its English term) and the key.
    """
    try:
        entries = safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        reason = " ".join(str(error).split())
        raise CourseError(f"{path}: cannot read the glossary: {reason}") from None
    if not isinstance(entries, list):
        raise CourseError(f"{path}: the glossary must be a list of entries")
    outlines: dict[str, Outline] = {}  # the linked pages read so far
    loaded = [
        _entry(raw, number, path, bibliography, docs_dir, outlines)
        for number, raw in enumerate(entries, start=1)
    ]
    seen: dict[str, int] = {}
    for number, entry in enumerate(loaded, start=1):
        if not entry.anchor:
            raise _fail(path, f"entry {number} ({entry.en!r})", "'en' gives an empty anchor")
        if entry.anchor in seen:
            raise _fail(
                path,
                f"entry {number} ({entry.en!r})",
                f"'en' gives the anchor #{entry.anchor}, as entry {seen[entry.anchor]} does",
            )
        seen[entry.anchor] = number
    return sorted(loaded, key=lambda entry: _fold(entry.en))


def _letter(term: str) -> str:
    initial = _fold(term).lstrip()[:1]
    return initial.upper() if initial.isalpha() else "#"


_LOCATOR_WORDS = {
    "es": {"ch.": "cap.", "abstract": "resumen", "Figure": "Figura", "Table": "Tabla"}
}
_LOCATOR_WORD = re.compile(r"(?<!\w)(?:ch\.|abstract|Figure|Table)(?!\w)")


def _citation(entry: GlossaryEntry, language: str) -> str:
    """The entry's in-text citation, its locator in the page's language (``ch. 8``: ``cap. 8``).

    Examples:
        >>> entry = GlossaryEntry("a", "b", "c.", "d.", "huyen2022designing", "ch. 8")
        >>> _citation(entry, "en"), _citation(entry, "es")
        (' [@huyen2022designing, ch. 8]', ' [@huyen2022designing, cap. 8]')
    """
    if entry.cite is None:
        return ""
    words = _LOCATOR_WORDS.get(language, {})
    locator = _LOCATOR_WORD.sub(lambda m: words.get(m.group(0), m.group(0)), entry.locator)
    return f" [@{entry.cite}, {locator}]" if locator else f" [@{entry.cite}]"


def glossary_markdown(
    entries: Iterable[GlossaryEntry], *, language: Language, page: str = "glossary.md"
) -> str:
    """The glossary in one language, as Markdown: a letter index, then one heading per term.

    Terms are sorted in the page's language; each heading's anchor is the slug of the
    English term. Under it: the term in the other language, the definition with an
    in-text citation (``[@key, §4]``, which the site renders as a link to the
    bibliography), the Spanish-usage note, and links to the pages that use it. Every
    field is escaped.

    Args:
        entries: The glossary (`load_glossary`).
        language: The page's language.
        page: The page's docs path, for relative links.
    """
    words = _WORDS[language]
    other = "en" if language == "es" else "es"
    ordered = sorted(entries, key=lambda entry: _fold(entry.term(language)))
    letters = list(dict.fromkeys(_letter(entry.term(language)) for entry in ordered))
    anchors = {
        letter: f"letter-{letter.lower()}" if letter != "#" else "letter-other"
        for letter in letters
    }
    jump = " · ".join(f"[{letter}](#{anchors[letter]})" for letter in letters)
    parts = [f"**{words['letters']}:** {jump}"] if letters else []
    current = None
    for entry in ordered:
        letter = _letter(entry.term(language))
        if letter != current:
            parts.append(f"## {letter} {{ #{anchors[letter]} }}")
            current = letter
        parts.append(f"### {escape_markdown(entry.term(language))} {{ #{entry.anchor} }}")
        parts.append(f"*{words['other']}:* {escape_markdown_inline(entry.term(other))}")
        parts.append(escape_markdown(entry.definition(language)) + _citation(entry, language))
        if entry.note:
            parts.append(f"*{words['note']}:* {escape_markdown_inline(entry.note)}")
        if entry.see:
            links = " · ".join(
                f"[{escape_markdown_inline(link.label(language))}]"
                f"({posixpath.relpath(link.page, posixpath.dirname(page) or '.')}"
                f"{'#' + link.anchor if link.anchor else ''})"
                for link in entry.see
            )
            parts.append(f"*{words['see']}:* {links}")
    return "\n\n".join(parts) + "\n"
