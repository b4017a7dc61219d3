"""CACE: changing one input changes every weight.

Illustrates Sculley et al. 2015, "Hidden Technical Debt in Machine Learning
Systems" (``sculley2015hidden``), §2 "Complex Models Erode Boundaries",
*Entanglement*: a model mixes its signals, so Changing Anything Changes
Everything. We train a logistic regression on four features (``x1`` and ``x2``
correlated, ``x3`` and ``x4`` independent), let an upstream producer start
sending ``x1`` with measurement noise, retrain, and measure how far the
weights of the *other* features moved and how many predictions flip.

Run it: ``python examples/cace.py`` (about a second; figures go to
``outputs/cace/``, the run to MLflow).
"""

# %%
# The experiment lives in the library; the example sets its knobs and runs it.
from mlops_atlas.debt.cace import CaceResult, simulate_cace

SEED = 0
SAMPLES = 20_000
X1_NOISE = 1.0  # standard deviation of the noise the upstream change adds to x1

result = simulate_cace(seed=SEED, n=SAMPLES, x1_noise=X1_NOISE)

# %%
# Only x1 changed: its spread grew, nothing else about the world did.
print(f"x1 standard deviation: {result.x1_std_before:.2f} -> {result.x1_std_after:.2f}")

# %%
# Yet every weight moved. x2 picks up the signal x1 no longer carries,
# and even the independent x3 and x4 shift.
print()
print(result.table())

# %%
# The same inputs now get different answers: prediction churn.
print()
print(f"prediction churn: {result.churn:.1%} of predictions flip after retraining")
print(f"accuracy: {result.accuracy_before:.3f} before, {result.accuracy_after:.3f} after")

# %%
# A figure: the distribution of x1 before and after, and the weights.
from mlops_atlas.outputs import output_dir, save_figure


def plot(result: CaceResult):
    """Two panels: x1's spread before/after, and every weight before/after."""
    import matplotlib.pyplot as plt
    import numpy as np

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    grid = np.linspace(-5, 5, 400)
    for std, label, style in (
        (result.x1_std_before, "before", "-"),
        (result.x1_std_after, "after the upstream change", "--"),
    ):
        density = np.exp(-0.5 * (grid / std) ** 2) / (std * np.sqrt(2 * np.pi))
        left.plot(grid, density, style, label=f"x1 {label} (sd {std:.2f})")
    left.set(title="Only x1's distribution changed", xlabel="x1", ylabel="density")
    left.legend(loc="upper right", fontsize=8)

    positions = np.arange(len(result.features))
    right.bar(positions - 0.2, result.weights_before, 0.4, label="before")
    right.bar(positions + 0.2, result.weights_after, 0.4, label="after retraining")
    right.axhline(0, color="black", linewidth=0.8)
    right.set_xticks(positions, result.features)
    right.set(title="...yet every learned weight moved", ylabel="weight")
    right.legend(fontsize=8)
    figure.tight_layout()
    return figure


figure = plot(result)
saved = save_figure(figure, output_dir("cace"), "cace-weights")
print(f"\nfigure: {saved.name}")

# %%
# Log the run to MLflow, as every example does.
from mlops_atlas.tracking import log_run

log_run(
    "sculley2015-cace",
    params={"seed": SEED, "samples": SAMPLES, "x1_noise": X1_NOISE},
    metrics={
        "churn": result.churn,
        **{f"relative_change_{name}": value for name, value in result.relative_change.items()},
    },
    figures={"cace-weights": figure},
    tables={"weights": result.table()},
    run_name="cace",
)
