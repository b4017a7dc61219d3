"""The course data: both courses' classes, topics and skills, read from ``courses.yaml``.

The topic strings are kept exactly as the course documents write them; each
topic names the readings (BibTeX keys), examples and diagrams that cover it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from mlops_atlas.errors import AtlasError
from mlops_atlas.yamlfiles import safe_load

__all__ = ["COURSES_FILE", "Course", "CourseError", "Language", "Section", "Topic", "load_courses"]

COURSES_FILE = Path(__file__).with_name("courses.yaml")
"""The data file of both courses."""

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
        data = safe_load(path.read_text(encoding="utf-8"))
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
