"""Checks of the data management stage (Ashmore et al. 2021, §4): complete, relevant, balanced, accurate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlops_atlas.assurance.results import CheckResult, Context, Status

__all__ = [
    "check_class_balance",
    "check_label_noise",
    "check_missing_values",
    "check_operational_coverage",
    "check_operational_support",
    "check_slice_balance",
]


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def _no_sample(check: str, desideratum: str, what: str) -> CheckResult:
    return CheckResult(
        check,
        desideratum,
        Status.NOT_APPLICABLE,
        None,
        None,
        f"no operational sample was given, so {what} cannot be measured",
        "give a sample of the inputs the model will see in operation (--operational SAMPLE.csv)",
    )


def check_missing_values(ctx: Context) -> CheckResult:
    """complete: the share of empty cells in the worst feature column."""
    frame = ctx.dataset.X
    shares = frame.isna().mean()
    worst = str(shares.idxmax())
    share, bound = float(shares.max()), ctx.thresholds.max_missing
    if share <= bound:
        return CheckResult(
            "complete/missing-values",
            "complete",
            Status.PASS,
            share,
            bound,
            f"the emptiest column, '{worst}', is empty in {_percent(share)} of rows",
            "none needed",
            culprit=worst if share > 0 else None,
        )
    return CheckResult(
        "complete/missing-values",
        "complete",
        Status.FAIL,
        share,
        bound,
        f"column '{worst}' is empty in {_percent(share)} of rows",
        f"find out why '{worst}' goes missing (and whether it goes missing in operation too) "
        "before filling it in; imputing hides the gap",
        culprit=worst,
    )


def _edges(data: pd.Series, sample: pd.Series, bins: int) -> np.ndarray:
    low = float(min(data.min(), sample.min()))
    high = float(max(data.max(), sample.max()))
    if high <= low:
        high = low + 1.0
    return np.linspace(low, high, bins + 1)


def _bin_of(values: pd.Series, edges: np.ndarray) -> np.ndarray:
    return np.clip(np.searchsorted(edges, values.to_numpy(), side="right") - 1, 0, len(edges) - 2)


def _intervals(bins: np.ndarray, edges: np.ndarray) -> str:
    """Runs of consecutive bins, written ``low–high``."""
    runs: list[list[int]] = []
    for index in sorted(set(bins.tolist())):
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return ", ".join(f"{edges[run[0]]:.3g}–{edges[run[-1] + 1]:.3g}" for run in runs)


def _numeric_coverage(
    data: pd.Series, sample: pd.Series, bins: int, min_rows: int
) -> tuple[float, str]:
    """Share of sample values in bins where ``data`` has at least ``min_rows`` values."""
    data, sample = data.dropna(), sample.dropna()
    if sample.empty or data.empty:
        return (1.0 if sample.empty else 0.0), ""
    edges = _edges(data, sample, bins)
    counts = np.bincount(_bin_of(data, edges), minlength=bins)
    sample_bins = _bin_of(sample, edges)
    uncovered = counts[sample_bins] < min_rows
    return 1.0 - float(uncovered.mean()), _intervals(sample_bins[uncovered], edges)


def _categorical_coverage(data: pd.Series, sample: pd.Series, min_rows: int) -> tuple[float, str]:
    counts = data.dropna().value_counts()
    sample = sample.dropna()
    if sample.empty:
        return 1.0, ""
    uncovered = sample.map(lambda value: counts.get(value, 0) < min_rows)
    return 1.0 - float(uncovered.mean()), ", ".join(sorted(set(sample[uncovered])))


def check_operational_coverage(ctx: Context) -> CheckResult:
    """complete: the share of operational rows that fall where the data has examples."""
    name = "complete/operational-coverage"
    if ctx.operational is None:
        return _no_sample(name, "complete", "the coverage of operational ranges")
    limits = ctx.thresholds
    data, sample = ctx.dataset.frame, ctx.operational
    coverage: dict[str, tuple[float, str]] = {}
    for column in ctx.dataset.numeric:
        coverage[column] = _numeric_coverage(
            data[column], sample[column], limits.coverage_bins, limits.min_bin_rows
        )
    for column in ctx.dataset.categorical:
        coverage[column] = _categorical_coverage(data[column], sample[column], limits.min_bin_rows)
    worst = min(coverage, key=lambda column: coverage[column][0])
    share, where = coverage[worst]
    if share >= limits.min_coverage:
        return CheckResult(
            name,
            "complete",
            Status.PASS,
            share,
            limits.min_coverage,
            f"every feature covers at least {_percent(share)} of operational rows "
            f"(least: '{worst}')",
            "none needed",
        )
    return CheckResult(
        name,
        "complete",
        Status.FAIL,
        share,
        limits.min_coverage,
        f"only {_percent(share)} of operational rows have '{worst}' where the data has "
        f"examples; uncovered: {worst} {where}",
        f"collect labelled examples with '{worst}' in {where}, or restrict the model's "
        "operating domain (and say so) to what the data covers",
        culprit=worst,
    )


def check_operational_support(ctx: Context) -> CheckResult:
    """relevant: the share of data rows that lie outside what operation produces."""
    name = "relevant/operational-support"
    if ctx.operational is None:
        return _no_sample(name, "relevant", "whether the data lie in the operational domain")
    data, sample = ctx.dataset.frame, ctx.operational
    outside = pd.Series(False, index=data.index)
    by_column: dict[str, float] = {}
    for column in ctx.dataset.numeric:
        present = sample[column].dropna()
        if present.empty:
            continue
        width = (present.max() - present.min()) / ctx.thresholds.coverage_bins
        low, high = present.min() - width, present.max() + width
        off = data[column].notna() & ((data[column] < low) | (data[column] > high))
        by_column[column] = float(off.mean())
        outside |= off
    for column in ctx.dataset.categorical:
        seen = set(sample[column].dropna())
        off = data[column].notna() & ~data[column].isin(seen)
        by_column[column] = float(off.mean())
        outside |= off
    share, bound = float(outside.mean()), ctx.thresholds.max_outside_operational
    worst = max(by_column, key=by_column.__getitem__) if by_column else None
    if share <= bound:
        return CheckResult(
            name,
            "relevant",
            Status.PASS,
            share,
            bound,
            f"{_percent(share)} of data rows lie outside the operational sample's ranges and values",
            "none needed",
        )
    return CheckResult(
        name,
        "relevant",
        Status.FAIL,
        share,
        bound,
        f"{_percent(share)} of data rows lie outside the operational sample's ranges and values, "
        f"most of them through '{worst}'",
        f"check whether those rows belong to the operating domain; if not, drop them (they "
        f"teach behaviour the model will never need), or widen the sample if '{worst}' does vary so",
        culprit=worst,
    )


def check_class_balance(ctx: Context) -> CheckResult:
    """balanced: the share of the rarest class."""
    shares = ctx.dataset.y.value_counts(normalize=True)
    rarest, share = str(shares.idxmin()), float(shares.min())
    bound = ctx.thresholds.min_class_share
    status = Status.PASS if share >= bound else Status.FAIL
    return CheckResult(
        "balanced/classes",
        "balanced",
        status,
        share,
        bound,
        f"the rarest class, '{rarest}', is {_percent(share)} of rows",
        "none needed"
        if status is Status.PASS
        else f"collect more rows of class '{rarest}', or weight it in training and judge the "
        "model per class",
        culprit=rarest if status is Status.FAIL else None,
    )


def check_slice_balance(ctx: Context) -> CheckResult:
    """balanced: how well each level of each categorical column is represented.

    With an operational sample, a level's share of the data is compared with its
    share in operation; without one, with a floor.
    """
    name = "balanced/slices"
    if not ctx.dataset.categorical:
        return CheckResult(
            name,
            "balanced",
            Status.NOT_APPLICABLE,
            None,
            None,
            "no categorical column to slice the data by",
            "slice by a binned numeric column yourself if groups matter",
        )
    limits, data = ctx.thresholds, ctx.dataset.frame
    worst: tuple[float, str, float, float | None] | None = None  # (score, slice, share, op share)
    for column in ctx.dataset.categorical:
        shares = data[column].value_counts(normalize=True)
        expected = (
            ctx.operational[column].value_counts(normalize=True)
            if ctx.operational is not None
            else None
        )
        levels = set(shares.index) | (set(expected.index) if expected is not None else set())
        for level in levels:
            share = float(shares.get(level, 0.0))
            if expected is not None:
                wanted = float(expected.get(level, 0.0))
                score = share / wanted if wanted > 0 else np.inf
            else:
                wanted, score = None, share
            if worst is None or score < worst[0]:
                worst = (score, f"{column}={level}", share, wanted)
    assert worst is not None
    score, where, share, wanted = worst
    if wanted is not None:
        bound = limits.min_representation
        finding = (
            f"'{where}' is {_percent(share)} of the data but {_percent(wanted)} of operation "
            f"(ratio {score:.2f})"
        )
    else:
        bound = limits.min_slice_share
        finding = f"the smallest slice, '{where}', is {_percent(share)} of rows"
    if score >= bound:
        return CheckResult(name, "balanced", Status.PASS, score, bound, finding, "none needed")
    return CheckResult(
        name,
        "balanced",
        Status.FAIL,
        score,
        bound,
        finding,
        f"collect more labelled rows with {where} (or re-weight them) and report the model's "
        "metrics for that slice on its own",
        culprit=where,
    )


def check_label_noise(ctx: Context) -> CheckResult:
    """accurate: the share of labels that a cross-validated model confidently contradicts.

    Each row is predicted by a model that did not see it (cross-validation); a row
    whose own label gets probability below ``1 - noise_confidence`` is suspected.
    Rows the model finds hard are not suspected: only confident disagreement counts.
    """
    limits = ctx.thresholds
    probabilities = ctx.out_of_fold
    labels = ctx.dataset.y
    own = probabilities.to_numpy()[
        np.arange(len(labels)), probabilities.columns.get_indexer(labels)
    ]
    suspected = own < 1 - limits.noise_confidence
    share = float(suspected.mean())
    order = np.argsort(own[suspected], kind="stable")
    rows = tuple(int(row) for row in labels.index[suspected][order])
    finding = (
        f"{int(suspected.sum())} rows ({_percent(share)}) carry a label that a cross-validated "
        f"model contradicts with probability ≥ {limits.noise_confidence:.2f}"
    )
    if share <= limits.max_label_noise:
        return CheckResult(
            "accurate/label-noise",
            "accurate",
            Status.PASS,
            share,
            limits.max_label_noise,
            finding,
            "none needed",
            rows=rows,
        )
    return CheckResult(
        "accurate/label-noise",
        "accurate",
        Status.FAIL,
        share,
        limits.max_label_noise,
        finding,
        "have a person re-label the suspected rows (listed, most suspect first) and fix the "
        "labelling process that produced them; do not just drop them",
        culprit=ctx.dataset.target,
        rows=rows,
    )
