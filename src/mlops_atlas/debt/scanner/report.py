"""Scan a project and report per Sculley section: scores, findings, the Figure 1 census.

There is no overall score. Each rule scores 0-100 on what it checked; each of the paper's
sections gets the weighted mean of its rules' scores (equal weights unless told otherwise).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from mlops_atlas.debt.scanner.config import MAX_CONFIG_NODES, MAX_YAML_ALIASES
from mlops_atlas.debt.scanner.engine import load
from mlops_atlas.debt.scanner.files import MAX_BYTES, Unreadable
from mlops_atlas.debt.scanner.rules import RULES, RuleResult, run_rules

__all__ = [
    "LIMITS",
    "SECTIONS",
    "ScanReport",
    "SectionScore",
    "definition",
    "render",
    "scan",
]

SECTIONS: dict[int, str] = {
    2: "Complex Models Erode Boundaries",
    3: "Data Dependencies Cost More than Code Dependencies",
    5: "ML-System Anti-Patterns",
    6: "Configuration Debt",
    7: "Dealing with Changes in the External World",
    8: "Other Areas of ML-related Debt",
}
"""The sections of Sculley et al. (2015) the scanner has rules for (§4, feedback loops,
cannot be seen in code alone: see the feedback-loop simulation)."""


LIMITS: dict[str, int] = {
    "max_bytes_per_file": MAX_BYTES,
    "max_yaml_aliases": MAX_YAML_ALIASES,
    "max_config_values": MAX_CONFIG_NODES,
}
"""What the scanner will read at most; a file beyond a limit is listed as not scanned."""

_LIMITS_LINE = (
    "Limits: at most 1 MB read per file, regular files only, links only inside the folder, "
    f"{MAX_YAML_ALIASES} YAML aliases per configuration file."
)


def definition(rule_id: str) -> str:
    """Where a rule is defined: its anchor on the site's *Debt scanner* page.

    Examples:
        >>> definition("fixed-thresholds")
        'http://127.0.0.1:8000/examples/debt_scan/#fixed-thresholds'
    """
    from mlops_atlas.site.paths import DEBT_SCAN_PAGE, page_url, public_url

    # the site's configured address (site_url in mkdocs.yml): one setting for every link
    return f"{page_url(DEBT_SCAN_PAGE, public_url())}#{rule_id}"


@dataclass(frozen=True)
class SectionScore:
    """A section's weighted score.

    Attributes:
        section: The section's number in the paper.
        title: Its title.
        score: Weighted mean of its rules' scores; ``None`` when no rule checked anything.
        rules: Its rules' ids.
    """

    section: int
    title: str
    score: int | None
    rules: tuple[str, ...]


@dataclass
class ScanReport:
    """The result of `scan`.

    Attributes:
        root: The folder scanned, as given.
        files: Files found (after exclusions).
        python_files: Python files and notebooks parsed.
        code_lines: Python code lines (no blanks, comments or docstrings).
        rules: One result per rule, in the paper's order.
        sections: One score per section.
        unreadable: Files skipped, and why.
    """

    root: str
    files: int
    python_files: int
    code_lines: int
    rules: list[RuleResult]
    sections: list[SectionScore]
    unreadable: list[Unreadable]

    @property
    def census(self) -> dict[str, object]:
        """Figure 1 for the scanned project: ML code lines versus the rest."""
        return next(r.details for r in self.rules if r.rule == "glue-code")

    @property
    def findings(self) -> int:
        """How many findings in all."""
        return sum(len(r.findings) for r in self.rules)

    def rule(self, rule_id: str) -> RuleResult:
        """The result of one rule, by id."""
        return next(r for r in self.rules if r.rule == rule_id)

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON: every field, each rule with its score, section and link."""
        return {
            "root": self.root,
            "files": self.files,
            "python_files": self.python_files,
            "code_lines": self.code_lines,
            "sections": [asdict(s) for s in self.sections],
            "rules": [
                {
                    "rule": r.rule,
                    "title": r.title,
                    "section": r.section,
                    "paragraph": r.paragraph,
                    "score": r.score,
                    "checked": r.checked,
                    "flagged": r.flagged,
                    "definition": definition(r.rule),
                    "findings": [{"location": f.location, **asdict(f)} for f in r.findings],
                    "details": r.details,
                }
                for r in self.rules
            ],
            "unreadable": [asdict(u) for u in self.unreadable],
            "limits": LIMITS,
        }


def _sections(results: Sequence[RuleResult], weights: Mapping[str, float]) -> list[SectionScore]:
    sections = []
    for number, title in SECTIONS.items():
        members = [r for r in results if r.section == number]
        scored = [(r.score, weights.get(r.rule, 1.0)) for r in members if r.score is not None]
        total = sum(w for _, w in scored)
        score = round(sum(s * w for s, w in scored) / total) if total else None
        sections.append(SectionScore(number, title, score, tuple(r.rule for r in members)))
    return sections


