"""Run the checks and report: every desideratum, checked or said to be uncheckable, with evidence."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from mlops_atlas.assurance import data_checks, model_checks
from mlops_atlas.assurance.data import Dataset, align_operational, prepare
from mlops_atlas.assurance.desiderata import DESIDERATA, desideratum
from mlops_atlas.assurance.results import CheckResult, Context, Status, Thresholds

__all__ = ["CHECKS", "AssuranceReport", "assure"]

CHECKS: dict[str, Callable[[Context], CheckResult]] = {
    "relevant/operational-support": data_checks.check_operational_support,
    "complete/missing-values": data_checks.check_missing_values,
    "complete/operational-coverage": data_checks.check_operational_coverage,
    "balanced/classes": data_checks.check_class_balance,
    "balanced/slices": data_checks.check_slice_balance,
    "accurate/label-noise": data_checks.check_label_noise,
    "performant/baselines": model_checks.check_baselines,
    "robust/perturbation": model_checks.check_perturbation,
    "interpretable/importance-stability": model_checks.check_importance_stability,
    "contextually-relevant/test-vs-operational": model_checks.check_test_vs_operational,
    "fit-for-purpose/latency": model_checks.check_latency,
    "tolerable/slice-error-bound": model_checks.check_slice_error_bound,
}
"""Every check by name, in the lifecycle order of its desideratum."""

_MARK = {
    Status.PASS: "PASS",
    Status.FAIL: "FAIL",
    Status.NOT_APPLICABLE: "n/a",
    Status.NOT_CHECKABLE: "people",
}


@dataclass
class AssuranceReport:
    """The verdicts of one assurance run, desideratum by desideratum.

    Attributes:
        results: One result per check run, then one ``NOT_CHECKABLE`` entry per
            desideratum no program can judge.
        source: The data's name (a file).
        rows: Rows of labelled data.
        model: What model was assured.
        notes: Remarks on the input (columns left out, and why).
    """

    results: list[CheckResult]
    source: str = "data"
    rows: int = 0
    model: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.failed

    @property
    def failed(self) -> list[CheckResult]:
        """The checks that failed."""
        return [result for result in self.results if result.failed]

    def result(self, check: str) -> CheckResult:
        """The result of the check called ``check``.

        Raises:
            KeyError: That check was not run.
        """
        for result in self.results:
            if result.check == check:
                return result
        raise KeyError(check)

    def summary(self) -> str:
        """One line: how many checks passed, failed, could not run, need people."""
        counts = dict.fromkeys(Status, 0)
        for result in self.results:
            counts[result.status] += 1
        return (
            f"{counts[Status.PASS]} passed, {counts[Status.FAIL]} failed, "
            f"{counts[Status.NOT_APPLICABLE]} not applicable, "
            f"{counts[Status.NOT_CHECKABLE]} need people"
        )

    def to_dict(self) -> dict[str, object]:
        """The report as JSON-ready data."""
        return {
            "source": self.source,
            "rows": self.rows,
            "model": self.model,
            "ok": self.ok,
            "summary": self.summary(),
            "notes": list(self.notes),
            "checks": [result.to_dict() for result in self.results],
        }

    def to_json(self) -> str:
        """The report as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_table(self, *, width: int = 100) -> str:
        """A plain-text report: one line per check, then its finding and action."""
        import textwrap

        lines = [f"Assurance of {self.source}: {self.rows} rows; model: {self.model}"]
        lines.extend(f"note: {note}" for note in self.notes)
        stage = None
        for result in self.results:
            here = desideratum(result.desideratum)
            if here.stage != stage:
                stage = here.stage
                lines.append(f"\n{stage.upper()} ({here.section})")
            evidence = _evidence(result)
            lines.append(f"  {_MARK[result.status]:<6} {result.check:<42} {evidence}".rstrip())
            for label, text in (("", result.finding), ("do: ", result.action)):
                if text and not (label and text == "none needed"):
                    lines.extend(
                        textwrap.wrap(
                            label + text,
                            width=width,
                            initial_indent=" " * 9,
                            subsequent_indent=" " * 13,
                        )
                    )
        lines.append(f"\n{self.summary()}")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """A Markdown report: a table of checks, then the findings that need action."""
        rows = [
            f"# Assurance of `{self.source}`\n",
            f"{self.rows} rows; model: {self.model}. {self.summary()}.\n",
            *(f"- Note: {note}" for note in self.notes),
            "",
            "| Stage | Desideratum | Check | Status | Measured | Threshold | Finding |",
            "|---|---|---|---|---|---|---|",
        ]
        for result in self.results:
            stage = desideratum(result.desideratum).stage
            rows.append(
                f"| {stage} | {result.desideratum} | `{result.check}` | {result.status} | "
                f"{_number(result.measured)} | {_number(result.threshold)} | "
                f"{result.finding.replace('|', '/')} |"
            )
        failed = self.failed
        if failed:
            rows.extend(["", "## What to do", ""])
            rows.extend(f"- **`{result.check}`**: {result.action}" for result in failed)
        return "\n".join(rows) + "\n"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _evidence(result: CheckResult) -> str:
    if result.measured is None:
        return ""
    if result.threshold is None:
        return f"{result.measured:.3f}"
    return f"{result.measured:.3f} (bound {result.threshold:g})"


