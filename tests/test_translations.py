"""Spanish twins stay in step with their English pages: missing, stale and reshaped are named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlops_atlas.site.translations import (
    TranslationError,
    check_translations,
    heading_ids,
    source_hash,
    stamp_translation,
)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    (tmp_path / "readings").mkdir()
    (tmp_path / "reference").mkdir()
    (tmp_path / "index.md").write_text("# Home\n\n<!-- md:example cace -->\n", encoding="utf-8")
    (tmp_path / "readings" / "paper.md").write_text(
        "---\ncite: k\n---\n# Paper\n\n<!-- md:citation k -->\n<!-- md:diagram d1 -->\n",
        encoding="utf-8",
    )
    (tmp_path / "reference" / "api.md").write_text("::: mlops_atlas\n", encoding="utf-8")
    return tmp_path


def kinds(docs: Path) -> dict[str, str]:
    return {p.twin.relative_to(docs).as_posix(): p.kind for p in check_translations(docs)}


def test_an_english_page_without_a_twin_is_named_but_not_the_api_reference(docs: Path) -> None:
    assert kinds(docs) == {"index.es.md": "missing", "readings/paper.es.md": "missing"}


def test_a_stamped_twin_with_the_same_shortcodes_is_current(docs: Path) -> None:
    twin = docs / "index.es.md"
    twin.write_text("# Inicio\n\n<!-- md:example cace -->\n", encoding="utf-8")
    assert kinds(docs)["index.es.md"] == "unstamped"
    stamp = stamp_translation(twin)
    assert stamp == source_hash(docs / "index.md")
    assert twin.read_text("utf-8").startswith(f"---\ntranslation_of: {stamp}\n---\n\n# Inicio")
    assert "index.es.md" not in kinds(docs)


def test_editing_the_english_page_makes_its_twin_stale_naming_both(docs: Path) -> None:
    twin = docs / "readings" / "paper.es.md"
    twin.write_text(
        "---\ncite: k\n---\n# Artículo\n\n<!-- md:citation k -->\n<!-- md:diagram d1 -->\n",
        encoding="utf-8",
    )
    old = stamp_translation(twin)
    assert twin.read_text("utf-8").startswith(f"---\ncite: k\ntranslation_of: {old}\n---\n")
    english = docs / "readings" / "paper.md"
    english.write_text(english.read_text("utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    [problem] = [p for p in check_translations(docs) if p.twin == twin]
    assert problem.kind == "stale"
    assert str(english) in str(problem)
    assert str(twin) in str(problem)
    assert f"({old} → {source_hash(english)})" in str(problem)
    stamp_translation(twin)  # after updating the translation
    assert twin.read_text("utf-8").count("translation_of:") == 1
    assert not [p for p in check_translations(docs) if p.twin == twin]


def test_a_twin_with_different_shortcodes_is_named_with_the_difference(docs: Path) -> None:
    twin = docs / "readings" / "paper.es.md"
    twin.write_text("---\ncite: k\n---\n# Artículo\n\n<!-- md:citation k -->\n", encoding="utf-8")
    stamp_translation(twin)
    [problem] = [p for p in check_translations(docs) if p.twin == twin]
    assert problem.kind == "shortcodes"
    assert "lacks <!-- md:diagram d1 -->" in problem.detail


def test_stamping_a_page_that_is_not_a_twin_is_refused(docs: Path) -> None:
    with pytest.raises(TranslationError, match=r"not a translation"):
        stamp_translation(docs / "index.md")
    with pytest.raises(TranslationError, match=r"English page .*ghost\.md does not exist"):
        stamp_translation(docs / "ghost.es.md")


def test_an_empty_front_matter_gets_the_stamp(docs: Path) -> None:
    twin = docs / "index.es.md"
    twin.write_text("---\n---\n# Inicio\n\n<!-- md:example cace -->\n", encoding="utf-8")
    stamp = stamp_translation(twin)
    assert twin.read_text("utf-8") == (
        f"---\ntranslation_of: {stamp}\n---\n# Inicio\n\n<!-- md:example cace -->\n"
    )


def test_the_command_lists_what_to_translate_and_stamps(docs: Path, capsys) -> None:
    from mlops_atlas.cli import main

    assert main(["translations", "--docs", str(docs)]) == 1
    err = capsys.readouterr().err
    assert f"{docs / 'index.es.md'}: missing: translate {docs / 'index.md'} into it" in err
    assert err.endswith("mlops-atlas: 2 translation(s) to do\n")
    (docs / "index.es.md").write_text("# Inicio\n\n<!-- md:example cace -->\n", encoding="utf-8")
    (docs / "readings" / "paper.es.md").write_text(
        "# Artículo\n<!-- md:citation k -->\n<!-- md:diagram d1 -->\n", encoding="utf-8"
    )
    twins = [str(docs / "index.es.md"), str(docs / "readings" / "paper.es.md")]
    assert main(["translations", "--stamp", *twins]) == 0
    assert main(["translations", "--docs", str(docs)]) == 0
    assert "ok: every page" in capsys.readouterr().out


def test_a_twin_heading_without_the_english_anchor_is_named(docs: Path) -> None:
    """Links to ``page.md#anchor`` must work in both languages, so twins keep English ids."""
    (docs / "readings" / "paper.md").write_text(
        "# Paper\n\n## Why it matters\n\n## Try it { #try-it }\n", encoding="utf-8"
    )
    twin = docs / "readings" / "paper.es.md"
    twin.write_text("---\n---\n# Artículo\n\n## Por qué importa\n\n## Pruébelo { #try-it }\n")
    stamp_translation(twin)
    (problem,) = [p for p in check_translations(docs) if p.twin == twin]
    assert problem.kind == "anchors"
    assert "#why-it-matters" in problem.detail
    assert "#try-it" not in problem.detail
    twin.write_text(twin.read_text().replace("importa\n", "importa { #why-it-matters }\n"))
    assert [p for p in check_translations(docs) if p.twin == twin] == []


