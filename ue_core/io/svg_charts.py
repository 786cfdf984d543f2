"""Horizontal bar charts as accessible inline SVG, for reports that must work offline and print.

The SVG needs no script, font file or other asset. It is an image to assistive technology
(``role="img"``) named by its ``<title>`` and described by its ``<desc>``; the report around it
also shows the description as text and the figures as a table, so nobody has to read the chart.

Each bar is a ``<rect class="bar">`` carrying ``data-category``, ``data-series`` and
``data-value`` (the value as shown), and each marker (a target, say) a ``<line class="marker">``
with ``data-category`` and ``data-value``, so tests and tools can read the figures back. Values
are written next to each bar, so colour is never the only way to tell series or markers apart.

The markup is built with ``xml.etree.ElementTree``, which escapes every piece of text.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from ue_core.palette import AF_CATEGORICAL, AF_GRID, AF_TEXT, TARGET_COLOUR

__all__ = ["SVG_NAMESPACE", "BarRow", "Series", "SvgChart", "bar_chart"]

SVG_NAMESPACE = "http://www.w3.org/2000/svg"

_WIDTH = 800
_LABEL_WIDTH = 250  # principle names, right-aligned against the plot
_PLOT_LEFT = _LABEL_WIDTH + 12
_PLOT_WIDTH = 340
_BAR = 22
_BAR_GAP = 4
_ROW_PAD = 12
_LEGEND_HEIGHT = 34
_AXIS_HEIGHT = 64
_LABEL_CHARS = 32
_FONT = "Arial, Helvetica, sans-serif"
_CHAR_WIDTH = 7.6  # a generous average width of a 14px Arial character, to fit the text in


@dataclass(frozen=True)
class Series:
    """One set of bars: its name (shown in the legend) and colour."""

    name: str
    colour: str


@dataclass(frozen=True)
class BarRow:
    """One category: a value per series (None: no bar), an optional marker, and the text
    written at the end of the row, such as ``"2.1 (target 3)"``."""

    category: str
    values: tuple[float | None, ...]
    text: str
    marker: float | None = None


@dataclass(frozen=True)
class SvgChart:
    """A finished chart. Only :func:`bar_chart` makes one, so reports embed no other markup."""

    markup: str
    title: str
    description: str


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _element(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    node = ET.SubElement(parent, tag)
    for name, value in attributes.items():
        node.set(name.rstrip("_").replace("_", "-"), value)
    return node


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[BarRow],
    series: Sequence[Series] = (Series("Score", AF_CATEGORICAL[0]),),
    axis_title: str,
    domain: tuple[int, int] = (1, 5),
    tick_labels: dict[int, str] | None = None,
    marker_name: str | None = None,
    tick_step: int = 1,
) -> SvgChart:
    """A horizontal bar chart, one row per category, bars starting at ``domain[0]``.

    ``chart_id`` must be unique in the page: the title and description ids derive from it.
    Values outside ``domain`` are drawn at its edge (the text still says the real value).
    The axis has a grid line every ``tick_step`` (counts up to 200, say, in steps of 50).
    """
    if not title.strip() or not description.strip():
        raise ValueError("A chart needs a title and a description")
    if not series:
        raise ValueError("A chart needs at least one series")
    if any(len(row.values) != len(series) for row in rows):
        raise ValueError("Each row needs one value per series")
    low, high = domain
    if low >= high:
        raise ValueError("The axis must run from a lower to a higher value")
    if tick_step < 1 or (high - low) % tick_step:
        raise ValueError("The axis steps must be whole and fit the axis exactly")

    def x_of(value: float) -> float:
        clamped = min(max(value, low), high)
        return _PLOT_LEFT + (clamped - low) / (high - low) * _PLOT_WIDTH

    row_height = len(series) * (_BAR + _BAR_GAP) - _BAR_GAP + 2 * _ROW_PAD
    plot_top = _LEGEND_HEIGHT + 8
    plot_height = max(1, len(rows)) * row_height
    height = plot_top + plot_height + _AXIS_HEIGHT

    svg = ET.Element("svg")
    for attribute, setting in {
        "xmlns": SVG_NAMESPACE,
        "role": "img",
        "aria-labelledby": f"{chart_id}-title",
        "aria-describedby": f"{chart_id}-desc",
        "height": str(height),
        "class": "chart",
        "font-family": _FONT,
        "font-size": "14",
        "fill": AF_TEXT,
    }.items():
        svg.set(attribute, setting)
    _element(svg, "title", id=f"{chart_id}-title").text = title
    _element(svg, "desc", id=f"{chart_id}-desc").text = description

    # Legend: a swatch per series, then the marker.
    legend = _element(svg, "g", class_="legend")
    x = float(_PLOT_LEFT)
    for item in series:
        _element(legend, "rect", x=_fmt(x), y="8", width="18", height="18", fill=item.colour)
        _element(legend, "text", x=_fmt(x + 24), y="22").text = item.name
        x += 24 + 8 * len(item.name) + 24
    if marker_name is not None:
        _element(
            legend,
            "line",
            x1=_fmt(x + 9),
            x2=_fmt(x + 9),
            y1="5",
            y2="29",
            stroke=TARGET_COLOUR,
            stroke_width="4",
        )
        _element(legend, "text", x=_fmt(x + 24), y="22").text = marker_name

    # Grid and axis, from low to high in whole steps.
    axis = _element(svg, "g", class_="axis")
    bottom = plot_top + plot_height
    for tick in range(low, high + 1, tick_step):
        tx = _fmt(x_of(tick))
        _element(
            axis,
            "line",
            x1=tx,
            x2=tx,
            y1=str(plot_top),
            y2=str(bottom),
            stroke=AF_GRID if tick != low else AF_TEXT,
            stroke_width="1",
        )
        label = _element(axis, "text", x=tx, y=str(bottom + 20), text_anchor="middle")
        label.text = str(tick)
        if tick_labels and tick in tick_labels:
            level = _element(axis, "text", x=tx, y=str(bottom + 38), text_anchor="middle")
            level.set("font-size", "12")
            level.text = tick_labels[tick]
    axis_label = _element(
        axis,
        "text",
        x=_fmt(_PLOT_LEFT + _PLOT_WIDTH / 2),
        y=str(bottom + 58),
        text_anchor="middle",
    )
    axis_label.text = axis_title

    # One group per row: category name, bars, marker, text.
    width = float(_WIDTH)
    for index, row in enumerate(rows):
        top = plot_top + index * row_height
        group = _element(svg, "g", class_="row")
        lines = textwrap.wrap(row.category, _LABEL_CHARS) or [""]
        middle = top + row_height / 2
        first_y = middle + 5 - (len(lines) - 1) * 9
        category = _element(group, "text", x=str(_LABEL_WIDTH), y=_fmt(first_y), text_anchor="end")
        for number, line in enumerate(lines):
            span = _element(category, "tspan", x=str(_LABEL_WIDTH), dy="0" if number == 0 else "18")
            span.text = line
        right = x_of(low)
        for number, (item, value) in enumerate(zip(series, row.values, strict=True)):
            if value is None:
                continue
            bar_top = top + _ROW_PAD + number * (_BAR + _BAR_GAP)
            end = x_of(value)
            right = max(right, end)
            bar = _element(
                group,
                "rect",
                class_="bar",
                x=_fmt(x_of(low)),
                y=_fmt(bar_top),
                width=_fmt(end - x_of(low)),
                height=str(_BAR),
                fill=item.colour,
            )
            bar.set("data-category", row.category)
            bar.set("data-series", item.name)
            bar.set("data-value", _fmt(value))
            _element(bar, "title").text = f"{row.category}, {item.name.lower()}: {_fmt(value)}"
        if row.marker is not None:
            mx = x_of(row.marker)
            right = max(right, mx)
            marker = _element(
                group,
                "line",
                class_="marker",
                x1=_fmt(mx),
                x2=_fmt(mx),
                y1=_fmt(top + 4),
                y2=_fmt(top + row_height - 4),
                stroke=TARGET_COLOUR,
                stroke_width="4",
            )
            marker.set("data-category", row.category)
            marker.set("data-value", _fmt(row.marker))
        value_text = _element(group, "text", x=_fmt(right + 8), y=_fmt(middle + 5))
        value_text.set("class", "value")
        value_text.text = row.text
        width = max(width, right + 16 + _CHAR_WIDTH * len(row.text))
    svg.set("width", str(round(width)))
    svg.set("viewBox", f"0 0 {round(width)} {height}")
    return SvgChart(
        markup=ET.tostring(svg, encoding="unicode"), title=title, description=description
    )
