"""The text a question-answering system retrieves from: this site's reading pages, as passages.

A reading page is Markdown with front matter and shortcodes; `load_passages`
strips both, keeps the prose, and cuts it into passages (paragraphs, list items,
tables), each remembering its page and the heading it sits under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from mlops_atlas.errors import AtlasError

__all__ = [
    "CorpusError",
    "Passage",
    "clean_markdown",
    "load_passages",
    "normalise",
    "split_sentences",
]

_MIN_WORDS = 12  # shorter blocks are captions, labels and links, not answers
_NOT_ANSWERS = {
    "Questions for discussion",
    "Related readings",
}  # questions and pointers, not content


class CorpusError(AtlasError):
    """The reading pages cannot be read as a corpus; the message names the folder or file."""


@dataclass(frozen=True)
class Passage:
    """One retrievable block of a reading page.

    Attributes:
        id: ``page#number``, unique in the corpus.
        page: The page's file name without ``.md`` (its cite key, usually).
        title: The page's title (its first ``#`` heading).
        heading: The heading the passage sits under.
        text: The passage as plain text.
    """

    id: str
    page: str
    title: str
    heading: str
    text: str


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.S | re.M)
_CITATION = re.compile(r"\s*\[@[^\]]+\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_ATTRIBUTES = re.compile(r"\s*\{[^}\n]*\}")
_MARKUP = re.compile(r"(\*\*|__|\*|`)")


def clean_markdown(text: str) -> str:
    """Markdown inline syntax removed: links keep their text, citations and attributes go.

    Examples:
        >>> clean_markdown("The **CACE** principle [@sculley2015hidden, §2] ([see](x.md)).")
        'The CACE principle (see).'
    """
    text = _CITATION.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _ATTRIBUTES.sub("", text)
    return _MARKUP.sub("", text).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of a plain text (a full stop, question or exclamation mark, then a capital).

    Examples:
        >>> split_sentences("Data drift. Models decay! Why? Because (e.g.) data change.")
        ['Data drift.', 'Models decay!', 'Why?', 'Because (e.g.) data change.']
    """
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z(\"'])", " ".join(text.split()))
    return [part.strip() for part in parts if part.strip()]


def normalise(text: str) -> str:
    """Lower case, single spaces, no punctuation: the form texts are compared in.

    Examples:
        >>> normalise("  The Schema: a *contract*! ")
        'the schema a contract'
    """
    return " ".join(re.sub(r"[^\w\s§]", " ", text.lower()).split())


def _blocks(body: str):
    """(heading, block) pairs: paragraphs, list items and tables under their heading."""
    heading, lines = "", cast(list[str], [])

    def flush():
        block = " ".join(line.strip().lstrip("-").strip() for line in lines)
        lines.clear()
        return block

    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if lines:
                yield heading, flush()
            heading = clean_markdown(stripped.lstrip("#").strip())
        elif not stripped:
            if lines:
                yield heading, flush()
        elif stripped.startswith("|"):
            if set(stripped) <= set("|-: "):
                continue
            lines.append(" ".join(cell.strip() for cell in stripped.strip("|").split("|")) + ".")
        elif re.match(r"^(- |\d+\. )", line) and lines:
            yield heading, flush()
            lines.append(re.sub(r"^\d+\. ", "", line))
        else:
            lines.append(line)
    if lines:
        yield heading, flush()


def load_passages(folder: Path) -> list[Passage]:
    """Every passage of the English reading pages in ``folder``, in file order.

    Pages are the ``*.md`` files except ``index.md`` and translations (``*.xx.md``);
    the sections of discussion questions and related readings are left out.

    Raises:
        CorpusError: The folder does not exist or holds no reading page.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder of reading pages")
    pages = sorted(
        path
        for path in folder.glob("*.md")
        if path.stem != "index" and not re.search(r"\.[a-z]{2}$", path.stem)
    )
    if not pages:
        raise CorpusError(f"{folder}: no reading page (*.md) in it")
    passages = []
    for path in pages:
        text = path.read_text(encoding="utf-8")
        body = _FENCE.sub("", _COMMENT.sub("", _FRONT_MATTER.sub("", text)))
        title = next(
            (clean_markdown(line[2:]) for line in body.splitlines() if line.startswith("# ")),
            path.stem,
        )
        number = 0
        for heading, block in _blocks(body):
            plain = clean_markdown(block)
            if heading in _NOT_ANSWERS or len(plain.split()) < _MIN_WORDS:
                continue
            number += 1
            passages.append(Passage(f"{path.stem}#{number}", path.stem, title, heading, plain))
    return passages
