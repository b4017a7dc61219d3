"""The glossary: every term defined in both languages, cited, linked to pages that exist, escaped."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from conftest import ROOT
from mlops_atlas.bibliography import Bibliography, load_bibliography
from mlops_atlas.citations import prose_only
from mlops_atlas.course import (
    CourseError,
    GlossaryEntry,
    glossary_markdown,
    load_glossary,
    term_anchor,
)
from mlops_atlas.site.context import SiteContext
from mlops_atlas.site.pages import split_front_matter
from mlops_atlas.site.shortcodes import render_page
from mlops_atlas.site.translations import heading_ids

DOCS = ROOT / "docs"
READINGS = sorted(p for p in (DOCS / "readings").glob("*.md") if not p.name.endswith(".es.md"))


@pytest.fixture(scope="module")
def bibliography() -> Bibliography:
    return load_bibliography(ROOT / "bibliography" / "references.bib")


@pytest.fixture(scope="module")
def glossary(bibliography: Bibliography) -> list[GlossaryEntry]:
    return load_glossary(bibliography=bibliography, docs_dir=DOCS)


def by_term(entries: list[GlossaryEntry]) -> dict[str, GlossaryEntry]:
    return {entry.en: entry for entry in entries}


# ---- the data: complete, cited, linked -------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡])")


def test_every_term_is_defined_in_one_or_two_sentences_in_both_languages(
    glossary: list[GlossaryEntry],
) -> None:
    assert len(glossary) >= 150
    for entry in glossary:
        for language in ("en", "es"):
            definition = entry.definition(language)
            assert definition.endswith("."), (entry.en, language)
            assert 1 <= len(_SENTENCE_END.split(definition)) <= 2, (entry.en, language)
            assert len(definition.split()) <= 60, (entry.en, language)
        # a definition in the wrong language is the usual copy-paste slip
        assert entry.define_en != entry.define_es, entry.en


def test_every_cite_key_is_in_the_bibliography_and_its_locator_on_a_reading_page(
    glossary: list[GlossaryEntry], bibliography: Bibliography
) -> None:
    readings = [p.read_text("utf-8") for p in READINGS]
    cited = [entry for entry in glossary if entry.cite is not None]
    assert len(cited) >= len(glossary) - 20  # only general engineering terms go uncited
    for entry in cited:
        assert entry.cite in bibliography, entry.en
        if entry.locator:
            # copied from a reading page that names the work, never invented
            naming = [t for t in readings if f"cite: {entry.cite}\n" in t or f"@{entry.cite}" in t]
            assert any(entry.locator in text for text in naming), (entry.en, entry.locator)


def test_every_see_target_is_an_english_page_with_its_anchor_in_both_languages(
    glossary: list[GlossaryEntry],
) -> None:
    for entry in glossary:
        assert entry.see, entry.en
        for link in entry.see:
            english = DOCS / link.page
            assert english.is_file(), (entry.en, link.target)
            if link.anchor:
                assert link.anchor in heading_ids(english.read_text("utf-8")), link.target
                twin = english.with_name(f"{english.stem}.es.md")
                assert link.anchor in heading_ids(twin.read_text("utf-8")), link.target
            assert link.label("en"), link.target
            assert link.label("es"), link.target


def test_cited_terms_keep_what_the_readings_say(glossary: list[GlossaryEntry]) -> None:
    terms = by_term(glossary)
    assert terms["concept drift"].cite == "huyen2022designing"
    assert terms["concept drift"].locator == "ch. 8"
    assert "P(Y|X)" in terms["concept drift"].define_en
    assert terms["entanglement"].see[0].target == "readings/sculley2015hidden.md#entanglement"
    assert terms["schema"].cite == "baylor2017tfx"
    assert terms["schema"].locator == ""
    assert terms["alert fatigue"].locator == "§5.1.2.1"


def test_spanish_terms_follow_the_spanish_reading_pages(glossary: list[GlossaryEntry]) -> None:
    """Each Spanish term named here is the one the Spanish twin of its reading page uses."""
    terms = {entry.en: entry.es for entry in glossary}
    uses = {
        "sculley2015hidden": ["entanglement", "correction cascade", "prediction bias"],
        "huyen2022designing": ["natural label", "slice", "interleaving experiment"],
        "shankar2022operationalizing": ["data leakage", "unnatural drift", "on-call"],
        "ashmore2021assuring": ["data management", "model verification"],
        "chandrasehar2023llmops": ["answer template", "regression gate"],
    }
    for page, english in uses.items():
        spanish = (DOCS / "readings" / f"{page}.es.md").read_text("utf-8").lower()
        for term in english:
            # each word by its stem, so that a plural or another gender on the page matches
            words = re.sub(r"\s*\(.*\)$", "", terms[term]).lower().split()
            pattern = r"\s+".join(re.escape(word[:6]) + r"\w*" for word in words)
            assert re.search(pattern, spanish), (term, terms[term])


# ---- every bold concept of the English readings has an entry ---------------------------

# Bold text on the reading pages that is not a term: run-in labels, course labels,
# version numbers, product names and emphasis. Exact text, as the pages write it.
NOT_TERMS = {
    # run-in labels of paragraphs, critiques and mappings
    *["In one sentence.", "Version.", "Versions.", "Focus.", "Governance.", "Releases."],
    *["Renames.", "Why TF-IDF.", "Not the 2016 rule.", "Scoring, 2017 rule (§VI.A)."],
    *["A survey, not a method.", "Programs cannot close the case.", "An experience report."],
    *["Trade-offs are named, not resolved", "A schema catches only what it states."],
    *["Distances are approximate.", "Coupled to TensorFlow then.", "What the title promises."],
    *["What a real LLM would change.", "The course's source is unverified"],
    *["Abstract-level reading.", "Small evaluation sets are noisy.", "A tool, not a paper."],
    *["Scorers are models of quality, not quality.", "To Kreuzberger et al.'s components"],
    *["To Baylor et al.'s platform", "To Baylor et al.'s Figure 1.", "Heavy to run."],
    *["Half of MLOps is elsewhere.", "Many projects, one name.", "Kubernetes first."],
    *["Narrow dependency windows.", "TensorFlow first.", "An uneven release rhythm."],
    *["Heavy for small teams.", "A small, self-selected sample.", "Tool-builder perspective."],
    *["What people say, not what they do.", "The three Vs are an interpretive frame."],
    "Shadow deployment has limits the paper names",
    # Shankar et al.'s findings stated as advice or claims (the concepts in them have entries)
    "Create new versions: retrain often, label live data (§4.5.1).",
    "Keep old versions as fallbacks (§4.5.2):",
    "Validate data going in and out (§4.5.4):",
    "Keep it simple (§4.5.5):",
    "Organisational practices (§4.5.6):",
    "Development and production environments differ (§5.1.1).",
    "A spectrum of data errors (§5.1.2): hard → soft → drift.",
    "A long tail of bugs (§5.1.3).",
    "Multi-staged deployments take long (§5.1.4):",
    # which class of which course a reading serves
    *[f"UBA, Clase {n}" for n in (1, 2, 3, 4, 8)],
    "UBA, Clases 5–7",
    "TC5044",
    # versions of a paper or a tool
    *["arXiv v3", "1.16.0", "1.17.0", "1.21.0"],
    # Kubeflow's product names: projects, not concepts (the concepts they implement have entries)
    *["Kubeflow project", "Kubeflow AI reference platform", "Kubeflow Hub", "Katib", "KServe"],
    *["Spark Operator", "Notebooks"],
    # plain words in a list of Shankar et al.'s discrepancies between environments
    *["notebooks", "code quality"],
    # emphasis: a rule, a score, a level, a column header
    "with its evidence",
    "the final score is the minimum of the four section scores",
    "Overall level = the minimum over the four dimensions.",
    *["0", "1", "2", "3", "4", "0.5 points", "1 point"],
    "People, Model creation, Model release and Application integration",
}

# Bold text that names a concept under another entry's name: the bold words alone
# (an adjective, a member of a list, a product) would not make a heading.
COVERED_BY = {
    "CACE principle: Changing Anything Changes Everything": "CACE principle",
    "legacy": "legacy feature",
    "bundled": "bundled feature",
    "correlated": "correlated feature",
    "Common smells": "smell",
    "plain-old-data type": "plain-old-data type smell",
    "multiple-language": "multiple-language smell",
    "prototype": "prototype smell",
    "Monitoring and testing": "monitoring",
    "data collection and labelling": "four-task loop",
    "feature engineering and model experimentation": "four-task loop",
    "model evaluation and deployment": "four-task loop",
    "ML pipeline monitoring and response": "four-task loop",
    "Velocity": "three Vs",
    "Validation": "three Vs",
    "velocity, visibility and versioning": "three Vs",
    "shadow": "shadow deployment",
    "infrastructure": "MLOps stack",
    "Serving and monitoring": "model serving",
    "Feedback and continuous training": "continuous training",
    "ML Metadata": "ML metadata store",
    "Model Registry / Hub": "model registry",
    "MLflow's prompt registry": "prompt registry",
}


def bold_phrases(text: str) -> list[str]:
    """Every ``**bold**`` phrase in a page's prose, one space between words."""
    _, body = split_front_matter(text)
    phrases = []
    for paragraph in re.split(r"\n[ \t]*\n", prose_only(body)):
        phrases += [" ".join(m.split()) for m in re.findall(r"\*\*(.+?)\*\*", paragraph, re.S)]
    return phrases


