"""Underutilized data dependencies (Sculley et al. 2015, §3), found and removed.

§3 names four ways a model comes to depend on inputs that add little: legacy
features (made redundant by later ones), bundled features (added as a group,
some or all useless), ε-features (a tiny gain for a real cost) and correlated
features (two carry the same signal, the model splits credit). The paper
suggests leave-one-feature-out evaluation to find them.

Here a synthetic dataset plants one of each next to three useful features,
and three detectors find them: leave-one-out importance (ε and legacy),
group ablation (a bundle), and correlation (a correlated twin). Removing
everything found costs nothing measurable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["PLANTED", "UnderutilizedResult", "find_underutilized", "make_dataset"]

PLANTED: Mapping[str, str] = {
    "epsilon": "eps",
    "legacy": "old_score",
    "bundled": "bundle_a, bundle_b",
    "correlated": "useful_1_copy",
}
"""The features this module plants, by kind (what a detector should find)."""

BUNDLES: Mapping[str, Sequence[str]] = {"vendor bundle": ("bundle_a", "bundle_b")}
"""Groups of features added together (metadata a team would keep)."""


def make_dataset(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Three useful features and one planted feature of each underutilized kind.

    - ``eps``: a true but tiny effect;
    - ``old_score``: an old proxy of ``useful_3`` (correlation about 0.7), redundant now;
    - ``bundle_a``, ``bundle_b``: added together, carry no signal;
    - ``useful_1_copy``: ``useful_1`` plus a little noise (correlation above 0.95).
    """
    useful = rng.standard_normal((n, 3))
    eps = rng.standard_normal(n)
    old_score = 0.7 * useful[:, 2] + np.sqrt(1 - 0.7**2) * rng.standard_normal(n)
    bundle = rng.standard_normal((n, 2))
    copy = useful[:, 0] + 0.25 * rng.standard_normal(n)
    logit = 1.2 * useful[:, 0] + 1.0 * useful[:, 1] + 0.8 * useful[:, 2] + 0.01 * eps
    labels = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    features = np.column_stack([useful, eps, old_score, bundle, copy])
    names = [
        "useful_1",
        "useful_2",
        "useful_3",
        "eps",
        "old_score",
        "bundle_a",
        "bundle_b",
        "useful_1_copy",
    ]
    return features, labels, names


@dataclass(frozen=True)
class UnderutilizedResult:
    """What the detectors found and what removing it cost.

    Attributes:
        names: Feature names, in column order.
        loo_importance: Rise of validation log-loss when each feature is left out.
        bundle_importance: Rise of validation log-loss when each bundle is left out.
        correlated_pairs: Pairs with absolute correlation above the limit.
        found: Kind of underutilized dependency to the features found.
        accuracy_all: Validation accuracy with every feature.
        accuracy_pruned: Validation accuracy without the features found.
    """

    names: tuple[str, ...]
    loo_importance: Mapping[str, float]
    bundle_importance: Mapping[str, float]
    correlated_pairs: tuple[tuple[str, str, float], ...]
    found: Mapping[str, tuple[str, ...]]
    accuracy_all: float
    accuracy_pruned: float

    @property
    def removed(self) -> tuple[str, ...]:
        """Every feature found, in column order."""
        flagged = {name for names in self.found.values() for name in names}
        return tuple(name for name in self.names if name in flagged)


def _fit_loss(x_train, y_train, x_valid, y_valid) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    model = LogisticRegression(C=1e4, max_iter=1000).fit(x_train, y_train)
    return float(log_loss(y_valid, model.predict_proba(x_valid))), float(
        model.score(x_valid, y_valid)
    )


def find_underutilized(
    *,
    seed: int = 0,
    n: int = 20_000,
    importance_floor: float = 0.001,
    correlation_limit: float = 0.9,
) -> UnderutilizedResult:
    """Plant, detect and remove underutilized features; measure the cost of removing them.

    Args:
        seed: Seed of the random generator.
        n: Examples; half train, half validate.
        importance_floor: A feature (or bundle) whose removal raises the validation
            log-loss by less than this adds nothing measurable.
        correlation_limit: Absolute correlation above which two features are twins;
            the twin with the lower leave-one-out importance is flagged.

    Returns:
        The detectors' measurements, what they found, and the accuracies.
    """
    rng = np.random.default_rng(seed)
    features, labels, names = make_dataset(n, rng)
    half = n // 2
    x_train, y_train, x_valid, y_valid = (
        features[:half],
        labels[:half],
        features[half:],
        labels[half:],
    )
    base_loss, base_accuracy = _fit_loss(x_train, y_train, x_valid, y_valid)

    def loss_without(drop: Sequence[int]) -> float:
        keep = [i for i in range(len(names)) if i not in drop]
        return _fit_loss(x_train[:, keep], y_train, x_valid[:, keep], y_valid)[0]

    loo = {name: loss_without([i]) - base_loss for i, name in enumerate(names)}
    bundle_importance = {
        bundle: loss_without([names.index(member) for member in members]) - base_loss
        for bundle, members in BUNDLES.items()
    }
    correlation = np.corrcoef(x_train, rowvar=False)
    pairs = tuple(
        (names[i], names[j], float(correlation[i, j]))
        for i in range(len(names))
        for j in range(i + 1, len(names))
        if abs(correlation[i, j]) > correlation_limit
    )

    in_bundle = {member for members in BUNDLES.values() for member in members}
    correlated = tuple(sorted({min((a, b), key=lambda name: loo[name]) for a, b, _ in pairs}))
    weak = [name for name in names if loo[name] < importance_floor and name not in in_bundle]
    weak = [name for name in weak if name not in correlated]
    # a weak feature that echoes a stronger one is legacy; one that echoes nothing is ε
    strongest_echo = {
        name: max(
            abs(correlation[names.index(name), j]) for j in range(len(names)) if names[j] != name
        )
        for name in weak
    }
    found = {
        "epsilon": tuple(name for name in weak if strongest_echo[name] < 0.3),
        "legacy": tuple(name for name in weak if strongest_echo[name] >= 0.3),
        "bundled": tuple(
            member
            for bundle, members in BUNDLES.items()
            if bundle_importance[bundle] < importance_floor
            for member in members
        ),
        "correlated": correlated,
    }
    flagged = {name for group in found.values() for name in group}
    keep = [i for i, name in enumerate(names) if name not in flagged]
    _, pruned_accuracy = _fit_loss(x_train[:, keep], y_train, x_valid[:, keep], y_valid)
    return UnderutilizedResult(
        names=tuple(names),
        loo_importance=loo,
        bundle_importance=bundle_importance,
        correlated_pairs=pairs,
        found=found,
        accuracy_all=base_accuracy,
        accuracy_pruned=pruned_accuracy,
    )
