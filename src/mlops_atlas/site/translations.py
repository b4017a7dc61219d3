"""Keep each page's Spanish twin in step with its English source.

A twin ``NAME.es.md`` records in its front matter which version of ``NAME.md``
it translates: ``translation_of`` is the first 12 hex digits of the SHA-256 of
the English file's bytes. `check_translations` lists every English page
with no twin, every twin whose source changed since it was translated, and
every twin whose shortcodes (``<!-- md:... -->``) differ from its source's;
the site build fails on any of them. ``mlops-atlas translations`` prints the
same report, and ``--stamp`` records that a twin is up to date again.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mlops_atlas.errors import AtlasError
from mlops_atlas.outputs import write_atomically

__all__ = [
    "LANGUAGE",
    "TranslationError",
    "TranslationProblem",
    "check_translations",
    "english_pages",
    "heading_ids",
    "headings",
    "source_hash",
    "stamp_translation",
    "twin_of",
]

LANGUAGE = "es"
"""The language every page is translated into."""

_SHORTCODE = re.compile(r"<!--\s*md:[a-z][\w-]*(?:[ \t]+[^\s]+)?\s*-->")
_STAMP = re.compile(r"^translation_of:[ \t]*[\"']?(?P<hash>[^\s\"']*)[\"']?[ \t]*$", re.M)
_TWIN = re.compile(r"\.[a-z]{2}\.md$")


class TranslationError(AtlasError):
    """A twin cannot be stamped (missing page, or a twin with no front matter)."""


@dataclass(frozen=True)
class TranslationProblem:
    """One page whose translation is missing, stale or out of shape.

    Attributes:
        english: The English page.
        twin: Its Spanish twin (which may not exist).
        kind: ``missing``, ``unstamped``, ``stale`` or ``shortcodes``.
        detail: What to do, in one line.
    """

    english: Path
    twin: Path
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.twin}: {self.kind}: {self.detail}"


def source_hash(english: Path) -> str:
    """The version stamp of an English page: 12 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(english.read_bytes()).hexdigest()[:12]


def twin_of(english: Path, language: str = LANGUAGE) -> Path:
    """``docs/x/page.md`` → ``docs/x/page.es.md``."""
    return english.with_name(f"{english.stem}.{language}.md")


def english_pages(docs_dir: Path, *, skip: tuple[str, ...] = ("reference/",)) -> list[Path]:
    """Every English page under ``docs_dir`` (not a twin), except folders in ``skip``.

    The API reference is generated from docstrings, which are English.
    """
    pages = []
    for path in sorted(docs_dir.rglob("*.md")):
        relative = path.relative_to(docs_dir).as_posix()
        if _TWIN.search(relative) or relative.startswith(skip):
            continue
        pages.append(path)
    return pages


def _stamp(text: str) -> str | None:
    if not text.startswith("---"):
        return None
    front = text.split("---", 2)[1] if text.count("---") >= 2 else ""
    match = _STAMP.search(front)
    return match.group("hash") if match else None


def _shortcodes(text: str) -> Counter[str]:
    return Counter(re.sub(r"\s+", " ", code) for code in _SHORTCODE.findall(text))


_FENCE = re.compile(r"^(```|~~~)")
_HEADING = re.compile(r"^#{2,6}[ \t]+(?P<text>.+?)[ \t]*$")
_ATTR_ID = re.compile(r"\{[^}]*#(?P<id>[\w-]+)[^}]*\}[ \t]*$")


def headings(text: str) -> list[tuple[str, str]]:
    r"""Each section heading (levels 2 to 6) of a page as its anchor and its plain text, in order.

    An explicit ``{ #id }`` wins; otherwise the id is what Python-Markdown's ``toc``
    extension makes of the heading's text. The text loses its attribute list and its
    inline markup. Headings inside fenced code are skipped.

    Examples:
        >>> headings("## Why *it* matters\n## Por qué { #why }")
        [('why-it-matters', 'Why it matters'), ('why', 'Por qué')]
    """
    from markdown.extensions.toc import slugify

    found, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match is None:
            continue
        heading = match.group("text")
        explicit = _ATTR_ID.search(heading)
        if explicit:
            heading = heading[: explicit.start()]
        plain = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).rstrip("#").strip()
        found.append((explicit.group("id") if explicit else slugify(plain, "-"), plain))
    return found