def normal(term: str) -> str:
    """A term compared without case, parentheses, final punctuation or a plural ending.

    >>> normal("Dynamic validation sets (§4.4.1)."), normal("service-level objective (SLO)")
    ('dynamic validation set', 'service-level objective')
    """
    term = re.sub(r"\([^)]*\)", " ", term.lower())
    term = " ".join(term.split()).strip(" .:;,")
    if term.endswith("ies"):
        return term[:-3] + "y"
    return term[:-1] if term.endswith("s") and not term.endswith("ss") else term


def test_bold_phrases_are_found_across_lines() -> None:
    page = "---\ncite: x\n---\nA **two-line\n  term** and `**code**`.\n\n**Label.** text"
    assert bold_phrases(page) == ["two-line term", "Label."]


def test_every_bold_concept_on_the_english_readings_is_in_the_glossary(
    glossary: list[GlossaryEntry],
) -> None:
    terms = {normal(entry.en) for entry in glossary}
    assert set(COVERED_BY.values()) <= {entry.en for entry in glossary}
    missing, found = [], set()
    for page in READINGS:
        for phrase in bold_phrases(page.read_text("utf-8")):
            found.add(phrase)
            if phrase in NOT_TERMS or phrase in COVERED_BY:
                continue
            if normal(phrase) not in terms:
                missing.append(f"{page.name}: {phrase}")
    assert not missing, "bold terms with no glossary entry: " + "; ".join(missing)
    # the lists stay honest: everything in them is still bold on some reading page
    assert not (NOT_TERMS | set(COVERED_BY)) - found


