"""Underutilized dependencies (Sculley et al. 2015, §3): the detectors find exactly what was planted."""

from __future__ import annotations

import pytest

from mlops_atlas.debt.underutilized import find_underutilized

PLANTED = {
    "epsilon": ("eps",),
    "legacy": ("old_score",),
    "bundled": ("bundle_a", "bundle_b"),
    "correlated": ("useful_1_copy",),
}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_detectors_find_exactly_the_planted_features(seed: int) -> None:
    assert dict(find_underutilized(seed=seed).found) == PLANTED


def test_removing_them_costs_nothing_measurable() -> None:
    result = find_underutilized(seed=0)
    assert abs(result.accuracy_pruned - result.accuracy_all) < 0.005
    assert len(result.removed) == 5


def test_useful_features_are_kept_and_matter() -> None:
    result = find_underutilized(seed=0)
    for name in ("useful_1", "useful_2", "useful_3"):
        assert name not in result.removed
        assert result.loo_importance[name] > 0.001


def test_a_stronger_epsilon_is_no_longer_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from mlops_atlas.debt import underutilized

    original = underutilized.make_dataset

    def stronger(n: int, rng: np.random.Generator):
        features, labels, names = original(n, rng)
        # relabel with a real effect of eps: the detector must now keep it
        logit = 1.2 * features[:, 0] + features[:, 1] + 0.8 * features[:, 2] + 0.5 * features[:, 3]
        labels = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
        return features, labels, names

    monkeypatch.setattr(underutilized, "make_dataset", stronger)
    assert "eps" not in find_underutilized(seed=0).removed


def test_the_examples_chart_shows_every_feature_and_tells_the_kinds_apart(
    example_definitions,
) -> None:
    """Found features are worth ~0: each is still a marker, its kind a colour and a shape."""
    import matplotlib

    matplotlib.use("Agg")
    example = example_definitions("underutilized_features")
    result = find_underutilized(
        seed=example["SEED"],
        importance_floor=example["IMPORTANCE_FLOOR"],
        correlation_limit=example["CORRELATION_LIMIT"],
    )
    axis = example["plot"](result).axes[0]
    markers = [line for line in axis.lines if line.get_marker() not in (None, "None", "")]
    kinds = {
        (line.get_label(), line.get_color(), line.get_marker())
        for line in markers
        if not line.get_label().startswith("_")
    }
    texts = {text.get_text() for text in axis.texts}
    assert len(markers) == len(result.names)  # one per feature, whatever its value
    assert all(line.get_markersize() >= 6 for line in markers)
    assert {label for label, _, _ in kinds} == {"useful", *PLANTED}
    assert len({colour for _, colour, _ in kinds}) == len(kinds)  # five kinds, five colours
    assert len({marker for _, _, marker in kinds}) == len(kinds)  # and five shapes
    assert {f"{result.loo_importance[name]:+.4f}" for name in result.names} <= texts