def _uncheckable() -> list[CheckResult]:
    return [
        CheckResult(
            f"{item.name.replace(' ', '-')}/judgement",
            item.name,
            Status.NOT_CHECKABLE,
            None,
            None,
            f"no program can judge this: {item.why_not}",
            "argue it in the assurance case, with evidence a person reviews",
        )
        for item in DESIDERATA
        if not item.checkable
    ]


def _describe(model: object | None) -> str:
    if model is None:
        return "reference (gradient-boosted trees, scikit-learn)"
    steps = getattr(model, "steps", None)
    return type(steps[-1][1]).__name__ if steps else type(model).__name__


def assure(
    data: Dataset | pd.DataFrame,
    target: str | None = None,
    *,
    operational: pd.DataFrame | None = None,
    model: object | None = None,
    thresholds: Thresholds | None = None,
    seed: int = 0,
    checks: Iterable[str] | None = None,
    source: str = "data",
    threads: int | None = 1,
) -> AssuranceReport:
    """Check a labelled dataset and a classifier against the desiderata.

    Args:
        data: A prepared dataset, or a table with a ``target`` column.
        target: The class column (needed when ``data`` is a table).
        operational: Inputs seen (or expected) in operation; checks that compare with
            operation are not applicable without it.
        model: An unfitted scikit-learn classifier taking the feature columns; None
            fits `mlops_atlas.assurance.data.reference_model`.
        thresholds: The bounds (defaults: `Thresholds`).
        seed: Seed of the split, the model and every random draw.
        checks: Names of the checks to run (default: all, and the uncheckable
            desiderata are listed too).
        source: Name of the data for messages.
        threads: Threads for the model's native code (None: the library's default).

    Returns:
        The report.

    Raises:
        AssuranceInputError: The data cannot be assured (see `prepare`).
        KeyError: An unknown check name.

    Examples:
        >>> from mlops_atlas.assurance.synthetic import MachineWorld
        >>> frame = MachineWorld(seed=1).sample(400)
        >>> report = assure(frame, "failure", checks=["balanced/classes"])
        >>> report.result("balanced/classes").status
        <Status.PASS: 'pass'>
    """
    if isinstance(data, pd.DataFrame):
        if target is None:
            raise ValueError("assure(table, target): name the target column")
        data = prepare(data, target, source=source)
    sample = None if operational is None else align_operational(data, operational)
    context = Context(data, sample, thresholds or Thresholds(), seed, model)
    names = list(CHECKS) if checks is None else list(checks)
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        raise KeyError(f"unknown check(s) {', '.join(unknown)} (known: {', '.join(CHECKS)})")
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime, so that the limit reaches it)
    from threadpoolctl import threadpool_limits

    # One thread by default: on a small shared machine the trees' OpenMP threads wait on each
    # other and the checks run many times slower.
    with threadpool_limits(limits=threads):
        results = [CHECKS[name](context) for name in names]
    if checks is None:
        results.extend(_uncheckable())
        order = [item.name for item in DESIDERATA]
        results.sort(key=lambda result: order.index(result.desideratum))
    notes = [
        f"column '{name}' is not used as a feature: {why}" for name, why in data.ignored.items()
    ]
    return AssuranceReport(results, data.source, len(data.frame), _describe(model), notes)
