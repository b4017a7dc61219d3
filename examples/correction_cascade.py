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


def main() -> CascadeResult:
    """Run the simulation, print what it shows, save the figure, log the run."""
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
    # A figure, then the run in MLflow.
    from mlops_atlas.outputs import output_dir, save_figure
    from mlops_atlas.tracking import log_run

    figure = plot(result)
    save_figure(figure, output_dir("correction_cascade"), "correction-cascade")
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
    return result


def plot(result: CascadeResult):
    """Errors of model A and of the corrected system, before and after A improves."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 3.6))
    labels = ["model A\n(own target)", "A + correction\n(problem A')"]
    old = [result.a_error_old, result.system_error_old]
    new = [result.a_error_new, result.system_error_new]
    positions = range(len(labels))
    axis.bar([p - 0.2 for p in positions], old, 0.4, label="before A improves")
    axis.bar([p + 0.2 for p in positions], new, 0.4, label="after A improves")
    axis.set_xticks(list(positions), labels)
    axis.set(title="A gets better; the system built on it gets worse", ylabel="mean squared error")
    axis.legend(fontsize=8)
    figure.tight_layout()
    return figure


if __name__ == "__main__":
    main()
