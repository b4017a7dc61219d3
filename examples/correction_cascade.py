"""Correction cascade: "improving" the upstream model makes the system worse.

Illustrates Sculley et al. 2015, "Hidden Technical Debt in Machine Learning
Systems" (``sculley2015hidden``), §2 "Complex Models Erode Boundaries",
*Correction Cascades*: a model for a slightly different problem A' is learned
as a correction on top of model A. The correction encodes A's errors, so when
A is improved on its own objective and redeployed, the corrected system gets
worse, until the correction is learned again.

Run it: ``python examples/correction_cascade.py`` (a few seconds; figures go to
``outputs/correction_cascade/``, the run to MLflow).
"""

# %%
# The simulation lives in the library; the example sets its knobs.
from mlops_atlas.debt.cascade import CascadeResult, simulate_cascade

SEED = 0

result = simulate_cascade(seed=SEED)

# %%
# Mean squared errors: A gets better at its own job, the system gets worse at A'.
print("mean squared error")
print(result.table())
print()
print(
    f"improving A multiplied the system's error on A' by "
    f"{result.system_error_new / result.system_error_old:.0f}"
)


# %%
# A figure: the five errors, on a log scale so the smallest still shows.
from mlops_atlas.outputs import output_dir, save_figure


def plot(result: CascadeResult):
    """The five errors of the table, on a log scale and each labelled with its value.

    The errors span four orders of magnitude (0.00002 to 0.17): on a linear axis the
    small ones are bars too thin to see, as if they were missing.
    """
    import matplotlib.pyplot as plt

    before, after, relearned = "#4c72b0", "#dd8452", "#55a868"
    rows = [
        ("model A, own target: old A", result.a_error_old, before),
        ("model A, own target: improved A", result.a_error_new, after),
        ("A + correction, problem A': old A", result.system_error_old, before),
        ("A + correction, problem A': improved A", result.system_error_new, after),
        ("A + re-learned correction: improved A", result.system_error_retrained, relearned),
    ]
    figure, axis = plt.subplots(figsize=(8, 3.8))
    labels, values, colours = zip(*rows, strict=True)
    bars = axis.barh(labels, values, color=colours)
    axis.bar_label(bars, labels=[f"{v:.5f}" for v in values], padding=4, fontsize=9)
    axis.set_xscale("log")
    axis.set_xlim(min(values) / 3, max(values) * 8)  # room for the labels
    axis.invert_yaxis()
    axis.set(
        title="A gets better; the system built on it gets worse",
        xlabel="mean squared error (log scale)",
    )
    figure.tight_layout()
    return figure


figure = plot(result)
saved = save_figure(figure, output_dir("correction_cascade"), "correction-cascade")
print(f"\nfigure: {saved.name}")

# %%
# Log the run to MLflow, as every example does.
from mlops_atlas.tracking import log_run

log_run(
    "sculley2015-correction-cascade",
    params={"seed": SEED},
    metrics={
        "a_error_old": result.a_error_old,
        "a_error_new": result.a_error_new,
        "system_error_old": result.system_error_old,
        "system_error_new": result.system_error_new,
    },
    figures={"correction-cascade": figure},
    run_name="correction-cascade",
)
