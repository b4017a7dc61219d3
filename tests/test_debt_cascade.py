"""Correction cascade (Sculley et al. 2015, §2): improving A hurts A + correction, re-learning repairs."""

from __future__ import annotations

import pytest

from mlops_atlas.debt.cascade import simulate_cascade


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_improving_the_upstream_model_makes_the_stacked_system_worse(seed: int) -> None:
    result = simulate_cascade(seed=seed)
    assert result.a_error_new < 0.1 * result.a_error_old  # A really improves on its own target
    assert result.system_error_new > 10 * result.system_error_old  # the system on A' degrades


def test_relearning_the_correction_repairs_the_system() -> None:
    result = simulate_cascade(seed=0)
    assert result.system_error_retrained < result.system_error_old


def test_table_lists_all_five_errors() -> None:
    lines = simulate_cascade(seed=0).table().splitlines()
    assert len(lines) == 5
    assert lines[3].startswith("A + correction, on problem A' (improved A)")


def test_the_examples_chart_shows_every_error_however_small(example_definitions) -> None:
    """Errors from 0.00002 to 0.17: on a log scale every bar has a visible length and a label."""
    import matplotlib

    matplotlib.use("Agg")
    example = example_definitions("correction_cascade")
    result = simulate_cascade(seed=example["SEED"])
    figure = example["plot"](result)
    figure.canvas.draw()
    axis = figure.axes[0]
    widths = [bar.get_window_extent().width for bar in axis.patches]
    labels = {text.get_text() for text in axis.texts}
    values = [
        result.a_error_old,
        result.a_error_new,
        result.system_error_old,
        result.system_error_new,
        result.system_error_retrained,
    ]
    assert axis.get_xscale() == "log"
    assert len(widths) == len(values)
    assert min(widths) > 0.1 * max(widths)  # the smallest error is a bar one can see
    assert {f"{value:.5f}" for value in values} <= labels
