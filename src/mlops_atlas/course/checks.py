"""Check the course map against the site: every name exists, every class agrees with the .bib."""

from __future__ import annotations

from collections.abc import Iterable

from mlops_atlas.bibliography import Bibliography
from mlops_atlas.course.model import Course

__all__ = ["check_courses"]


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