# ---- the page: one heading per term, the same anchor in both languages ----------------


def test_each_term_has_a_heading_with_its_english_anchor_in_both_languages(
    glossary: list[GlossaryEntry],
) -> None:
    english = glossary_markdown(glossary, language="en")
    spanish = glossary_markdown(glossary, language="es", page="glossary.es.md")
    assert "### concept drift { #concept-drift }" in english
    assert "### deriva de concepto (concept drift) { #concept-drift }" in spanish
    assert "*Español:* deriva de concepto (concept drift)" in english
    assert "*Inglés:* concept drift" in spanish
    anchors = [entry.anchor for entry in glossary]
    assert len(set(anchors)) == len(anchors)
    for text in (english, spanish):
        assert set(anchors) <= set(heading_ids(text))
    assert term_anchor("ε-feature") == "epsilon-feature"


def test_each_language_sorts_by_its_own_terms_under_a_letter_index(
    glossary: list[GlossaryEntry],
) -> None:
    spanish = glossary_markdown(glossary, language="es", page="glossary.es.md")
    first_line = spanish.splitlines()[0]
    assert first_line.startswith("**Ir a:** [A](#letter-a) · [B](#letter-b)")
    # "aceleración (speed-up)" comes before "adaptable" in Spanish, under A
    assert spanish.index("{ #speed-up }") < spanish.index("{ #adaptable-deployment }")
    assert spanish.index("## A { #letter-a }") < spanish.index("{ #speed-up }")
    english = glossary_markdown(glossary, language="en")
    assert english.index("{ #speed-up }") > english.index("## S { #letter-s }")


