"""The course map: both courses' classes, topics and skills, mapped to the site.

The structure lives in one data file, ``courses.yaml`` beside this module, with
the topic strings exactly as the course documents write them. :func:`load_courses`
reads it; :func:`check_courses` lists every name it uses that does not exist
(reading, example, diagram) and every disagreement with the bibliography's
``uba-classes`` fields; :func:`course_map_markdown` renders the map in English
or Spanish.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from mlops_atlas.bibliography import Bibliography
from mlops_atlas.errors import AtlasError
from mlops_atlas.references import author_year

__all__ = [
    "COURSES_FILE",
    "GLOSSARY_FILE",
    "Course",
    "CourseError",
    "Topic",
    "check_courses",
    "course_map_markdown",
    "glossary_markdown",
    "load_courses",
    "load_glossary",
]

COURSES_FILE = Path(__file__).with_name("courses.yaml")
"""The data file of both courses."""

GLOSSARY_FILE = Path(__file__).with_name("glossary.yaml")
"""English ⇄ Spanish terms used across the site."""

Language = Literal["en", "es"]


class CourseError(AtlasError):
    """The course data file is malformed or names something that does not exist."""


@dataclass(frozen=True)
class Topic:
    """A topic, skill, prerequisite or experience item, and what on the site covers it.

    Attributes:
        topic: The text exactly as the course document writes it (Spanish).
        en: Our English translation.
        items: Sub-items as the document writes them (TC5044 bullets).
        readings: BibTeX keys of the readings that cover it.
        examples: Example names that show it.
        diagrams: Diagram names that draw it.
        tools: Tools involved (MLflow, Kubeflow, ...).
    """

    topic: str
    en: str
    items: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    diagrams: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A UBA class, or a group of TC5044 items (skills, prerequisites, experience).

    Attributes:
        id: ``"1"`` … ``"8"`` (``"5-7"`` for the joint practical classes), or a group name.
        title: Title by language.
        orientation: One paragraph by language.
        topics: Its topics.
    """

    id: str
    title: Mapping[str, str]
    orientation: Mapping[str, str]
    topics: tuple[Topic, ...]

    @property
    def class_numbers(self) -> tuple[int, ...]:
        """The UBA class numbers this section covers (``5-7`` is 5, 6, 7)."""
        first, _, last = self.id.partition("-")
        if not first.isdigit():
            return ()
        return tuple(range(int(first), int(last or first) + 1))


@dataclass(frozen=True)
class Course:
    """Both courses as the data file describes them.

    Attributes:
        uba_classes: The UBA classes in order.
        tc5044: TC5044 groups: ``skills``, ``prerequisites``, ``experience``.
        uba_name: The UBA course's name.
        tc5044_name: TC5044's name.
    """

    uba_classes: tuple[Section, ...]
    tc5044: Mapping[str, tuple[Topic, ...]] = field(default_factory=dict)
    uba_name: str = ""
    tc5044_name: str = ""

    def all_topics(self) -> Iterable[Topic]:
        """Every topic of both courses."""
        for section in self.uba_classes:
            yield from section.topics
        for topics in self.tc5044.values():
            yield from topics


def _topic(raw: Mapping[str, object], where: str) -> Topic:
    if not isinstance(raw, Mapping) or "topic" not in raw or "en" not in raw:
        raise CourseError(f"{where}: each topic needs 'topic' (as the course writes it) and 'en'")
    unknown = set(raw) - {"topic", "en", "items", "readings", "examples", "diagrams", "tools", "id"}
    if unknown:
        raise CourseError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    lists = {}
    for name in ("items", "readings", "examples", "diagrams", "tools"):
        value = raw.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CourseError(f"{where}: '{name}' must be a list of names")
        lists[name] = tuple(value)
    return Topic(topic=str(raw["topic"]), en=str(raw["en"]), **lists)


