"""Sculley et al. 2015's example scripts, as run for the site: what each prints is what it shows.

The simulations are tested on their own (``test_debt_*``); these tests read the
examples' own runs (shared with the site build) and check that the printed
numbers are the simulation's and say what the page says they say.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.examples


def test_feedback_loops_prints_a_greedy_lender_that_stays_wrong(example_run) -> None:
    run = example_run("feedback_loops")
    values = run.namespace()
    direct, hidden = values["direct"], values["hidden"]
    assert (
        f"greedy {direct.greedy_error[-1]:.3f}, exploring {direct.exploring_error[-1]:.3f}"
        in run.stdout
    )
    assert direct.exploring_error[-1] < direct.greedy_error[-1] / 2  # exploring recovers
    live, fixed = (
        sum(errors[-10:]) / 10 for errors in (hidden.coupled_error, hidden.decoupled_error)
    )
    assert f"pricing model live   mean over the last 10 rounds: {live:.3f}" in run.stdout
    assert live > 2 * fixed  # the hidden loop: pricing pushes the recommender off the truth
    assert [figure.name for figure in run.figures] == ["feedback-loops.svg"]


def test_fixed_thresholds_prints_the_cost_of_a_stale_threshold_and_the_alarm(example_run) -> None:
    run = example_run("fixed_thresholds")
    result = run.namespace()["result"]
    assert f"new world, fixed threshold{result.cost_fixed_after:>20.3f}" in run.stdout
    assert result.cost_fixed_after > result.cost_relearned_after >= result.cost_best_after
    alarms = re.findall(r"batch +(\d+) +bias [-+]\d\.\d{3} +(ALARM|ok)", run.stdout)
    assert len(alarms) == len(result.batch_bias)
    fired = [int(batch) for batch, word in alarms if word == "ALARM"]
    assert fired
    assert min(fired) >= result.shift_batch  # quiet before the shift, firing after
    assert [figure.name for figure in run.figures] == ["fixed-thresholds.svg"]


@pytest.mark.parametrize(
    "name", ["correction_cascade", "feedback_loops", "fixed_thresholds", "underutilized_features"]
)
def test_the_example_reads_cell_by_cell(example_run, name: str) -> None:
    """Each ``# %%`` cell is at module level: the page shows each cell's own output."""
    run = example_run(name)
    printed = [cell for cell in run.cells if cell.stdout.strip()]
    assert len(run.cells) >= 4
    assert len(printed) >= 2
    assert "".join(cell.stdout for cell in run.cells) == run.stdout