def test_definition_cites_in_text_and_links_see_also_in_the_page_language(
    glossary: list[GlossaryEntry],
) -> None:
    english = glossary_markdown(glossary, language="en")
    spanish = glossary_markdown(glossary, language="es", page="glossary.es.md")
    assert (
        "Changing Anything Changes Everything: since a model mixes its inputs"
        in english.split("{ #cace-principle }")[1]
    )
    assert "[@huyen2022designing, ch. 8]" in english.split("{ #concept-drift }")[1].split("###")[0]
    assert (
        "*See:* [Designing Machine Learning Systems › Data distribution shifts and monitoring "
        "(ch. 8)](readings/huyen2022designing.md#shifts-monitoring)" in english
    )
    assert "[@huyen2022designing, cap. 8]" in spanish.split("{ #concept-drift }")[1]
    assert "*Véase:* [Designing Machine Learning Systems › " in spanish
    assert "](readings/huyen2022designing.md#shifts-monitoring)" in spanish
    # an uncited general term gets no citation, not an invented one
    liveness = english.split("{ #liveness-probe }")[1].split("###")[0]
    assert "[@" not in liveness
    # links are relative to the page the glossary is placed on
    nested = glossary_markdown(glossary, language="en", page="course/index.md")
    assert "](../readings/huyen2022designing.md#shifts-monitoring)" in nested


def test_the_glossary_page_renders_citations_as_links_to_the_bibliography(
    glossary: list[GlossaryEntry], bibliography: Bibliography
) -> None:
    context = SiteContext(bibliography=bibliography, diagrams={}, glossary=glossary)
    rendered = render_page(
        "# Glossary\n\n<!-- md:glossary -->\n", page="glossary.md", context=context
    )
    assert "[@" not in rendered
    assert "](bibliography.md#huyen2022designing)" in rendered
    assert "## References { #references }" in rendered
    html = markdown.markdown(rendered, extensions=["attr_list", "toc"])
    assert '<h3 id="concept-drift">concept drift</h3>' in html


# ---- hostile input: one line naming the file, the entry and the key -------------------

GOOD = """\
- en: concept drift
  es: deriva de concepto
  define_en: A change in P(Y|X).
  define_es: Un cambio en P(Y|X).
  cite: huyen2022designing, ch. 8
  see: [readings/page.md#shifts]
"""


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "readings").mkdir(parents=True)
    (folder / "readings" / "page.md").write_text("# A page\n\n## Shifts { #shifts }\n")
    (folder / "readings" / "page.es.md").write_text(
        "# Una página\n\n## Desplazamientos { #shifts }\n"
    )
    (tmp_path / "outside.md").write_text("# Outside\n")
    return folder


def load(tmp_path: Path, text: str, docs: Path, bibliography: Bibliography) -> list[GlossaryEntry]:
    path = tmp_path / "glossary.yaml"
    path.write_text(text)
    return load_glossary(path, bibliography=bibliography, docs_dir=docs)


def refused(tmp_path: Path, text: str, docs: Path, bibliography: Bibliography) -> str:
    with pytest.raises(CourseError) as caught:
        load(tmp_path, text, docs, bibliography)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'glossary.yaml'}: entry 1 ('concept drift'): ")
    return message.split(": entry 1 ('concept drift'): ", 1)[1]


