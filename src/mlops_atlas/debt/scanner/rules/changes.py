"""§7 Dealing with changes in the external world: fixed thresholds in dynamic systems."""

from __future__ import annotations

from mlops_atlas.debt.scanner.facts import ProjectFacts
from mlops_atlas.debt.scanner.rules.base import Finding

__all__ = ["fixed_thresholds"]


def fixed_thresholds(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Scores compared with a literal number.

    A *score* is the result of ``predict_proba``, ``predict_log_proba``,
    ``decision_function`` or ``score_samples``, a name bound to one, or a name such as
    ``proba``, ``scores`` or ``confidence``. Checked: every ``<``, ``<=``, ``>``, ``>=``
    comparison on a score. Flagged: those whose other side is a literal number.
    """
    findings = []
    checked = 0
    for module in facts.production:
        for comparison in module.flow.comparisons:
            checked += 1
            if comparison.literal is not None:
                findings.append(
                    module.finding(
                        "fixed-thresholds",
                        comparison.line,
                        f"{comparison.text}: a score compared with the fixed number "
                        f"{comparison.literal:g}; learn the threshold on fresh held-out data",
                    )
                )
    return checked, len(findings), findings, {}
