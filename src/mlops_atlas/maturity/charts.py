"""Figures: the ML Test Score as a radar, and Kreuzberger coverage as a grid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlops_atlas.maturity.assess import Assessment
from mlops_atlas.maturity.models import load_models

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["coverage_chart", "radar_chart"]


def radar_chart(assessments: Sequence[Assessment]) -> Figure:
    """One polygon per team over the four ML Test Score sections (0-7 each).

    The dashed circle marks each team's final score, the minimum of its sections.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    sections = list(load_models().test_sections)
    angles = np.linspace(0, 2 * np.pi, len(sections), endpoint=False)
    closed = np.append(angles, angles[0])
    figure, axes = plt.subplots(figsize=(5.6, 5.2), subplot_kw={"projection": "polar"})
    circle = np.linspace(0, 2 * np.pi, 100)
    for index, assessment in enumerate(assessments):
        color = f"C{index}"
        values = [assessment.ml_test_score[s] for s in sections]
        axes.plot(
            closed,
            [*values, values[0]],
            color=color,
            linewidth=2,
            label=f"{assessment.team} (final {assessment.ml_test_score['final']:g})",
        )
        axes.fill(closed, [*values, values[0]], color=color, alpha=0.12)
        axes.plot(
            circle,
            np.full_like(circle, assessment.ml_test_score["final"]),
            color=color,
            linestyle="--",
            linewidth=0.8,
        )
    axes.set_xticks(angles, [s.capitalize() for s in sections])
    axes.set_ylim(0, 7)
    axes.set_yticks(range(8))
    axes.set_title("ML Test Score per section (dashed: final = minimum)", pad=18)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8, frameon=False)
    figure.tight_layout()
    return figure


def coverage_chart(assessments: Sequence[Assessment]) -> Figure:
    """A grid: rows are teams, columns P1-P9 then C1-C9; filled cells are covered."""
    import matplotlib.pyplot as plt
    import numpy as np

    models = load_models()
    columns = [*models.principles, *models.components]
    grid = np.array(
        [
            [1.0 if {**a.principles, **a.components}[c] else 0.0 for c in columns]
            for a in assessments
        ]
    )
    figure, axes = plt.subplots(figsize=(9, 0.7 * len(assessments) + 1.8))
    axes.imshow(grid, cmap="Greens", vmin=-0.3, vmax=1.2, aspect="auto")
    axes.set_xticks(range(len(columns)), columns)
    axes.set_yticks(range(len(assessments)), [a.team for a in assessments])
    axes.axvline(len(models.principles) - 0.5, color="black", linewidth=1.5)
    for row in range(grid.shape[0]):
        for col in range(grid.shape[1]):
            axes.text(
                col,
                row,
                "✓" if grid[row, col] else "·",
                ha="center",
                va="center",
                color="white" if grid[row, col] else "#888888",
                fontsize=11,
            )
    axes.set_title("Kreuzberger et al.: principles P1-P9 | components C1-C9 covered")
    figure.tight_layout()
    return figure
