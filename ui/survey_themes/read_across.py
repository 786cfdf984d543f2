"""The Read across tab: themes by the answers to a closed question, small counts suppressed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.services.surveys import read_across as suppression
from ue_core.text import plural
from ui import charts
from ui.context import db
from ui.downloads import render_table_download
from ui.survey_themes.page import ThemePage

#: Above this share of hidden cells the heatmap says little: show the table and say why.
MOSTLY_SUPPRESSED = 0.5


def cell_rows(across: suppression.ReadAcross) -> list[dict[str, object]]:
    """One row per theme and group: the share, its label and the count (or the [c] mark)."""
    rows: list[dict[str, object]] = []
    for theme in across.themes:
        for group in across.categories:
            count = across.counts[(theme, group)]
            share = across.percent[(theme, group)]
            rows.append(
                {
                    "Theme": theme,
                    "Group": group,
                    "Percentage": share,
                    "Label": suppression.SUPPRESSED if share is None else f"{share:.0f}%",
                    "Answers": suppression.SUPPRESSED if count is None else str(count),
                }
            )
    return rows


def read_across_tab(page: ThemePage) -> None:
    st.header("Read across")
    labels = {q.column_name: q.label for q in page.survey.closed_questions}
    closed = list(labels)
    if not closed:
        st.write("This survey has no closed questions to read across by.")
        return
    default = closed.index("Profession") if "Profession" in closed else 0
    by = st.selectbox(
        "Show themes by",
        closed,
        index=default,
        format_func=labels.__getitem__,
        key=f"across_{page.set_id}",
    )
    level = st.radio(
        "Themes at",
        [suppression.TOP, suppression.SUB],
        format_func=lambda v: "Top-level themes" if v == suppression.TOP else "Sub-themes",
        horizontal=True,
        key=f"across_level_{page.set_id}",
    )
    across = suppression.read_across(db(), page.actor, page.set_id, by, level=level)
    rows = cell_rows(across)
    hidden = sum(1 for row in rows if row["Percentage"] is None)
    if rows and hidden / len(rows) > MOSTLY_SUPPRESSED:
        st.info(
            f"Most figures are hidden: {hidden:d} of {plural(len(rows), 'cell')} have fewer than 5 "
            "answers, so a shaded chart would say little. The table below shows every figure "
            "that can be shown. With more responses, or a question with fewer groups, more "
            "figures can be shown."
        )
    else:
        charts.chart(
            f"Themes by {labels[by][:1].lower()}{labels[by][1:]}",
            "For each group of respondents, the percentage of the group's answers in each "
            "theme, shaded from light grey (0%) to blue (100%). Each cell shows its percentage "
            f"as text; unshaded cells marked {suppression.SUPPRESSED} are hidden. "
            + suppression.SUPPRESSED_NOTE,
            charts.share_heatmap(
                pd.DataFrame(rows), list(across.themes), list(across.categories), labels[by]
            ),
            across.table(),
        )
    st.subheader("Counts and percentages")
    wide = across.wide_table()
    st.dataframe(wide, hide_index=True, width="stretch")
    render_table_download(wide, "Download this table (CSV)", "themes-read-across.csv")
    if across.any_suppressed:
        st.caption(suppression.SUPPRESSED_NOTE)
