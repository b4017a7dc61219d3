"""How large a diagram's text is once the page has scaled the picture.

A page shows a diagram at the width of its column, so the text shrinks by the
column's width over the picture's. `MIN_TEXT_PX` is the floor no diagram
text may go below; `legible_width` is the narrowest width a diagram can
be shown at while keeping its smallest text at that floor. The site never
shows a diagram narrower than that: on a narrow screen the picture keeps that
width and scrolls sideways in its frame (and opens full size on a click).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import NamedTuple

__all__ = ["MIN_TEXT_PX", "TextSize", "legible_width", "smallest_text"]

MIN_TEXT_PX = 11.0
"""The smallest text a diagram may show on a page, in CSS pixels."""

_SCALE = re.compile(r"scale\(\s*(?P<x>[-\d.eE]+)(?:[\s,]+(?P<y>[-\d.eE]+))?\s*\)")
_NUMBER = re.compile(r"[-\d.eE]+")


class TextSize(NamedTuple):
    """The smallest text of an SVG and the width it is drawn in."""

    size: float
    """Font size in viewBox units (the text's own size times its groups' scales)."""
    view_width: float
    """Width of the SVG's viewBox."""
    text: str
    """What the smallest text says (to name it in a message)."""


def _vertical_scale(transform: str) -> float:
    scale = 1.0
    for match in _SCALE.finditer(transform):
        scale *= abs(float(match.group("y") or match.group("x")))
    return scale


def smallest_text(svg: str) -> TextSize:
    """The smallest non-empty ``<text>`` of an SVG and the width of its viewBox.

    Args:
        svg: SVG text, as Graphviz writes it (sizes on ``font-size`` attributes).

    Returns:
        The smallest text's size (in viewBox units, group scales applied), the
        viewBox width and the text.

    Raises:
        ValueError: The SVG has no viewBox or no text.

    Examples:
        >>> smallest_text(
        ...     '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 100">'
        ...     '<g transform="scale(0.5 0.5)"><text font-size="14">a</text></g>'
        ...     '<text font-size="10">b</text></svg>'
        ... )
        TextSize(size=7.0, view_width=800.0, text='a')
    """
    root = ET.fromstring(svg)
    box = _NUMBER.findall(root.get("viewBox", ""))
    if len(box) != 4:
        raise ValueError("the SVG has no viewBox: its scale on a page cannot be known")
    width = float(box[2])
    smallest: tuple[float, str] | None = None

    def visit(element: ET.Element, scale: float) -> None:
        nonlocal smallest
        scale *= _vertical_scale(element.get("transform", ""))
        if element.tag.rpartition("}")[2] == "text":
            content = "".join(element.itertext()).strip()
            size = element.get("font-size")
            if content and size is not None:
                candidate = (float(_NUMBER.findall(size)[0]) * scale, content)
                if smallest is None or candidate[0] < smallest[0]:
                    smallest = candidate
        for child in element:
            visit(child, scale)

    visit(root, 1.0)
    if smallest is None:
        raise ValueError("the SVG has no text with a font-size")
    return TextSize(smallest[0], width, smallest[1])


def legible_width(svg: str, floor: float = MIN_TEXT_PX) -> int:
    """The narrowest width (CSS px) at which every text of the SVG is at least ``floor`` px.

    Examples:
        >>> legible_width('<svg viewBox="0 0 1100 50"><text font-size="10">x</text></svg>')
        1210
    """
    smallest = smallest_text(svg)
    return int(-(-floor * smallest.view_width // smallest.size))  # rounded up
