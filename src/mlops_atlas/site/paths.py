"""Where everything lives on the site: one module owns every path and URL the pages use.

Paths here are *docs paths*: relative to the docs folder, with ``/``, as Markdown
links name files (``readings/sculley2015hidden.md``). Generated files live under
`GENERATED` inside the docs folder, so any engine that builds the docs
folder publishes them; the folder is not committed.
"""

from __future__ import annotations

import functools
import posixpath
from pathlib import Path

import yaml

__all__ = [
    "BIBLIOGRAPHY_PAGE",
    "DOWNLOADS",
    "GENERATED",
    "PROJECT_ZIP",
    "bibliography_anchor",
    "class_download",
    "diagram_file",
    "download",
    "entry_download",
    "example_figure",
    "example_file",
    "example_page",
    "page_url",
    "public_url",
    "relative",
    "repository_url",
    "rule_anchor",
    "site_url",
    "topic_download",
]

GENERATED = "generated"
"""Docs folder of every generated file (diagrams, figures, downloads)."""

DOWNLOADS = f"{GENERATED}/downloads"
"""Docs folder of the BibTeX downloads (see `mlops_atlas.bibliography.export_files`)."""

PROJECT_ZIP = f"{DOWNLOADS}/mlops-atlas.zip"
"""The whole project as a zip (set-up, examples, tests), for readers without git."""

BIBLIOGRAPHY_PAGE = "bibliography.md"
"""The Bibliography page, where every key has an anchor."""

DEBT_SCAN_PAGE = "examples/debt_scan.md"
"""The debt scanner's page, where every rule has an anchor."""


def relative(target: str, page: str) -> str:
    """Link from the Markdown file ``page`` to the docs file ``target`` (both docs paths).

    Examples:
        >>> relative("generated/diagrams/a.svg", "readings/x.md")
        '../generated/diagrams/a.svg'
    """
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def diagram_file(name: str) -> str:
    """Docs path of a diagram's SVG."""
    return f"{GENERATED}/diagrams/{name}.svg"


def example_figure(example: str, filename: str) -> str:
    """Docs path of one of an example's figures."""
    return f"{GENERATED}/examples/{example}/{filename}"


def example_file(example: str, filename: str) -> str:
    """Docs path of a file an example offers for download (its notebook, its script...)."""
    return f"{GENERATED}/examples/{example}/{filename}"


def example_page(example: str) -> str:
    """Docs path of an example's page."""
    return f"examples/{example}.md"


def download(relative_path: str) -> str:
    """Docs path of a BibTeX download (``entries/KEY.bib``, ``references.bib``...)."""
    return f"{DOWNLOADS}/{relative_path}"


def entry_download(key: str) -> str:
    """Docs path of one entry's ``.bib``."""
    return download(f"entries/{key}.bib")


def topic_download(topic: str) -> str:
    """Docs path of one topic's ``.bib``."""
    return download(f"topics/{topic}.bib")


def class_download(number: int) -> str:
    """Docs path of one UBA class's ``.bib``."""
    return download(f"classes/uba-clase-{number}.bib")


def bibliography_anchor(key: str, page: str) -> str:
    """Link from ``page`` to a key's entry on the Bibliography page."""
    return f"{relative(BIBLIOGRAPHY_PAGE, page)}#{key}"


def rule_anchor(rule: str, page: str) -> str:
    """Link from ``page`` (a docs path, or a generated file's) to a debt rule's definition."""
    return f"{relative(DEBT_SCAN_PAGE, page).removesuffix('.md')}/#{rule}"


def page_url(page: str, base: str) -> str:
    """The public URL of a docs page under ``base`` (directory URLs, as MkDocs builds them).

    Examples:
        >>> page_url("examples/debt_scan.md", "https://atlas.example/")
        'https://atlas.example/examples/debt_scan/'
        >>> page_url("index.md", "https://atlas.example/")
        'https://atlas.example/'
    """
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        stem = stem.removesuffix("index")
    else:
        stem += "/"
    return base.rstrip("/") + "/" + stem.lstrip("/")


class _AnyTagLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Reads a config file written for MkDocs, ignoring the tags only MkDocs understands."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


PROJECT_ROOT = Path(__file__).resolve().parents[3]
"""The checkout this library runs from (``mkdocs.yml`` is there)."""

LOCAL_URL = "http://127.0.0.1:8000/"
"""Where ``python3 dev.py serve`` serves the site: the address when none is configured."""


@functools.cache
def public_url() -> str:
    """The site's address as configured (``site_url``), for links printed by commands."""
    config = PROJECT_ROOT / "mkdocs.yml"
    return site_url(PROJECT_ROOT) if config.is_file() else LOCAL_URL


def _config(root: Path) -> dict[str, object]:
    config = root / "mkdocs.yml"
    if not config.is_file():
        return {}
    data = yaml.load(config.read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    return data if isinstance(data, dict) else {}


def repository_url(root: Path) -> str:
    """The project's repository (``repo_url`` in ``mkdocs.yml``); empty until it is published."""
    return str(_config(root).get("repo_url") or "")


def site_url(root: Path) -> str:
    """The site's public address: ``site_url`` in ``mkdocs.yml`` (one setting for the project).

    Pages and command-line output print links under this address, never a local one.
    """
    url = str(_config(root).get("site_url") or LOCAL_URL)
    return url if url.endswith("/") else url + "/"
