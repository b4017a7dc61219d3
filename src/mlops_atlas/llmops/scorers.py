"""Scorers written as code: retrieval hit, groundedness, similarity to a reference answer.

Did retrieval find the expected passage, is every sentence of the answer in what
was retrieved, how close is the answer to the reference answer?

Each scorer is a plain function (tested on its own) and, through `mlflow_scorers`,
an MLflow GenAI scorer that ``mlflow.genai.evaluate`` runs with no model and no key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from mlops_atlas.llmops.corpus import Passage, normalise, split_sentences

__all__ = [
    "answer_similarity",
    "groundedness",
    "hit_at_k",
    "mlflow_scorers",
    "ungrounded_sentences",
]


def hit_at_k(
    sources: Sequence[str], passages: Mapping[str, Passage], page: str, phrase: str
) -> float:
    """1.0 when a retrieved passage is on ``page`` and contains ``phrase`` (case-insensitive).

    The expected passage is named by its page and a phrase in it, not by its number, so
    that editing another paragraph of the page does not move the target.
    """
    wanted = normalise(phrase)
    for source in sources:
        passage = passages[source]
        if passage.page == page and wanted in normalise(passage.text):
            return 1.0
    return 0.0


def ungrounded_sentences(answer: str, context: str) -> list[str]:
    """The answer's sentences that do not appear, word for word, in the retrieved text.

    Examples:
        >>> ungrounded_sentences("Models decay. Always retrain daily.", "Models decay. Data drift.")
        ['Always retrain daily.']
    """
    haystack = normalise(context)
    return [sentence for sentence in split_sentences(answer) if normalise(sentence) not in haystack]


def groundedness(answer: str, context: str) -> float:
    """Share of the answer's sentences found word for word in the retrieved text (1.0: all).

    A strict, extractive notion: a paraphrase, however faithful, counts as ungrounded.
    """
    sentences = split_sentences(answer)
    if not sentences:
        return 0.0
    return 1.0 - len(ungrounded_sentences(answer, context)) / len(sentences)


def answer_similarity(
    answer: str, reference: str, similarity: Callable[[str, str], float]
) -> float:
    """Similarity of the answer to the reference answer, with the retriever's TF-IDF cosine."""
    return similarity(answer, reference)


def mlflow_scorers(
    passages: Mapping[str, Passage], similarity: Callable[[str, str], float]
) -> list:
    """The three scorers as MLflow GenAI scorers (``@scorer`` functions returning ``Feedback``).

    Args:
        passages: Passages by id, to look retrieved sources up.
        similarity: The text similarity for answer similarity.
    """
    from mlflow.entities import Feedback
    from mlflow.genai.scorers import scorer

    @scorer(name="hit_at_k")
    def hit(outputs, expectations) -> Feedback:
        value = hit_at_k(outputs["sources"], passages, expectations["page"], expectations["phrase"])
        return Feedback(
            value=value,
            rationale=f"expected a passage of {expectations['page']} containing "
            f"'{expectations['phrase']}'; retrieved {', '.join(outputs['sources'])}",
        )

    @scorer(name="groundedness")
    def grounded(outputs) -> Feedback:
        missing = ungrounded_sentences(outputs["answer"], outputs["context"])
        return Feedback(
            value=groundedness(outputs["answer"], outputs["context"]),
            rationale="every sentence is in the retrieved text"
            if not missing
            else "not in the retrieved text: " + " | ".join(missing),
        )

    @scorer(name="answer_similarity")
    def similar(outputs, expectations) -> Feedback:
        return Feedback(
            value=answer_similarity(outputs["answer"], expectations["answer"], similarity),
            rationale="TF-IDF cosine with the reference answer",
        )

    return [hit, grounded, similar]