def test_stamping_replaces_a_placeholder_stamp(docs: Path) -> None:
    twin = docs / "index.es.md"
    twin.write_text("---\ntranslation_of: pending\n---\n# Inicio\n\n<!-- md:example cace -->\n")
    stamp_translation(twin)
    assert twin.read_text().count("translation_of:") == 1


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("index", ["index.md", "index.es.md"])
def test_the_readings_index_lists_every_reading_page(index: str) -> None:
    readings = ROOT / "docs" / "readings"
    listed = (readings / index).read_text(encoding="utf-8")
    pages = [
        p.name
        for p in readings.glob("*.md")
        if not p.name.startswith("index") and ".es." not in p.name
    ]
    assert len(pages) >= 9
    assert [p for p in pages if f"]({p})" not in listed] == []


EXAMPLES = ROOT / "docs" / "examples"
_READING_LINK = re.compile(r"\]\(\.\./readings/(?P<page>[\w.-]+\.md)#(?P<anchor>[\w-]+)\)")
_EXAMPLE_LINK = re.compile(r"\]\((?P<page>[\w-]+)\.md\)")


@pytest.mark.parametrize(
    "page",
    sorted(
        p.relative_to(EXAMPLES).as_posix()
        for p in EXAMPLES.glob("*.md")
        if not p.name.startswith("index.")
    ),
)
def test_every_example_page_ends_with_a_takeaway_linking_a_reading_section_and_an_example(
    page: str,
) -> None:
    """Each example closes with what it showed, where to read more, and what to run next."""
    text = (EXAMPLES / page).read_text(encoding="utf-8")
    sections = [line for line in text.splitlines() if line.startswith("## ")]
    assert sections, f"{page} has no section"
    assert sections[-1].rstrip().endswith("{ #takeaway }"), f"{page} ends with {sections[-1]!r}"
    takeaway = text[text.rindex(sections[-1]) :]
    sections_linked = [
        (reading, m["anchor"])
        for m in _READING_LINK.finditer(takeaway)
        if ".es." not in m["page"] and (reading := ROOT / "docs" / "readings" / m["page"]).is_file()
    ]
    assert [
        anchor
        for reading, anchor in sections_linked
        if anchor in heading_ids(reading.read_text("utf-8"))
    ], f"{page}: its takeaway links no heading of an English reading page ({sections_linked})"
    own = page.split(".", 1)[0]
    examples = {m["page"] for m in _EXAMPLE_LINK.finditer(takeaway)}
    assert {e for e in examples if e != own and (EXAMPLES / f"{e}.md").is_file()}, (
        f"{page}: no link to another example in its takeaway"
    )
