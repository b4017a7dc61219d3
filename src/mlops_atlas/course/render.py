"""The course map as Markdown, in English or Spanish, with links relative to its page."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping

from mlops_atlas.bibliography import Bibliography
from mlops_atlas.course.model import Course, Language, Topic
from mlops_atlas.references import author_year
from mlops_atlas.site.paths import class_download

__all__ = ["course_map_markdown"]

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
            label = author_year(bibliography[key], "markdown")  # names are data: escaped
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
            f"**{words['diagrams']}:** "
            + ", ".join(
                f"[`{name}`]({link('architecture/index.md')}#{name})" for name in topic.diagrams
            )
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
            f"[{words['class']} {n}]({link(class_download(n))}){{ download }}"
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
