"""The course map: both courses' classes, topics and skills, mapped to the site.

The structure lives in one data file, ``courses.yaml`` beside this module, with
the topic strings exactly as the course documents write them. `load_courses`
reads it; `check_courses` lists every name it uses that does not exist
(reading, example, diagram) and every disagreement with the bibliography's
``uba-classes`` fields; `course_map_markdown` renders the map in English
or Spanish. The glossary (``glossary.yaml``) defines every term in both
languages, with the work that introduced it and the pages that use it:
`load_glossary` checks it, `glossary_markdown` renders it.
"""

from __future__ import annotations

from mlops_atlas.course.checks import check_courses
from mlops_atlas.course.glossary import (
    GLOSSARY_FILE,
    GlossaryEntry,
    SeeLink,
    glossary_markdown,
    load_glossary,
    term_anchor,
)
from mlops_atlas.course.model import COURSES_FILE, Course, CourseError, Section, Topic, load_courses
from mlops_atlas.course.render import course_map_markdown

__all__ = [
    "COURSES_FILE",
    "GLOSSARY_FILE",
    "Course",
    "CourseError",
    "GlossaryEntry",
    "Section",
    "SeeLink",
    "Topic",
    "check_courses",
    "course_map_markdown",
    "glossary_markdown",
    "load_courses",
    "load_glossary",
    "term_anchor",
]
