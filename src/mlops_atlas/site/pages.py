"""Reading the docs folder: pages, their front matter, their translations.

Plain functions over files; the site's preparation and ``mlops-atlas check``
both use them, so a page that cannot be read is reported the same way by each.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from mlops_atlas.bibliography import Bibliography, UnknownKeyError
from mlops_atlas.citations import find_citations
from mlops_atlas.errors import AtlasError
from mlops_atlas.yamlfiles import safe_load

__all__ = [
    "PageError",
    "check_docs",
    "drop_language_alternates",
    "first_heading",
    "front_matter",
    "is_translation",
    "markdown_files",
    "read_page",
    "split_front_matter",
]


class PageError(AtlasError):
    """A page names something that does not exist, or misuses a shortcode."""


_TRANSLATION = re.compile(r"\.[a-z]{2}\.md$")


def is_translation(page: str) -> bool:
    """True for a page's translation, ``NAME.<lang>.md`` (the i18n suffix layout).

    Examples:
        >>> is_translation("readings/baylor2017tfx.es.md"), is_translation("index.md")
        (True, False)
    """
    return _TRANSLATION.search(page) is not None


def read_page(path: Path) -> str:
    """A Markdown page's text.

    Raises:
        PageError: The page is not UTF-8 (the message names the line) or cannot be read.
    """
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = error.object.count(b"\n", 0, error.start) + 1
        byte = error.object[error.start]
        raise PageError(
            f"{path}:{line}: not UTF-8 (byte 0x{byte:02x}): save the page as UTF-8"
        ) from None
    except OSError as error:
        raise PageError(f"{path}: cannot read ({error.strerror or error})") from None


def markdown_files(docs_dir: Path) -> tuple[list[Path], list[str]]:
    """Every ``*.md`` page under ``docs_dir``, sorted, and a line for each folder that could not be read.

    Raises:
        PageError: ``docs_dir`` does not exist or is not a folder.
    """
    if not docs_dir.is_dir():
        what = "is not a folder" if docs_dir.exists() else "does not exist"
        raise PageError(f"{docs_dir}: the docs folder {what} (give it with --docs)")
    unreadable: list[str] = []

    def failed(error: OSError) -> None:
        unreadable.append(
            f"{error.filename}: cannot read this folder ({error.strerror or error}): "
            "its pages were not checked"
        )

    pages: list[Path] = []
    for folder, _, names in os.walk(docs_dir, onerror=failed):
        pages.extend(Path(folder) / name for name in names if name.endswith(".md"))
    return sorted(pages), unreadable


def split_front_matter(text: str, where: Path | str = "page") -> tuple[dict[str, object], str]:
    """A page's YAML front matter (empty when it has none) and the Markdown after it.

    Raises:
        PageError: The front matter is not valid YAML or not a mapping.
    """
    if not text.startswith("---"):
        return {}, text
    _, block, *rest = [*text.split("---", 2), ""]
    try:
        meta = safe_load(block) or {}
    except yaml.YAMLError as error:
        raise PageError(f"{where}: front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise PageError(f"{where}: front matter must be a mapping of names to values")
    return meta, rest[0].lstrip("\n") if rest else ""


def front_matter(path: Path) -> dict[str, object]:
    """The YAML front matter of a Markdown file (empty when it has none).

    Raises:
        PageError: The page cannot be read, or its front matter is not valid YAML or not a mapping.
    """
    return split_front_matter(read_page(path), path)[0]


def first_heading(markdown: str) -> str:
    """The text of a page's first ``# `` heading (empty when it has none)."""
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def check_docs(docs_dir: Path, bibliography: Bibliography) -> list[str]:
    """Every citation key the docs use that the bibliography lacks, as ``file:line: message``.

    Looks at each page's front matter ``cite``, its ``<!-- md:citation KEY -->`` and its
    in-text citations. A page that cannot be read (not UTF-8, say) and a folder that
    cannot be listed are problems too: nothing is passed over in silence.

    Raises:
        PageError: ``docs_dir`` does not exist or is not a folder.
    """
    known = bibliography.keys()
    pages, problems = markdown_files(docs_dir)
    for path in pages:
        try:
            text = read_page(path)
            meta = front_matter(path)
        except PageError as error:
            problems.append(str(error))
            continue
        key = meta.get("cite")
        if key is not None and str(key) not in bibliography:
            line = next(
                (n for n, row in enumerate(text.splitlines(), 1) if row.startswith("cite:")), 1
            )
            problems.append(
                f"{path}:{line}: front matter 'cite': {UnknownKeyError(str(key), known)}"
            )
        for number, row in enumerate(text.splitlines(), 1):
            for match in _CITATION_SHORTCODE.finditer(row):
                if match.group("key") not in bibliography:
                    problems.append(
                        f"{path}:{number}: {UnknownKeyError(match.group('key'), known)}"
                    )
        for citation in find_citations(text):
            if citation.key not in bibliography:
                problems.append(f"{path}:{citation.line}: {UnknownKeyError(citation.key, known)}")
    return problems


_CITATION_SHORTCODE = re.compile(r"<!--\s*md:citation[ \t]+(?P<key>[^\s]+)\s*-->")


_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*"\s*/?>')


def drop_language_alternates(html: str) -> str:
    """Remove the ``<link rel="alternate" hreflang>`` tags from a built page's head.

    The i18n plugin points them at this page in each language, with relative addresses;
    Material's script then asks for ``sitemap.xml`` under each page (a 404 in the console
    of every page, twice), and relative ``hreflang`` addresses are invalid. The language
    switch in the header keeps its links: it works without them. (Other ``alternate``
    links, such as RSS feeds, have no ``hreflang`` and stay.)

    Examples:
        >>> drop_language_alternates(
        ...     '<head><link rel="alternate" href="./" hreflang="en">'
        ...     '<link rel="alternate" href="../es/x/" hreflang="es"></head>'
        ... )
        '<head></head>'
    """
    end = html.find("</head>")  # the tags are in the head: the body can be megabytes
    if end < 0:
        return _ALTERNATE.sub("", html)
    return _ALTERNATE.sub("", html[:end]) + html[end:]


_KEEP_AS_WRITTEN = re.compile(
    r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL
)
_INDENTED_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


def compact_whitespace(html: str) -> str:
    r"""Drop the indentation and blank lines of a built page, outside ``pre`` and the like.

    The theme's templates indent every line of the navigation and leave many blank
    lines: a fifth to a third of a page's bytes, which a reader on a slow connection
    waits for before the page first shows. A line break is kept where there was one, so
    the page reads and wraps the same; ``<pre>``, ``<textarea>``, ``<script>`` and
    ``<style>`` are kept byte for byte, since their whitespace can matter.

    Examples:
        >>> compact_whitespace("<nav>\n    <a>x</a>\n\n\n  </nav>\n<pre>  a\n\n  b</pre>")
        '<nav>\n<a>x</a>\n</nav>\n<pre>  a\n\n  b</pre>'
    """
    parts = _KEEP_AS_WRITTEN.split(html)
    # split() gives text, then each kept block and its tag name, then text again
    return "".join(
        _INDENTED_LINES.sub("\n", part) if index % 3 == 0 else part if index % 3 == 1 else ""
        for index, part in enumerate(parts)
    )
