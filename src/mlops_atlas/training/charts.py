"""Figures for the training examples: continual learning, and calibration of baselines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from mlops_atlas.training.continual import ContinualResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_calibration", "plot_continual"]

_POLICY_STYLE = {  # colour, marker, line style: the lines read without colour too
    "never": ("#7f7f7f", "x", ":"),
    "scheduled": ("#1f77b4", "o", "-"),
    "stateful": ("#2ca02c", "s", "-"),
    "triggered": ("#d62728", "^", "--"),
}


def plot_continual(result: ContinualResult) -> Figure:
    """Accuracy over time (left) and the training compute it cost (right), per policy.

    Markers on the accuracy lines show the batches after which a model was
    trained from scratch.
    """
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, run in result.runs.items():
        colour, marker, style = _POLICY_STYLE.get(name, ("#333333", ".", "-"))
        batches = np.arange(1, len(run.accuracy) + 1)
        left.plot(
            batches,
            run.accuracy,
            color=colour,
            linestyle=style,
            marker=marker,
            markevery=list(run.retrained_at),
            label=name,
        )
        right.plot(
            batches,
            np.asarray(run.rows_processed) / 1_000,
            color=colour,
            linestyle=style,
            label=name,
        )
    left.set(xlabel="batch", ylabel="accuracy (before learning from the batch)")
    left.set_title(
        "Accuracy on a drifting stream (markers: retrained after the batch)", fontsize=11
    )
    right.set(xlabel="batch", ylabel="rows processed by training (thousands)")
    right.set_title("Compute spent: rows × passes, cumulative", fontsize=11)
    for axis in (left, right):
        axis.tick_params(labelsize=10)
        axis.xaxis.label.set_fontsize(11)
        axis.yaxis.label.set_size(11)
    left.legend(fontsize=10, loc="lower left")
    figure.tight_layout()
    return figure


def plot_calibration(
    labels: np.ndarray, scores: Mapping[str, np.ndarray], *, bins: int = 10
) -> Figure:
    """Reliability diagram: mean predicted probability against observed frequency, per model.

    A calibrated model lies on the diagonal. Bins with fewer than 20 examples are left out.
    """
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(5.6, 5))
    axis.plot([0, 1], [0, 1], color="#999999", linestyle=":", label="perfectly calibrated")
    markers = iter("osd^vx")
    labels = np.asarray(labels, float)
    for name, score in scores.items():
        score = np.asarray(score, float)
        which = np.minimum((score * bins).astype(int), bins - 1)
        points = [
            (score[which == b].mean(), labels[which == b].mean())
            for b in range(bins)
            if (which == b).sum() >= 20
        ]
        if points:
            x, y = zip(*points, strict=True)
            axis.plot(x, y, marker=next(markers), label=name)
    axis.set(xlim=(0, 1), ylim=(0, 1), xlabel="mean predicted probability of churn")
    axis.set_ylabel("observed share of churners", fontsize=11)
    axis.xaxis.label.set_fontsize(11)
    axis.set_title("Calibration on the test data", fontsize=12)
    axis.tick_params(labelsize=10)
    axis.legend(fontsize=10, loc="upper left")
    figure.tight_layout()
    return figure
