"""Evaluate a template with ``mlflow.genai.evaluate`` and code scorers; gate its promotion.

`evaluate_template` answers every question of an evaluation set with one
template version and logs the run (per-question scores as assessments on traces,
means as metrics). `regression_gate` compares a candidate's metrics with
production's and promotes only a candidate that is not worse on any of them.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from mlops_atlas.errors import AtlasError
from mlops_atlas.llmops.registry import TemplateVersion
from mlops_atlas.llmops.retrieval import PassageQA
from mlops_atlas.llmops.scorers import mlflow_scorers

__all__ = [
    "METRICS",
    "EvaluationRun",
    "GateDecision",
    "Question",
    "QuestionSetError",
    "evaluate_template",
    "load_questions",
    "regression_gate",
]

METRICS = ("hit_at_k", "groundedness", "answer_similarity")
"""The scorers' names; each run's metrics are their means."""


class QuestionSetError(AtlasError):
    """An evaluation set cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Question:
    """One entry of an evaluation set.

    Attributes:
        question: What a student asks.
        page: The reading page whose passage should be retrieved.
        phrase: A phrase that passage contains.
        answer: A reference answer, for answer similarity.
    """

    question: str
    page: str
    phrase: str
    answer: str

    def to_record(self) -> dict[str, object]:
        """The entry as a row of ``mlflow.genai.evaluate``'s data."""
        return {
            "inputs": {"question": self.question},
            "expectations": {"page": self.page, "phrase": self.phrase, "answer": self.answer},
        }


def load_questions(path: Path) -> list[Question]:
    """Read an evaluation set: a YAML list of ``question``, ``page``, ``phrase``, ``answer``.

    Raises:
        QuestionSetError: Missing file, bad YAML, or an entry without one of the keys.
    """
    path = Path(path)
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise QuestionSetError(f"{path}: cannot read ({error.strerror or error})") from None
    except yaml.YAMLError as error:
        raise QuestionSetError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(entries, list) or not entries:
        raise QuestionSetError(f"{path}: expected a list of questions")
    questions = []
    for number, entry in enumerate(entries, 1):
        keys = ("question", "page", "phrase", "answer")
        if not isinstance(entry, dict) or any(not entry.get(key) for key in keys):
            raise QuestionSetError(f"{path}: entry {number} needs {', '.join(keys)}")
        questions.append(Question(*(str(entry[key]) for key in keys)))
    return questions


@dataclass(frozen=True)
class EvaluationRun:
    """One template's evaluation.

    Attributes:
        template: The version evaluated.
        metrics: Mean of each scorer.
        scores: Per question: the question and each scorer's value.
        run_id: The MLflow run.
    """

    template: TemplateVersion
    metrics: dict[str, float]
    scores: list[dict[str, object]]
    run_id: str


def evaluate_template(
    template: TemplateVersion,
    qa: PassageQA,
    questions: Sequence[Question],
    *,
    experiment: str = "llmops-evaluation",
) -> EvaluationRun:
    """Answer every question with ``template`` and score the answers, in one MLflow run.

    MLflow's progress output is kept off standard output, and one warning pandas
    raises from inside MLflow is silenced (it is MLflow's to fix).
    """
    import mlflow

    passages = {passage.id: passage for passage in qa.retriever.passages}

    def predict_fn(question: str) -> dict[str, object]:
        return qa.answer(question, template.template).to_dict()

    mlflow.set_experiment(experiment)
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),
        mlflow.start_run(run_name=f"{template.name}-v{template.version}") as run,
    ):
        # pandas 3 warns about a positional argument in MLflow's dataset digest (MLflow's to fix)
        warnings.filterwarnings("ignore", message="Starting with pandas version 4.0")
        # MLflow notes that untyped scorer arguments are not validated; they are dicts by design
        warnings.filterwarnings("ignore", message=".*Any type hint is inferred as AnyType")
        scorers = mlflow_scorers(passages, qa.retriever.similarity)
        mlflow.log_params({"prompt": template.uri, "retriever": "tf-idf", "k": qa.k})
        result = mlflow.genai.evaluate(
            data=[question.to_record() for question in questions],
            scorers=scorers,
            predict_fn=predict_fn,
        )
    metrics = {name: float(result.metrics[f"{name}/mean"]) for name in METRICS}
    table = result.result_df
    if table is None:
        raise RuntimeError("MLflow's evaluation returned no per-question table")
    scores = [
        {"question": question.question, **{name: float(row[f"{name}/value"]) for name in METRICS}}
        for question, (_, row) in zip(questions, table.iterrows(), strict=True)
    ]
    return EvaluationRun(template, metrics, scores, run.info.run_id)


@dataclass(frozen=True)
class GateDecision:
    """A regression gate's verdict.

    Attributes:
        promote: True when the candidate may replace production.
        reasons: One line per metric: both values and whether it held.
    """

    promote: bool
    reasons: list[str]

    def explain(self) -> str:
        """The verdict and its reasons, one per line."""
        head = "PROMOTE" if self.promote else "KEEP PRODUCTION"
        return "\n".join([head, *(f"  {reason}" for reason in self.reasons)])


def regression_gate(
    candidate: Mapping[str, float], production: Mapping[str, float], tolerance: float = 0.0
) -> GateDecision:
    """Promote the candidate only if no metric falls by more than ``tolerance``.

    Examples:
        >>> regression_gate({"a": 0.9, "b": 0.8}, {"a": 0.8, "b": 0.8}).promote
        True
        >>> print(regression_gate({"a": 0.9, "b": 0.7}, {"a": 0.8, "b": 0.8}).explain())
        KEEP PRODUCTION
          a: 0.900 vs 0.800 (+0.100) ok
          b: 0.700 vs 0.800 (-0.100) worse
    """
    reasons, promote = [], True
    for name, before in production.items():
        after = candidate[name]
        held = after >= before - tolerance
        promote &= held
        reasons.append(
            f"{name}: {after:.3f} vs {before:.3f} ({after - before:+.3f}) {'ok' if held else 'worse'}"
        )
    return GateDecision(promote, reasons)
