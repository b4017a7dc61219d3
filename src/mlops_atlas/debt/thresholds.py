"""Fixed thresholds in a changing world, and a prediction-bias monitor (Sculley et al. 2015, §7).

§7 warns that a decision threshold chosen by hand on yesterday's data goes
stale when the world changes, and recommends learning thresholds on fresh
held-out data; it names *prediction bias* (the distribution of predicted
labels drifting away from the distribution of observed labels) as a cheap,
useful thing to monitor.

The world here: two classes, two Gaussian features, a model trained when the
classes are balanced. Then the class prior shifts (positives become rare).
Decisions carry a stated cost (a missed positive costs 5, a false alarm 1).
We measure the cost of keeping the old threshold, of re-learning it on a
small fresh labelled sample, and of the best threshold in hindsight; and we
run the prediction-bias monitor over a stream of batches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "COST_FALSE_NEGATIVE",
    "COST_FALSE_POSITIVE",
    "BiasMonitor",
    "ThresholdResult",
    "best_threshold",
    "decision_cost",
    "simulate_fixed_threshold",
]

COST_FALSE_NEGATIVE = 5.0
"""Cost of missing a positive (e.g. a fraud let through)."""

COST_FALSE_POSITIVE = 1.0
"""Cost of a false alarm (e.g. a legitimate case sent to review)."""

_MEANS = {0: np.array([0.0, 0.0]), 1: np.array([1.5, 1.0])}


def _draw(n: int, prior: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    labels = (rng.random(n) < prior).astype(int)
    features = rng.standard_normal((n, 2)) + np.where(labels[:, None] == 1, _MEANS[1], _MEANS[0])
    return features, labels


def decision_cost(scores: np.ndarray, labels: np.ndarray, threshold: float) -> float:
    """Mean cost per case of deciding "positive" when ``score >= threshold``.

    Examples:
        >>> decision_cost(np.array([0.9, 0.2]), np.array([1, 1]), 0.5)  # one miss out of two
        2.5
    """
    decisions = scores >= threshold
    misses = np.sum(~decisions & (labels == 1))
    alarms = np.sum(decisions & (labels == 0))
    return float((COST_FALSE_NEGATIVE * misses + COST_FALSE_POSITIVE * alarms) / len(labels))


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The threshold on a grid of 0.01 steps that minimises `decision_cost` on this data."""
    grid = np.round(np.arange(0.01, 1.0, 0.01), 2)
    costs = [decision_cost(scores, labels, threshold) for threshold in grid]
    return float(grid[int(np.argmin(costs))])


@dataclass(frozen=True)
class BiasMonitor:
    """Alarm when the mean predicted probability and the observed positive rate part ways.

    Attributes:
        tolerance: Largest acceptable absolute difference, per batch.
    """

    tolerance: float = 0.05

    def bias(self, scores: np.ndarray, labels: np.ndarray) -> float:
        """Prediction bias of one batch: mean predicted probability minus observed rate."""
        return float(np.mean(scores) - np.mean(labels))

    def alarms(self, scores: np.ndarray, labels: np.ndarray) -> bool:
        """True when the batch's prediction bias exceeds the tolerance."""
        return abs(self.bias(scores, labels)) > self.tolerance


@dataclass(frozen=True)
class ThresholdResult:
    """What the simulation measured.

    Attributes:
        prior_before: Share of positives when the model and threshold were set.
        prior_after: Share of positives after the shift.
        fixed_threshold: The threshold chosen on the old world.
        relearned_threshold: The threshold re-learned on a fresh labelled sample.
        cost_before: Cost per case of the fixed threshold in the old world.
        cost_fixed_after: Cost per case of the fixed threshold after the shift.
        cost_relearned_after: Cost per case of the re-learned threshold after the shift.
        cost_best_after: Cost per case of the best threshold in hindsight, after the shift.
        batch_bias: Prediction bias of each monitored batch, in order.
        batch_alarm: Whether the monitor fired on each batch.
        shift_batch: Index of the first batch drawn after the shift.
    """

    prior_before: float
    prior_after: float
    fixed_threshold: float
    relearned_threshold: float
    cost_before: float
    cost_fixed_after: float
    cost_relearned_after: float
    cost_best_after: float
    batch_bias: tuple[float, ...]
    batch_alarm: tuple[bool, ...]
    shift_batch: int

    @property
    def recovered(self) -> float:
        """Share of the cost increase (fixed vs best in hindsight) that re-learning recovers."""
        gap = self.cost_fixed_after - self.cost_best_after
        return (self.cost_fixed_after - self.cost_relearned_after) / gap if gap > 0 else 1.0

    @property
    def first_alarm(self) -> int | None:
        """Index of the first batch on which the monitor fired, if any."""
        return next((i for i, fired in enumerate(self.batch_alarm) if fired), None)


def simulate_fixed_threshold(
    *,
    seed: int = 0,
    prior_before: float = 0.5,
    prior_after: float = 0.1,
    n_train: int = 20_000,
    n_fresh: int = 2_000,
    batches: int = 20,
    batch_size: int = 2_000,
    tolerance: float = 0.05,
) -> ThresholdResult:
    """Train, set a threshold, shift the class prior, and measure costs and the monitor.

    Args:
        seed: Seed of the random generator.
        prior_before: Share of positives when training and choosing the threshold.
        prior_after: Share of positives after the shift.
        n_train: Examples to train on (and, separately, to choose the threshold on).
        n_fresh: Fresh labelled examples, after the shift, to re-learn the threshold on.
        batches: Batches in the monitored stream; the second half comes after the shift.
        batch_size: Examples per batch.
        tolerance: The monitor's tolerance on prediction bias.

    Returns:
        The costs, thresholds and the monitor's record.
    """
    from sklearn.linear_model import LogisticRegression  # slow import: only when simulating

    rng = np.random.default_rng(seed)
    train_x, train_y = _draw(n_train, prior_before, rng)
    model = LogisticRegression().fit(train_x, train_y)

    def score(features: np.ndarray) -> np.ndarray:
        return model.predict_proba(features)[:, 1]

    tune_x, tune_y = _draw(n_train, prior_before, rng)
    fixed = best_threshold(score(tune_x), tune_y)
    test_before_x, test_before_y = _draw(n_train, prior_before, rng)
    fresh_x, fresh_y = _draw(n_fresh, prior_after, rng)
    relearned = best_threshold(score(fresh_x), fresh_y)
    after_x, after_y = _draw(n_train, prior_after, rng)
    after_scores = score(after_x)

    monitor = BiasMonitor(tolerance=tolerance)
    shift_batch = batches // 2
    biases, alarms = [], []
    for index in range(batches):
        x, y = _draw(batch_size, prior_before if index < shift_batch else prior_after, rng)
        scores = score(x)
        biases.append(monitor.bias(scores, y))
        alarms.append(monitor.alarms(scores, y))

    return ThresholdResult(
        prior_before=prior_before,
        prior_after=prior_after,
        fixed_threshold=fixed,
        relearned_threshold=relearned,
        cost_before=decision_cost(score(test_before_x), test_before_y, fixed),
        cost_fixed_after=decision_cost(after_scores, after_y, fixed),
        cost_relearned_after=decision_cost(after_scores, after_y, relearned),
        cost_best_after=decision_cost(after_scores, after_y, best_threshold(after_scores, after_y)),
        batch_bias=tuple(biases),
        batch_alarm=tuple(alarms),
        shift_batch=shift_batch,
    )
