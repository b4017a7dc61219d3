"""Checks of the model stages (Ashmore et al. 2021, §5-§7).

performant, robust and interpretable (model learning), contextually relevant (model
verification), fit-for-purpose and tolerable (model deployment).
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pandas as pd

from mlops_atlas.assurance.results import CheckResult, Context, Status

__all__ = [
    "check_baselines",
    "check_importance_stability",
    "check_latency",
    "check_perturbation",
    "check_slice_error_bound",
    "check_test_vs_operational",
    "wilson_upper",
]

_DRAWS = 2  # perturbation draws averaged per measurement
_PARTS = 3  # disjoint parts of the test set for importance stability


def _baseline(ctx: Context, classifier):
    """``classifier`` behind the reference model's encoding of the columns."""
    from sklearn.base import clone

    from mlops_atlas.assurance.data import reference_model

    pipeline = reference_model(ctx.dataset, ctx.seed)
    pipeline.steps[-1] = (pipeline.steps[-1][0], clone(classifier))
    return pipeline


def check_baselines(ctx: Context) -> CheckResult:
    """performant: the model's balanced accuracy on the test rows against simple baselines.

    The baselines are the majority class, a random guess in the class proportions,
    and the best one-split rule (a depth-1 tree) on the same features.
    """
    from sklearn.dummy import DummyClassifier
    from sklearn.tree import DecisionTreeClassifier

    train, test = ctx.split
    features, target = ctx.dataset.features, ctx.dataset.target
    model_score = ctx.score(test[target], ctx.test_predictions)
    baselines = {
        "majority class": DummyClassifier(strategy="most_frequent"),
        "random guess": DummyClassifier(strategy="stratified", random_state=ctx.seed),
        "one-split rule": DecisionTreeClassifier(max_depth=1, random_state=ctx.seed),
    }
    scores = {}
    for name, classifier in baselines.items():
        fitted = _baseline(ctx, classifier).fit(train[features], train[target])
        scores[name] = ctx.score(test[target], fitted.predict(test[features]))
    best = max(scores, key=scores.__getitem__)
    margin, bound = model_score - scores[best], ctx.thresholds.min_margin
    finding = (
        f"balanced accuracy {model_score:.3f} against {scores[best]:.3f} for the best baseline "
        f"({best}); margin {margin:+.3f}"
    )
    if margin >= bound:
        return CheckResult(
            "performant/baselines", "performant", Status.PASS, margin, bound, finding, "none needed"
        )
    return CheckResult(
        "performant/baselines",
        "performant",
        Status.FAIL,
        margin,
        bound,
        finding,
        f"the model does not earn its complexity over the {best}: look for features that "
        "carry the signal, or ship the baseline",
        culprit=best,
    )


def _plain(value: float) -> str:
    """Three decimals, without a minus sign on a rounded zero."""
    return f"{value:.3f}" if round(value, 3) != 0 else "0.000"


def _perturbed(frame: pd.DataFrame, columns: list[str], scales: pd.Series, rng) -> pd.DataFrame:
    noisy = frame.copy()
    for column in columns:
        noise = rng.normal(0.0, scales[column], size=len(frame))
        noisy[column] = frame[column] + noise  # NaN stays NaN
    return noisy


def check_perturbation(ctx: Context) -> CheckResult:
    """robust: how much balanced accuracy falls when numeric inputs get a little noise.

    Gaussian noise with a standard deviation of ``perturbation`` times each numeric
    feature's own (in the training rows) is added to the test rows; the fall is
    averaged over a few draws. Each feature is also perturbed alone, to name the one
    the model is most sensitive to. Categorical features are left as they are.
    """
    name = "robust/perturbation"
    numeric = ctx.dataset.numeric
    if not numeric:
        return CheckResult(
            name,
            "robust",
            Status.NOT_APPLICABLE,
            None,
            None,
            "no numeric feature to perturb",
            "test robustness with domain-specific changes",
        )
    train, test = ctx.split
    target = ctx.dataset.target
    X = test[ctx.dataset.features]  # noqa: N806
    scales = train[numeric].std().fillna(0.0) * ctx.thresholds.perturbation
    clean = ctx.score(test[target], ctx.test_predictions)
    rng = np.random.default_rng(ctx.seed)

    def fall(columns: list[str]) -> float:
        scores = [
            ctx.score(test[target], ctx.fitted.predict(_perturbed(X, columns, scales, rng)))
            for _ in range(_DRAWS)
        ]
        return clean - float(np.mean(scores))

    overall = fall(numeric)
    alone = {column: fall([column]) for column in numeric}
    culprit = max(alone, key=alone.__getitem__)
    bound = ctx.thresholds.max_robust_drop
    finding = (
        f"balanced accuracy falls by {_plain(overall)} (from {clean:.3f}) under noise of "
        f"{ctx.thresholds.perturbation:g} standard deviations on every numeric feature; "
        f"noise on '{culprit}' alone costs {_plain(alone[culprit])}"
    )
    if overall <= bound:
        return CheckResult(name, "robust", Status.PASS, overall, bound, finding, "none needed")
    return CheckResult(
        name,
        "robust",
        Status.FAIL,
        overall,
        bound,
        finding,
        f"the model leans on fine detail of '{culprit}': check that operation measures it as "
        "precisely; otherwise drop or coarsen it, or train with noise",
        culprit=culprit,
    )


