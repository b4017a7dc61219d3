"""Behavioural tests of the CACE simulation: the effects the example claims."""

from __future__ import annotations

import pytest

from mlops_atlas.debt.cace import simulate_cace


@pytest.fixture(scope="module")
def result():
    return simulate_cace(seed=0, n=20_000)


def test_only_x1_distribution_changes(result) -> None:
    assert result.x1_std_before == pytest.approx(1.0, abs=0.02)
    assert result.x1_std_after == pytest.approx(2**0.5, abs=0.03)  # unit variance + unit noise


def test_correlated_feature_absorbs_the_signal(result) -> None:
    change = result.relative_change
    assert change["x1"] < -0.5  # the noisy input loses most of its weight
    assert change["x2"] > 0.3  # its correlated twin takes over


def test_independent_features_move_too_but_less(result) -> None:
    change = result.relative_change
    for name in ("x3", "x4"):
        assert 0.01 < abs(change[name]) < abs(change["x2"])
        # logistic regression shrinks toward zero when signal is lost
        assert abs(result.weights_after[result.features.index(name)]) < abs(
            result.weights_before[result.features.index(name)]
        )


def test_predictions_churn(result) -> None:
    assert 0.05 < result.churn < 0.25


def test_no_change_no_movement() -> None:
    calm = simulate_cace(seed=0, n=20_000, x1_noise=0.0)
    assert max(abs(value) for value in calm.relative_change.values()) < 0.1
    assert calm.churn < 0.03


def test_same_seed_same_result() -> None:
    assert simulate_cace(seed=3, n=2_000) == simulate_cace(seed=3, n=2_000)


def test_table_shows_every_feature(result) -> None:
    lines = result.table().splitlines()
    assert [line.split()[0] for line in lines[1:]] == list(result.features)
    assert f"{result.weights_after[1]:.3f}" in lines[2]
