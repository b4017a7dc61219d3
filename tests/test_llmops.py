"""The LLMOps loop: passages from reading pages, code scorers, the prompt registry on SQLite,
the regression gate, and the example's verdict (which template is promoted, and why)."""

from __future__ import annotations

import pytest

from mlops_atlas.llmops import (
    CorpusError,
    Passage,
    PassageQA,
    QuestionSetError,
    Retriever,
    groundedness,
    hit_at_k,
    load_passages,
    load_questions,
    production_version,
    promote,
    register_template,
    regression_gate,
    ungrounded_sentences,
)
from mlops_atlas.runner import EXAMPLES_DIR

READINGS = EXAMPLES_DIR.parent / "docs" / "readings"


def test_passages_come_from_english_reading_pages_without_markup():
    passages = load_passages(READINGS)
    assert {passage.page for passage in passages} >= {"sculley2015hidden", "ashmore2021assuring"}
    assert all(not passage.page.endswith(".es") for passage in passages)
    assert len({passage.id for passage in passages}) == len(passages)
    text = " ".join(passage.text for passage in passages)
    assert "<!--" not in text
    assert "[@" not in text
    assert "**" not in text


def test_a_folder_without_pages_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="no reading page"):
        load_passages(tmp_path)


def test_retrieval_finds_a_passage_by_its_words():
    passages = [
        Passage("a#1", "a", "A", "Drift", "Data drift changes the input distribution over time."),
        Passage("b#1", "b", "B", "Serving", "A serving system answers requests with low latency."),
    ]
    qa = PassageQA(Retriever(passages), k=1)
    answer = qa.answer("What is data drift?", "{{passage}}")
    assert answer.sources == ("a#1",)
    assert hit_at_k(answer.sources, {p.id: p for p in passages}, "a", "input distribution") == 1.0
    assert hit_at_k(answer.sources, {p.id: p for p in passages}, "b", "latency") == 0.0


def test_groundedness_counts_sentences_not_in_the_retrieved_text():
    context = "Models decay. Data drift over time."
    assert groundedness("Models decay.", context) == 1.0
    assert groundedness("Models decay. Always retrain daily.", context) == 0.5
    assert ungrounded_sentences("Models decay. Always retrain daily.", context) == [
        "Always retrain daily."
    ]


def test_question_sets_name_the_missing_key(tmp_path):
    bad = tmp_path / "q.yaml"
    bad.write_text("- question: Why?\n  page: x\n  phrase: y\n")
    with pytest.raises(QuestionSetError, match="entry 1 needs"):
        load_questions(bad)
    assert len(load_questions(EXAMPLES_DIR / "llmops" / "questions.yaml")) == 12


def test_the_gate_refuses_any_regression_and_says_which():
    decision = regression_gate({"hit": 1.0, "grounded": 0.6}, {"hit": 1.0, "grounded": 1.0})
    assert not decision.promote
    assert "grounded: 0.600 vs 1.000 (-0.400) worse" in decision.explain()
    assert regression_gate({"hit": 1.0}, {"hit": 1.0}).promote  # not worse is enough


def test_templates_are_registered_once_and_the_alias_moves(fresh_mlflow_store):
    first = register_template("t", "{{passage}}", "v1")
    again = register_template("t", "{{passage}}", "v1 again")
    second = register_template("t", "{{lead}}", "v2")
    assert (first.version, again.version, second.version) == (1, 1, 2)
    assert production_version("t") is None
    promote(second, "better")
    assert production_version("t").version == 2


@pytest.mark.examples
def test_llmops_example_promotes_v2_and_refuses_the_ungrounded_v3(example_run):
    run = example_run("llmops_evaluation")
    result = run.namespace()
    runs, decisions = result["runs"], result["decisions"]
    v1, v2, v3 = (runs[version].metrics for version in (1, 2, 3))
    # retrieval is shared, so hit@k cannot tell templates apart
    assert v1["hit_at_k"] == v2["hit_at_k"] == v3["hit_at_k"] >= 0.5
    # v2 is promoted: as grounded as v1 and closer to the reference answers
    assert decisions[2].promote
    assert v2["groundedness"] == v1["groundedness"] == 1.0
    assert v2["answer_similarity"] > v1["answer_similarity"]
    # v3 is refused: its extra sentence is in no retrieved passage
    assert not decisions[3].promote
    assert v3["groundedness"] < 1.0
    assert any("groundedness" in reason and "worse" in reason for reason in decisions[3].reasons)
    assert result["promoted"].version == 2
    assert [figure.name for figure in run.figures] == ["llmops_evaluation-scores.svg"]
