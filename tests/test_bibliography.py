"""The bibliography: loading, checks that name file/line/key, selection, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from pybtex.database import BibliographyData, parse_string
from pybtex.database.output.bibtex import Writer

from mlops_atlas.bibliography import (
    DEFAULT_BIB,
    BibliographyError,
    UnknownKeyError,
    load_bibliography,
)

GOOD = """\
@article{alpha2020first,
  author = {Alpha, Ann and Beta, Bob},
  title = {First Paper},
  journal = {Journal of Things},
  year = {2020},
  doi = {10.1000/xyz123},
  keywords = {testing, mlops},
  uba-classes = {1, 3}
}

@misc{tool,
  title = {A Tool},
  url = {https://example.org/tool},
  keywords = {pipelines}
}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(BibliographyError) as caught:
        load_bibliography(path)
    return [str(problem) for problem in caught.value.problems]


def test_project_bibliography_loads_and_is_checked() -> None:
    bibliography = load_bibliography(DEFAULT_BIB)
    assert "sculley2015hidden" in bibliography
    assert bibliography["sculley2015hidden"].authors[0] == ("D.", "Sculley")


def test_good_file_loads_with_lines_and_lists(tmp_path: Path) -> None:
    bibliography = load_bibliography(write(tmp_path, GOOD))
    assert bibliography.keys() == ["alpha2020first", "tool"]
    first = bibliography["alpha2020first"]
    assert (first.line, first.keywords, first.course_classes) == (1, ("testing", "mlops"), (1, 3))
    assert bibliography["tool"].line == 11


def test_select_by_topic_and_class(tmp_path: Path) -> None:
    bibliography = load_bibliography(write(tmp_path, GOOD))
    assert bibliography.select(topic="pipelines") == ["tool"]
    assert bibliography.select(course_class=3) == ["alpha2020first"]
    assert bibliography.select(course_class=8) == []
    with pytest.raises(UnknownKeyError, match=r"unknown citation key 'alpha'.*alpha2020first"):
        bibliography.select(["alpha"])


def test_bibtex_round_trip(tmp_path: Path) -> None:
    bibliography = load_bibliography(write(tmp_path, GOOD))
    again = parse_string(bibliography.to_bibtex(), "bibtex")
    original = parse_string(GOOD, "bibtex")
    assert list(again.entries) == list(original.entries)
    for key, entry in original.entries.items():
        assert dict(again.entries[key].fields) == dict(entry.fields)
        assert [str(p) for p in again.entries[key].persons.get("author", [])] == [
            str(p) for p in entry.persons.get("author", [])
        ]


def test_selected_keys_come_in_file_order(tmp_path: Path) -> None:
    bibliography = load_bibliography(write(tmp_path, GOOD))
    assert bibliography.select(["tool", "alpha2020first", "tool"]) == ["alpha2020first", "tool"]


def test_bibtex_of_a_selection_is_what_pybtex_writes_for_it() -> None:
    """Entries are written once and joined: the text is the same as writing them together."""
    bibliography = load_bibliography(DEFAULT_BIB)
    data = parse_string(DEFAULT_BIB.read_text(encoding="utf-8"), "bibtex")
    for keys in (None, ["tfx", "sculley2015hidden", "kubeflow"]):
        chosen = bibliography.keys() if keys is None else bibliography.select(keys)
        subset = BibliographyData(entries={key: data.entries[key] for key in chosen})
        assert bibliography.to_bibtex(keys) == Writer().to_string(subset)


def test_syntax_error_names_file_line_and_entry(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "\n@article{broken2021,\n  title = {Unclosed,\n  year = {2021}\n")
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:")
    assert "broken2021" in problem
    assert "syntax error" in problem


def test_all_entry_problems_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("journal = {Journal of Things},", "").replace(
        "doi = {10.1000/xyz123}", "doi = {https://doi.org/10.1000/xyz123}"
    )
    text += "\n@book{gamma1999,\n  title = {B<script>ad</script>},\n  year = {99},\n  publisher = {P}\n}\n"
    problems = problems_of(write(tmp_path, text))
    joined = "\n".join(problems)
    assert ":1: alpha2020first: missing required field 'journal'" in joined
    assert "alpha2020first: field 'doi' is not a DOI" in joined
    assert "gamma1999: missing required field 'author or editor'" in joined
    assert "gamma1999: field 'title' contains markup (<script>)" in joined
    assert "gamma1999: field 'year' must be a four-digit year: 99" in joined


def test_duplicate_keys_differing_in_case(tmp_path: Path) -> None:
    [problem] = problems_of(
        write(tmp_path, GOOD + GOOD.split("\n\n")[0].replace("alpha2020first", "Alpha2020First"))
    )
    assert ":16: Alpha2020First: duplicate key (same as 'alpha2020first' on line 1)" in problem


def test_missing_file(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path / "nope.bib")
    assert problem == f"{tmp_path / 'nope.bib'}: file not found"
