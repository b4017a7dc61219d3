"""The search index after the build: readings and examples first, the API by its headings, no code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlops_atlas.site.search import SearchIndexError, tune_search_index


def _site(tmp_path: Path, docs: list[dict]) -> Path:
    (tmp_path / "search").mkdir()
    index = {"config": {"lang": ["en", "es"]}, "docs": docs}
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(index), encoding="utf-8")
    return tmp_path


def _docs(site: Path) -> dict[str, dict]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {entry["location"]: entry for entry in index["docs"]}


def test_the_index_keeps_prose_drops_code_and_ranks_readings_first(tmp_path: Path) -> None:
    code = '<pre class="highlight"><code>result = simulate_cace(seed=SEED)\n</code></pre>'
    site = _site(
        tmp_path,
        [
            {"location": "examples/cace/#cells", "title": "Cells", "text": f"<p>Setup.</p>{code}"},
            {"location": "es/readings/x/", "title": "Deriva", "text": "<p>La deriva.</p>"},
            {"location": "reference/debt/#mlops_atlas.debt", "title": "debt", "text": "<p>Doc</p>"},
            {"location": "glossary/", "title": "Glossary", "text": "<p>Drift.</p>"},
        ],
    )
    report = tune_search_index(site)
    docs = _docs(site)
    assert docs["examples/cace/#cells"]["text"] == "<p>Setup.</p>"  # the cell's code is gone
    assert docs["es/readings/x/"]["text"] == "<p>La deriva.</p>"
    assert docs["reference/debt/#mlops_atlas.debt"]["text"] == ""  # its heading still finds it
    assert [docs[k].get("boost") for k in sorted(docs)] == [3.0, 2.0, None, 0.05]
    assert report.trimmed == 2
    assert report.bytes_after < report.bytes_before
    again = tune_search_index(site)  # idempotent
    assert (again.trimmed, again.boosted) == (0, 0)


def test_an_index_that_is_not_materials_is_named(tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(SearchIndexError, match=r"search_index.json: not a search index"):
        tune_search_index(tmp_path)


def _sections(html: str) -> list[tuple[str | None, str]]:
    """(id, title) of each section Material's search engine finds in a page's HTML."""
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(section.id, "".join(section.title).strip()) for section in parser.data]


API_PAGE = (
    "<p>Modules: the site's generation.</p>\n"
    '<div class="doc doc-object"><h2 id="mlops_atlas.site.search" class="doc doc-heading">'
    '<code>mlops_atlas.site.search</code><a class="headerlink" href="#x">&para;</a></h2>\n'
    "<p>Make the search find readings first; a &lt;h3&gt; in text is not a heading.</p>\n"
    '<div class="doc doc-contents"><h3 id="mlops_atlas.site.search.tune" class="doc doc-heading">'
    "<code>tune(site_dir)</code></h3>\n"
    '<pre><code>&lt;h4 id="no"&gt;code&lt;/h4&gt;\n</code></pre>'
    "<table><tr><td>rows</td></tr></table></div></div>\n"
    '<H4 id="upper">Upper <em>case</em></H4><p>more text</p>'
)


@pytest.mark.parametrize(
    "html",
    [
        API_PAGE,
        API_PAGE.removeprefix("<p>Modules: the site's generation.</p>\n"),  # no preface
        "<p>A stub with no heading.</p>",
        "",
    ],
)
def test_the_search_engine_finds_the_same_sections_in_the_headings_alone(html: str) -> None:
    from mlops_atlas.site.search import headings_only

    assert _sections(headings_only(html)) == _sections(html)
    assert "readings first" not in headings_only(html)  # no text is left to parse


def test_only_the_api_reference_is_indexed_by_its_headings() -> None:
    from mlops_atlas.site.search import indexed_by_headings

    assert indexed_by_headings("reference/debt/")
    assert indexed_by_headings("es/reference/debt/")
    assert not indexed_by_headings("es/reference/debt/", languages=())
    assert not indexed_by_headings("readings/sculley2015hidden/")
