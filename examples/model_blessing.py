"""Model blessing: better on average, worse for one group, refused.

Illustrates Baylor et al. 2017, "TFX: A TensorFlow-Based Production-Scale
Machine Learning Platform" (``baylor2017tfx``): model evaluation and
validation as a gate before serving. As TFX's Evaluator does, a candidate is
"blessed" only if, on every slice of the evaluation data, its metric is not
worse than the production model's by the tolerance or more. Here the
candidate uses a stronger signal and wins overall, but it ignores that one
region behaves differently, and the gate refuses it and says where.

Run it: ``python examples/model_blessing.py`` (a few seconds; the figure goes
to ``outputs/model_blessing/``, the run to MLflow).
"""

# %%
# A world with four regions; in the south, the effect of x1 is reversed.
import numpy as np
import pandas as pd

from mlops_atlas.validation import bless, slice_metrics

SEED = 0
ROWS = 20_000
TOLERANCE = 0.01  # accuracy may drop by less than one point on any slice
REGIONS = ["east", "north", "south", "west"]


def make_world(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    """Two signals and a region; ``south`` (10% of rows) reverses x1's effect."""
    region = rng.choice(REGIONS, rows, p=[0.3, 0.3, 0.1, 0.3])
    x1, x2 = rng.normal(size=(2, rows))
    sign = np.where(region == "south", -1.0, 1.0)
    logit = 2.0 * sign * x1 + 2.0 * x2
    label = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"x1": x1, "x2": x2, "region": region, "label": label})


def baseline_features(frame: pd.DataFrame) -> np.ndarray:
    """The model in production: x1 with a south-specific term, no x2."""
    south = (frame["region"] == "south").to_numpy()
    return np.column_stack([frame["x1"], frame["x1"] * south])


def candidate_features(frame: pd.DataFrame) -> np.ndarray:
    """The candidate: adds the strong x2, but drops the south-specific term."""
    return frame[["x1", "x2"]].to_numpy()


# %%
# Train the model in production (the baseline) and the candidate on the same data.
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

rng = np.random.default_rng(SEED)
train, evaluation = make_world(rng, ROWS), make_world(rng, ROWS // 2)
baseline = LogisticRegression().fit(baseline_features(train), train["label"])
candidate = LogisticRegression().fit(candidate_features(train), train["label"])

# %%
# Accuracy overall and on each region, for both models, on the same evaluation data.
truth, regions = evaluation["label"].to_numpy(), evaluation["region"]
baseline_metrics = slice_metrics(
    truth, baseline.predict(baseline_features(evaluation)), regions, accuracy_score
)
candidate_metrics = slice_metrics(
    truth, candidate.predict(candidate_features(evaluation)), regions, accuracy_score
)
print(f"{'slice':<14}{'baseline':>10}{'candidate':>11}{'change':>9}")
for name, base in baseline_metrics.items():
    value = candidate_metrics[name]
    print(f"{name:<14}{base:>10.3f}{value:>11.3f}{value - base:>+9.3f}")

# %%
# The gate: no slice may lose TOLERANCE accuracy or more.
result = bless(candidate_metrics, baseline_metrics, tolerance=TOLERANCE, metric="accuracy")
print(f"\n{result.explain()}")
print(f"refused slices: {', '.join(result.failed_slices) or 'none'}")

# %%
# A figure: accuracy per slice, both models.
from mlops_atlas.outputs import output_dir, save_figure


def plot(baseline: dict[str, float], candidate: dict[str, float], failed: list[str]):
    """Accuracy per slice; the refused slices are marked."""
    import matplotlib.pyplot as plt

    names = list(baseline)
    positions = np.arange(len(names))
    figure, axes = plt.subplots(figsize=(8, 3.6))
    axes.bar(positions - 0.2, [baseline[n] for n in names], 0.4, label="baseline (in production)")
    axes.bar(positions + 0.2, [candidate[n] for n in names], 0.4, label="candidate")
    for position, name in zip(positions, names, strict=True):
        if name in failed:
            axes.annotate(
                "refused",
                (position + 0.2, candidate[name]),
                ha="center",
                va="bottom",
                color="#c0392b",
            )
    axes.set_xticks(positions, names)
    axes.set(
        ylim=(0.4, 1.0), ylabel="accuracy", title="Better overall, worse for the south: not blessed"
    )
    axes.legend(fontsize=8, loc="upper center", ncol=2)
    figure.tight_layout()
    return figure


figure = plot(baseline_metrics, candidate_metrics, result.failed_slices)
saved = save_figure(figure, output_dir("model_blessing"), "model_blessing-slices")
print(f"\nfigure: {saved.name}")

# %%
# Log the run to MLflow.
from mlops_atlas.tracking import log_run

log_run(
    "baylor2017-model-blessing",
    params={"seed": SEED, "rows": ROWS, "tolerance": TOLERANCE},
    metrics={
        "blessed": float(result.blessed),
        **{f"baseline_{k.replace('=', '_')}": v for k, v in baseline_metrics.items()},
        **{f"candidate_{k.replace('=', '_')}": v for k, v in candidate_metrics.items()},
    },
    figures={"model_blessing-slices": figure},
    tables={"verdict": result.explain()},
    run_name="model-blessing",
)
