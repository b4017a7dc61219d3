"""In-text citations: found in prose only, rendered as author-year links, unknown keys named by line."""

from __future__ import annotations

import pytest

from mlops_atlas.bibliography import load_bibliography
from mlops_atlas.citations import (
    CitationError,
    find_citations,
    references_section,
    render_citations,
)


@pytest.fixture(scope="module")
def bibliography():
    return load_bibliography()


def link(key: str) -> str:
    return f"../bibliography.md#{key}"


def test_citations_in_code_are_left_alone() -> None:
    text = "Prose [@a2020].\n\n```markdown\n[@inside2020]\n```\n\nInline `[@code2020]` and [@b2021, §3; @c2022]."
    found = find_citations(text)
    assert [(c.key, c.line, c.locator) for c in found] == [
        ("a2020", 1, ""),
        ("b2021", 7, "§3"),
        ("c2022", 7, ""),
    ]


def test_render_links_author_year_with_locator(bibliography) -> None:
    text = "Debt [@sculley2015hidden, §2] grows [@breck2017ml; @sculley2015hidden].\n`[@sculley2015hidden]`\n"
    rendered, cited = render_citations(text, bibliography, link)
    assert rendered.splitlines()[0] == (
        "Debt ([Sculley et al., 2015, §2](../bibliography.md#sculley2015hidden)) grows "
        "([Breck et al., 2017](../bibliography.md#breck2017ml); "
        "[Sculley et al., 2015](../bibliography.md#sculley2015hidden))."
    )
    assert rendered.splitlines()[1] == "`[@sculley2015hidden]`"
    assert cited == ["sculley2015hidden", "breck2017ml"]


def test_unknown_key_names_its_line(bibliography) -> None:
    with pytest.raises(
        CitationError,
        match=r"line 3: unknown citation key 'sculley2015hiden'; did you mean sculley2015hidden",
    ):
        render_citations("a\n\nsee [@sculley2015hiden]\n", bibliography, link)


def test_references_section_is_sorted_and_formatted(bibliography) -> None:
    section = references_section(["sculley2015hidden", "baylor2017tfx"], bibliography, link)
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert lines[0].startswith("- Baylor, D., Breck, E.")
    assert lines[1].startswith("- Sculley, D., Holt, G.")
    assert "https://doi.org/10.1145/3097983.3098021" in lines[0]
