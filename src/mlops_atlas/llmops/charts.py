"""A picture of evaluation runs: each template version's mean score per metric."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mlops_atlas.llmops.evaluation import METRICS, EvaluationRun

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_runs"]


def plot_runs(runs: Mapping[int, EvaluationRun], production: int) -> Figure:
    """Grouped bars: one group per metric, one bar per version; production's bars hatched.

    Args:
        runs: Evaluation runs by template version.
        production: The version in production.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    versions = list(runs)
    width = 0.8 / len(versions)
    figure, axes = plt.subplots(figsize=(8, 3.8))
    for offset, version in enumerate(versions):
        values = [runs[version].metrics[name] for name in METRICS]
        positions = np.arange(len(METRICS)) + (offset - (len(versions) - 1) / 2) * width
        label = f"v{version}" + (" (production)" if version == production else "")
        bars = axes.bar(
            positions, values, width, label=label, hatch="//" if version == production else None
        )
        axes.bar_label(bars, fmt="%.2f", fontsize=9)
    axes.set_xticks(
        np.arange(len(METRICS)), [name.replace("_", " ") for name in METRICS], fontsize=11
    )
    axes.set(
        ylim=(0, 1.15),
        ylabel="mean over the questions",
        title="Answer templates, evaluated offline",
    )
    axes.legend(fontsize=9, loc="upper center", ncol=len(versions))
    figure.tight_layout()
    return figure
