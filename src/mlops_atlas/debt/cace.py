"""CACE, "Changing Anything Changes Everything" (Sculley et al. 2015, §2, Entanglement).

A model mixes its input signals, so no input is isolated: change how one
feature is distributed, retrain, and the weights of the *other* features move
too. This module makes that observable on synthetic data with a known truth.

The world: four standardised features. ``x1`` and ``x2`` are correlated
(they share a latent cause); ``x3`` and ``x4`` are independent of everything.
The label depends on all four through a logistic model. The change: an
upstream producer starts sending ``x1`` with measurement noise (its
distribution widens; nothing else about the world changes). We retrain on the
changed data and measure how far every weight moved, and how many
predictions flip on the same inputs (prediction churn).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

__all__ = ["FEATURES", "CaceResult", "make_world", "simulate_cace"]

FEATURES = ("x1", "x2", "x3", "x4")
"""Feature names; ``x1`` is the one whose distribution changes."""

TRUE_WEIGHTS = np.array([1.0, 1.0, 0.5, -0.5])
"""The logistic model that generates the labels."""


@dataclass(frozen=True)
class CaceResult:
    """What one CACE experiment measured.

    Attributes:
        features: Feature names, in column order.
        weights_before: Learned weights on the original data.
        weights_after: Learned weights after ``x1`` changed and the model was retrained.
        x1_std_before: Standard deviation of ``x1`` before the change.
        x1_std_after: Standard deviation of ``x1`` after the change.
        churn: Share of predictions (on one fixed batch of new inputs) whose class
            differs between the old and the retrained model.
        accuracy_before: Old model's accuracy on data from the old world.
        accuracy_after: Retrained model's accuracy on data from the new world.
    """

    features: tuple[str, ...]
    weights_before: tuple[float, ...]
    weights_after: tuple[float, ...]
    x1_std_before: float
    x1_std_after: float
    churn: float
    accuracy_before: float
    accuracy_after: float

    @property
    def weight_change(self) -> dict[str, float]:
        """Absolute change of each feature's weight, by feature name."""
        return {
            name: after - before
            for name, before, after in zip(
                self.features, self.weights_before, self.weights_after, strict=True
            )
        }

    @property
    def relative_change(self) -> dict[str, float]:
        """Change of each weight relative to its size before the change."""
        return {
            name: (after - before) / abs(before)
            for name, before, after in zip(
                self.features, self.weights_before, self.weights_after, strict=True
            )
        }

    def table(self) -> str:
        """The weights before and after as a fixed-width text table."""
        lines = [f"{'feature':<8}{'before':>9}{'after':>9}{'change':>9}{'relative':>10}"]
        for name, before, after in zip(
            self.features, self.weights_before, self.weights_after, strict=True
        ):
            relative = (after - before) / abs(before)
            lines.append(
                f"{name:<8}{before:>9.3f}{after:>9.3f}{after - before:>+9.3f}{relative:>+10.1%}"
            )
        return "\n".join(lines)


def make_world(
    n: int, *, correlation: float, x1_noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` examples of the synthetic world.

    Args:
        n: Number of examples.
        correlation: Correlation between the true ``x1`` and ``x2``.
        x1_noise: Standard deviation of the noise the upstream producer adds to
            ``x1`` (0 before the change).
        rng: The random generator (seeded by the caller).

    Returns:
        The observed features, shape ``(n, 4)``, and the binary labels.
    """
    latent = rng.standard_normal(n)
    x1 = latent
    x2 = correlation * latent + np.sqrt(1 - correlation**2) * rng.standard_normal(n)
    x3 = rng.standard_normal(n)
    x4 = rng.standard_normal(n)
    true_features = np.column_stack([x1, x2, x3, x4])
    probability = 1 / (1 + np.exp(-(true_features @ TRUE_WEIGHTS)))
    labels = (rng.random(n) < probability).astype(int)
    observed = true_features.copy()
    observed[:, 0] += x1_noise * rng.standard_normal(n)  # only what the model sees changes
    return observed, labels


def _fit(features: np.ndarray, labels: np.ndarray) -> LogisticRegression:
    from sklearn.linear_model import LogisticRegression  # slow import: only when fitting

    # A large C keeps regularisation out of the way: the weights move because the data did.
    return LogisticRegression(C=1e6, max_iter=1000).fit(features, labels)


def simulate_cace(
    *, seed: int = 0, n: int = 20_000, correlation: float = 0.8, x1_noise: float = 1.0
) -> CaceResult:
    """Train, change the distribution of ``x1``, retrain, and measure what moved.

    Args:
        seed: Seed of the random generator: the same seed gives the same result.
        n: Training examples in each world (and in each evaluation batch).
        correlation: Correlation between ``x1`` and ``x2``.
        x1_noise: Standard deviation of the noise added to ``x1`` by the change.

    Returns:
        The weights before and after, the churn and the accuracies.

    Examples:
        >>> result = simulate_cace(seed=0, n=5_000)
        >>> result.relative_change["x2"] > 0.3  # x2 picks up what x1 no longer carries
        True
    """
    rng = np.random.default_rng(seed)
    old_x, old_y = make_world(n, correlation=correlation, x1_noise=0.0, rng=rng)
    new_x, new_y = make_world(n, correlation=correlation, x1_noise=x1_noise, rng=rng)
    old_model, new_model = _fit(old_x, old_y), _fit(new_x, new_y)

    batch_x, batch_y = make_world(n, correlation=correlation, x1_noise=x1_noise, rng=rng)
    old_test_x, old_test_y = make_world(n, correlation=correlation, x1_noise=0.0, rng=rng)
    churn = float(np.mean(old_model.predict(batch_x) != new_model.predict(batch_x)))
    return CaceResult(
        features=FEATURES,
        weights_before=tuple(float(w) for w in old_model.coef_[0]),
        weights_after=tuple(float(w) for w in new_model.coef_[0]),
        x1_std_before=float(old_x[:, 0].std()),
        x1_std_after=float(new_x[:, 0].std()),
        churn=churn,
        accuracy_before=float(old_model.score(old_test_x, old_test_y)),
        accuracy_after=float(new_model.score(batch_x, batch_y)),
    )
