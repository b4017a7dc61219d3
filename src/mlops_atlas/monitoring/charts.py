"""Figures for the monitoring simulation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mlops_atlas.monitoring.stream import MONITORS, MonitoringResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_monitors"]

_TITLES = {
    "none": "no shift (control)",
    "covariate": "covariate shift",
    "label": "label (prior) shift",
    "concept": "concept drift",
}
_STYLE = {  # colour and marker per monitor, so the lines read without colour too
    "input drift": ("#1f77b4", "o"),
    "prediction drift": ("#ff7f0e", "s"),
    "delayed labels": ("#2ca02c", "^"),
}


def plot_monitors(result: MonitoringResult) -> Figure:
    """One panel per shift: each monitor's reading divided by its alarm level, batch by batch.

    Above 1 the monitor fires. The shaded area is the shifted part of the stream.
    """
    import matplotlib.pyplot as plt

    shifts = list(result.readings)
    figure, axes = plt.subplots(2, 2, figsize=(10, 6.4), sharex=True, sharey=True)
    batches = np.arange(len(result.accuracy[shifts[0]]))
    for axis, shift in zip(axes.flat, shifts, strict=True):
        if shift != "none":
            axis.axvspan(result.shift_at - 0.5, batches[-1] + 0.5, color="#f3e6e6", zorder=0)
        axis.axhline(1.0, color="#c0392b", linewidth=1, linestyle="--")
        for monitor in MONITORS:
            readings = result.readings[shift][monitor]
            ratio = [
                np.nan if r.value is None else max(r.value / r.threshold, 0.0) for r in readings
            ]
            colour, marker = _STYLE[monitor]
            axis.plot(batches, ratio, color=colour, marker=marker, markersize=4, label=monitor)
        axis.set_title(_TITLES.get(shift, shift), fontsize=12)
        axis.tick_params(labelsize=10)
    for axis in axes[1]:
        axis.set_xlabel("batch", fontsize=11)
    for axis in axes[:, 0]:
        axis.set_ylabel("reading / alarm level", fontsize=11)
    axes[0, 0].set_ylim(0, None)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles.append(plt.Line2D([], [], color="#c0392b", linestyle="--"))
    labels.append("alarm level")
    figure.legend(handles, labels, loc="lower center", ncol=4, fontsize=11, frameon=False)
    figure.suptitle(
        "Which monitor sees which shift (shaded: after the shift; labels arrive "
        f"{result.delay} batches late)",
        fontsize=12,
    )
    figure.tight_layout(rect=(0, 0.06, 1, 0.97))
    return figure
