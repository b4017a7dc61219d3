"""The project's references.bib: complete, checked, and exported so that it parses back."""

from __future__ import annotations

import bibtexparser
import pytest
from pybtex.database import parse_string

from mlops_atlas.bibliography import DEFAULT_BIB, export_files, load_bibliography

COURSE_READINGS = {
    "sculley2015hidden",
    "kreuzberger2023machine",
    "shankar2022operationalizing",
    "ashmore2021assuring",
    "baylor2017tfx",
    "chandrasehar2023llmops",
    "huyen2022designing",
    "kubeflow",
    "tfx",
}
COMPANIONS = {
    "breck2017ml",
    "breck2019data",
    "google2023mlops",
    "microsoft2025mlops",
    "amershi2019software",
    "paleyes2022challenges",
    "sculley2014machine",
    "zaharia2018accelerating",
    "rabanser2019failing",
    "gama2014survey",
    "mitchell2019model",
    "gebru2021datasheets",
    "polyzotis2018data",
}


@pytest.fixture(scope="module")
def bibliography():
    return load_bibliography(DEFAULT_BIB)


def test_every_course_reading_and_companion_is_present(bibliography) -> None:
    keys = set(bibliography.keys())
    assert keys >= COURSE_READINGS | COMPANIONS
    assert {r.key for r in bibliography if r.is_course_reading} == COURSE_READINGS


def test_course_readings_name_classes_and_skills(bibliography) -> None:
    for key in COURSE_READINGS:
        reference = bibliography[key]
        assert set(reference.course_classes) <= set(range(1, 9)), key
        assert set(reference.skills) <= {"deployment", "automation", "optimization", "security"}, (
            key
        )
        assert reference.skills, key


def test_every_entry_has_a_doi_or_url_or_says_it_is_unverified(bibliography) -> None:
    for reference in bibliography:
        assert reference.get("doi") or reference.get("url") or reference.unverified, reference.key


def test_tfx_paper_carries_the_full_author_list_in_order(bibliography) -> None:
    authors = [last for _, last in bibliography["baylor2017tfx"].authors]
    assert len(authors) == 22
    assert authors[0] == "Baylor"
    assert authors.index("Modi") == 13  # the course names only him; he is the 14th author


def test_web_resources_have_an_access_date(bibliography) -> None:
    for key in ("kubeflow", "tfx", "google2023mlops", "microsoft2025mlops"):
        assert bibliography[key].get("urldate") == "2026-11-22"


def test_export_round_trip_with_pybtex(bibliography) -> None:
    exported = parse_string(bibliography.to_bibtex(), "bibtex")
    original = parse_string(DEFAULT_BIB.read_text(encoding="utf-8"), "bibtex")
    assert list(exported.entries) == list(original.entries)
    for key, entry in original.entries.items():
        assert dict(exported.entries[key].fields) == dict(entry.fields), key
        assert exported.entries[key].persons == entry.persons, key


def test_export_round_trip_with_bibtexparser(bibliography) -> None:
    exported = bibtexparser.parse_string(bibliography.to_bibtex())
    original = bibtexparser.parse_string(DEFAULT_BIB.read_text(encoding="utf-8"))
    assert not exported.failed_blocks
    assert [e.key for e in exported.entries] == [e.key for e in original.entries]
    for mine, theirs in zip(exported.entries, original.entries, strict=True):
        assert {k.lower(): v for k, v in mine.fields_dict.items()}.keys() == {
            k.lower(): v for k, v in theirs.fields_dict.items()
        }.keys()
        assert mine.fields_dict["title"].value == theirs.fields_dict["title"].value


def test_downloads_by_topic_and_class_hold_exactly_their_entries(bibliography) -> None:
    files = export_files(bibliography)
    drift = parse_string(files["topics/drift.bib"], "bibtex")
    assert set(drift.entries) == {r.key for r in bibliography if "drift" in r.keywords}
    clase8 = parse_string(files["classes/uba-clase-8.bib"], "bibtex")
    assert set(clase8.entries) == {r.key for r in bibliography if 8 in r.course_classes}
    assert "chandrasehar2023llmops" in clase8.entries
    assert len(parse_string(files["references.bib"], "bibtex").entries) == len(bibliography)
    assert all(f"entries/{key}.bib" in files for key in bibliography.references)
