"""Formatted references, checked against the APA 7 and IEEE rules written out by hand."""

from __future__ import annotations

import pytest

from mlops_atlas.bibliography import Reference
from mlops_atlas.references import author_year, format_reference

ARTICLE = Reference(
    key="doe2021x",
    type="article",
    fields={
        "title": "Testing {ML} Systems: A {Survey} of <Things>",
        "journal": "ACM Computing Surveys",
        "volume": "54",
        "number": "5",
        "pages": "1--39",
        "year": "2021",
        "doi": "10.1145/3453444",
    },
    authors=(("Jane Q.", "Doe"), ("Juan", "Pérez"), ("Li", "Wei")),
)


def test_apa_article_text() -> None:
    assert format_reference(ARTICLE, "apa") == (
        "Doe, J. Q., Pérez, J., & Wei, L. (2021). Testing ML systems: A Survey of <things>. "
        "ACM Computing Surveys, 54(5), 1–39. https://doi.org/10.1145/3453444"
    )


def test_ieee_article_text() -> None:
    assert format_reference(ARTICLE, "ieee") == (
        "J. Q. Doe, J. Pérez, and L. Wei, \u201cTesting ML Systems: A Survey of <Things>,\u201d "
        "ACM Computing Surveys, vol. 54, no. 5, pp. 1–39, 2021, doi: 10.1145/3453444."
    )


def test_html_is_escaped_and_linked() -> None:
    html = format_reference(ARTICLE, "apa", "html")
    assert "&lt;things&gt;" in html
    assert "<things>" not in html
    assert "<em>ACM Computing Surveys</em>" in html
    assert '<a href="https://doi.org/10.1145/3453444">' in html


def test_markdown_italics_and_autolink() -> None:
    markdown = format_reference(ARTICLE, "apa", "markdown")
    assert "*ACM Computing Surveys*, *54*(5)" in markdown
    assert markdown.endswith("<https://doi.org/10.1145/3453444>")


def test_author_year_labels() -> None:
    assert author_year(ARTICLE) == "Doe et al., 2021"


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown style 'mla'"):
        format_reference(ARTICLE, "mla")  # type: ignore[arg-type]
