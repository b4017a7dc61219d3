"""MLOps for generative AI (UBA clase 8): an LLMOps evaluation loop that runs offline.

A question-answering system over this site's reading pages is evaluated with code
scorers; its answer templates are versioned in MLflow's prompt registry and promoted
through a regression gate.

No language model is involved: retrieval is TF-IDF and the "generation" fills a template with
retrieved text, so the loop (version, evaluate, gate, deploy) runs on a laptop with no key.

- `mlops_atlas.llmops.corpus`: reading pages as passages.
- `mlops_atlas.llmops.retrieval`: TF-IDF retrieval and template answers.
- `mlops_atlas.llmops.scorers`: hit@k, groundedness, answer similarity.
- `mlops_atlas.llmops.registry`: templates in the prompt registry; the production alias.
- `mlops_atlas.llmops.evaluation`: ``mlflow.genai.evaluate`` runs and the regression gate.
"""

from mlops_atlas.llmops.corpus import CorpusError, Passage, load_passages, split_sentences
from mlops_atlas.llmops.evaluation import (
    METRICS,
    EvaluationRun,
    GateDecision,
    Question,
    QuestionSetError,
    evaluate_template,
    load_questions,
    regression_gate,
)
from mlops_atlas.llmops.registry import (
    TemplateVersion,
    production_version,
    promote,
    register_template,
)
from mlops_atlas.llmops.retrieval import (
    ANSWER_VARIABLES,
    Answer,
    PassageQA,
    Retriever,
    fill_template,
)
from mlops_atlas.llmops.scorers import (
    answer_similarity,
    groundedness,
    hit_at_k,
    ungrounded_sentences,
)

__all__ = [
    "ANSWER_VARIABLES",
    "METRICS",
    "Answer",
    "CorpusError",
    "EvaluationRun",
    "GateDecision",
    "Passage",
    "PassageQA",
    "Question",
    "QuestionSetError",
    "Retriever",
    "TemplateVersion",
    "answer_similarity",
    "evaluate_template",
    "fill_template",
    "groundedness",
    "hit_at_k",
    "load_passages",
    "load_questions",
    "production_version",
    "promote",
    "register_template",
    "regression_gate",
    "split_sentences",
    "ungrounded_sentences",
]
