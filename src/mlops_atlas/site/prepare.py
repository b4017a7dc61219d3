"""Prepare the site: one engine-neutral step that writes every generated file.

`prepare` loads and checks the bibliography and the course map, draws
every diagram, runs every example (all cached by content), writes what they
produced into ``docs/generated/`` (only files whose bytes changed, and removes
those no longer produced), checks every page, and returns the
`mlops_atlas.site.context.SiteContext` the shortcodes are expanded in.
Any site engine that builds the docs folder then publishes the generated files;
``mlops-atlas prepare`` runs the same step from the command line.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mlops_atlas.bibliography import UnknownKeyError, export_files, load_bibliography
from mlops_atlas.citations import find_citations
from mlops_atlas.course import check_courses, load_courses, load_glossary
from mlops_atlas.diagrams import registry, render_svg
from mlops_atlas.diagrams.legibility import legible_width
from mlops_atlas.i18n import language_of
from mlops_atlas.outputs import path_inside, svg_size, write_atomically
from mlops_atlas.runner import ExampleRun, available_examples, run_example
from mlops_atlas.site import paths
from mlops_atlas.site.context import SiteContext
from mlops_atlas.site.pages import (
    PageError,
    first_heading,
    is_translation,
    markdown_files,
    read_page,
    split_front_matter,
)
from mlops_atlas.site.translations import check_translations

__all__ = [
    "CACHE_ENV",
    "clean",
    "default_cache_dir",
    "inputs_fingerprint",
    "prepare",
    "prepared",
    "run_examples",
]

CACHE_ENV = "MLOPS_ATLAS_CACHE"
"""Environment variable overriding the build cache folder."""

log = logging.getLogger("mkdocs.mlops_atlas")


def default_cache_dir(root: Path) -> Path:
    """``$MLOPS_ATLAS_CACHE``, else ``.cache/mlops-atlas`` under the project root."""
    return Path(os.environ.get(CACHE_ENV) or root / ".cache" / "mlops-atlas")


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


class _Generated:
    """The files of ``docs/generated/``: written when their bytes change, the rest removed."""

    def __init__(self, docs_dir: Path) -> None:
        self.folder = docs_dir / paths.GENERATED
        self.docs_dir = docs_dir
        self.kept: set[Path] = set()

    def _target(self, docs_path: str) -> Path:
        # names come from data (keys, topics, example files): the path must stay in its folder
        folder, _, name = docs_path.rpartition("/")
        return path_inside(self.docs_dir / folder, name)

    def copy(self, docs_path: str, source: Path) -> str:
        return self.data(docs_path, source.read_bytes())

    def text(self, docs_path: str, text: str) -> str:
        target = self._target(docs_path)
        try:
            unchanged = target.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            unchanged = False
        if not unchanged:
            write_atomically(target, text)
        self.kept.add(target)
        return docs_path

    def data(self, docs_path: str, data: bytes) -> str:
        target = self._target(docs_path)
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            partial.write_bytes(data)
            partial.replace(target)
        self.kept.add(target)
        return docs_path

    def remove_the_rest(self) -> None:
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.rglob("*"), reverse=True):
            if path.is_file() and path not in self.kept:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def _notebook_files(
    name: str, run: ExampleRun, examples_dir: Path, generated: _Generated
) -> tuple[str, str]:
    """Write an example's notebook (with the run's outputs) and script; return their docs paths."""
    import json

    from mlops_atlas.cells import to_notebook

    script = examples_dir / f"{name}.py"
    outputs = [{"stdout": c.stdout, "figures": [f.name for f in c.figures]} for c in run.cells]
    svgs = {f.name: f.read_text(encoding="utf-8") for f in run.figures}
    notebook = to_notebook(script.read_text(encoding="utf-8"), outputs, svgs)
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    return (
        generated.text(paths.example_file(name, f"{name}.ipynb"), text),
        generated.copy(paths.example_file(name, f"{name}.py"), script),
    )


PROJECT_FILES = (
    "README.md",
    "dev.py",
    "Makefile",
    "pyproject.toml",
    "requirements.lock",
    "mkdocs.yml",
    "bibliography",
    "docs",
    "examples",
    "src",
    "tests",
    "benchmarks",
    ".ci",
)
"""What the project download holds: everything needed to set up, run and test it."""


def project_zip(root: Path) -> bytes:
    """The project as a zip a student can take home, byte for byte the same for the same files.

    Files are stored in name order with a fixed date, so an unchanged project gives
    an unchanged zip; generated files, caches and compiled Python are left out.
    """
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in PROJECT_FILES:
            top = root / name
            files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
            for path in files:
                relative = path.relative_to(root)
                if {"__pycache__", paths.GENERATED, ".mypy_cache"} & set(relative.parts):
                    continue
                if relative.suffix == ".pyc" or any(
                    part.endswith(".egg-info") for part in relative.parts
                ):
                    continue
                info = zipfile.ZipInfo(f"mlops-atlas/{relative.as_posix()}", (2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = (0o755 if path.stat().st_mode & 0o111 else 0o644) << 16
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def prepare(
    root: Path,
    *,
    docs_dir: Path | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] = log.info,
) -> SiteContext:
    """Generate what the pages need into ``docs/generated/`` and return the context.

    Args:
        root: The project folder (``bibliography/``, ``examples/``, ``mkdocs.yml``).
        docs_dir: The docs folder (default ``root/docs``).
        cache_dir: Where drawn diagrams and example runs are cached (default
            `default_cache_dir`).
        progress: Called with one line per slow step.

    Returns:
        The context the shortcodes are expanded in.

    Raises:
        AtlasError: The bibliography, the course map, a diagram, an example or a page
            has a problem; the message names the file and, where it can, the line.
    """
    root = Path(root).resolve()
    docs_dir = Path(docs_dir or root / "docs").resolve()
    cache_dir = cache_dir or default_cache_dir(root)
    examples_dir = root / "examples"
    generated = _Generated(docs_dir)

    # cheap checks first: a translation problem fails the build before any example runs.
    # A site with no twin at all is monolingual; once one page has a twin, every page needs one.
    bilingual = next(docs_dir.rglob("*.es.md"), None) is not None
    untranslated = [p for p in check_translations(docs_dir) if bilingual or p.kind != "missing"]
    if untranslated:
        more = (
            f" (and {len(untranslated) - 1} more: mlops-atlas translations)"
            if len(untranslated) > 1
            else ""
        )
        raise PageError(f"{untranslated[0]}{more}")
    bibliography = load_bibliography(root / "bibliography" / "references.bib")
    diagrams = registry()
    drawn = {name: render_svg(name, cache_dir / "diagrams") for name in sorted(diagrams)}
    diagram_paths = {
        name: generated.copy(paths.diagram_file(name), svg) for name, svg in drawn.items()
    }
    diagram_widths = {
        name: legible_width(svg.read_text(encoding="utf-8")) for name, svg in drawn.items()
    }

    example_pages: dict[str, str] = {}
    names = available_examples(examples_dir) if examples_dir.is_dir() else []
    for name in names:
        page = paths.example_page(name)
        if not (docs_dir / page).is_file():
            raise PageError(f"example examples/{name}.py has no page: create docs/{page}")
        example_pages[name] = page
    runs = run_examples(names, cache_dir / "examples", examples_dir, progress)
    figure_paths = {
        name: [generated.copy(paths.example_figure(name, f.name), f) for f in run.figures]
        for name, run in runs.items()
    }
    figure_sizes = {
        path: size
        for name, run in runs.items()
        for path, figure in zip(figure_paths[name], run.figures, strict=True)
        if figure.suffix == ".svg"
        and (size := svg_size(figure.read_text(encoding="utf-8", errors="replace")[:4000]))
    }
    download_paths = {
        name: [generated.copy(paths.example_file(name, f.name), f) for f in run.downloads]
        for name, run in runs.items()
    }
    generated.data(paths.PROJECT_ZIP, project_zip(root))
    notebook_paths = {
        name: _notebook_files(name, run, examples_dir, generated) for name, run in runs.items()
    }
    for relative, text in export_files(bibliography).items():
        # keys and topics name these files: they were checked, and the path is checked again
        path_inside(docs_dir / paths.DOWNLOADS, relative)
        generated.text(paths.download(relative), text)
    generated.remove_the_rest()

    pages, unreadable = markdown_files(docs_dir)
    if unreadable:
        raise PageError(unreadable[0])
    texts: dict[str, str] = {}
    metas: dict[str, dict[str, object]] = {}
    reading_pages: dict[str, str] = {}
    cited_by: dict[str, list[str]] = {}
    page_titles: dict[str, dict[str, str]] = {}
    for path in pages:
        page = path.relative_to(docs_dir).as_posix()
        if page.startswith(f"{paths.GENERATED}/"):
            continue
        text = read_page(path)
        meta, body = split_front_matter(text, path)
        texts[page], metas[page] = body, meta
        english = page.removesuffix(".es.md") + ".md" if is_translation(page) else page
        title = str(meta.get("title") or first_heading(body) or english)
        page_titles.setdefault(english, {})[language_of(page)] = title
        if is_translation(page):
            continue  # a twin is reached through its English page: links name that one
        keys = [str(meta["cite"])] if meta.get("cite") else []
        if keys and page.startswith("readings/"):
            reading_pages[keys[0]] = page
        keys += [citation.key for citation in find_citations(body)]
        for key in dict.fromkeys(keys):
            cited_by.setdefault(key, []).append(page)

    glossary_file = root / "src" / "mlops_atlas" / "course" / "glossary.yaml"
    glossary = (
        load_glossary(glossary_file, bibliography=bibliography, docs_dir=docs_dir)
        if glossary_file.is_file()
        else []
    )

    course = None
    course_file = root / "src" / "mlops_atlas" / "course" / "courses.yaml"
    if course_file.is_file():
        course = load_courses(course_file)
        problems = check_courses(course, bibliography, example_pages, diagrams)
        if problems:
            raise PageError(f"the course map ({course_file}): " + "; ".join(problems))

    context = SiteContext(
        bibliography=bibliography,
        diagrams=diagrams,
        diagram_paths=diagram_paths,
        diagram_widths=diagram_widths,
        runs=runs,
        figure_paths=figure_paths,
        figure_sizes=figure_sizes,
        download_paths=download_paths,
        notebook_paths=notebook_paths,
        example_pages=example_pages,
        reading_pages=reading_pages,
        cited_by=cited_by,
        page_titles=page_titles,
        course=course,
        glossary=glossary,
        root=root,
        site_url=paths.site_url(root) if (root / "mkdocs.yml").is_file() else "/",
        repository=paths.repository_url(root),
    )
    for page, meta in metas.items():
        try:
            _check_front_matter(meta, context)
        except PageError as error:
            raise PageError(f"{docs_dir.name}/{page}: {error}") from None
    _render_pages(texts, docs_dir, context)
    return context


def _check_front_matter(meta: dict[str, object], context: SiteContext) -> None:
    """A page's front matter names only works, diagrams and examples that exist."""
    key = meta.get("cite")
    if key is not None and str(key) not in context.bibliography:
        error = UnknownKeyError(str(key), context.bibliography.keys())
        raise PageError(f"front matter 'cite': {error}")
    for field, known, what in (
        ("diagrams", context.diagrams, "diagram"),
        ("examples", context.example_pages, "example"),
    ):
        names = meta.get(field) or []
        for name in names if isinstance(names, list) else [names]:
            if str(name) not in known:
                choices = ", ".join(sorted(known)) or "none"
                raise PageError(
                    f"front matter '{field}': unknown {what} '{name}' (known: {choices})"
                )


