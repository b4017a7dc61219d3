"""Text for people: the answers template, and an assessment as a table or Markdown."""

from __future__ import annotations

import json

from mlops_atlas.maturity.assess import Assessment
from mlops_atlas.maturity.models import Models, load_models

__all__ = ["render", "template"]

_TITLES = {
    "kreuzberger": "Kreuzberger et al. (2023): components and practices (yes/no)",
    "google": "Google Cloud: MLOps levels 0-2 (yes/no)",
    "microsoft": "Microsoft: MLOps maturity model, per dimension (yes/no)",
    "ml_test_score": "Breck et al. (2017) ML Test Score: none / manual / automated",
}


def template(models: Models | None = None, team: str = "our team") -> str:
    """The answers file a team fills in: every question id, its text and allowed values.

    Every answer starts empty (unanswered). ML Test Score answers: ``manual`` means the test is
    run by hand with its results documented and shared; ``automated`` means a system runs it
    repeatedly.

    Examples:
        >>> text = template()
        >>> "mlts.monitoring.7:" in text and "# allowed: none, manual, automated" in text
        True
    """
    models = models or load_models()
    lines = [
        "# MLOps maturity self-assessment (mlops-atlas maturity assess THIS_FILE).",
        "# Fill in each answer after the colon; leave it empty if you do not know (it is then",
        "# reported as unanswered, never scored as 'no').",
        f"team: {json.dumps(team)}",
        "answers:",
    ]
    current = None
    for question in models.questions.values():
        if question.model != current:
            current = question.model
            lines += ["", f"  # --- {_TITLES[current]} ---"]
        group = f" [{question.group}]" if question.group else ""
        lines.append(f"  # {question.text}{group} (source: {question.source})")
        lines.append(f"  # allowed: {', '.join(question.allowed)}")
        lines.append(f"  {question.id}:")
    return "\n".join(lines) + "\n"


def _summary(a: Assessment, models: Models) -> list[tuple[str, str]]:
    rows = [
        ("Google level", f"{a.google_level} ({models.google_levels[a.google_level]})"),
        (
            "Microsoft level (min over dimensions)",
            f"{a.microsoft_level} ({models.microsoft_levels[a.microsoft_level]})",
        ),
    ]
    rows += [
        (f"  Microsoft: {models.microsoft_dimensions[d]}", str(level))
        for d, level in a.microsoft_dimensions.items()
    ]
    for s in models.test_sections:
        missing = sum(q.startswith(f"mlts.{s}.") for q in a.unanswered)
        note = f" ({missing} unanswered)" if missing else ""
        rows.append((f"  ML Test Score: {s}", f"{a.ml_test_score[s]:g} / 7{note}"))
    rows.append(("ML Test Score (final = min)", f"{a.ml_test_score['final']:g}"))
    rows.append(("  Table V", a.band))
    covered = [p for p, ok in a.principles.items() if ok]
    rows.append(("Principles covered", f"{len(covered)}/9: {' '.join(covered) or '-'}"))
    present = [c for c, ok in a.components.items() if ok]
    rows.append(("Components present", f"{len(present)}/9: {' '.join(present) or '-'}"))
    rows.append(("Unanswered questions", str(len(a.unanswered))))
    return rows


def render(
    assessment: Assessment, fmt: str = "table", *, top: int = 8, models: Models | None = None
) -> str:
    """An assessment as ``table`` (plain text), ``markdown`` or ``json``.

    Args:
        assessment: The result of `mlops_atlas.maturity.assess.assess`.
        fmt: ``"table"``, ``"markdown"`` or ``"json"``.
        top: How many gaps to show (all of them in JSON).
        models: The models (default: the packaged ones).

    Returns:
        The text, ending with a newline.
    """
    models = models or load_models()
    if fmt == "json":
        return json.dumps(assessment.to_json(), indent=2, ensure_ascii=False) + "\n"
    rows = _summary(assessment, models)
    gaps = assessment.gaps[:top]
    if fmt == "markdown":
        lines = [f"## {assessment.team}", "", "| | |", "|---|---|"]
        lines += [f"| {k.strip()} | {v} |" for k, v in rows]
        lines += ["", f"**Top {len(gaps)} gaps** (of {len(assessment.gaps)}):", ""]
        lines += [
            f"{i}. `{g.question}` ({g.status}): {g.text} *{g.impact}.* "
            f"[reading](../{g.reading}), [example](../{g.example})"
            for i, g in enumerate(gaps, 1)
        ]
        if assessment.detected:
            lines += ["", "**Detected from the repository:**", ""]
            lines += [f"- `{d.question}`: {d.what}, in `{d.file}`" for d in assessment.detected]
        return "\n".join(lines) + "\n"
    width = max(len(k) for k, _ in rows)
    lines = [assessment.team, "=" * len(assessment.team)]
    lines += [f"{k:<{width}}  {v}" for k, v in rows]
    lines += ["", f"Top {len(gaps)} gaps (of {len(assessment.gaps)}), highest impact first:"]
    for i, g in enumerate(gaps, 1):
        lines.append(f"{i:>2}. {g.question} [{g.status}] {g.text}")
        lines.append(f"    {g.impact}; learn: docs/{g.reading}, docs/{g.example}")
    if assessment.detected:
        lines += ["", "Detected from the repository:"]
        lines += [f"  {d.question:<36} {d.what} ({d.file})" for d in assessment.detected]
    return "\n".join(lines) + "\n"
