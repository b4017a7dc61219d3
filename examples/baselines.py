"""Baselines and metrics beyond accuracy, then the same search on one core and on all.

Illustrates Huyen 2022, "Designing Machine Learning Systems"
(``huyen2022designing``), ch. 6 "Model Development and Offline Evaluation":
baselines (random, majority, a simple heuristic) set against a linear model
and the model a team means to ship, judged on recall, ranking, calibration and
recall per slice as well as accuracy; then a hyper-parameter search run with
one worker and with one per core, timed (sections "Baselines", "Evaluation
Methods", "Distributed Training", "AutoML").

Run it: ``python examples/baselines.py`` (several seconds; the figure goes to
``outputs/baselines/``, the run to MLflow).
"""

# %%
# A churn task: about one customer in eight leaves. Support calls predict
# leaving, except in the south (a tenth of the customers), where a partner
# handles support. Train on 4,000 customers, test on 10,000 others.
import numpy as np

from mlops_atlas.training import compare_models, make_churn_data, standard_models

SEED = 0
rng = np.random.default_rng(SEED)
train, test = make_churn_data(4_000, rng), make_churn_data(10_000, rng)
print(f"churn rate: train {train['churned'].mean():.3f}, test {test['churned'].mean():.3f}")

# %%
# Four baselines and the model to ship, on the same test data. Accuracy alone
# ranks "always say the customer stays" above a working heuristic; recall, ROC
# AUC, the Brier score and the calibration error (ECE) tell them apart.
report = compare_models(standard_models(SEED), train, test)
print(report.table())

# %%
# Recall per region: an average hides the slice where a model fails.
print(report.slice_table())

# %%
# The same grid search (4 configurations x 3 folds, then a refit on all the
# training data: 13 fits), first with one worker, then with one per core. The
# second parallel run reuses the worker processes the first one started.
from mlops_atlas.training import available_cores, forest_search_space, ideal_speedup, timed_search

forest, grid = forest_search_space(SEED)
inputs, labels = train.drop(columns="churned"), train["churned"]
serial = timed_search(forest, grid, inputs, labels, n_jobs=1)
cold = timed_search(forest, grid, inputs, labels, n_jobs=-1)
warm = timed_search(forest, grid, inputs, labels, n_jobs=-1)
cores = available_cores()
ideal = ideal_speedup(serial.fits, cores, serial=1)
best = {name.split("__")[-1]: value for name, value in serial.best_params.items()}
print(
    f"cores: {cores}; fits per search: {serial.fits}; best: {best} (ROC AUC {serial.best_score:.3f})"
)
print(f"same winner on every run: {serial.best_params == cold.best_params == warm.best_params}")
runs = {
    "1 worker": serial,
    f"{cores} workers, starting them": cold,
    f"{cores} workers, reusing them": warm,
}
for label, timing in runs.items():
    print(f"{label:<30}{timing.seconds:6.2f} s  speed-up {serial.seconds / timing.seconds:.2f}x")
print(f"{f'ideal on {cores} cores':<38}speed-up {ideal:.2f}x", end="  ")
print(f"({serial.fits - 1} fits in waves of {cores}, then the refit alone)")

# %%
# A figure of calibration, then the run in MLflow (timings included: they are
# measurements of this run on this machine).
from mlops_atlas.outputs import output_dir, save_figure
from mlops_atlas.tracking import log_run
from mlops_atlas.training.charts import plot_calibration

models_shown = ("random", "rule", "linear", "forest")
figure = plot_calibration(report.labels, {name: report.scores[name] for name in models_shown})
save_figure(figure, output_dir("baselines"), "baselines-calibration")
log_run(
    "huyen2022-baselines",
    params={"seed": SEED, "rows": 4_000, "cores": cores, "fits": serial.fits},
    metrics={
        **{f"{name}_roc_auc": item.roc_auc for name, item in report.evaluations.items()},
        **{f"{name}_accuracy": item.accuracy for name, item in report.evaluations.items()},
        "serial_seconds": serial.seconds,
        "parallel_cold_seconds": cold.seconds,
        "parallel_warm_seconds": warm.seconds,
    },
    figures={"baselines-calibration": figure},
    tables={"baselines": report.table(), "slices": report.slice_table()},
    run_name="baselines",
)
