"""Prepare everything the pages refer to: plain functions the MkDocs hooks call.

:func:`prepare_site` loads the bibliography, draws every diagram, runs every
example (all cached) and returns the :class:`SiteContext` the shortcodes use,
with the generated files the site must publish.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from mlops_atlas.bibliography import (
    Bibliography,
    UnknownKeyError,
    export_files,
    load_bibliography,
)
from mlops_atlas.citations import find_citations
from mlops_atlas.course import check_courses, load_courses, load_glossary
from mlops_atlas.diagrams import registry, render_svg
from mlops_atlas.outputs import path_inside, write_atomically
from mlops_atlas.runner import ExampleRun, available_examples, run_example
from mlops_atlas.site.shortcodes import DOWNLOADS, PageError, SiteContext

__all__ = [
    "CACHE_ENV",
    "PreparedSite",
    "check_docs",
    "default_cache_dir",
    "front_matter",
    "is_translation",
    "markdown_files",
    "prepare_site",
    "read_page",
    "run_examples",
]

CACHE_ENV = "MLOPS_ATLAS_CACHE"
"""Environment variable overriding the build cache folder."""

log = logging.getLogger("mkdocs.mlops_atlas")


@dataclass(frozen=True)
class PreparedSite:
    """The context for the shortcodes and the generated files to publish.

    Attributes:
        context: What pages may refer to.
        generated: Site path (from the docs root) to file on disk, for each generated file.
    """

    context: SiteContext
    generated: dict[str, Path]


def default_cache_dir(root: Path) -> Path:
    """``$MLOPS_ATLAS_CACHE``, else ``.cache/mlops-atlas`` under the project root."""
    return Path(os.environ.get(CACHE_ENV) or root / ".cache" / "mlops-atlas")


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

    pages = []
    for folder, _, names in os.walk(docs_dir, onerror=failed):
        pages.extend(Path(folder) / name for name in names if name.endswith(".md"))
    return sorted(pages), unreadable


def front_matter(path: Path) -> dict[str, object]:
    """The YAML front matter of a Markdown file (empty when it has none).

    Raises:
        PageError: The page cannot be read, or its front matter is not valid YAML or not a mapping.
    """
    text = read_page(path)
    if not text.startswith("---"):
        return {}
    _, block, *_ = [*text.split("---", 2), ""]
    try:
        meta = yaml.safe_load(block) or {}
    except yaml.YAMLError as error:
        raise PageError(f"{path}: front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise PageError(f"{path}: front matter must be a mapping of names to values")
    return meta


def prepare_site(
    *,
    docs_dir: Path,
    bib_path: Path,
    examples_dir: Path,
    cache_dir: Path,
    course_file: Path | None = None,
    progress: Callable[[str], None] = log.info,
) -> PreparedSite:
    """Load, draw and run what the pages need; return the context and generated files.

    Args:
        docs_dir: The MkDocs docs folder.
        bib_path: The ``.bib`` file.
        examples_dir: The folder of example scripts.
        cache_dir: Where drawn diagrams and example runs are cached.
        course_file: The course data (``courses.yaml``); ``None`` for a site without a course map.
        progress: Called with one line per slow step.

    Returns:
        The context and the generated files.

    Raises:
        BibliographyError: The bibliography has problems.
        DiagramError: A diagram failed to draw.
        ExampleError: An example failed.
        PageError: An example without a page, or a page with bad front matter.
    """
    bibliography = load_bibliography(bib_path)
    diagrams = registry()
    generated: dict[str, Path] = {}

    diagram_paths: dict[str, str] = {}
    for name in sorted(diagrams):
        progress(f"diagram {name}")
        site_path = f"assets/diagrams/{name}.svg"
        generated[site_path] = render_svg(name, cache_dir / "diagrams")
        diagram_paths[name] = site_path

    example_pages: dict[str, str] = {}
    names = available_examples(examples_dir)
    for name in names:
        page = f"examples/{name}.md"
        if not (docs_dir / page).is_file():
            raise PageError(f"example examples/{name}.py has no page: create docs/{page}")
        example_pages[name] = page
    runs = run_examples(names, cache_dir / "examples", examples_dir, progress)
    figure_paths: dict[str, list[str]] = {}
    download_paths: dict[str, list[str]] = {}
    for name, run in runs.items():
        figure_paths[name] = []
        for figure in run.figures:
            site_path = f"assets/examples/{name}/{figure.name}"
            generated[site_path] = figure
            figure_paths[name].append(site_path)
        download_paths[name] = []
        for download in run.downloads:
            site_path = f"assets/examples/{name}/{download.name}"
            generated[site_path] = download
            download_paths[name].append(site_path)

    for relative, text in export_files(bibliography).items():
        # keys and topics name these files: they were checked, and the path is checked again
        target = path_inside(cache_dir / DOWNLOADS, relative)
        generated[f"{DOWNLOADS}/{relative}"] = _write_if_changed(target, text)

    reading_pages: dict[str, str] = {}
    cited_by: dict[str, list[str]] = {}
    page_titles: dict[str, str] = {}
    pages, unreadable = markdown_files(docs_dir)
    if unreadable:
        raise PageError(unreadable[0])
    for path in pages:
        page = path.relative_to(docs_dir).as_posix()
        if is_translation(page):
            continue  # a twin is reached through its English page: links name that one
        meta = front_matter(path)
        text = read_page(path)
        page_titles[page] = str(meta.get("title") or _first_heading(text) or page)
        keys = [str(meta["cite"])] if meta.get("cite") else []
        if keys and page.startswith("readings/"):
            reading_pages[keys[0]] = page
        keys += [citation.key for citation in find_citations(text)]
        for key in dict.fromkeys(keys):
            cited_by.setdefault(key, []).append(page)

    course = None
    if course_file is not None:
        course = load_courses(course_file)
        problems = check_courses(course, bibliography, example_pages, diagrams)
        if problems:
            raise PageError(f"the course map ({course_file}): " + "; ".join(problems))

    context = SiteContext(
        bibliography=bibliography,
        diagrams=diagrams,
        diagram_paths=diagram_paths,
        runs=runs,
        figure_paths=figure_paths,
        download_paths=download_paths,
        example_pages=example_pages,
        reading_pages=reading_pages,
        cited_by=cited_by,
        page_titles=page_titles,
        course=course,
        glossary=load_glossary(),
    )
    return PreparedSite(context=context, generated=generated)


def is_translation(page: str) -> bool:
    """True for a page's translation, ``NAME.<lang>.md`` (the i18n suffix layout).

    Examples:
        >>> is_translation("readings/baylor2017tfx.es.md"), is_translation("index.md")
        (True, False)
    """
    return _TRANSLATION.search(page) is not None


_TRANSLATION = re.compile(r"\.[a-z]{2}\.md$")


def run_examples(
    names: list[str],
    cache_dir: Path,
    examples_dir: Path,
    progress: Callable[[str], None] = log.info,
    workers: int | None = None,
) -> dict[str, ExampleRun]:
    """Run the examples (or reuse their cached runs), several at once.

    Each example is a separate process, so they share the cores; the cached
    ones return at once.

    Args:
        names: The examples to run.
        cache_dir: Where runs are cached.
        examples_dir: The folder of the scripts.
        progress: Called with one line per example that actually runs.
        workers: How many run at once (default: the number of cores).

    Returns:
        Each example's run, in the order of ``names``.

    Raises:
        ExampleError: The first example that failed, by name order.
    """
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = {
            name: pool.submit(run_example, name, cache_dir, folder=examples_dir, progress=progress)
            for name in names
        }
        return {name: futures[name].result() for name in names}


def _first_heading(markdown: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def _write_if_changed(path: Path, text: str) -> Path:
    """Write ``text`` atomically unless the file already holds it (keeps rebuilds quiet)."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return path
    except (OSError, UnicodeDecodeError):
        pass  # missing or damaged: write it
    return write_atomically(path, text)


def check_docs(docs_dir: Path, bibliography: Bibliography) -> list[str]:
    """Every citation key the docs use that the bibliography lacks, as ``file:line: message``.

    Looks at each page's front matter ``cite`` and at its in-text citations. A page
    that cannot be read (not UTF-8, say) and a folder that cannot be listed are
    problems too: nothing is passed over in silence.

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
        for citation in find_citations(text):
            if citation.key not in bibliography:
                problems.append(f"{path}:{citation.line}: {UnknownKeyError(citation.key, known)}")
    return problems
