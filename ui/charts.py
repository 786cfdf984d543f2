"""Charts the Analysis Function way: AF palette, a title, a text description, a table alternative.

Every chart is drawn with ``chart()``, which always writes the title as a heading, the
description as text (the chart's text alternative), the chart, and then the same numbers as a
table, so nobody needs to read the chart to get the figures.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

# Analysis Function categorical palette, in the order the guidance says to use it.
AF_CATEGORICAL = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
AF_DUO = ("#12436D", "#F46A25")
AF_SEQUENTIAL = ("#12436D", "#2073BC", "#6BACE6")
AF_TEXT = "#0B0C0C"


def af_theme_config(chart: alt.TopLevelMixin) -> Any:
    """Readable defaults: GOV.UK text colour; no chart title (the heading above is the title)."""
    return (
        chart.configure_axis(
            labelColor=AF_TEXT,
            titleColor=AF_TEXT,
            labelFontSize=13,
            titleFontSize=13,
            gridColor="#D9D9D9",
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


def categorical_scale(categories: list[str]) -> alt.Scale:
    """Colours for up to six categories, in the AF order (use four or fewer where possible)."""
    if len(categories) > len(AF_CATEGORICAL):
        raise ValueError("The AF categorical palette has six colours: aggregate before charting.")
    palette = AF_DUO if len(categories) == 2 else AF_CATEGORICAL[: len(categories)]
    return alt.Scale(domain=categories, range=list(palette))


def chart(
    title: str,
    description: str,
    figure: alt.TopLevelMixin,
    table: pd.DataFrame,
    *,
    heading_level: int = 3,
    key: str | None = None,
) -> None:
    """Draw a chart with its title, text description and table alternative."""
    st.markdown(f"{'#' * heading_level} {title}")
    st.write(description)
    st.altair_chart(af_theme_config(figure), width="stretch", key=key)
    with st.expander(f"Table: {title.lower()}" if title else "Table"):
        st.dataframe(table, hide_index=True, width="stretch")
