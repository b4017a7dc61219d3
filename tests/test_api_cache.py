"""The API reference's blocks come from the build cache while the library is unchanged.

A small project documents a small library with mkdocstrings; it is built twice
with one cache: the second build takes its block from the cache and writes the
same bytes. (A changed source changes the key: `sources_key`'s own examples.)
"""

from __future__ import annotations

import json
import shutil
import textwrap
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, build_site

pytestmark = pytest.mark.slow  # MkDocs builds

LIBRARY = '''\
"""A small library."""


def scale(value: float, factor: float = 2.0) -> float:
    """Multiply ``value`` by ``factor``.

    Examples:
        >>> scale(3)
        6.0
    """
    return value * factor


class Meter:
    """Counts what it is given; see [`scale`][tinylib.scale]."""

    def add(self, amount: int) -> int:
        """Add ``amount``; return the new total."""
        return amount
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for folder in ("docs", "examples", "bibliography", "src/tinylib"):
        (tmp_path / folder).mkdir(parents=True)
    shutil.copy(ROOT / "bibliography" / "references.bib", tmp_path / "bibliography")
    hooks = tmp_path / "src" / "mlops_atlas" / "site"
    hooks.mkdir(parents=True)
    shutil.copy(ROOT / "src" / "mlops_atlas" / "site" / "hooks.py", hooks)
    (tmp_path / "src" / "tinylib" / "__init__.py").write_text(LIBRARY, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text("# API\n\n::: tinylib\n", encoding="utf-8")
    (tmp_path / "docs" / "guide.md").write_text(
        "# Guide\n\nUse [scale][tinylib.scale] and [Meter.add][tinylib.Meter.add].\n",
        encoding="utf-8",
    )
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent(
            """\
            site_name: t
            theme: material
            hooks: [src/mlops_atlas/site/hooks.py]
            nav: [index.md, guide.md]
            plugins:
              - search
              - autorefs
              - mkdocstrings:
                  handlers:
                    python:
                      paths: [src]
                      options:
                        show_source: true
                        show_root_heading: true
            markdown_extensions: [toc, pymdownx.highlight, pymdownx.superfences]
            """
        ),
        encoding="utf-8",
    )
    return tmp_path


def build(project: Path, site: str) -> tuple[dict[str, bytes], str]:
    """Build into ``site``; return every file's bytes and MkDocs' log."""
    result = build_site(project / "mkdocs.yml", project / site, project / ".cache")
    assert result.returncode == 0, result.stderr
    files = {
        path.relative_to(project / site).as_posix(): path.read_bytes()
        for path in sorted((project / site).rglob("*"))
        if path.is_file() and path.name != "sitemap.xml.gz"  # gzip stamps the time
    }
    return files, result.stderr


def test_a_cached_block_gives_the_same_site_byte_for_byte(project: Path) -> None:
    rendered, log = build(project, "first")
    assert "API reference: 0 of 1 blocks from the cache, 1 rendered" in log
    assert "Search index: 0 of 2 pages from the cache" in log
    assert "Markdown: 0 of 2 pages from the cache" in log
    shutil.rmtree(project / ".cache" / "pages")  # the pages converted again, the block kept
    cached, log = build(project, "second")
    assert "API reference: 1 of 1 blocks from the cache, 0 rendered" in log
    assert "Search index: 2 of 2 pages from the cache" in log
    assert cached == rendered  # the search index and compiled templates included
    assert list((project / ".cache" / "jinja").iterdir())  # the templates, compiled once
    # the pages themselves from the cache: the block's anchors and inventory replayed
    replayed, log = build(project, "third")
    assert "Markdown: 2 of 2 pages from the cache" in log
    assert "API reference:" not in log  # no block was even looked at
    assert replayed == rendered
    guide = cached["guide/index.html"].decode()
    assert 'href="../#tinylib.scale"' in guide  # autorefs still knows the block's anchors
    assert 'href="../#tinylib.Meter.add"' in guide
    _, _, body = cached["objects.inv"].partition(b"zlib.\n")
    assert b"tinylib.Meter.add py:method" in zlib.decompress(body)  # the inventory too


def test_a_damaged_or_missing_block_is_rendered_again(tmp_path: Path) -> None:
    """A cache file that is not a kept block reads as missing: the block renders again."""
    from mlops_atlas.site.apicache import api_cache

    cache = api_cache(tmp_path, "k" * 64)
    path = cache.path("tinylib", "", 0, "", "en")
    assert cache.load(path) is None  # never kept
    cache.keep(path, "<p>x</p>", [], {})
    assert cache.load(path) == {"html": "<p>x</p>", "headings": [], "aliases": {}}
    for damaged in ("{not json", "[1, 2]", '{"html": 3}'):
        path.write_text(damaged, encoding="utf-8")
        assert cache.load(path) is None


def test_only_the_latest_versions_of_the_library_are_kept(tmp_path: Path) -> None:
    from mlops_atlas.site.apicache import api_cache

    for version in "abcde":
        api_cache(tmp_path, version * 64, keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c" * 24, "d" * 24, "e" * 24]


def test_the_key_follows_every_source_file_and_no_environment(tmp_path: Path) -> None:
    from mlops_atlas.site.apicache import sources_key

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\n")
    for relative in (
        "pkg/site/pages.py",
        "pkg/venv/m.py",
        ".venv/lib/x.py",
        "lib/site-packages/y.py",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x = 1\n")
    before = sources_key([tmp_path], config)
    for ignored in (".venv/lib/x.py", "lib/site-packages/y.py"):  # mkdocstrings' default paths: "."
        (tmp_path / ignored).write_text("x = 2\n")
        assert sources_key([tmp_path], config) == before
    for relative in ("pkg/site/pages.py", "pkg/venv/m.py"):  # a package may be called anything
        (tmp_path / relative).write_text("x = 3\n")
        assert sources_key([tmp_path], config) != before
        before = sources_key([tmp_path], config)


def test_an_edited_page_is_indexed_again_and_only_it(project: Path) -> None:
    import json

    build(project, "first")
    guide = project / "docs" / "guide.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nA new word: zanahoria.\n")
    files, log = build(project, "second")
    assert "Search index: 1 of 2 pages from the cache" in log
    index = json.loads(files["search/search_index.json"])
    assert any("zanahoria" in entry["text"] for entry in index["docs"])
    for damaged in (project / ".cache" / "search-entries").iterdir():
        damaged.write_text("{not json", encoding="utf-8")
    again, log = build(project, "third")
    assert "Search index: 0 of 2 pages from the cache" in log
    assert again["search/search_index.json"] == files["search/search_index.json"]


def test_a_page_is_converted_again_when_a_file_it_includes_changes(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "pymdownx.superfences]",
            "pymdownx.superfences, {pymdownx.snippets: {base_path: ['.'], check_paths: true}}]",
        ),
        encoding="utf-8",
    )
    (project / "data.txt").write_text("first words\n", encoding="utf-8")
    guide = project / "docs" / "guide.md"
    guide.write_text('# Guide\n\n```text\n--8<-- "data.txt"\n```\n', encoding="utf-8")
    first, log = build(project, "first")
    assert "Markdown: 0 of 2 pages from the cache" in log
    assert "first words" in first["guide/index.html"].decode()
    (project / "data.txt").write_text("second words\n", encoding="utf-8")
    second, log = build(project, "second")
    assert "Markdown: 1 of 2 pages from the cache" in log  # the include changed: converted
    assert "second words" in second["guide/index.html"].decode()
    _, log = build(project, "third")
    assert "Markdown: 2 of 2 pages from the cache" in log


def test_a_conversion_that_warned_is_not_kept_so_strict_builds_keep_failing(
    project: Path,
) -> None:
    guide = project / "docs" / "guide.md"
    guide.write_text("# Guide\n\nSee [the missing page](missing.md).\n", encoding="utf-8")
    (project / "docs" / "other.md").write_text("# Other\n\nNo warning here.\n")
    for site in ("first", "second"):
        result = build_site(project / "mkdocs.yml", project / site, project / ".cache")
        assert result.returncode != 0
        assert "missing.md" in result.stderr  # the warning, every time
    kept = [json.loads(p.read_text()) for p in (project / ".cache" / "pages").glob("*.json")]
    assert sum("No warning here" in record["content"] for record in kept) == 1
    assert not any("missing page" in record["content"] for record in kept)
