"""The English ⇄ Spanish glossary the site's pages use, from ``glossary.yaml``."""

from __future__ import annotations

from pathlib import Path

import yaml

from mlops_atlas.course.model import CourseError, Language

__all__ = ["GLOSSARY_FILE", "glossary_markdown", "load_glossary"]

GLOSSARY_FILE = Path(__file__).with_name("glossary.yaml")
"""English ⇄ Spanish terms used across the site."""


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
