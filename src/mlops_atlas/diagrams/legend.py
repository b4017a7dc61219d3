"""Legends for diagrams whose colours, icons or line styles carry a meaning.

A legend is drawn under the diagram's title, as part of the graph's label (a
Graphviz HTML-like label), so that it never moves or widens the drawing below:
`titled_legend` returns that label, to pass as ``graph_attr["label"]``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Key", "titled_legend"]

# What a line sample looks like, drawn with characters every sans-serif font has.
_LINES = {"solid": "——→", "dashed": "- - →", "dotted": "·····→"}


@dataclass(frozen=True)
class Key:
    """One entry of a legend: a sample (swatch, icon or line) and what it means.

    Attributes:
        meaning: What the sample stands for, e.g. ``"a seeded simulation"``.
        fill: Colour of a swatch (a box's fill), e.g. ``"#cfe8d5"``.
        icon: A ``diagrams`` node class whose icon is shown (inside the swatch, if any).
        line: A line style to show as a sample arrow: ``"solid"``, ``"dashed"``
            or ``"dotted"``.
        color: Colour of the line sample (or of a sample text, with ``text``).
        text: A sample text instead, shown in ``color`` (e.g. ``"C4"`` for blue labels).
    """

    meaning: str
    fill: str = ""
    icon: type | None = None
    line: str = ""
    color: str = "#2d3436"
    text: str = ""

    def sample(self, fontsize: int) -> str:
        """The sample's table cell (HTML-like Graphviz markup)."""
        if self.line or self.text:
            shown = html.escape(_LINES[self.line] if self.line else self.text)
            return (
                f'<td align="right"><font color="{self.color}" point-size="{fontsize}">'
                f"{shown}</font></td>"
            )
        inside = f'<img src="{_icon_path(self.icon)}" scale="true"/>' if self.icon else ""
        fill = f' bgcolor="{self.fill}"' if self.fill else ""
        return (
            f'<td fixedsize="true" width="72" height="40" border="1" color="#555555"'
            f' style="rounded"{fill}>{inside}</td>'
        )


def _icon_path(kind: type | None) -> str:
    import diagrams

    package = Path(diagrams.__file__).resolve().parent.parent
    return str(package / kind._icon_dir / kind._icon)  # type: ignore[union-attr]


def titled_legend(
    title: str,
    keys: Sequence[Key],
    *,
    per_row: int = 3,
    title_size: int = 18,
    fontsize: int = 14,
) -> str:
    """The label of a graph: its title and, under it, a legend of ``keys``.

    Args:
        title: The diagram's title (the ``Diagram``'s name).
        keys: The legend's entries, in reading order.
        per_row: Entries per row of the legend (a narrow diagram needs fewer).
        title_size: The title's size in points.
        fontsize: The legend's text size in points (at least the diagram's smallest).

    Returns:
        An HTML-like label (``<...>``) for ``graph_attr["label"]``.

    Examples:
        >>> label = titled_legend("T", [Key("feedback", line="dashed", color="#c0392b")])
        >>> label.startswith("<<table") and "feedback" in label and "- - →" in label
        True
    """
    rows = []
    for start in range(0, len(keys), per_row):
        cells = "".join(
            f'{key.sample(fontsize)}<td align="left">'
            f'<font point-size="{fontsize}">{html.escape(key.meaning)}</font></td>'
            for key in keys[start : start + per_row]
        )
        rows.append(f"<tr>{cells}</tr>")
    heading = "<br/>".join(html.escape(line) for line in title.split("\n"))
    return (
        f'<<table border="0" cellspacing="2">'
        f'<tr><td><font point-size="{title_size}">{heading}</font></td></tr>'
        f'<tr><td><table border="1" color="#bbbbbb" cellborder="0" cellspacing="6"'
        f' cellpadding="2">{"".join(rows)}</table></td></tr></table>>'
    )
