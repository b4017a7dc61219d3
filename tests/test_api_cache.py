"""The API reference's blocks come from the build cache while the library is unchanged.

A small project documents a small library with mkdocstrings; it is built twice
with one cache: the second build takes its block from the cache and writes the
same bytes. (A changed source changes the key: `sources_key`'s own examples.)
"""

from __future__ import annotations

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
    cached, log = build(project, "second")
    assert "API reference: 1 of 1 blocks from the cache, 0 rendered" in log
    assert cached == rendered
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
