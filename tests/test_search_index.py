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