def check_importance_stability(ctx: Context) -> CheckResult:
    """interpretable: do permutation importances tell the same story on different data?

    The test rows are split into disjoint parts; permutation importance (fall of
    balanced accuracy when a column is shuffled) is measured on each; the measure
    is the smallest Spearman correlation between two parts' importances. An
    explanation that changes with the sample explains the sample, not the model.
    """
    from scipy.stats import spearmanr
    from sklearn.inspection import permutation_importance

    name = "interpretable/importance-stability"
    features = ctx.dataset.features
    if len(features) < 3:
        return CheckResult(
            name,
            "interpretable",
            Status.NOT_APPLICABLE,
            None,
            None,
            f"{len(features)} feature(s): too few for a ranking to be compared",
            "inspect the model directly",
        )
    _, test = ctx.split
    shuffled = test.sample(frac=1.0, random_state=ctx.seed)
    parts = [shuffled.iloc[rows] for rows in np.array_split(np.arange(len(shuffled)), _PARTS)]
    importances = []
    for part in parts:
        result = permutation_importance(
            ctx.fitted,
            part[features],
            part[ctx.dataset.target],
            scoring="balanced_accuracy",
            n_repeats=3,
            random_state=ctx.seed,
        )
        importances.append(pd.Series(result.importances_mean, index=features))
    agreements = []
    for left, right in itertools.combinations(importances, 2):
        rho = spearmanr(left, right).statistic
        agreements.append(0.0 if math.isnan(rho) else float(rho))
    agreement, bound = min(agreements), ctx.thresholds.min_importance_agreement
    tops = [str(series.idxmax()) for series in importances]
    spread = pd.concat(importances, axis=1).rank(axis=0, ascending=False).std(axis=1)
    top = tops[0] if len(set(tops)) == 1 else None
    finding = (
        f"permutation importances on {_PARTS} disjoint parts of the test set agree with rank "
        f"correlation ≥ {agreement:.2f}; "
        + (
            f"'{top}' ranks first in every part"
            if top
            else f"the top feature changes: {', '.join(tops)}"
        )
    )
    if agreement >= bound:
        return CheckResult(
            name, "interpretable", Status.PASS, agreement, bound, finding, "none needed"
        )
    culprit = str(spread.idxmax())
    return CheckResult(
        name,
        "interpretable",
        Status.FAIL,
        agreement,
        bound,
        finding,
        f"do not explain this model by its feature ranking ('{culprit}' moves most); get more "
        "test data, or merge correlated features that trade places",
        culprit=culprit,
    )


def check_test_vs_operational(ctx: Context) -> CheckResult:
    """Contextually relevant: does the test set look like operation, feature by feature?

    Kolmogorov-Smirnov statistic for numeric features, L-infinity distance of the
    value frequencies (as TFDV computes it) for categorical ones; the measure is
    the largest.
    """
    from scipy.stats import ks_2samp

    from mlops_atlas.validation.drift import l_infinity_distance

    name = "contextually-relevant/test-vs-operational"
    if ctx.operational is None:
        return CheckResult(
            name,
            "contextually relevant",
            Status.NOT_APPLICABLE,
            None,
            None,
            "no operational sample was given, so the test set cannot be compared with operation",
            "give a sample of the inputs the model will see in operation (--operational SAMPLE.csv)",
        )
    _, test = ctx.split
    distances: dict[str, float] = {}
    for column in ctx.dataset.numeric:
        left, right = test[column].dropna(), ctx.operational[column].dropna()
        if len(left) and len(right):
            distances[column] = float(ks_2samp(left, right).statistic)
    for column in ctx.dataset.categorical:
        left = test[column].fillna("(missing)").value_counts().to_dict()
        right = ctx.operational[column].fillna("(missing)").value_counts().to_dict()
        distances[column] = l_infinity_distance(left, right)[0]
    worst = max(distances, key=distances.__getitem__)
    distance, bound = distances[worst], ctx.thresholds.max_distribution_distance
    finding = f"the largest test-vs-operation distance is {distance:.3f}, on '{worst}'"
    if distance <= bound:
        return CheckResult(
            name, "contextually relevant", Status.PASS, distance, bound, finding, "none needed"
        )
    return CheckResult(
        name,
        "contextually relevant",
        Status.FAIL,
        distance,
        bound,
        finding,
        f"the test set does not represent operation in '{worst}': verify on data drawn like "
        "operation (or re-weight the test set) before trusting its metrics",
        culprit=worst,
    )


