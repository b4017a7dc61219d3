"""Bad input stops the build with one line naming the page and the missing thing.

Each test builds a small project (one page, the project's hooks and bibliography,
no examples) in a few seconds; none needs the built site, so they run on any worker.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, build_site

pytestmark = pytest.mark.slow  # each starts a MkDocs build


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    """A copy of the project's site config with one page and no examples (fast to build)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "examples").mkdir()
    (tmp_path / "bibliography").mkdir()
    shutil.copy(ROOT / "bibliography" / "references.bib", tmp_path / "bibliography")
    hooks = tmp_path / "src" / "mlops_atlas" / "site"
    hooks.mkdir(parents=True)
    shutil.copy(ROOT / "src" / "mlops_atlas" / "site" / "hooks.py", hooks)
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent(
            """\
            site_name: t
            hooks: [src/mlops_atlas/site/hooks.py]
            markdown_extensions:
              - pymdownx.snippets:
                  base_path: ["."]
                  check_paths: true
            """
        )
    )
    return tmp_path


def build_page(project: Path, text: str) -> str:
    (project / "docs" / "index.md").write_text(text)
    result = build_site(project / "mkdocs.yml", project / "site", project / ".cache")
    assert result.returncode != 0, "the build should have failed"
    # MkDocs prefixes page errors with "Error reading page 'x'"; ours is the one line after it.
    errors = [
        line
        for line in result.stderr.splitlines()
        if line.startswith(("Error", "ERROR")) and "Error reading page" not in line
    ]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_small_project_builds_when_all_is_well(small_project: Path) -> None:
    (small_project / "docs" / "index.md").write_text(
        "---\ncite: sculley2015hidden\n---\n<!-- md:citation sculley2015hidden -->\n"
    )
    result = build_site(
        small_project / "mkdocs.yml", small_project / "site", small_project / ".cache"
    )
    assert result.returncode == 0, result.stderr


def test_unknown_cite_key_stops_the_build(small_project: Path) -> None:
    error = build_page(small_project, "---\ncite: sculley2051hidden\n---\n# x\n")
    assert "docs/index.md" in error
    assert "unknown citation key 'sculley2051hidden'" in error


def test_unknown_example_stops_the_build(small_project: Path) -> None:
    error = build_page(small_project, "# x\n\n<!-- md:example no-such-example -->\n")
    assert "docs/index.md" in error
    assert "unknown example 'no-such-example'" in error


def test_a_page_without_its_spanish_twin_stops_a_bilingual_build(small_project: Path) -> None:
    docs = small_project / "docs"
    (docs / "about.md").write_text("# About\n")
    (docs / "index.es.md").write_text("---\ntranslation_of: 0\n---\n# Inicio\n")
    error = build_page(small_project, "# Home\n")
    assert "about.es.md: missing" in error
    assert "docs/about.md" in error


def test_unknown_diagram_stops_the_build(small_project: Path) -> None:
    error = build_page(small_project, "# x\n\n<!-- md:diagram sculley2015-figure9 -->\n")
    assert "docs/index.md" in error
    assert "unknown diagram 'sculley2015-figure9'" in error


def test_missing_included_file_stops_the_build(small_project: Path) -> None:
    error = build_page(small_project, '# x\n\n```python\n--8<-- "examples/missing.py"\n```\n')
    assert "examples/missing.py" in error


def test_example_without_page_stops_the_build(small_project: Path) -> None:
    (small_project / "examples" / "orphan.py").write_text("print('hi')\n")
    error = build_page(small_project, "# x\n")
    assert "examples/orphan.py has no page" in error


def test_malformed_bibliography_stops_the_build(small_project: Path) -> None:
    bib = small_project / "bibliography" / "references.bib"
    bib.write_text(bib.read_text() + "\n@article{broken,\n title = {x\n")
    error = build_page(small_project, "# x\n")
    assert "references.bib:" in error
    assert "broken" in error


def test_unknown_in_text_citation_stops_the_build(small_project: Path) -> None:
    error = build_page(small_project, "# x\n\nAs shown [@sculley2015hiden].\n")
    assert "docs/index.md: line 3: unknown citation key 'sculley2015hiden'" in error


def test_markup_in_a_field_stops_the_build(small_project: Path) -> None:
    bib = small_project / "bibliography" / "references.bib"
    bib.write_text(
        bib.read_text().replace("Hidden Technical Debt", "Hidden <b>Technical</b> Debt", 1)
    )
    error = build_page(small_project, "# x\n")
    assert "sculley2015hidden: field 'title' contains markup (<b>)" in error


def test_course_map_naming_a_missing_example_stops_the_build(small_project: Path) -> None:
    course = small_project / "src" / "mlops_atlas" / "course"
    course.mkdir(parents=True)
    shutil.copy(ROOT / "src" / "mlops_atlas" / "course" / "courses.yaml", course)
    error = build_page(small_project, "# x\n")
    assert "courses.yaml): topic 'Desafíos y necesidades" in error
    assert "unknown example 'cace'" in error


def test_a_bad_glossary_entry_stops_the_build_in_one_line(small_project: Path) -> None:
    course = small_project / "src" / "mlops_atlas" / "course"
    course.mkdir(parents=True)
    (course / "glossary.yaml").write_text(
        "- en: drift\n  es: deriva\n  define_en: A change.\n  define_es: Un cambio.\n"
        "  cite: baylor2071tfx\n  see: [index.md]\n"
    )
    error = build_page(small_project, "# x\n")
    assert "glossary.yaml: entry 1 ('drift'): 'cite': unknown citation key 'baylor2071tfx'" in error