def load_courses(path: Path = COURSES_FILE) -> Course:
    """Read the course data file.

    Raises:
        CourseError: The file is missing, not YAML, or a topic lacks a field; the
            message names the file and the class or group.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CourseError(f"{path}: cannot read the course data: {error}") from None
    try:
        uba, tc = data["uba"], data["tc5044"]
        classes = tuple(
            Section(
                id=str(item["id"]),
                title=item["title"],
                orientation=item["orientation"],
                topics=tuple(
                    _topic(topic, f"{path}: UBA class {item['id']}")
                    for topic in item.get("topics", [])
                ),
            )
            for item in uba["classes"]
        )
        groups = {
            group: tuple(_topic(topic, f"{path}: TC5044 {group}") for topic in tc[group])
            for group in ("skills", "prerequisites", "experience")
        }
    except (KeyError, TypeError) as error:
        raise CourseError(
            f"{path}: missing or malformed part of the course data: {error}"
        ) from None
    return Course(uba_classes=classes, tc5044=groups, uba_name=uba["name"], tc5044_name=tc["name"])


def check_courses(
    course: Course, bibliography: Bibliography, examples: Iterable[str], diagrams: Iterable[str]
) -> list[str]:
    """Every problem with the course map: unknown names, and classes that disagree with the .bib.

    A course reading (an entry with ``uba-classes``) must be listed in exactly the
    UBA classes its ``uba-classes`` field names, so the per-class downloads and the
    map say the same thing.
    """
    problems: list[str] = []
    known_examples, known_diagrams = set(examples), set(diagrams)
    listed: dict[str, set[int]] = {}
    for section in course.uba_classes:
        for topic in section.topics:
            for key in topic.readings:
                listed.setdefault(key, set()).update(section.class_numbers)
    for topic in course.all_topics():
        where = f"topic '{topic.topic}'"
        problems += [
            f"{where}: unknown reading '{k}'" for k in topic.readings if k not in bibliography
        ]
        problems += [
            f"{where}: unknown example '{e}'" for e in topic.examples if e not in known_examples
        ]
        problems += [
            f"{where}: unknown diagram '{d}'" for d in topic.diagrams if d not in known_diagrams
        ]
    for reference in bibliography:
        if reference.is_course_reading and set(reference.course_classes) != listed.get(
            reference.key, set()
        ):
            problems.append(
                f"{reference.key}: references.bib says uba-classes {sorted(reference.course_classes)} "
                f"but the course map lists it in classes {sorted(listed.get(reference.key, set()))}"
            )
    return problems


_WORDS = {
    "en": {
        "readings": "Readings",
        "examples": "Examples to run",
        "diagrams": "Diagrams",
        "tools": "Tools",
        "only_readings": "covered by readings only (no example yet)",
        "nothing": "not covered on this site yet",
        "download": "BibTeX of this class's course readings",
        "class": "Class",
        "topic": "Topic",
        "covered": "Covered by",
        "skills": "Skills",
        "prerequisites": "Prerequisites",
        "experience": "Relevant experience",
    },
    "es": {
        "readings": "Lecturas",
        "examples": "Ejemplos para ejecutar",
        "diagrams": "Diagramas",
        "tools": "Herramientas",
        "only_readings": "cubierto solo por lecturas (aún sin ejemplo)",
        "nothing": "aún no cubierto en este sitio",
        "download": "BibTeX de las lecturas del curso para esta clase",
        "class": "Clase",
        "topic": "Tema",
        "covered": "Cubierto por",
        "skills": "Habilidades",
        "prerequisites": "Prerrequisitos",
        "experience": "Experiencia relevante",
    },
}


def _coverage(
    topic: Topic,
    language: Language,
    bibliography: Bibliography,
    link: Callable[[str], str],
    reading_pages: Mapping[str, str],
) -> list[str]:
    words = _WORDS[language]
    lines = []
    if topic.readings:
        names = []
        for key in topic.readings:
            label = author_year(bibliography[key], "markdown")
            target = reading_pages.get(key)
            names.append(
                f"[{label}]({link(target)})"
                if target
                else f"[{label}]({link('bibliography.md')}#{key})"
            )
        lines.append(f"**{words['readings']}:** " + "; ".join(names))
    if topic.examples:
        lines.append(
            f"**{words['examples']}:** "
            + ", ".join(f"[`{name}`]({link(f'examples/{name}.md')})" for name in topic.examples)
        )
    if topic.diagrams:
        lines.append(
            f"**{words['diagrams']}:** " + ", ".join(f"`{name}`" for name in topic.diagrams)
        )
    if topic.tools:
        lines.append(f"**{words['tools']}:** " + ", ".join(topic.tools))
    if not topic.examples:
        lines.append(f"*{words['only_readings'] if topic.readings else words['nothing']}*")
    return lines


def course_map_markdown(
    course: Course,
    bibliography: Bibliography,
    *,
    language: Language,
    page: str,
    reading_pages: Mapping[str, str],
) -> str:
    """The course map for one language, as Markdown with links relative to ``page``.

    Args:
        course: The loaded course data.
        bibliography: For the readings' labels.
        language: ``"en"`` or ``"es"``.
        page: Docs path of the page the map is on (for relative links).
        reading_pages: Docs path of the reading page of each key that has one.

    Returns:
        Markdown: a section per UBA class (orientation, topics with their coverage, the
        class's BibTeX download), then TC5044's skills, prerequisites and experience.
    """
    words = _WORDS[language]

    def link(target: str) -> str:
        return posixpath.relpath(target, posixpath.dirname(page) or ".")

    def topic_block(topic: Topic) -> list[str]:
        title = topic.topic if language == "es" else f"{topic.en} <small>({topic.topic})</small>"
        block = [f"- **{title}**"]
        block += [f"    - {item}" for item in topic.items]
        block += [
            "",
            *[
                f"    {line}  "
                for line in _coverage(topic, language, bibliography, link, reading_pages)
            ],
            "",
        ]
        return block

    parts = [f"## {course.uba_name}\n"]
    for section in course.uba_classes:
        parts.append(
            f"### {words['class']} {section.id}: {section.title[language]} {{ #clase-{section.id} }}\n"
        )
        parts.append(section.orientation[language].strip() + "\n")
        for topic in section.topics:
            parts.extend(topic_block(topic))
        downloads = [
            f"[{words['class']} {n}]({link(f'downloads/classes/uba-clase-{n}.bib')}){{ download }}"
            for n in section.class_numbers
            if bibliography.select(course_class=n)
        ]
        if downloads:
            parts.append(f":material-download: {words['download']}: " + ", ".join(downloads) + "\n")
    parts.append(f"## {course.tc5044_name}\n")
    for group in ("skills", "prerequisites", "experience"):
        parts.append(f"### {words[group]} {{ #tc5044-{group} }}\n")
        for topic in course.tc5044[group]:
            parts.extend(topic_block(topic))
    return "\n".join(parts)


def load_glossary(path: Path = GLOSSARY_FILE) -> list[dict[str, str]]:
    """The glossary, sorted by English term.

    Raises:
        CourseError: The file is not a list of ``{en, es[, note]}`` entries.
    """
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CourseError(f"{path}: cannot read the glossary: {error}") from None
    if not isinstance(entries, list):
        raise CourseError(f"{path}: the glossary must be a list of entries")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not {"en", "es"} <= set(entry):
            raise CourseError(f"{path}: entry {number} needs 'en' and 'es'")
    return sorted(entries, key=lambda entry: entry["en"].lower())


def glossary_markdown(entries: list[dict[str, str]], *, language: Language) -> str:
    """The glossary as a Markdown table, headed in the page's language."""
    head = "| English | Español | Note |" if language == "en" else "| Inglés | Español | Nota |"
    rows = [head, "|---|---|---|"]
    rows += [f"| {e['en']} | {e['es']} | {e.get('note', '')} |" for e in entries]
    return "\n".join(rows) + "\n"