def wilson_upper(errors: int, total: int, z: float = 1.96) -> float:
    """Upper end of the Wilson score interval for an error rate.

    Examples:
        >>> round(wilson_upper(0, 10), 3), round(wilson_upper(10, 100), 3)
        (0.278, 0.174)
    """
    if total == 0:
        return 1.0
    rate = errors / total
    centre = rate + z * z / (2 * total)
    half = z * math.sqrt(rate * (1 - rate) / total + z * z / (4 * total * total))
    return (centre + half) / (1 + z * z / total)


def check_slice_error_bound(ctx: Context) -> CheckResult:
    """tolerable: a 95% upper bound on the error rate, overall and on every slice.

    Slices are the levels of the categorical columns. A small slice gets a wide
    bound: few test rows cannot show that its errors stay tolerable.
    """
    _, test = ctx.split
    wrong = pd.Series(ctx.test_predictions != test[ctx.dataset.target].to_numpy(), index=test.index)
    bounds = {
        "all rows": (wilson_upper(int(wrong.sum()), len(wrong)), float(wrong.mean()), len(wrong))
    }
    for column in ctx.dataset.categorical:
        for level, rows in test.groupby(test[column].fillna("(missing)")).groups.items():
            errors = wrong.loc[rows]
            bounds[f"{column}={level}"] = (
                wilson_upper(int(errors.sum()), len(errors)),
                float(errors.mean()),
                len(errors),
            )
    worst = max(bounds, key=lambda key: bounds[key][0])
    upper, rate, count = bounds[worst]
    bound = ctx.thresholds.max_slice_error
    finding = f"worst slice '{worst}': error rate {rate:.3f} on {count} test rows, 95% upper bound {upper:.3f}"
    if upper <= bound:
        return CheckResult(
            "tolerable/slice-error-bound",
            "tolerable",
            Status.PASS,
            upper,
            bound,
            finding,
            "none needed",
        )
    return CheckResult(
        "tolerable/slice-error-bound",
        "tolerable",
        Status.FAIL,
        upper,
        bound,
        finding,
        f"errors on '{worst}' may exceed what the system tolerates: get more test rows for it to "
        "narrow the bound, improve the model there, or have the system abstain or defer on it",
        culprit=worst,
    )


def check_latency(ctx: Context) -> CheckResult:
    """fit-for-purpose: milliseconds per single-row prediction, against a budget if one is given."""
    name = "fit-for-purpose/latency"
    budget = ctx.thresholds.latency_budget_ms
    if budget is None:
        return CheckResult(
            name,
            "fit-for-purpose",
            Status.NOT_APPLICABLE,
            None,
            None,
            "no latency budget was given; fitness for purpose is judged against the system's "
            "requirements (latency, memory, interfaces)",
            "give the system's budget (--latency-budget-ms) to measure it",
        )
    _, test = ctx.split
    rows = test[ctx.dataset.features].head(50)
    ctx.fitted.predict(rows.head(1))  # warm up
    start = time.perf_counter()
    for index in range(len(rows)):
        ctx.fitted.predict(rows.iloc[[index]])
    per_row = 1000 * (time.perf_counter() - start) / max(len(rows), 1)
    status = Status.PASS if per_row <= budget else Status.FAIL
    return CheckResult(
        name,
        "fit-for-purpose",
        status,
        per_row,
        budget,
        f"{per_row:.2f} ms per single-row prediction (mean of {len(rows)})",
        "none needed"
        if status is Status.PASS
        else "use a smaller model, batch requests, or revisit the budget",
    )
