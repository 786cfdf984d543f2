"""System overview: where teams across the statistical system need the hub's help."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.disclosure import SUPPRESSED_NOTE, display_count
from ue_core.errors import NotFound
from ue_core.scoring import LEVEL_NAMES, format_score
from ue_core.services import oversight
from ue_core.services.support import STATUS_LABELS
from ue_core.timefmt import uk_today
from ui.auth import require_page
from ui.charts import AF_CATEGORICAL, chart, score_axis
from ui.context import db
from ui.downloads import render_table_download
from ui.text import plain, plain_table

HEAT_LOW = (255, 255, 255)
HEAT_HIGH = (0x6B, 0xAC, 0xE6)  # the AF light blue: dark text stays readable on every shade


def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def heat(share: float) -> str:
    red, green, blue = (
        round(low + (high - low) * share) for low, high in zip(HEAT_LOW, HEAT_HIGH, strict=True)
    )
    return f"background-color: #{red:02X}{green:02X}{blue:02X}; color: #0B0C0C"


actor = require_page(Permission.VIEW_SYSTEM)
st.title("System overview")

round_id: int | None = st.session_state.get("system_score_round")
try:
    overview = oversight.system_overview(db(), actor, uk_today(), round_id)
except NotFound:
    st.session_state.pop("system_score_round", None)
    overview = oversight.system_overview(db(), actor, uk_today())
except AccessDenied as denied:
    st.error(plain(denied))
    st.stop()

st.write(
    "Where teams across the statistical system are with their self-assessments, and where "
    "they most need help. Scores are only shown for groups of 5 or more teams."
)
if not overview.teams:
    st.info("There are no teams in the workbench yet. Admins add organisations and teams.")
    st.stop()

# --- Coverage -------------------------------------------------------------------------------
round_text = f"the {overview.round_label} round" if overview.round_label else "this round"
st.header(plain(f"Coverage in {round_text}"))
not_started = overview.teams - overview.submitted - overview.draft
for column, (label, value) in zip(
    st.columns(4),
    (
        ("Teams", overview.teams),
        ("Submitted", overview.submitted),
        ("In draft", overview.draft),
        ("Not started", not_started),
    ),
    strict=True,
):
    column.metric(plain(label), f"{value:,}")

st.subheader("Coverage by organisation")
st.write(
    "Organisations with the smallest share of teams submitted come first. The mean overall "
    "score is over each team's latest submitted assessment."
)
by_coverage = sorted(
    overview.organisations, key=lambda o: (o.share_submitted or 0.0, o.name.lower())
)
coverage_table = pd.DataFrame(
    {
        "Organisation": [o.name for o in by_coverage],
        "Teams": [o.teams for o in by_coverage],
        "Submitted this round": [o.submitted for o in by_coverage],
        "In draft": [o.draft for o in by_coverage],
        "Submitted (%)": [
            None if o.share_submitted is None else round(o.share_submitted * 100)
            for o in by_coverage
        ],
        "Mean overall score": [o.overall.display(format_score) for o in by_coverage],
    }
)
st.dataframe(
    coverage_table,
    hide_index=True,
    width="stretch",
    column_config={"Submitted (%)": st.column_config.NumberColumn(format="%d%%")},
)
render_table_download(coverage_table, "Download this table (CSV)", "coverage-by-organisation.csv")
if any(o.overall.suppressed for o in overview.organisations):
    st.caption(SUPPRESSED_NOTE)

# --- Scores ---------------------------------------------------------------------------------
st.header("Scores across the system")
if overview.score_round is None:
    st.info(
        "No team has submitted an assessment yet, so there are no scores to show. Scores "
        "appear here once teams submit."
    )
else:
    options = {o.id: o.label for o in overview.score_rounds}
    st.selectbox(
        "Round",
        options=list(options),
        index=list(options).index(overview.score_round.id),
        format_func=options.__getitem__,
        key="system_score_round",
        help="Scores come from the assessments teams submitted in this round.",
    )
    st.subheader(plain(f"Teams at each level, {overview.score_round.label}"))
    st.write(
        "How many teams reached each level on each principle. Darker shading means a larger "
        "share of the principle's teams."
    )
    levels = list(LEVEL_NAMES)
    level_columns = [f"{level} {LEVEL_NAMES[level]}" for level in levels]
    shares: list[list[float]] = []
    cells: list[list[str]] = []
    for item in overview.distribution:
        total = item.team_count or 1
        shares.append([(item.counts[level] or 0) / total for level in levels])
        cells.append([display_count(item.counts[level]) for level in levels])
    distribution = pd.DataFrame(cells, columns=level_columns)
    distribution.insert(0, "Principle", [d.principle.title for d in overview.distribution])
    distribution["Teams"] = [f"{d.team_count:,}" for d in overview.distribution]
    share_frame = pd.DataFrame(shares, columns=level_columns)
    # st.table reads Markdown in every cell, so the table is escaped first.
    styled = (
        plain_table(distribution)
        .style.hide(axis="index")
        .apply(lambda _: share_frame.map(heat), axis=None, subset=level_columns)
    )
    st.table(styled)
    if any(None in d.counts.values() for d in overview.distribution):
        st.caption(
            SUPPRESSED_NOTE + " When one count in a row is hidden, the next smallest is hidden "
            "too, so it cannot be worked out from the total."
        )

    weakest = overview.weakest()
    st.subheader("Where help is needed")
    if not weakest:
        st.write(
            "Fewer than 5 teams submitted in this round, so no principle scores can be shown. "
            "Choose an earlier round above."
        )
    else:
        frame = pd.DataFrame(
            {
                "Principle": [d.principle.title for d in weakest],
                "Score": [d.mean.value for d in weakest],
                "Label": [
                    f"{d.mean.display(format_score)} ({percent(d.below_learning.value)} below "
                    "Learning)"
                    for d in weakest
                ],
            }
        )
        order = [d.principle.title for d in weakest]
        base = alt.Chart(frame).encode(
            y=alt.Y("Principle:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            x=score_axis(title="Mean principle score (1 is Beginning, 5 is Mastering)"),
        )
        bars = base.mark_bar(color=AF_CATEGORICAL[0]).encode(
            x2=alt.datum(1), tooltip=["Principle", "Label"]
        )
        labels = base.mark_text(align="left", dx=6, color="#0B0C0C").encode(text="Label:N")
        chart(
            f"Principles from weakest to strongest, {overview.score_round.label}",
            f"The mean score on each principle over the teams that submitted in "
            f"{overview.score_round.label}, weakest first, labelled with the share of teams "
            f"below Learning. The weakest is {weakest[0].principle.title} at "
            f"{weakest[0].mean.display(format_score)}.",
            (bars + labels).properties(height=alt.Step(34)),
            pd.DataFrame(
                {
                    "Principle": [d.principle.title for d in weakest],
                    "Mean score": [d.mean.display(format_score) for d in weakest],
                    "Teams below Learning": [percent(d.below_learning.value) for d in weakest],
                    "Teams": [d.team_count for d in weakest],
                }
            ),
            heading_level=4,
            key="weakest",
        )

# --- Support requests -----------------------------------------------------------------------
st.header("Support requests")
st.write(
    f"{overview.open_requests:,} request{'s are' if overview.open_requests != 1 else ' is'} "
    "open. Consultants pick requests up on the support requests page."
)
statuses = list(overview.requests_by_status)
for column, status in zip(st.columns(len(statuses)), statuses, strict=True):
    column.metric(STATUS_LABELS[status], f"{overview.requests_by_status[status]:,}")
