"""The report's SVG bar charts: accessible (role, title, desc), one bar per category with the
right value and length, markers where asked, text escaped, and the axis fixed at 1 to 5."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ue_core.io.svg_charts import SVG_NAMESPACE, BarRow, Series, bar_chart
from ue_core.palette import AF_CATEGORICAL, TARGET_COLOUR

NS = {"svg": SVG_NAMESPACE}
ROWS = [
    BarRow("Proactively involving users", (2.1,), "2.1 (target 4)", marker=4),
    BarRow("Open & transparent <b>", (3.5,), "3.5 (target 3)", marker=3),
    BarRow("Working together and joining up with partner networks", (None,), "No score"),
]


def _chart(rows: list[BarRow] = ROWS, **options: object) -> ET.Element:
    chart = bar_chart(
        chart_id="scores",
        title="Principle scores and targets",
        description="A bar chart of the score for each of the 3 principles.",
        rows=rows,
        axis_title="Score (1 Beginning to 5 Mastering)",
        marker_name="Target level",
        **options,  # type: ignore[arg-type]
    )
    return ET.fromstring(chart.markup)


def test_the_chart_is_an_image_named_by_its_title_and_described_by_its_desc() -> None:
    svg = _chart()
    assert svg.tag == f"{{{SVG_NAMESPACE}}}svg"
    assert svg.get("role") == "img"
    title = svg.find("svg:title", NS)
    desc = svg.find("svg:desc", NS)
    assert title is not None and title.text == "Principle scores and targets"
    assert desc is not None and desc.text.startswith("A bar chart of the score")
    assert svg.get("aria-labelledby") == title.get("id") == "scores-title"
    assert svg.get("aria-describedby") == desc.get("id") == "scores-desc"
    # the first children, so every reader finds them
    assert [child.tag.split("}")[1] for child in svg][:2] == ["title", "desc"]


def test_one_bar_per_scored_category_with_its_value_and_a_length_to_match() -> None:
    svg = _chart()
    bars = svg.findall(".//svg:rect[@class='bar']", NS)
    assert [(b.get("data-category"), b.get("data-value")) for b in bars] == [
        ("Proactively involving users", "2.1"),
        ("Open & transparent <b>", "3.5"),
    ]
    widths = [float(b.get("width", "")) for b in bars]
    starts = {b.get("x") for b in bars}
    assert len(starts) == 1  # every bar starts at 1, the bottom of the scale
    # length is proportional to value minus 1 on a 1 to 5 axis
    assert widths[0] / widths[1] == pytest.approx((2.1 - 1) / (3.5 - 1))
    assert all(b.get("fill") == AF_CATEGORICAL[0] for b in bars)
    texts = [t.text for t in svg.findall(".//svg:text[@class='value']", NS)]
    assert texts == ["2.1 (target 4)", "3.5 (target 3)", "No score"]


def test_markers_sit_at_the_target_on_the_same_scale() -> None:
    svg = _chart()
    markers = svg.findall(".//svg:line[@class='marker']", NS)
    assert [(m.get("data-category"), m.get("data-value")) for m in markers] == [
        ("Proactively involving users", "4"),
        ("Open & transparent <b>", "3"),
    ]
    assert all(m.get("stroke") == TARGET_COLOUR for m in markers)
    bar = svg.findall(".//svg:rect[@class='bar']", NS)[1]  # 3.5
    bar_end = float(bar.get("x", "")) + float(bar.get("width", ""))
    at_three = float(markers[1].get("x1", ""))
    at_four = float(markers[0].get("x1", ""))
    assert bar_end == pytest.approx((at_three + at_four) / 2)


def test_the_axis_runs_from_1_to_5_with_level_names() -> None:
    names = {1: "Beginning", 5: "Mastering"}
    svg = _chart(tick_labels=names)
    axis_texts = [t.text for t in svg.findall("svg:g[@class='axis']/svg:text", NS)]
    assert axis_texts[0] == "1" and "5" in axis_texts and "0" not in axis_texts
    assert "Beginning" in axis_texts and "Mastering" in axis_texts
    assert axis_texts[-1] == "Score (1 Beginning to 5 Mastering)"
    # a score beyond the scale is drawn at the edge, never past it
    wide = _chart([BarRow("Over", (7.0,), "7.0"), BarRow("At five", (5.0,), "5.0")])
    over, five = wide.findall(".//svg:rect[@class='bar']", NS)
    assert over.get("width") == five.get("width")


def test_two_series_draw_two_bars_per_row_and_a_legend_entry_each() -> None:
    series = (Series("Current score", AF_CATEGORICAL[0]), Series("Projected", AF_CATEGORICAL[1]))
    svg = _chart([BarRow("A", (2.0, 3.0), "2.0 now, 3.0 projected", marker=4)], series=series)
    bars = svg.findall(".//svg:rect[@class='bar']", NS)
    assert [(b.get("data-series"), b.get("data-value")) for b in bars] == [
        ("Current score", "2"),
        ("Projected", "3"),
    ]
    legend = [t.text for t in svg.findall("svg:g[@class='legend']/svg:text", NS)]
    assert legend == ["Current score", "Projected", "Target level"]


def test_text_is_escaped_and_there_is_no_script_or_link() -> None:
    chart = bar_chart(
        chart_id="c",
        title="<script>alert(1)</script>",
        description="x & y",
        rows=[BarRow('"><script>', (2.0,), "<img src=x>")],
        axis_title="Score",
    )
    assert "<script" not in chart.markup and "<img" not in chart.markup
    assert "href" not in chart.markup
    assert ET.fromstring(chart.markup).find("svg:title", NS).text == "<script>alert(1)</script>"


def test_a_chart_needs_a_title_a_description_and_one_value_per_series() -> None:
    with pytest.raises(ValueError, match="title and a description"):
        bar_chart(chart_id="c", title=" ", description="d", rows=[], axis_title="a")
    with pytest.raises(ValueError, match="one value per series"):
        bar_chart(
            chart_id="c", title="t", description="d", rows=[BarRow("A", (1, 2), "")], axis_title="a"
        )


def test_the_drawing_widens_so_long_value_text_is_not_cut_off() -> None:
    short = _chart([BarRow("A", (5.0,), "5.0")])
    long_text = "2.1 now, 2.1 with the plan (target 5) and a good deal more to say"
    long = _chart([BarRow("A", (5.0,), long_text)])
    assert short.get("width") == "800"
    width = float(long.get("width", ""))
    text = long.find(".//svg:text[@class='value']", NS)
    assert text is not None
    assert width >= float(text.get("x", "")) + 7 * len(long_text)
    assert long.get("viewBox") == f"0 0 {long.get('width')} {long.get('height')}"
