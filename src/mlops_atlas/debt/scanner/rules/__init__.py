"""The debt scanner's rules: one function per Sculley et al. (2015) category it can see in code.

Each rule looks at a number of *checked* things (scripts, calls, keys...), flags some of
them, and scores ``100 * (1 - flagged / checked)``: 100 is no debt seen, 0 is every checked
thing flagged, and ``None`` means there was nothing to check. The page
``docs/examples/debt_scan.md`` defines every rule in words; the docstrings here say the same.

The rules are grouped by the paper's section: `.boundaries` (§2),
`.dependencies` (§3), `.antipatterns`, `.dead_code` and `.smells` (§5),
`.configuration` (§6), `.changes` (§7) and `.hygiene` (§8);
`.base` holds what they share. Each rule works in two steps: a ``collect_*`` function
keeps what it needs of one parsed file (`collect` runs them all, file by file, and
the tree is then dropped), and the rule itself decides on the facts of the whole project.
"""

from __future__ import annotations

from mlops_atlas.debt.scanner.facts import ModuleFacts, ProjectFacts, Setup, Vocabulary
from mlops_atlas.debt.scanner.flow import analyse
from mlops_atlas.debt.scanner.rules.antipatterns import (
    collect_glue,
    glue_code,
    imports_pipeline,
    pipeline_jungle,
)
from mlops_atlas.debt.scanner.rules.base import Finding, Rule, RuleResult
from mlops_atlas.debt.scanner.rules.boundaries import correction_cascades, undeclared_consumers
from mlops_atlas.debt.scanner.rules.changes import fixed_thresholds
from mlops_atlas.debt.scanner.rules.configuration import (
    collect_config_names,
    collect_configuration,
    configuration,
)
from mlops_atlas.debt.scanner.rules.dead_code import (
    collect_dead_code,
    collect_names,
    dead_codepaths,
)
from mlops_atlas.debt.scanner.rules.dependencies import unstable_data
from mlops_atlas.debt.scanner.rules.hygiene import collect_seeds, process_hygiene
from mlops_atlas.debt.scanner.rules.smells import (
    collect_plain_old_data,
    collect_prototype,
    multiple_languages,
    plain_old_data,
    prototype,
)
from mlops_atlas.debt.scanner.source import Module

__all__ = ["RULES", "Finding", "Rule", "RuleResult", "collect", "run_rules"]


def collect(module: Module, setup: Setup) -> tuple[ModuleFacts, Vocabulary]:
    """Everything the rules need from one parsed module, so that its tree can be dropped.

    Args:
        module: The parsed module.
        setup: What is known of the rest of the project.

    Returns:
        The module's facts, and the names it uses, binds and sets.
    """
    facts = ModuleFacts.of(module)
    vocabulary = Vocabulary()
    flow = analyse(module, setup.prediction_files)
    facts.flow = flow
    if any(event.kind == "read" for event in flow.io):
        facts.imports = frozenset(module.imports)
    facts.pipeline = imports_pipeline(module)
    collect_names(module, vocabulary)
    collect_config_names(module, setup, vocabulary)
    if not module.is_test:
        collect_glue(module, facts)
        collect_dead_code(module, facts)
        collect_configuration(module, facts, vocabulary)
        collect_prototype(module, facts, setup)
        collect_plain_old_data(module, facts)
        collect_seeds(module, facts)
    return facts, vocabulary


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


def run_rules(facts: ProjectFacts, rules: tuple[Rule, ...] = RULES) -> list[RuleResult]:
    """Run the rules on a project's facts."""
    results = []
    for rule in rules:
        checked, flagged, findings, details = rule.check(facts)
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
