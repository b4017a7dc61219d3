"""Feedback loops (Sculley et al. 2015, §4): direct and hidden loops diverge; their controls do not."""

from __future__ import annotations

import pytest

from mlops_atlas.debt.feedback import simulate_direct_loop, simulate_hidden_loop


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_greedy_lender_stays_stuck_on_a_misjudged_segment(seed: int) -> None:
    result = simulate_direct_loop(seed=seed)
    assert result.greedy_labels[1] == 0  # the loop hides segment 1 from the model
    assert result.greedy_estimates[1] == pytest.approx(0.30)  # the early bad estimate, unchanged
    assert result.greedy_error[-1] > 0.08  # mean error stays near its starting value
    assert result.greedy_error[-1] >= 0.9 * result.greedy_error[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exploring_lender_recovers(seed: int) -> None:
    result = simulate_direct_loop(seed=seed)
    assert result.exploring_labels[1] > 1_000
    assert abs(result.exploring_estimates[1] - 0.70) < 0.05
    assert result.exploring_error[-1] < 0.02
    assert result.exploring_error[-1] < 0.25 * result.greedy_error[-1]


def test_without_exploration_both_arms_are_the_same_lender() -> None:
    result = simulate_direct_loop(seed=0, explore=0.0)
    assert result.greedy_labels == result.exploring_labels
    assert result.exploring_estimates[1] == pytest.approx(0.30)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_live_pricing_model_pushes_the_recommender_away_from_the_truth(seed: int) -> None:
    result = simulate_hidden_loop(seed=seed)
    coupled = sum(result.coupled_error[-10:]) / 10
    decoupled = sum(result.decoupled_error[-10:]) / 10
    assert decoupled < 0.02  # with fixed prices the recommender learns the appeal
    assert coupled > 3 * decoupled  # the hidden loop keeps it wrong
    assert coupled < 0.2  # bounded: prices are clipped, estimates stay rates
    assert max(result.final_prices) > 1.5  # the pricing model really moved prices


def test_hidden_loop_vanishes_when_prices_are_fixed() -> None:
    result = simulate_hidden_loop(seed=0, price_step=0.0)
    assert result.coupled_error == result.decoupled_error
    assert result.final_prices == (1.0,) * 5


def test_bad_knobs_are_rejected_with_one_line() -> None:
    with pytest.raises(ValueError, match=r"^explore must be between 0 and 1, got 1\.5$"):
        simulate_direct_loop(explore=1.5)
    with pytest.raises(ValueError, match=r"^price_step must be non-negative, got -0\.1$"):
        simulate_hidden_loop(price_step=-0.1)


def test_every_name_the_debt_package_exports_resolves() -> None:
    # mlops_atlas.debt imports its simulations on first use (so `debt scan` needs no numpy):
    # each name it lists must come from the module its table names.
    import mlops_atlas.debt as debt

    for name in debt.__all__:
        assert getattr(debt, name).__name__ == name