def _render_pages(texts: dict[str, str], docs_dir: Path, context: SiteContext) -> None:
    """Render every page once, keeping the result for the engine: fail on the first problem."""
    from mlops_atlas.site.shortcodes import render_page

    for page, text in texts.items():
        try:
            rendered = render_page(text, page=page, context=context, language=language_of(page))
        except PageError as error:
            raise PageError(f"{docs_dir.name}/{page}: {error}") from None
        context.rendered[page] = (text.strip(), rendered)


def clean(docs_dir: Path) -> None:
    """Remove ``docs/generated/`` (``mlops-atlas prepare --clean``)."""
    shutil.rmtree(docs_dir / paths.GENERATED, ignore_errors=True)


_INPUTS = ("docs", "examples", "src", "bibliography")


def inputs_fingerprint(
    root: Path, docs_dir: Path | None = None
) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every file the site is made from.

    Cheap (one ``stat`` per file): a rebuild compares it to the last one and
    prepares again only when something changed. ``docs/generated/`` is output,
    not input.
    """
    root = Path(root).resolve()
    generated = Path(docs_dir or root / "docs").resolve() / paths.GENERATED
    entries = []
    for top in [root / name for name in _INPUTS] + [root / "mkdocs.yml"]:
        walk: list[tuple[str, list[str], list[str]]] = (
            list(os.walk(top)) if top.is_dir() else [(str(top.parent), [], [top.name])]
        )
        for folder, dirs, names in walk:
            here = Path(folder)
            dirs[:] = [d for d in dirs if d != "__pycache__" and here / d != generated]
            for name in names:
                path = here / name
                try:
                    stat = path.stat()
                except OSError:
                    continue
                entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


_LAST: dict[tuple[Path, Path], tuple[tuple[tuple[str, int, int], ...], SiteContext]] = {}


def prepared(root: Path, *, docs_dir: Path | None = None) -> SiteContext:
    """`prepare`, done again only when an input file changed since the last call.

    A build runs once per language, and ``serve`` rebuilds after every edit: both
    ask here, and only the first ask after a change pays for it.
    """
    root = Path(root).resolve()
    docs = Path(docs_dir or root / "docs").resolve()
    fingerprint = inputs_fingerprint(root, docs)
    last = _LAST.get((root, docs))
    if last is None or last[0] != fingerprint:
        context = prepare(root, docs_dir=docs)
        _LAST[(root, docs)] = (inputs_fingerprint(root, docs), context)
        return context
    return last[1]
