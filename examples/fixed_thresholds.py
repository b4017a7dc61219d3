"""Fixed thresholds in a changing world, and the monitor that notices.

Illustrates Sculley et al. 2015, "Hidden Technical Debt in Machine Learning
Systems" (``sculley2015hidden``), §7 "Dealing with Changes in the External
World": a decision threshold chosen on yesterday's data goes stale when the
world shifts, re-learning it on fresh held-out data repairs it, and watching
*prediction bias* (predicted versus observed label rates) raises the alarm.
A fraud-style classifier is trained when half the cases are positive; then
positives become rare (10%). A missed positive costs 5, a false alarm 1.

Run it: ``python examples/fixed_thresholds.py`` (a few seconds; figures go to
``outputs/fixed_thresholds/``, the run to MLflow).
"""

# %%
# The simulation lives in the library; the example sets its knobs.
from mlops_atlas.debt.thresholds import ThresholdResult, simulate_fixed_threshold

SEED = 0
PRIOR_BEFORE, PRIOR_AFTER = 0.5, 0.1  # share of positives before and after the shift
TOLERANCE = 0.05  # the monitor's tolerance on prediction bias

result = simulate_fixed_threshold(
    seed=SEED, prior_before=PRIOR_BEFORE, prior_after=PRIOR_AFTER, tolerance=TOLERANCE
)

# %%
# The threshold was tuned for the old world; after the shift it costs more.
print(f"positives: {PRIOR_BEFORE:.0%} -> {PRIOR_AFTER:.0%} of cases")
print(f"threshold tuned on the old world: {result.fixed_threshold:.2f}")
print(f"threshold re-learned on 2,000 fresh labelled cases: {result.relearned_threshold:.2f}")
print()
print(f"{'cost per case':<38}{'':>8}")
print(f"{'old world, fixed threshold':<38}{result.cost_before:>8.3f}")
print(f"{'new world, fixed threshold':<38}{result.cost_fixed_after:>8.3f}")
print(f"{'new world, re-learned threshold':<38}{result.cost_relearned_after:>8.3f}")
print(f"{'new world, best threshold in hindsight':<38}{result.cost_best_after:>8.3f}")
print(f"re-learning recovers {result.recovered:.0%} of the extra cost")

# %%
# The prediction-bias monitor: quiet before the shift, firing after it.
print()
print(
    f"prediction bias per batch (alarm above {TOLERANCE}); the shift starts at batch {result.shift_batch}"
)
for index, (bias, alarm) in enumerate(zip(result.batch_bias, result.batch_alarm, strict=True)):
    print(f"  batch {index:>2}  bias {bias:+.3f}  {'ALARM' if alarm else 'ok'}")


# %%
# A figure: the costs, and the monitor's bias per batch with its tolerance band.
from mlops_atlas.outputs import output_dir, save_figure


def plot(result: ThresholdResult):
    """Costs before and after the shift; prediction bias per batch with the alarm band."""
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    labels = ["old world\nfixed", "new world\nfixed", "new world\nre-learned", "new world\nbest"]
    costs = [
        result.cost_before,
        result.cost_fixed_after,
        result.cost_relearned_after,
        result.cost_best_after,
    ]
    left.bar(labels, costs, color=["#4c72b0", "#c44e52", "#55a868", "#8c8c8c"])
    left.set(title="Cost per case of each threshold", ylabel="cost per case")
    batches = range(len(result.batch_bias))
    right.axhspan(-0.05, 0.05, color="#55a868", alpha=0.15, label="tolerance")
    right.plot(batches, result.batch_bias, marker="o", color="#4c72b0", label="prediction bias")
    fired = [i for i, alarm in enumerate(result.batch_alarm) if alarm]
    right.scatter(
        fired, [result.batch_bias[i] for i in fired], color="#c44e52", zorder=3, label="alarm"
    )
    right.axvline(result.shift_batch - 0.5, color="black", linestyle="--", linewidth=0.8)
    right.set(
        title="The monitor fires after the shift",
        xlabel="batch",
        ylabel="mean predicted - observed",
    )
    right.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    return figure


figure = plot(result)
saved = save_figure(figure, output_dir("fixed_thresholds"), "fixed-thresholds")
print(f"\nfigure: {saved.name}")

# %%
# Log the run to MLflow, as every example does.
from mlops_atlas.tracking import log_run

log_run(
    "sculley2015-fixed-thresholds",
    params={"seed": SEED, "prior_before": PRIOR_BEFORE, "prior_after": PRIOR_AFTER},
    metrics={
        "cost_fixed_after": result.cost_fixed_after,
        "cost_relearned_after": result.cost_relearned_after,
        "first_alarm_batch": float(result.first_alarm if result.first_alarm is not None else -1),
    },
    figures={"fixed-thresholds": figure},
    run_name="fixed-thresholds",
)
