"""A picture of assurance reports side by side: every check, its verdict in each report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlops_atlas.assurance.results import Status

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from mlops_atlas.assurance.report import AssuranceReport

__all__ = ["plot_verdicts"]

_COLOURS = {
    Status.PASS: "#cfe8d5",
    Status.FAIL: "#f5c6c0",
    Status.NOT_APPLICABLE: "#eceff1",
    Status.NOT_CHECKABLE: "#fdebc8",
}
_LABELS = {
    Status.PASS: "pass",
    Status.FAIL: "fail",
    Status.NOT_APPLICABLE: "not applicable",
    Status.NOT_CHECKABLE: "needs people",
}


def plot_verdicts(reports: dict[str, AssuranceReport], title: str = "") -> Figure:
    """A grid: one row per check, one column per report, coloured by verdict.

    Each cell shows the number measured (when there is one); a legend names the
    colours, and the text says the verdict too, for readers who cannot tell them apart.

    Args:
        reports: Reports by column heading, in the order to show them.
        title: The figure's title.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    columns = list(reports)
    checks = [result.check for result in reports[columns[0]].results]
    figure, axes = plt.subplots(figsize=(2.2 + 2.3 * len(columns) + 2.6, 0.42 * len(checks) + 1.6))
    for x, column in enumerate(columns):
        for y, check in enumerate(checks):
            result = reports[column].result(check)
            axes.add_patch(Rectangle((x, y), 0.96, 0.9, color=_COLOURS[result.status]))
            text = _LABELS[result.status]
            if result.measured is not None:
                text = f"{text}  {result.measured:.3f}"
            axes.text(x + 0.48, y + 0.45, text, ha="center", va="center", fontsize=10)
    axes.set_xlim(0, len(columns))
    axes.set_ylim(len(checks), 0)
    axes.set_xticks([x + 0.48 for x in range(len(columns))], columns, fontsize=11)
    axes.xaxis.tick_top()
    axes.set_yticks([y + 0.45 for y in range(len(checks))], checks, fontsize=10)
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    axes.legend(
        handles=[Patch(color=_COLOURS[status], label=_LABELS[status]) for status in Status],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=10,
        frameon=False,
    )
    if title:
        axes.set_title(title, fontsize=12, pad=28)
    figure.tight_layout()
    return figure
