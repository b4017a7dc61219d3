"""Distribution shifts: which monitor catches which, and how late.

Illustrates Huyen 2022, "Designing Machine Learning Systems"
(``huyen2022designing``), ch. 8 "Data Distribution Shifts and Monitoring":
covariate shift, label (prior) shift and concept drift applied to one task,
watched by three monitors side by side: input drift (this project's TFDV-style
comparators), prediction drift, and accuracy on labels that arrive late.

Run it: ``python examples/distribution_shifts.py`` (a few seconds; the figure
goes to ``outputs/distribution_shifts/``, the run to MLflow).
"""

# %%
# A model that predicts whether a free user converts to a paid plan is trained
# once. Then four streams of 12 batches arrive; from batch 4 on, each stream
# comes from a shifted world: none (the control), covariate, label, concept.
# The drift monitors' alarm levels are calibrated on 20 batches of held-out
# data from the unshifted world; labels arrive 3 batches after the prediction.
from mlops_atlas.monitoring import simulate_monitoring

SEED = 0
result = simulate_monitoring(seed=SEED, batches=12, batch_size=2_000, shift_at=4, delay=3)
print(f"accuracy on held-out data at training time: {result.reference_accuracy:.3f}")
print("alarm levels:", ", ".join(f"{k} {v:.3f}" for k, v in result.thresholds.items()))

# %%
# The verdict: on which batch after the shift began each monitor first fired.
print(result.table())

# %%
# Concept drift batch by batch. Inputs and scores do not move at all, so
# neither drift monitor can see anything; accuracy collapses at once, but the
# labels that show it only arrive three batches later.
print(result.trace("concept"))

# %%
# Label shift batch by batch: converters become the majority. The inputs move
# (converters look different), the scores move with them, and accuracy drops
# because the model still expects few converters.
print(result.trace("label"))

# %%
# A figure of every reading, then the run in MLflow.
from mlops_atlas.monitoring.charts import plot_monitors
from mlops_atlas.outputs import output_dir, save_figure
from mlops_atlas.tracking import log_run

figure = plot_monitors(result)
save_figure(figure, output_dir("distribution_shifts"), "distribution_shifts-monitors")
detections = {
    f"{shift}_{monitor.replace(' ', '_')}": float(result.detection(shift, monitor) or -1)
    for shift in result.readings
    for monitor in result.readings[shift]
}
log_run(
    "huyen2022-distribution-shifts",
    params={"seed": SEED, "batch_size": 2_000, "shift_at": 4, "delay": 3},
    metrics={"reference_accuracy": result.reference_accuracy, **detections},
    figures={"distribution_shifts-monitors": figure},
    tables={"detections": result.table()},
    run_name="distribution-shifts",
)