def scan(
    root: Path | str,
    *,
    exclude: Sequence[str] = (),
    weights: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
) -> ScanReport:
    r"""Scan a project for the technical debt of Sculley et al. (2015) that code can show.

    The code is parsed, never imported or run.

    Args:
        root: The project's folder (a checkout, or any folder of Python files).
        exclude: Glob patterns of relative paths to leave out, e.g. ``"tests/fixtures/*"``.
        weights: Rule id -> weight in its section's score (default 1 for every rule).
        progress: Called as ``progress(done, total)`` while files are read.
        jobs: Processes that analyse files in parallel (default: every core; 1 runs in this
            process). The report is the same whatever the number.

    Returns:
        The report; files that could not be read are in ``unreadable``.

    Raises:
        ScanError: ``root`` does not exist or is not a folder.
        ValueError: A weight names an unknown rule, or is negative, infinite or NaN.

    Examples:
        >>> import pathlib, tempfile
        >>> with tempfile.TemporaryDirectory() as name:
        ...     folder = pathlib.Path(name)
        ...     _ = (folder / "serve.py").write_text("def decide(proba):\n    return proba > 0.5\n")
        ...     report = scan(folder)
        >>> for finding in report.rule("fixed-thresholds").findings:
        ...     print(finding.location)
        serve.py:2
    """
    weights = dict(weights or {})
    known = {rule.id for rule in RULES}
    for rule_id, weight in weights.items():
        if rule_id not in known:
            raise ValueError(f"unknown rule {rule_id!r}; rules: {', '.join(sorted(known))}")
        if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
            raise ValueError(
                f"weight of {rule_id} must be a finite number >= 0 (such as 0, 1 or 2.5), "
                f"got {weight!r}"
            )
    facts = load(root, exclude=exclude, jobs=jobs, progress=progress)
    results = run_rules(facts)
    return ScanReport(
        root=str(root),
        files=len(facts.files),
        python_files=len(facts.modules),
        code_lines=sum(m.code_lines for m in facts.modules.values()),
        rules=results,
        sections=_sections(results, weights),
        unreadable=sorted(facts.unreadable, key=lambda u: u.file),
    )


def _score(score: int | None) -> str:
    return "n/a" if score is None else str(score)


def _census_line(report: ScanReport) -> str:
    census = report.census
    ml, other = int(census["ml_lines"]), int(census["other_lines"])  # type: ignore[call-overload]
    total = ml + other
    share = ml / total if total else 0.0
    return (
        f"Figure 1 for this project: {ml} of {total} production code lines call ML code "
        f"({share:.1%}); the paper estimates at most about 5% in a mature system (§5, Glue Code)"
    )


def render(report: ScanReport, fmt: str = "table", *, limit: int | None = None) -> str:
    """The report as text.

    Args:
        report: A scan's result.
        fmt: ``"table"`` (terminal), ``"markdown"`` or ``"json"``.
        limit: Most findings shown per rule (table and markdown); ``None`` shows all.

    Returns:
        The text, ending with a newline.
    """
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(report, limit)
    if fmt == "table":
        return _table(report, limit)
    raise ValueError(f"unknown format {fmt!r}: use table, json or markdown")


def _shown(result: RuleResult, limit: int | None) -> tuple[list, int]:
    findings = result.findings if limit is None else result.findings[:limit]
    return findings, len(result.findings) - len(findings)


def _table(report: ScanReport, limit: int | None) -> str:
    lines = [
        f"Debt scan of {report.root}: {report.python_files} Python files, "
        f"{report.code_lines} code lines, {report.findings} findings",
        _census_line(report),
        "",
        f"{'section / rule':<56} {'score':>5} {'flagged':>15}",
    ]
    for section in report.sections:
        lines.append(f"§{section.section} {section.title:<53} {_score(section.score):>5}")
        for rule_id in section.rules:
            result = report.rule(rule_id)
            lines.append(
                f"    {result.title:<52} {_score(result.score):>5} "
                f"{f'{result.flagged} of {result.checked}':>15}"
            )
    for result in report.rules:
        if not result.findings:
            continue
        lines += [
            "",
            f"{result.title} (§{result.section}, {result.paragraph}): {definition(result.rule)}",
        ]
        findings, more = _shown(result, limit)
        lines += [f"  {f.location}: {f.message}" for f in findings]
        if more:
            lines.append(f"  ... and {more} more (--limit 0 shows all)")
    if report.unreadable:
        lines += ["", f"Not scanned ({len(report.unreadable)} files):"]
        lines += [f"  {u}" for u in report.unreadable]
        lines.append(_LIMITS_LINE)
    return "\n".join(lines) + "\n"


def _markdown(report: ScanReport, limit: int | None) -> str:
    lines = [
        f"# Debt scan of `{report.root}`",
        "",
        f"{report.python_files} Python files, {report.code_lines} code lines, "
        f"{report.findings} findings. Scores: 100 means no debt seen; n/a means nothing to check.",
        "",
        _census_line(report) + ".",
        "",
        "| Section | Rule | Score | Flagged |",
        "|---|---|---:|---:|",
    ]
    for section in report.sections:
        lines.append(
            f"| **§{section.section} {section.title}** | | **{_score(section.score)}** | |"
        )
        for rule_id in section.rules:
            r = report.rule(rule_id)
            lines.append(
                f"| | [{r.title}]({definition(r.rule)}) | {_score(r.score)} | "
                f"{r.flagged} of {r.checked} |"
            )
    for result in report.rules:
        if not result.findings:
            continue
        lines += ["", f"## {result.title} (§{result.section}, {result.paragraph})", ""]
        findings, more = _shown(result, limit)
        lines += [f"- `{f.location}`: {f.message}" for f in findings]
        if more:
            lines.append(f"- ... and {more} more")
    if report.unreadable:
        lines += ["", "## Not scanned", ""]
        lines += [
            f"- `{u.file}{f':{u.line}' if u.line else ''}`: {u.reason}" for u in report.unreadable
        ]
        lines += ["", _LIMITS_LINE]
    return "\n".join(lines) + "\n"
