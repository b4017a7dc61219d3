"""Figures for debt scans: Figure 1 recreated for scanned projects, and section scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mlops_atlas.debt.scanner.report import SECTIONS, ScanReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["census_chart", "section_chart"]


def census_chart(reports: Mapping[str, ScanReport]) -> Figure:
    """Figure 1 as numbers: each project's production code lines, ML code against the rest.

    Args:
        reports: Label -> scan report, one bar each.

    Returns:
        A horizontal stacked-bar figure with the paper's "at most about 5%" marked.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 1.3 + 0.7 * len(reports)), layout="constrained")
    axes = figure.subplots()
    labels = list(reports)
    for row, label in enumerate(labels):
        census = reports[label].census
        ml, other = int(census["ml_lines"]), int(census["other_lines"])  # type: ignore[call-overload]
        total = ml + other or 1
        axes.barh(row, ml / total, color="#222222", label="ML code" if row == 0 else None)
        axes.barh(
            row,
            other / total,
            left=ml / total,
            color="#cfd8dc",
            label="everything else" if row == 0 else None,
        )
        axes.text(1.01, row, f"{ml / total:.1%} of {total:,} lines", va="center", fontsize=9)
    axes.axvline(0.05, color="#c62828", linestyle="--", linewidth=1)
    axes.text(
        0.055, len(labels) - 0.45, "≈5%: the paper's estimate (§5)", color="#c62828", fontsize=8
    )
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlim(0, 1)
    axes.set_ylim(-0.6, len(labels) - 0.2)
    axes.invert_yaxis()
    axes.set_xlabel("share of production code lines")
    figure.legend(loc="outside lower center", fontsize=8, frameon=False, ncols=2)
    axes.set_title("Figure 1, measured: ML code is a small part of the system", fontsize=10)
    return figure


def section_chart(reports: Mapping[str, ScanReport]) -> Figure:
    """Each project's score per section of the paper (100: no debt seen; missing: n/a).

    Args:
        reports: Label -> scan report, one bar per section each.

    Returns:
        A grouped horizontal bar figure.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.4))
    axes = figure.subplots()
    sections = list(SECTIONS)
    height = 0.8 / max(1, len(reports))
    colours = ["#ef6c00", "#1565c0", "#2e7d32", "#6a1b9a"]
    for index, (label, report) in enumerate(reports.items()):
        scores = {s.section: s.score for s in report.sections}
        for row, number in enumerate(sections):
            y = row + (index - (len(reports) - 1) / 2) * height
            score = scores[number]
            if score is None:
                axes.text(
                    1,
                    y,
                    "n/a (nothing to check)",
                    va="center",
                    fontsize=7,
                    color=colours[index % 4],
                )
                continue
            axes.barh(y, score, height=height * 0.9, color=colours[index % 4], label=label)
            axes.text(score + 1, y, str(score), va="center", fontsize=7, color=colours[index % 4])
    axes.set_yticks(range(len(sections)), [f"§{n} {SECTIONS[n]}" for n in sections], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 108)
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel("section score (100: no debt seen by the rules)")
    handles, labels = axes.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    axes.legend(
        unique.values(),
        unique.keys(),
        fontsize=8,
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=len(unique),
    )
    return figure
