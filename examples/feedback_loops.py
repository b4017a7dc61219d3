"""Feedback loops: a model that chooses its own training data.

Illustrates Sculley et al. 2015, "Hidden Technical Debt in Machine Learning
Systems" (``sculley2015hidden``), §4 "Feedback Loops". A *direct* loop: a
lender learns only from the applicants it approved, so a segment misjudged
early stays misjudged, while an arm that approves a random 10% of the
rejected applicants recovers. A *hidden* loop: a recommender and a separate
pricing model never read each other's output, yet through shoppers' purchases
the pricing model pushes the recommender's estimates away from the truth.

Run it: ``python examples/feedback_loops.py`` (about a second; figures go to
``outputs/feedback_loops/``, the run to MLflow).
"""

# %%
# Both worlds live in the library; the example sets their knobs.
from mlops_atlas.debt.feedback import (
    DirectLoopResult,
    HiddenLoopResult,
    simulate_direct_loop,
    simulate_hidden_loop,
)

SEED = 0
EXPLORE = 0.1  # share of rejected applicants the exploring lender approves anyway
PRICE_STEP = 0.1  # how strongly the pricing model reacts to demand

direct = simulate_direct_loop(seed=SEED, explore=EXPLORE)

# %%
# Direct loop. Segment 1 repays at 0.70, but an unlucky early sample said
# 0.30: the greedy lender never approves it again, so it never learns.
print("Direct loop: final estimates and labels collected per segment")
print(direct.table())
print(
    f"mean estimation error, last round: greedy {direct.greedy_error[-1]:.3f}, "
    f"exploring {direct.exploring_error[-1]:.3f}"
)

# %%
# Hidden loop. Same recommender, with and without the pricing model live.
hidden = simulate_hidden_loop(seed=SEED, price_step=PRICE_STEP)
print()
print("Hidden loop: recommender's mean error about product appeal")
for label, errors in (
    ("pricing model live", hidden.coupled_error),
    ("prices fixed", hidden.decoupled_error),
):
    late = sum(errors[-10:]) / 10
    print(f"  {label:<20} mean over the last 10 rounds: {late:.3f}")
prices = ", ".join(f"{p:.2f}" for p in hidden.final_prices)
print(f"  final price multipliers (products by true appeal, high to low): {prices}")


# %%
# A figure: both divergences over time.
from mlops_atlas.outputs import output_dir, save_figure


def plot(direct: DirectLoopResult, hidden: HiddenLoopResult):
    """Two panels: estimation error per round for each loop and its control."""
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.plot(direct.greedy_error, label="greedy (labels only where it approves)")
    left.plot(direct.exploring_error, "--", label=f"exploring ({EXPLORE:.0%} random approvals)")
    left.set(title="Direct loop: the greedy lender stays wrong", xlabel="round")
    left.set_ylabel("mean |estimate - true rate|")
    left.legend(fontsize=8)
    right.plot(hidden.coupled_error, label="pricing model live")
    right.plot(hidden.decoupled_error, "--", label="prices fixed")
    right.set(title="Hidden loop: pricing skews the recommender", xlabel="round")
    right.set_ylabel("mean |estimated - true appeal|")
    right.legend(fontsize=8)
    figure.tight_layout()
    return figure


figure = plot(direct, hidden)
saved = save_figure(figure, output_dir("feedback_loops"), "feedback-loops")
print(f"\nfigure: {saved.name}")

# %%
# Log the run to MLflow, as every example does.
from mlops_atlas.tracking import log_run

log_run(
    "sculley2015-feedback-loops",
    params={"seed": SEED, "explore": EXPLORE, "price_step": PRICE_STEP},
    metrics={
        "direct_greedy_error": direct.greedy_error[-1],
        "direct_exploring_error": direct.exploring_error[-1],
        "hidden_coupled_error": hidden.coupled_error[-1],
        "hidden_decoupled_error": hidden.decoupled_error[-1],
    },
    figures={"feedback-loops": figure},
    tables={"direct-loop": direct.table()},
    run_name="feedback_loops",
)