def test_a_good_entry_loads_with_labels_from_both_pages(
    tmp_path: Path, docs: Path, bibliography: Bibliography
) -> None:
    (entry,) = load(tmp_path, GOOD, docs, bibliography)
    assert (entry.cite, entry.locator, entry.anchor) == (
        "huyen2022designing",
        "ch. 8",
        "concept-drift",
    )
    assert entry.see[0].label("en") == "A page › Shifts"
    assert entry.see[0].label("es") == "Una página › Desplazamientos"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("  cite:", "  defne_en: x\n  cite:"), "unknown key 'defne_en' (known: en, es, "),
        (("  define_es: Un cambio en P(Y|X).\n", ""), "'define_es' is missing: write one or two"),
        (("define_en: A change in P(Y|X).", "define_en: ''"), "'define_en' is missing"),
        (("  cite: huyen2022designing, ch. 8\n", ""), "'cite' is missing"),
        (("huyen2022designing, ch. 8", "huyen2022desinging"), "'cite': unknown citation key"),
        (("ch. 8", "ch. 8]; [x](y)"), "'cite' locator 'ch. 8]; [x](y)' may hold only"),
        (("readings/page.md#shifts", "../outside.md"), "'see' item 1: '../outside.md' must be"),
        (("readings/page.md#shifts", "/etc/passwd.md"), "must be a path inside docs/"),
        (("readings/page.md#shifts", "readings/page.es.md"), "must name an English page"),
        (("readings/page.md#shifts", "readings/nope.md"), "'readings/nope.md': no such page"),
        (("#shifts", "#drift"), "readings/page.md has no heading #drift (it has: shifts)"),
        (("#shifts", "#a)(javascript:x"), "an anchor holds only letters, digits"),
        (("see: [readings/page.md#shifts]", "see: []"), "'see' must list at least one page"),
    ],
)
def test_bad_entry_is_refused_in_one_line_naming_the_key(
    tmp_path: Path,
    docs: Path,
    bibliography: Bibliography,
    change: tuple[str, str],
    message: str,
) -> None:
    old, new = change
    assert old in GOOD
    assert message in refused(tmp_path, GOOD.replace(old, new), docs, bibliography)


def test_a_see_link_through_a_symlink_out_of_docs_is_refused(
    tmp_path: Path, docs: Path, bibliography: Bibliography
) -> None:
    (docs / "escape.md").symlink_to(tmp_path / "outside.md")
    text = GOOD.replace("readings/page.md#shifts", "escape.md")
    assert "'escape.md': no such page under docs/" in refused(tmp_path, text, docs, bibliography)


def test_two_terms_with_one_anchor_are_refused(
    tmp_path: Path, docs: Path, bibliography: Bibliography
) -> None:
    twice = GOOD + GOOD.replace("en: concept drift", "en: Concept Drift")
    with pytest.raises(CourseError, match=r"entry 2 \('Concept Drift'\): 'en' gives the anchor "):
        load(tmp_path, twice, docs, bibliography)


def test_script_in_any_field_is_shown_as_text(
    tmp_path: Path, docs: Path, bibliography: Bibliography
) -> None:
    script = "<script>alert(1)</script> [x](javascript:y) **b** {: #z }"
    hostile = (
        GOOD.replace("A change in P(Y|X).", f"'{script}'")
        .replace("es: deriva de concepto", f"es: '{script}'")
        .replace("  cite:", f"  note: '{script}'\n  cite:")
    )
    entries = load(tmp_path, hostile, docs, bibliography)
    for language in ("en", "es"):
        text = glossary_markdown(entries, language=language)
        html = markdown.markdown(text, extensions=["attr_list", "toc"])
        assert "<script" not in html
        assert "javascript:" not in html
        assert "<strong>b</strong>" not in html
        assert "&#60;script&#62;alert(1)&#60;/script&#62;" in html
    # the heading keeps the entry's own anchor, whatever its text
    assert 'id="concept-drift"' in markdown.markdown(
        glossary_markdown(entries, language="es"), extensions=["attr_list", "toc"]
    )


def test_not_a_list_is_refused(tmp_path: Path, docs: Path, bibliography: Bibliography) -> None:
    with pytest.raises(CourseError, match=r"glossary.yaml: the glossary must be a list"):
        load(tmp_path, "en: x\n", docs, bibliography)
    with pytest.raises(CourseError, match=r"glossary.yaml: entry 1: must be a mapping"):
        load(tmp_path, "- just a string\n", docs, bibliography)
