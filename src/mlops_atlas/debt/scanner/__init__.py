"""A static scanner for the technical debt of Sculley et al. (2015) that code can show.

``mlops-atlas debt scan PATH`` (or `scan`) parses a project's Python files and
notebooks with `ast`, never importing or running them, and reports per section of
the paper: each rule's findings (file:line and why), a score of 0-100 on what it checked,
and a weighted score per section. Rules are defined in `mlops_atlas.debt.scanner.rules`
and on the page *Debt scanner* of the site.
"""

from mlops_atlas.debt.scanner.files import ScanError, Unreadable
from mlops_atlas.debt.scanner.report import SECTIONS, ScanReport, SectionScore, render, scan
from mlops_atlas.debt.scanner.rules import RULES, Finding, RuleResult

__all__ = [
    "RULES",
    "SECTIONS",
    "Finding",
    "RuleResult",
    "ScanError",
    "ScanReport",
    "SectionScore",
    "Unreadable",
    "render",
    "scan",
]
