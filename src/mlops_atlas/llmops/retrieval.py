"""Retrieval and answers: TF-IDF over the passages, answers made by filling a template.

There is no language model here. `Retriever` ranks passages by TF-IDF cosine
similarity (scikit-learn); `PassageQA` fills a prompt template with what was
retrieved (the top passage, the sentences closest to the question, the source).
The template is the part a team versions, evaluates and promotes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mlops_atlas.llmops.corpus import Passage, split_sentences

__all__ = ["ANSWER_VARIABLES", "Answer", "PassageQA", "Retriever", "fill_template"]

ANSWER_VARIABLES = ("question", "passage", "lead", "key_sentences", "source")
"""What a template may use: ``{{question}}``, ``{{passage}}`` (the top passage),
``{{lead}}`` (its first sentence), ``{{key_sentences}}`` (the two retrieved sentences
closest to the question, in rank order) and ``{{source}}`` (the top passage's page
and heading)."""


def _ended(sentence: str) -> str:
    """The sentence with a full stop if it has no final punctuation (list items often lack one)."""
    return sentence if sentence.endswith((".", "!", "?", ":")) else sentence + "."


class Retriever:
    """TF-IDF retrieval over passages (words, English stop words removed, sublinear counts).

    Args:
        passages: The corpus.
    """

    def __init__(self, passages: Sequence[Passage]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not passages:
            raise ValueError("a retriever needs at least one passage")
        self.passages = list(passages)
        self.vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        # a passage is indexed with its heading, which often names what the passage is about
        self.matrix = self.vectorizer.fit_transform(
            [f"{passage.heading}. {passage.text}" for passage in self.passages]
        )

    def similarity(self, left: str, right: str) -> float:
        """Cosine similarity of two texts in the corpus's TF-IDF space (0 to 1)."""
        vectors = self.vectorizer.transform([left, right])
        return float((vectors[0] @ vectors[1].T).toarray()[0, 0])

    def search(self, question: str, k: int = 3) -> list[tuple[Passage, float]]:
        """The ``k`` passages most similar to ``question``, best first, with their scores."""
        scores = (self.matrix @ self.vectorizer.transform([question]).T).toarray().ravel()
        best = np.argsort(-scores, kind="stable")[:k]
        return [(self.passages[index], float(scores[index])) for index in best]


@dataclass(frozen=True)
class Answer:
    """What the system returned for a question.

    Attributes:
        text: The answer.
        sources: Ids of the retrieved passages, best first.
        context: The retrieved passages' text, joined.
    """

    text: str
    sources: tuple[str, ...]
    context: str

    def to_dict(self) -> dict[str, object]:
        """The answer as the output of an MLflow ``predict_fn``."""
        return {"answer": self.text, "sources": list(self.sources), "context": self.context}


def fill_template(template: str, variables: Mapping[str, str]) -> str:
    """Replace every ``{{name}}`` of ``template`` by its value.

    Raises:
        KeyError: The template uses a variable that is not given.

    Examples:
        >>> fill_template("{{a}} and {{ b }}", {"a": "x", "b": "y"})
        'x and y'
    """
    import re

    def value(match: re.Match[str]) -> str:
        return variables[match.group(1)]

    return re.sub(r"\{\{\s*(\w+)\s*\}\}", value, template)


class PassageQA:
    """Answers questions from retrieved passages through a template.

    Args:
        retriever: The retriever.
        k: Passages retrieved per question.
    """

    def __init__(self, retriever: Retriever, k: int = 3):
        self.retriever = retriever
        self.k = k

    def variables(self, question: str) -> tuple[dict[str, str], list[Passage]]:
        """The template variables for ``question``, and the passages retrieved."""
        hits = [passage for passage, _ in self.retriever.search(question, self.k)]
        sentences = [sentence for passage in hits for sentence in split_sentences(passage.text)]
        ranked = sorted(
            sentences, key=lambda sentence: -self.retriever.similarity(question, sentence)
        )
        top = hits[0]
        return {
            "question": question,
            "passage": top.text,
            "lead": _ended(split_sentences(top.text)[0]),
            "key_sentences": " ".join(_ended(sentence) for sentence in ranked[:2]),
            "source": f"{top.title}, {top.heading}" if top.heading != top.title else top.title,
        }, hits

    def answer(self, question: str, template: str) -> Answer:
        """Retrieve for ``question`` and fill ``template``."""
        values, hits = self.variables(question)
        return Answer(
            fill_template(template, values),
            tuple(passage.id for passage in hits),
            "\n".join(passage.text for passage in hits),
        )
