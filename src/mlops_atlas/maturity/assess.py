"""Assess a team: answers in, levels, scores, coverage and ranked gaps out.

Rules (stated in the docs, page *MLOps maturity models*):

- **Google**: level L when every criterion of levels 1..L is answered "yes"; level 0 otherwise.
- **Microsoft**: per dimension, level L when every criterion of levels 1..L holds (a level whose
  row adds nothing to a dimension is reached with the level below). Overall level = the
  *minimum* over the four dimensions: the page describes each level as a whole row, so a team is
  at a level only when all four columns describe it.
- **ML Test Score** (Breck et al. 2017, §VI.A): 0.5 per test run manually with results
  documented and shared, 1 per test run automatically and repeatedly; each section sums its 7
  tests (0-7); the final score is the minimum of the four sections, read against Table V.
- **Coverage** of Kreuzberger's P1-P9: covered when some question evidencing it is answered
  positively ("yes", "manual" or "automated"). A component C1-C9 is present when a yes/no
  question naming it is answered "yes" (an ML Test Score test can be run without it).

An unanswered question is never scored: it cannot raise a level or add points, and it is
listed as unanswered (so a level or score is "at least" until it is answered).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlops_atlas.errors import AtlasError
from mlops_atlas.maturity.evidence import Detected
from mlops_atlas.maturity.models import Models, Question, load_models
from mlops_atlas.yamlfiles import YamlFileError, load_yaml_file

__all__ = ["AnswersError", "Assessment", "Gap", "assess", "load_answers", "parse_answers"]


class AnswersError(AtlasError, ValueError):
    """Bad answers: unknown question id, wrong value, unreadable file. One line, naming it."""


@dataclass(frozen=True)
class Gap:
    """Something that holds a team back, with where to learn it.

    Attributes:
        question: The question id.
        text: The question.
        status: ``"no"``, ``"none"``, ``"manual"`` or ``"unanswered"``.
        impact: Why it matters now, e.g. ``"blocks Google level 1"``.
        reading: Site page (relative to ``docs/``) that teaches it.
        example: Site page of the example that teaches it.
    """

    question: str
    text: str
    status: str
    impact: str
    reading: str
    example: str


@dataclass
class Assessment:
    """The result of `assess`.

    Attributes:
        team: The team's name from the answers file.
        google_level: 0, 1 or 2.
        microsoft_dimensions: Level (0-4) per dimension id.
        microsoft_level: Minimum over the dimensions.
        ml_test_score: Points per section id and ``"final"`` (minimum of the sections).
        band: Table V's interpretation of the final score.
        principles: P1-P9 -> covered.
        components: C1-C9 -> covered.
        gaps: Ranked by impact, highest first.
        unanswered: Question ids nobody answered and no file showed.
        detected: Answers taken from repository files.
        answers: The answers used (team's and detected), by question id.
    """

    team: str
    google_level: int
    microsoft_dimensions: dict[str, int]
    microsoft_level: int
    ml_test_score: dict[str, float]
    band: str
    principles: dict[str, bool]
    components: dict[str, bool]
    gaps: list[Gap]
    unanswered: list[str]
    detected: list[Detected] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The assessment as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "team": self.team,
            "google_level": self.google_level,
            "microsoft_level": self.microsoft_level,
            "microsoft_dimensions": self.microsoft_dimensions,
            "ml_test_score": self.ml_test_score,
            "ml_test_score_band": self.band,
            "principles": self.principles,
            "components": self.components,
            "gaps": [gap.__dict__ for gap in self.gaps],
            "unanswered": self.unanswered,
            "detected": [d.__dict__ for d in self.detected],
        }


def _normalise(question: Question, value: object, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) and question.model != "ml_test_score":
        return "yes" if value else "no"
    if isinstance(value, str) and value.strip().lower() in question.allowed:
        return value.strip().lower()
    allowed = ", ".join(question.allowed)
    if isinstance(value, bool):
        # YAML reads an unquoted yes/no/true/false/on/off as a boolean
        got = "a yes/no answer"
    else:
        got = repr(value) if isinstance(value, str) else f"{value!r} ({type(value).__name__})"
    raise AnswersError(
        f"{where}: '{question.id}' must be one of {allowed} (or left empty), got {got}"
    )


def parse_answers(
    data: Mapping[str, Any],
    where: str = "answers",
    models: Models | None = None,
    lines: Mapping[str, int] | None = None,
) -> tuple[str, dict[str, str]]:
    """Check answers given as data (``{"team": ..., "answers": {id: value}}``).

    Args:
        data: The parsed answers.
        where: Name of the source for messages (usually the file).
        models: The models (default: the packaged ones).
        lines: Line of each key (``answers.ID``) in the file, for messages.

    Returns:
        The team's name and the answered questions (empty values dropped).

    Raises:
        AnswersError: Unknown question id or a value the question does not allow.

    Examples:
        >>> parse_answers({"team": "t", "answers": {"mlts.data.1": "manual"}})
        ('t', {'mlts.data.1': 'manual'})
    """
    models = models or load_models()
    if not isinstance(data, Mapping):
        raise AnswersError(f"{where}: expected a mapping with 'team' and 'answers'")
    answers = data.get("answers") or {}
    if not isinstance(answers, Mapping):
        raise AnswersError(f"{where}: 'answers' must map question ids to values")
    checked: dict[str, str] = {}
    lines = lines or {}
    for qid, value in answers.items():
        line = lines.get(f"answers.{qid}")
        spot = f"{where}:{line}" if line else where
        if qid not in models.questions:
            raise AnswersError(
                f"{spot}: unknown question id '{qid}' (see 'mlops-atlas maturity template' for the ids)"
            )
        answer = _normalise(models.questions[qid], value, spot)
        if answer is not None:
            checked[qid] = answer
    return str(data.get("team") or "unnamed team"), checked


def load_answers(path: Path | str, models: Models | None = None) -> tuple[str, dict[str, str]]:
    """Read and check an answers file (see `parse_answers`).

    Raises:
        AnswersError: Missing or unreadable file, invalid YAML, unknown id or bad value.
    """
    path = Path(path)
    if not path.exists():
        raise AnswersError(
            f"{path}: no such answers file; create one with 'mlops-atlas maturity template -o {path}'"
        )
    try:
        document = load_yaml_file(path)
    except YamlFileError as error:
        raise AnswersError(str(error)) from None
    return parse_answers(document.data or {}, str(path), models, document.key_lines)


def _positive(answer: str | None) -> bool:
    return answer in {"yes", "manual", "automated"}


def _band(score: float, models: Models) -> str:
    for upper, text in models.bands:
        if upper is None or score <= upper:
            return text
    return models.bands[-1][1]


def assess(
    answers: Mapping[str, str],
    *,
    team: str = "unnamed team",
    detected: Iterable[Detected] = (),
    models: Models | None = None,
) -> Assessment:
    """Assess one team.

    Args:
        answers: Checked answers by question id (from `load_answers`).
        team: The team's name.
        detected: Answers shown by repository files; the team's own answers take precedence.
        models: The models (default: the packaged ones).

    Returns:
        The assessment.

    Examples:
        >>> a = assess({"mlts.data.1": "automated", "mlts.model.1": "manual",
        ...             "mlts.infrastructure.1": "automated", "mlts.monitoring.1": "automated"})
        >>> a.ml_test_score["final"], a.google_level
        (0.5, 0)
    """
    models = models or load_models()
    used = dict(answers)
    taken = [d for d in detected if d.question not in used]
    used.update({d.question: d.value for d in taken})
    questions = list(models.questions.values())

    def meets(question: Question) -> bool:
        return used.get(question.id) == "yes"

    google_level = 0
    for level in sorted(models.google_levels)[1:]:
        if all(meets(q) for q in questions if q.model == "google" and q.level == level):
            google_level = level
        else:
            break

    dimensions: dict[str, int] = {}
    for dimension in models.microsoft_dimensions:
        reached = 0
        for level in sorted(models.microsoft_levels)[1:]:
            criteria = [q for q in questions if q.group == dimension and q.level == level]
            if not all(meets(q) for q in criteria):
                break
            reached = level
        dimensions[dimension] = reached
    microsoft_level = min(dimensions.values())

    score = {
        section: sum(
            models.points[used[q.id]] for q in questions if q.group == section and q.id in used
        )
        for section in models.test_sections
    }
    score["final"] = min(score.values())

    principles = dict.fromkeys(models.principles, False)
    components = dict.fromkeys(models.components, False)
    for question in questions:
        if _positive(used.get(question.id)):
            principles.update(dict.fromkeys(question.principles, True))
            # A test can be run by hand without the component: only yes/no items show one.
            if question.model != "ml_test_score":
                components.update(dict.fromkeys(question.components, True))

    unanswered = [q.id for q in questions if q.id not in used]
    gaps = _rank_gaps(questions, used, google_level, dimensions, score, models)
    return Assessment(
        team=team,
        google_level=google_level,
        microsoft_dimensions=dimensions,
        microsoft_level=microsoft_level,
        ml_test_score=score,
        band=_band(score["final"], models),
        principles=principles,
        components=components,
        gaps=gaps,
        unanswered=unanswered,
        detected=taken,
        answers=used,
    )


def _rank_gaps(
    questions: list[Question],
    used: Mapping[str, str],
    google_level: int,
    dimensions: Mapping[str, int],
    score: Mapping[str, float],
    models: Models,
) -> list[Gap]:
    """Gaps highest impact first.

    1. criteria of the next Google level; 2. tests of the weakest ML Test Score section(s), whose
    minimum is the final score; 3. criteria of the next Microsoft level in the weakest
    dimension(s), whose minimum is the overall level; 4. everything else not met.
    """
    weakest_sections = {s for s in models.test_sections if score[s] == score["final"]}
    lowest = min(dimensions.values())
    ranked: list[tuple[int, int, Gap]] = []
    for order, question in enumerate(questions):
        status = used.get(question.id, "unanswered")
        if status in {"yes", "automated"}:
            continue
        if question.model == "google" and question.level == google_level + 1:
            tier, impact = 1, f"blocks Google level {question.level}"
        elif question.model == "ml_test_score" and question.group in weakest_sections:
            tier, impact = (
                2,
                f"in the weakest ML Test Score section ({question.group}), which sets the final score",
            )
        elif (
            question.model == "microsoft"
            and dimensions[question.group] == lowest
            and question.level == _next_level(question.group, lowest, questions)
        ):
            tier, impact = (
                3,
                f"blocks Microsoft level {question.level} ({question.group} is the weakest dimension)",
            )
        else:
            tier, impact = 4, "further along"
        example = question.example or "maturity_teams"
        gap = Gap(
            question.id, question.text, status, impact, question.reading, f"examples/{example}.md"
        )
        ranked.append((tier, order, gap))
    return [gap for _, _, gap in sorted(ranked, key=lambda item: item[:2])]


def _next_level(dimension: str, reached: int, questions: list[Question]) -> int:
    """The first level above ``reached`` that adds a criterion to ``dimension``."""
    levels = sorted(q.level for q in questions if q.group == dimension and q.level > reached)
    return levels[0] if levels else -1