def heading_ids(text: str) -> list[str]:
    r"""The anchors of a page's section headings (levels 2 to 6), in order (see `headings`).

    Examples:
        >>> heading_ids("# Title\n## Why it matters\n## Por qué { #why }\n```\n## not\n```")
        ['why-it-matters', 'why']
    """
    return [anchor for anchor, _ in headings(text)]


def check_translations(docs_dir: Path, language: str = LANGUAGE) -> list[TranslationProblem]:
    """Every English page whose twin is missing, unstamped, stale or shaped differently.

    Args:
        docs_dir: The docs folder.
        language: The twins' language suffix.

    Returns:
        The problems, by English page; empty when every translation is current.
    """
    problems = []
    for english in english_pages(docs_dir):
        twin = twin_of(english, language)
        if not twin.is_file():
            problems.append(
                TranslationProblem(english, twin, "missing", f"translate {english} into it")
            )
            continue
        source, translated = english.read_text("utf-8"), twin.read_text("utf-8")
        stamp, current = _stamp(translated), source_hash(english)
        if stamp is None:
            problems.append(
                TranslationProblem(
                    english,
                    twin,
                    "unstamped",
                    f"add 'translation_of: {current}' to its front matter once it translates "
                    f"{english} (mlops-atlas translations --stamp {twin})",
                )
            )
        elif stamp != current:
            problems.append(
                TranslationProblem(
                    english,
                    twin,
                    "stale",
                    f"{english} changed since it was translated ({stamp} → {current}): update "
                    f"the translation, then run 'mlops-atlas translations --stamp {twin}'",
                )
            )
        wanted, found = _shortcodes(source), _shortcodes(translated)
        if wanted != found:
            lacking = sorted((wanted - found).elements())
            extra = sorted((found - wanted).elements())
            parts = [f"lacks {', '.join(lacking)}"] if lacking else []
            parts += [f"has extra {', '.join(extra)}"] if extra else []
            problems.append(
                TranslationProblem(
                    english,
                    twin,
                    "shortcodes",
                    f"{'; '.join(parts)} compared with {english}: use the same shortcodes",
                )
            )
        lost = [anchor for anchor in heading_ids(source) if anchor not in heading_ids(translated)]
        if lost:
            problems.append(
                TranslationProblem(
                    english,
                    twin,
                    "anchors",
                    f"no heading with the anchor(s) {', '.join('#' + a for a in lost)} of "
                    f"{english}: keep them, e.g. '## Título {{ #{lost[0]} }}'",
                )
            )
    return problems


def stamp_translation(twin: Path, language: str = LANGUAGE) -> str:
    """Record in a twin's front matter that it translates the current English page.

    Args:
        twin: The Spanish page (``NAME.es.md``).
        language: Its language suffix.

    Returns:
        The stamp written.

    Raises:
        TranslationError: ``twin`` is not a twin, or its English page is missing.
    """
    suffix = f".{language}.md"
    if not twin.name.endswith(suffix):
        raise TranslationError(f"{twin}: not a translation (its name must end in {suffix})")
    english = twin.with_name(twin.name.removesuffix(suffix) + ".md")
    if not english.is_file():
        raise TranslationError(f"{twin}: its English page {english} does not exist")
    if not twin.is_file():
        raise TranslationError(f"{twin}: no such file; translate {english} first")
    current = source_hash(english)
    text = twin.read_text("utf-8")
    line = f"translation_of: {current}"
    if text.startswith("---\n---"):
        text = f"---\n{line}\n---{text[7:]}"
    elif text.startswith("---\n") and "\n---" in text[3:]:
        head, rest = text[4:].split("\n---", 1)
        if _STAMP.search(head):
            head = _STAMP.sub(line, head)
        else:
            head = f"{head}\n{line}" if head.strip() else line
        text = f"---\n{head}\n---{rest}"
    else:
        text = f"---\n{line}\n---\n\n{text}"
    write_atomically(twin, text)
    return current
