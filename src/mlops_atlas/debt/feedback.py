"""Feedback loops (Sculley et al. 2015, §4): a model shapes its own training data.

Two seeded toy worlds, numpy only:

- **Direct loop** (§4, *Direct Feedback Loops*): a lender approves applicants
  from segments whose estimated repayment rate clears a bar and sees outcomes
  only for the applicants it approved. A segment misjudged early is never
  approved again, so its estimate never gets the labels that would correct
  it. An exploring arm also approves a random share of the rejected
  applicants (the randomization the paper suggests) and recovers.
- **Hidden loop** (§4, *Hidden Feedback Loops*): a recommender sends traffic
  to the products it believes sell best, and a separate pricing model raises
  the price of products with high demand. The two never read each other's
  output, but the world couples them: prices change purchase rates, which is
  the recommender's training data. Its estimate of each product's appeal
  drifts away from the truth; with fixed prices it does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DirectLoopResult", "HiddenLoopResult", "simulate_direct_loop", "simulate_hidden_loop"]


@dataclass(frozen=True)
class DirectLoopResult:
    """Estimation error of a greedy and an exploring lender, round by round.

    Attributes:
        true_rates: True repayment rate of each segment.
        greedy_estimates: Final estimates of the greedy lender.
        exploring_estimates: Final estimates of the exploring lender.
        greedy_error: Mean absolute estimation error per round (greedy).
        exploring_error: Mean absolute estimation error per round (exploring).
        greedy_labels: Labels the greedy lender collected per segment.
        exploring_labels: Labels the exploring lender collected per segment.
    """

    true_rates: tuple[float, ...]
    greedy_estimates: tuple[float, ...]
    exploring_estimates: tuple[float, ...]
    greedy_error: tuple[float, ...]
    exploring_error: tuple[float, ...]
    greedy_labels: tuple[int, ...]
    exploring_labels: tuple[int, ...]

    def table(self) -> str:
        """True rate, both final estimates and labels collected, per segment."""
        lines = [f"{'segment':<9}{'true':>6}{'greedy':>8}{'labels':>8}{'explore':>9}{'labels':>8}"]
        for k, true in enumerate(self.true_rates):
            lines.append(
                f"{k:<9}{true:>6.2f}{self.greedy_estimates[k]:>8.2f}{self.greedy_labels[k]:>8}"
                f"{self.exploring_estimates[k]:>9.2f}{self.exploring_labels[k]:>8}"
            )
        return "\n".join(lines)


def simulate_direct_loop(
    *,
    seed: int = 0,
    rounds: int = 40,
    applicants: int = 200,
    explore: float = 0.1,
    bar: float = 0.5,
) -> DirectLoopResult:
    """Run a greedy and an exploring lender on the same applicants.

    Segment 1 repays at 0.70 but an early unlucky sample put its estimate at
    0.30 (worth 20 pseudo-observations); segment 3 is the reverse. Every
    round each segment sends ``applicants`` applicants; the lender approves a
    segment if its estimate is at least ``bar`` and learns the outcomes of the
    approved applicants only.

    Args:
        seed: Seed of the random generator.
        rounds: Number of rounds.
        applicants: Applicants per segment per round.
        explore: Share of rejected applicants the exploring arm approves anyway.
        bar: Estimated repayment rate a segment needs to be approved.

    Returns:
        Both arms' estimates, errors per round and labels collected.

    Raises:
        ValueError: If ``explore`` is not in [0, 1] or ``rounds`` < 1.

    Examples:
        >>> result = simulate_direct_loop(rounds=5)
        >>> result.greedy_labels[1]
        0
    """
    if not 0.0 <= explore <= 1.0:
        raise ValueError(f"explore must be between 0 and 1, got {explore}")
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    rng = np.random.default_rng(seed)
    true = np.array([0.80, 0.70, 0.60, 0.35, 0.20])
    prior_mean = np.array([0.80, 0.30, 0.60, 0.55, 0.20])  # segments 1 and 3 misjudged early
    prior_n = 20.0

    arms = {}
    for arm, share in (("greedy", 0.0), ("exploring", explore)):
        good = prior_mean * prior_n
        seen = np.full(len(true), prior_n)
        labels = np.zeros(len(true), dtype=int)
        errors = []
        arm_rng = np.random.default_rng(rng.integers(2**32))
        for _ in range(rounds):
            estimate = good / seen
            outcomes = arm_rng.random((len(true), applicants)) < true[:, None]
            approved = np.where(estimate[:, None] >= bar, True, False)
            approved = approved | (arm_rng.random((len(true), applicants)) < share)
            good += (outcomes & approved).sum(axis=1)
            seen += approved.sum(axis=1)
            labels += approved.sum(axis=1)
            errors.append(float(np.abs(good / seen - true).mean()))
        arms[arm] = (good / seen, tuple(errors), labels)

    return DirectLoopResult(
        true_rates=tuple(float(v) for v in true),
        greedy_estimates=tuple(float(v) for v in arms["greedy"][0]),
        exploring_estimates=tuple(float(v) for v in arms["exploring"][0]),
        greedy_error=arms["greedy"][1],
        exploring_error=arms["exploring"][1],
        greedy_labels=tuple(int(v) for v in arms["greedy"][2]),
        exploring_labels=tuple(int(v) for v in arms["exploring"][2]),
    )


@dataclass(frozen=True)
class HiddenLoopResult:
    """The recommender's error about product appeal, with and without the pricing model.

    Attributes:
        appeal: True purchase rate of each product at the base price.
        coupled_error: Mean absolute error of the recommender's appeal
            estimates per round when the pricing model is live.
        decoupled_error: The same with prices fixed at the base price.
        final_prices: Price multipliers at the end of the coupled run.
    """

    appeal: tuple[float, ...]
    coupled_error: tuple[float, ...]
    decoupled_error: tuple[float, ...]
    final_prices: tuple[float, ...]


def simulate_hidden_loop(
    *,
    seed: int = 0,
    rounds: int = 60,
    visitors: int = 2_000,
    price_step: float = 0.1,
) -> HiddenLoopResult:
    """Couple a recommender and a pricing model through shoppers' purchases.

    Each round the recommender shows its top two products to 80% of visitors
    and a random product to the rest; it estimates each product's appeal as
    its recent purchase rate (exponentially weighted). The pricing model,
    owned by another team, moves each product's price multiplier by
    ``price_step`` times its relative demand (purchases versus the average).
    A shopper buys a shown product with probability appeal / price.

    Args:
        seed: Seed of the random generator.
        rounds: Number of rounds.
        visitors: Visitors per round.
        price_step: How strongly the pricing model reacts to demand (0 = fixed prices).

    Returns:
        The recommender's estimation error per round in both worlds.

    Raises:
        ValueError: If ``price_step`` is negative or ``rounds`` < 1.

    Examples:
        >>> result = simulate_hidden_loop(rounds=30)
        >>> result.coupled_error[-1] > result.decoupled_error[-1]
        True
    """
    if price_step < 0:
        raise ValueError(f"price_step must be non-negative, got {price_step}")
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    appeal = np.array([0.30, 0.25, 0.20, 0.15, 0.10])
    errors: dict[str, tuple[float, ...]] = {}
    prices = np.ones(len(appeal))
    for world, step in (("coupled", price_step), ("decoupled", 0.0)):
        rng = np.random.default_rng(seed)
        estimate = np.full(len(appeal), appeal.mean())
        prices = np.ones(len(appeal))
        history = []
        for _ in range(rounds):
            top = np.argsort(-estimate)[:2]
            shown = np.where(rng.random(visitors) < 0.8, rng.choice(top, visitors), 0)
            explore = rng.random(visitors) >= 0.8
            shown[explore] = rng.integers(0, len(appeal), explore.sum())
            bought = rng.random(visitors) < np.minimum(appeal[shown] / prices[shown], 1.0)
            shows = np.bincount(shown, minlength=len(appeal))
            sales = np.bincount(shown[bought], minlength=len(appeal))
            rate = np.divide(sales, shows, out=estimate.copy(), where=shows > 0)
            estimate = 0.7 * estimate + 0.3 * rate
            demand = sales / max(sales.mean(), 1e-9)
            prices = np.clip(prices + step * (demand - 1.0), 0.5, 3.0)
            history.append(float(np.abs(estimate - appeal).mean()))
        errors[world] = tuple(history)
        if world == "coupled":
            final_prices = prices.copy()
    return HiddenLoopResult(
        appeal=tuple(float(v) for v in appeal),
        coupled_error=errors["coupled"],
        decoupled_error=errors["decoupled"],
        final_prices=tuple(float(v) for v in final_prices),
    )
