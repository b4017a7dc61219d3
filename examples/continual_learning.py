"""Continual learning: never, on a schedule, statefully, or when the monitor fires.

Illustrates Huyen 2022, "Designing Machine Learning Systems"
(``huyen2022designing``), ch. 9 "Continual Learning and Test in Production":
stateless retraining from scratch against stateful training, and when to
retrain (on a schedule, or triggered by a drift monitor), compared on one
drifting stream by accuracy over time and by the compute each policy spends.

Run it: ``python examples/continual_learning.py`` (a few seconds; the figure
goes to ``outputs/continual_learning/``, the run to MLflow).
"""

# %%
# The stream: 30 batches of 500 users. Every batch the users move a little and
# the boundary between those who convert and those who do not turns a little
# (both P(X) and P(Y | X) drift). Each batch is scored by the model in service,
# then its labels arrive and the policy may update the model.
#
# - never: the first model, for ever.
# - scheduled: every 5 batches, a new model from scratch on the last 3 batches.
# - stateful: after every batch, one more pass of the same model on that batch.
# - triggered: a new model from scratch on the last 3 batches, but only when the
#   input-drift monitor fires (the batch against the data the model learned from).
from mlops_atlas.training.continual import simulate_continual_learning

SEED = 0
result = simulate_continual_learning(
    seed=SEED, batches=30, batch_size=500, turn=0.06, every=5, window=3
)
print(result.table())

# %%
# Accuracy batch by batch (every third batch shown). The scheduled policy saws
# up and down between retrains; the triggered one retrains when the inputs have
# moved far enough; the stateful one follows the drift closely.
print(f"{'batch':>5}" + "".join(f"{name:>11}" for name in result.runs))
for index in range(0, result.batches, 3):
    print(
        f"{index + 1:>5}" + "".join(f"{run.accuracy[index]:>11.3f}" for run in result.runs.values())
    )
for name, run in result.runs.items():
    if run.retrained_at:
        print(f"{name}: retrained from scratch after batches {[i + 1 for i in run.retrained_at]}")

# %%
# Compute: a model trained from scratch makes 20 passes over 1,500 rows (30,000
# rows processed); a stateful update makes one pass over 500.
never, scheduled = result.runs["never"], result.runs["scheduled"]
stateful, triggered = result.runs["stateful"], result.runs["triggered"]
print(
    f"stateful spends {stateful.total_rows / scheduled.total_rows:.0%} of the scheduled "
    f"policy's compute and ends {stateful.mean_accuracy - scheduled.mean_accuracy:+.3f} "
    "in mean accuracy"
)
print(
    f"triggered retrains {len(triggered.retrained_at)} times instead of "
    f"{len(scheduled.retrained_at)}, for {triggered.total_rows / scheduled.total_rows:.0%} "
    "of the scheduled compute"
)

# %%
# A figure of both, then the run in MLflow.
from mlops_atlas.outputs import output_dir, save_figure
from mlops_atlas.tracking import log_run
from mlops_atlas.training.charts import plot_continual

figure = plot_continual(result)
save_figure(figure, output_dir("continual_learning"), "continual_learning-policies")
log_run(
    "huyen2022-continual-learning",
    params={"seed": SEED, "batches": 30, "batch_size": 500, "every": 5, "window": 3},
    metrics={
        **{f"{name}_mean_accuracy": run.mean_accuracy for name, run in result.runs.items()},
        **{f"{name}_rows_processed": run.total_rows for name, run in result.runs.items()},
    },
    figures={"continual_learning-policies": figure},
    tables={"policies": result.table()},
    run_name="continual-learning",
)
