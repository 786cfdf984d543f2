"""Charts the Analysis Function way: AF palette, a title, a text description, a table alternative.

Every chart is drawn with ``chart()``, which always writes the title as a heading, the
description as text (the chart's text alternative), the chart, and then the same numbers as a
table, so nobody needs to read the chart to get the figures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec

import altair as alt
import pandas as pd
import streamlit as st

from ue_core.palette import AF_CATEGORICAL as AF_CATEGORICAL  # re-exported for screens
from ue_core.palette import AF_DUO as AF_DUO
from ue_core.palette import AF_GRID, AF_LEVEL_BLUES, AF_LEVEL_TEXT, NO_LEVEL_FILL, TARGET_COLOUR
from ue_core.palette import AF_TEXT as AF_TEXT
from ui.text import plain


def af_theme_config(chart: alt.TopLevelMixin) -> Any:
    """Readable defaults: GOV.UK text colour; no chart title (the heading above is the title)."""
    return (
        chart.configure_axis(
            labelColor=AF_TEXT,
            titleColor=AF_TEXT,
            labelFontSize=13,
            titleFontSize=13,
            gridColor=AF_GRID,
        )
        .configure_legend(
            labelColor=AF_TEXT,
            titleColor=AF_TEXT,
            labelFontSize=13,
            titleFontSize=13,
            orient="bottom",
        )
        .configure_view(strokeWidth=0)
    )


P = ParamSpec("P")

#: A finished Vega-Lite spec (a plain dict, data included), as ``cached_figure`` builders return.
VegaLiteSpec = dict[str, Any]

_BUILDERS: dict[str, Callable[..., alt.TopLevelMixin]] = {}


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_spec(name: str, *args: Any, **kwargs: Any) -> VegaLiteSpec:
    spec: VegaLiteSpec = af_theme_config(_BUILDERS[name](*args, **kwargs)).to_dict()
    return spec


def cached_figure(builder: Callable[P, alt.TopLevelMixin]) -> Callable[P, VegaLiteSpec]:
    """Build a chart once per distinct data and reuse the finished spec on every rerun.

    Altair builds and validates a layered chart's spec slowly (a few hundred milliseconds for
    the results charts), and a page reruns on every click. The builder's arguments are the data
    (never who is asking), so the Vega-Lite spec is cached by builder and arguments and shared.
    """
    name = f"{builder.__module__}.{builder.__qualname__}"
    _BUILDERS[name] = builder

    @functools.wraps(builder)
    def spec(*args: P.args, **kwargs: P.kwargs) -> VegaLiteSpec:
        return _cached_spec(name, *args, **kwargs)

    return spec


def categorical_scale(categories: list[str]) -> alt.Scale:
    """Colours for up to six categories, in the AF order (use four or fewer where possible)."""
    if len(categories) > len(AF_CATEGORICAL):
        raise ValueError("The AF categorical palette has six colours: aggregate before charting.")
    palette = AF_DUO if len(categories) == 2 else AF_CATEGORICAL[: len(categories)]
    return alt.Scale(domain=categories, range=list(palette))


def chart(
    title: str,
    description: str,
    figure: alt.TopLevelMixin | VegaLiteSpec,
    table: pd.DataFrame,
    *,
    heading_level: int = 3,
    key: str | None = None,
) -> None:
    """Draw a chart with its title, text description and table alternative."""
    st.markdown("#" * heading_level + " " + plain(title))
    st.write(plain(description))
    if isinstance(figure, dict):
        st.vega_lite_chart(spec=figure, width="stretch", key=key)
    else:
        st.altair_chart(af_theme_config(figure), width="stretch", key=key)
    with st.expander(plain(f"Table: {title.lower()}" if title else "Table")):
        st.dataframe(table, hide_index=True, width="stretch")


# --- Results charts: scores against targets, practice heatmap, change, trends -------------------


#: Every score chart runs from 1 (Beginning) to 5 (Mastering), the scale the scores are on.
SCORE_DOMAIN = (1, 5)
SCORE_TITLE = "Score (1 Beginning to 5 Mastering)"


def score_axis(field: str = "Score:Q", *, title: str | None = SCORE_TITLE) -> alt.X:
    """The x axis of a score chart: fixed at 1 to 5, a tick at each level."""
    return alt.X(
        field,
        scale=alt.Scale(domain=list(SCORE_DOMAIN), clamp=True),
        title=title,
        axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
    )


@cached_figure
def scores_against_targets(data: pd.DataFrame) -> alt.TopLevelMixin:
    """Horizontal bars of principle scores with an orange tick at each target.

    ``data`` has columns Principle, Score (float or missing), Target (int or missing) and Label
    (the text written at the end of each bar, such as "2.1 (target 4)"), in display order. Bars
    start at 1, the bottom of the scale.
    """
    order = list(data["Principle"])
    y = alt.Y("Principle:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    base = alt.Chart(data).transform_calculate(Start=str(SCORE_DOMAIN[0]))
    bars = base.mark_bar(color=AF_CATEGORICAL[0], height=22).encode(
        x=score_axis("Start:Q"),
        x2="Score:Q",
        y=y,
        tooltip=["Principle", "Score", "Target"],
    )
    ticks = (
        base.transform_filter("isValid(datum.Target)")
        .mark_tick(color=TARGET_COLOUR, thickness=4, size=34)
        .encode(x=score_axis("Target:Q"), y=y)
    )
    labels = base.mark_text(align="left", dx=6, color=AF_TEXT, fontSize=13).encode(
        x=score_axis(), y=y, text="Label:N"
    )
    return (
        alt.layer(bars, ticks, labels)
        .properties(height=alt.Step(44))
        .properties(padding={"left": 5, "top": 5, "bottom": 5, "right": 130})
    )


@cached_figure
def level_heatmap(
    data: pd.DataFrame, principles: list[str], columns: list[str]
) -> alt.TopLevelMixin:
    """Practices (rows, grouped by principle) by round (columns), shaded by level 1 to 5.

    ``data`` has columns Principle, Practice, Round, Level (int or missing), Label (the text in
    the cell: the level number, or "N/A" / "Not rated") and Order (the practice's position).
    Every cell has its level written in it, so colour is never the only signal.
    """
    levels = [1, 2, 3, 4, 5]
    x = alt.X("Round:N", sort=columns, title=None, axis=alt.Axis(orient="top", labelAngle=0))
    y = alt.Y("Practice:N", sort=alt.EncodingSortField("Order"), title=None)
    y = y.axis(labelLimit=360)
    cells = (
        alt.Chart()
        .mark_rect(stroke="#FFFFFF", strokeWidth=2)
        .encode(
            x=x,
            y=y,
            color=alt.condition(
                "isValid(datum.Level)",
                alt.Color(
                    "Level:O",
                    scale=alt.Scale(domain=levels, range=list(AF_LEVEL_BLUES)),
                    legend=alt.Legend(title="Level", labelExpr="datum.label"),
                ),
                alt.value(NO_LEVEL_FILL),
            ),
            tooltip=["Principle", "Practice", "Round", "Label"],
        )
    )
    text = (
        alt.Chart()
        .mark_text(fontSize=13)
        .encode(
            x=x,
            y=y,
            text="Label:N",
            color=alt.condition(
                "isValid(datum.Level) && datum.Level >= 4",
                alt.value(AF_LEVEL_TEXT[4]),
                alt.value(AF_TEXT),
            ),
        )
    )
    figure: alt.TopLevelMixin = (
        alt.layer(cells, text, data=data)
        .properties(width=110 * max(1, len(columns)), height=alt.Step(26))
        .facet(
            row=alt.Row(
                "Principle:N",
                sort=principles,
                title=None,
                header=alt.Header(
                    labelAngle=0,
                    labelOrient="top",
                    labelAnchor="start",
                    labelFontSize=14,
                    labelFontWeight="bold",
                    labelColor=AF_TEXT,
                ),
            ),
            spacing=8,
        )
        .resolve_scale(y="independent")
    )
    return figure


@cached_figure
def change_bars(data: pd.DataFrame) -> alt.TopLevelMixin:
    """Change in each principle's score since the last round, with the change written by it.

    ``data`` has columns Principle, Change (float) and Label (such as "+0.3" or "-0.2").
    """
    order = list(data["Principle"])
    y = alt.Y("Principle:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    largest = max([0.5, *[abs(float(v)) for v in data["Change"].dropna()]])
    x = alt.X(
        "Change:Q",
        scale=alt.Scale(domain=[-largest - 0.4, largest + 0.4]),
        title="Change in score since the last round",
    )
    base = alt.Chart(data)
    bars = base.mark_bar(color=AF_CATEGORICAL[0], height=22).encode(
        x=x, y=y, tooltip=["Principle", "Label"]
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color=AF_TEXT).encode(x="zero:Q")
    rises = (
        base.transform_filter("datum.Change >= 0")
        .mark_text(fontSize=13, color=AF_TEXT, align="left", dx=6)
        .encode(x=x, y=y, text="Label:N")
    )
    falls = (
        base.transform_filter("datum.Change < 0")
        .mark_text(fontSize=13, color=AF_TEXT, align="right", dx=-6)
        .encode(x=x, y=y, text="Label:N")
    )
    return alt.layer(bars, zero, rises, falls).properties(height=alt.Step(40))


@cached_figure
def score_trends(data: pd.DataFrame, panels: list[str], rounds: list[str]) -> alt.TopLevelMixin:
    """Small multiples: one line per panel (a principle, or overall) across rounds.

    ``data`` has columns Panel, Round, Score (float or missing) and Label (the score as shown).
    One series per panel, so no colour has to be told apart; each point has its score written.
    """
    x = alt.X("Round:N", sort=rounds, title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y(
        "Score:Q",
        scale=alt.Scale(domain=list(SCORE_DOMAIN), clamp=True),
        title="Score",
        axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
    )
    base = alt.Chart().encode(x=x, y=y)
    line = base.mark_line(color=AF_CATEGORICAL[0], strokeWidth=3)
    points = base.mark_point(color=AF_CATEGORICAL[0], filled=True, size=80, shape="circle")
    labels = base.mark_text(dy=-14, fontSize=13, color=AF_TEXT).encode(text="Label:N")
    return (
        alt.layer(line, points, labels, data=data)
        .properties(width=200, height=170)
        .facet(
            facet=alt.Facet(
                "Panel:N",
                sort=panels,
                title=None,
                header=alt.Header(
                    labelFontSize=14, labelFontWeight="bold", labelColor=AF_TEXT, labelLimit=220
                ),
            ),
            columns=3,
        )
    )


# --- Survey themes: read across -----------------------------------------------------------------

#: Light grey to AF mid blue for 0% to 100% of a group's answers.
SHARE_RANGE = ("#F3F2F1", "#6BACE6")


@cached_figure
def share_heatmap(
    data: pd.DataFrame, themes: list[str], groups: list[str], group_title: str
) -> alt.TopLevelMixin:
    """Themes (rows) by groups (columns), shaded by the share of the group's answers.

    ``data`` has columns Theme, Group, Percentage (0 to 100, or missing when suppressed), Label
    (the percentage as text, or the suppression mark) and Answers. Every cell has its label
    written in it, so colour is never the only cue; suppressed cells are left unshaded. The
    legend runs from 0% to 100% whatever the figures.
    """
    base = alt.Chart(data).encode(
        x=alt.X(
            "Group:N",
            title=group_title,
            sort=groups,
            axis=alt.Axis(labelAngle=0, labelLimit=140, orient="top"),
        ),
        y=alt.Y("Theme:N", title=None, sort=themes, axis=alt.Axis(labelLimit=320)),
        tooltip=["Theme", "Group", "Label", "Answers"],
    )
    cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
        color=alt.condition(
            "isValid(datum.Percentage)",
            alt.Color(
                "Percentage:Q",
                title="Share of the group's answers",
                scale=alt.Scale(domain=[0, 100], range=list(SHARE_RANGE), interpolate="rgb"),
                legend=alt.Legend(values=[0, 25, 50, 75, 100], labelExpr="datum.value + '%'"),
            ),
            alt.value("#FFFFFF"),
        )
    )
    words = base.mark_text(color=AF_TEXT, fontSize=13).encode(text="Label:N")
    figure: alt.TopLevelMixin = (cells + words).properties(height=alt.Step(34))
    return figure


# --- Action plan: scores now and if the plan works ----------------------------------------------


@cached_figure
def projected_scores(table: pd.DataFrame) -> alt.TopLevelMixin:
    """Two bars per principle (now, and if every action reaches its level) and a target mark.

    ``table`` has columns Principle, Current score, Projected score (floats or missing) and
    Target (a nullable integer), in display order. Bars start at 1, the bottom of the scale.
    """
    long = table.melt(
        id_vars=["Principle", "Target"],
        value_vars=["Current score", "Projected score"],
        var_name="Scores",
        value_name="Score",
    ).dropna(subset=["Score"])
    series = ["Now", "If the plan works"]
    long["Scores"] = long["Scores"].map(
        {"Current score": "Now", "Projected score": "If the plan works"}
    )
    long["Label"] = [
        f"{which.lower()} {score:.1f}"
        + ("" if pd.isna(target) or which == "Now" else f" (target {target})")
        for which, score, target in zip(long["Scores"], long["Score"], long["Target"], strict=True)
    ]
    y = alt.Y("Principle:N", sort=list(table["Principle"]), title=None)
    y = y.axis(labelLimit=300)
    offset = alt.YOffset("Scores:N", sort=series)
    base = alt.Chart(long).transform_calculate(Start=str(SCORE_DOMAIN[0]))
    bars = base.mark_bar(height=16).encode(
        x=score_axis("Start:Q"),
        x2="Score:Q",
        y=y,
        yOffset=offset,
        color=alt.Color("Scores:N", scale=categorical_scale(series), title=None),
        tooltip=["Principle", "Scores", "Score", "Target"],
    )
    labels = base.mark_text(align="left", dx=4, color=AF_TEXT, fontSize=12).encode(
        x=score_axis(), y=y, yOffset=offset, text="Label:N"
    )
    targets = (
        alt.Chart(table.dropna(subset=["Target"]))
        .mark_tick(color=AF_TEXT, thickness=3, size=40)
        .encode(x=score_axis("Target:Q"), y=y)
    )
    figure: alt.TopLevelMixin = (
        alt.layer(bars, labels, targets)
        .properties(height=alt.Step(18))
        .properties(padding={"left": 5, "top": 5, "bottom": 5, "right": 170})
    )
    return figure


# --- Desk reports: counts by category, one or more series ----------------------------------------


#: Above this many bars the counts are left to the tooltips and the table below the chart.
MAX_LABELLED_BARS = 30


@cached_figure
def count_bars(
    data: pd.DataFrame,
    categories: list[str],
    series: list[str],
    category_title: str,
    value_title: str = "Requests",
) -> alt.TopLevelMixin:
    """Vertical bars of counts by category, side by side for each series, the count written
    above each bar (``[c]`` where it is hidden, with no bar) while there are few enough bars
    (``MAX_LABELLED_BARS``) for the numbers not to run into each other.

    ``data`` has columns Category, Series, Count (missing when hidden) and Label. One series is
    drawn in AF dark blue without a legend; several get AF colours and a legend.
    """
    x = alt.X(
        "Category:N",
        sort=categories,
        title=category_title,
        axis=alt.Axis(
            labelAngle=-40 if len(categories) > 4 else 0, labelLimit=200, labelOverlap=False
        ),
    )
    y = alt.Y("Count:Q", title=value_title, axis=alt.Axis(format="d", tickMinStep=1))
    offset = alt.XOffset("Series:N", sort=series)
    base = alt.Chart(data).transform_calculate(Shown="isValid(datum.Count) ? datum.Count : 0")
    colour = (
        alt.value(AF_CATEGORICAL[0])
        if len(series) == 1
        else alt.Color("Series:N", scale=categorical_scale(series), title=None)
    )
    bars = base.mark_bar().encode(
        x=x, y=y, xOffset=offset, color=colour, tooltip=["Category", "Series", "Label"]
    )
    labels = base.mark_text(dy=-8, fontSize=12, color=AF_TEXT).encode(
        x=x, y=alt.Y("Shown:Q"), xOffset=offset, text="Label:N"
    )
    layers = [bars, labels] if len(categories) * len(series) <= MAX_LABELLED_BARS else [bars]
    figure: alt.TopLevelMixin = alt.layer(*layers).properties(height=300)
    return figure


# --- Your organisation: your organisation beside the rest of the system ------------------------

#: The two series of the organisation charts, their AF colours and marker shapes.
ORGANISATION_SERIES = ["Your organisation", "Rest of the system"]
ORGANISATION_SHAPES = ["circle", "diamond"]


def _organisation_colour() -> alt.Color:
    return alt.Color(
        "Group:N",
        scale=alt.Scale(domain=ORGANISATION_SERIES, range=list(AF_DUO)),
        title=None,
    )


def _organisation_shape() -> alt.Shape:
    return alt.Shape(
        "Group:N",
        scale=alt.Scale(domain=ORGANISATION_SERIES, range=ORGANISATION_SHAPES),
        title=None,
    )


@cached_figure
def organisation_principles(data: pd.DataFrame, order: list[str]) -> alt.TopLevelMixin:
    """Each principle's mean score, your organisation (circles) beside the rest (diamonds).

    ``data`` has columns Principle, Group (one of ``ORGANISATION_SERIES``), Score and Label;
    ``order`` is the principles top to bottom.
    """
    base = alt.Chart(data).encode(
        x=alt.X(
            "Score:Q",
            scale=alt.Scale(domain=list(SCORE_DOMAIN)),
            axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
            title="Mean score (1 is Beginning, 5 is Mastering)",
        ),
        y=alt.Y("Principle:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        yOffset=alt.YOffset("Group:N", sort=ORGANISATION_SERIES),
    )
    points = base.mark_point(filled=True, size=160, opacity=1).encode(
        color=_organisation_colour(),
        shape=_organisation_shape(),
        tooltip=["Principle", "Group", "Label"],
    )
    labels = base.mark_text(align="left", dx=10, color=AF_TEXT).encode(text="Label:N")
    figure: alt.TopLevelMixin = (points + labels).properties(height=alt.Step(22))
    return figure


@cached_figure
def organisation_trend(data: pd.DataFrame, rounds: list[str]) -> alt.TopLevelMixin:
    """The mean overall score by round: your organisation solid with circles, the rest dashed
    with diamonds, each point labelled above (the higher of a round) or below.

    ``data`` has columns Round, Group, Score, Above (whether the label goes above) and Label.
    """
    base = alt.Chart(data).encode(
        x=alt.X("Round:N", sort=rounds, title="Assessment round", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "Score:Q",
            scale=alt.Scale(domain=list(SCORE_DOMAIN)),
            axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
            title="Mean overall score",
        ),
    )
    lines = base.mark_line(strokeWidth=3).encode(
        color=_organisation_colour(),
        strokeDash=alt.StrokeDash(
            "Group:N",
            scale=alt.Scale(domain=ORGANISATION_SERIES, range=[[1, 0], [6, 4]]),
            title=None,
        ),
    )
    markers = base.mark_point(filled=True, size=120, opacity=1).encode(
        color=_organisation_colour(),
        shape=_organisation_shape(),
        tooltip=["Round", "Group", "Label"],
    )
    labels = alt.layer(
        *(
            base.transform_filter(alt.datum.Above == above)
            .mark_text(dy=offset, color=AF_TEXT, fontSize=13)
            .encode(text="Label:N")
            for above, offset in ((True, -16), (False, 18))
        )
    )
    figure: alt.TopLevelMixin = (lines + markers + labels).properties(height=320)
    return figure


# --- Champion updates ---------------------------------------------------------------------------


@cached_figure
def horizontal_bars(data: pd.DataFrame, category: str, value: str) -> alt.TopLevelMixin:
    """Horizontal bars in AF dark blue, in the frame's order, the count written at each end."""
    order = list(data[category])
    y = alt.Y(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelLimit=360))
    x = alt.X(f"{value}:Q", title=value, axis=alt.Axis(format="d", tickMinStep=1))
    base = alt.Chart(data)
    bars = base.mark_bar(color=AF_CATEGORICAL[0], height=20).encode(
        x=x, y=y, tooltip=[category, value]
    )
    labels = base.mark_text(align="left", dx=5, color=AF_TEXT, fontSize=13).encode(
        x=x, y=y, text=f"{value}:Q"
    )
    figure: alt.TopLevelMixin = alt.layer(bars, labels).properties(
        height=alt.Step(32), padding={"left": 5, "top": 5, "bottom": 5, "right": 40}
    )
    return figure


# --- Commitments --------------------------------------------------------------------------------


@cached_figure
def status_bars(data: pd.DataFrame, themes: list[str], statuses: list[str]) -> alt.TopLevelMixin:
    """Stacked horizontal bars: each theme's planned actions by status, in ``statuses`` order.

    ``data`` has columns Theme, Status and Actions (one row per theme and status).
    """
    figure: alt.TopLevelMixin = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Theme:N", sort=themes, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("Actions:Q", title="Planned actions", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color("Status:N", scale=categorical_scale(statuses), sort=statuses),
            order=alt.Order("order:Q"),
            tooltip=["Theme", "Status", "Actions"],
        )
        .transform_calculate(order=f"indexof({statuses!r}, datum.Status)")
        .properties(height=40 * len(themes) + 40)
    )
    return figure
