"""The debt scanner's rules: one function per Sculley et al. (2015) category it can see in code.

Each rule looks at a number of *checked* things (scripts, calls, keys...), flags some of
them, and scores ``100 * (1 - flagged / checked)``: 100 is no debt seen, 0 is every checked
thing flagged, and ``None`` means there was nothing to check. The page
``docs/examples/debt_scan.md`` defines every rule in words; the docstrings here say the same.

The rules are grouped by the paper's section: :mod:`.boundaries` (§2),
:mod:`.dependencies` (§3), :mod:`.antipatterns` and :mod:`.smells` (§5),
:mod:`.configuration` (§6), :mod:`.changes` (§7) and :mod:`.hygiene` (§8);
:mod:`.base` holds what they share.
"""

from __future__ import annotations

from mlops_atlas.debt.scanner.project import Project
from mlops_atlas.debt.scanner.rules.antipatterns import dead_codepaths, glue_code, pipeline_jungle
from mlops_atlas.debt.scanner.rules.base import Context, Finding, Rule, RuleResult
from mlops_atlas.debt.scanner.rules.boundaries import correction_cascades, undeclared_consumers
from mlops_atlas.debt.scanner.rules.changes import fixed_thresholds
from mlops_atlas.debt.scanner.rules.configuration import configuration
from mlops_atlas.debt.scanner.rules.dependencies import unstable_data
from mlops_atlas.debt.scanner.rules.hygiene import process_hygiene
from mlops_atlas.debt.scanner.rules.smells import multiple_languages, plain_old_data, prototype

__all__ = ["RULES", "Finding", "Rule", "RuleResult", "run_rules"]


RULES: tuple[Rule, ...] = (
    Rule(
        "correction-cascades", "Correction cascades", 2, "Correction Cascades", correction_cascades
    ),
    Rule(
        "undeclared-consumers",
        "Undeclared consumers",
        2,
        "Undeclared Consumers",
        undeclared_consumers,
    ),
    Rule(
        "unstable-data",
        "Unstable data dependencies",
        3,
        "Unstable Data Dependencies",
        unstable_data,
    ),
    Rule("glue-code", "Glue code", 5, "Glue Code", glue_code),
    Rule("pipeline-jungle", "Pipeline jungles", 5, "Pipeline Jungles", pipeline_jungle),
    Rule(
        "dead-codepaths",
        "Dead experimental codepaths",
        5,
        "Dead Experimental Codepaths",
        dead_codepaths,
    ),
    Rule("plain-old-data", "Plain-old-data type smell", 5, "Common Smells", plain_old_data),
    Rule("multiple-languages", "Multiple-language smell", 5, "Common Smells", multiple_languages),
    Rule("prototype", "Prototype smell", 5, "Common Smells", prototype),
    Rule("configuration", "Configuration debt", 6, "Configuration Debt", configuration),
    Rule(
        "fixed-thresholds",
        "Fixed thresholds",
        7,
        "Fixed Thresholds in Dynamic Systems",
        fixed_thresholds,
    ),
    Rule(
        "process-hygiene",
        "Process hygiene",
        8,
        "Reproducibility Debt, Process Management Debt",
        process_hygiene,
    ),
)
"""Every rule, in the paper's order."""


def run_rules(project: Project, rules: tuple[Rule, ...] = RULES) -> list[RuleResult]:
    """Run the rules on a loaded project."""
    ctx = Context(project)
    results = []
    for rule in rules:
        checked, flagged, findings, details = rule.check(ctx)
        findings.sort(key=lambda f: (f.file, f.cell or 0, f.line, f.message))
        results.append(
            RuleResult(
                rule.id,
                rule.title,
                rule.section,
                rule.paragraph,
                checked,
                flagged,
                findings,
                details,
            )
        )
    return results
