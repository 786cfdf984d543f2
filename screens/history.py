"""History: every round a team has submitted, with a trend chart per principle."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import NotFound
from ue_core.scoring import LEVEL_NAMES, format_score
from ue_core.services import score_history
from ui import charts
from ui.auth import require_page
from ui.context import db
from ui.navigation import SCREENS_BY_KEY, screens_for
from ui.teams import choose_team
from ui.text import plain

actor = require_page(Permission.VIEW_TEAM_RESULTS)

OVERALL = "Overall"


def shown(score: float | None) -> float | None:
    return None if score is None else float(format_score(score))


def signed(value: float) -> str:
    text = format_score(value)
    return text if text.startswith("-") or text == "0.0" else f"+{text}"


st.title("History")

chosen_team = choose_team(actor)
if chosen_team is None:
    st.info("You are not in a team yet, so there is no history to show. Ask your admin.")
    st.stop()
team_id = chosen_team

try:
    history = score_history.team_history(db(), actor, team_id)
except (AccessDenied, NotFound) as problem:
    st.error(plain(problem))
    st.stop()

if not history:
    st.info("Your team has not submitted an assessment yet.")
    st.write("Each round your team submits is added here, so you can see how you are doing.")
    if "assessment" in {s.key for s in screens_for(actor)}:
        screen = SCREENS_BY_KEY["assessment"]
        st.page_link(screen.path, label="Go to your team's self-assessment", icon=screen.icon)
    st.stop()

rounds = [r.round_label for r in history]
first = history[0]
if len(history) == 1:
    st.write(
        plain(
            f"Your team has submitted one round, {first.round_label}. The trend appears once you "
            "have submitted a second round."
        )
    )
else:
    listed = ", ".join(rounds[:-1]) + f" and {rounds[-1]}"
    st.write(plain(f"Your team has submitted {len(history)} rounds: {listed}."))

changes = [r for r in history if r.framework_changed]
for round_score in changes:
    previous_label = rounds[rounds.index(round_score.round_label) - 1]
    message = (
        f"The framework changed between {previous_label} and {round_score.round_label} "
        f"(now edition {round_score.framework_edition}). Changes from round to round compare "
        "only practices matched through the framework's crosswalk."
    )
    if round_score.not_comparable_titles:
        count = len(round_score.not_comparable_titles)
        message += (
            f" {count} {'practice' if count == 1 else 'practices'} in "
            f"{round_score.round_label} {'is' if count == 1 else 'are'} new or changed and "
            f"{'is' if count == 1 else 'are'} not compared; that round's scores in the chart "
            f"include {'it' if count == 1 else 'them'}."
        )
    st.info(plain(message))
    if round_score.not_comparable_titles:
        with st.expander(plain(f"Practices not compared in {round_score.round_label}")):
            st.markdown("\n".join(f"- {plain(t)}" for t in round_score.not_comparable_titles))

# --- Trend chart ---------------------------------------------------------------------------

st.header("Trend by principle")
trend = score_history.principle_trend(history)
panel_titles = list(dict.fromkeys(point.principle_title for point in trend))
trend_rows = [
    {
        "Panel": point.principle_title,
        "Round": point.round_label,
        "Score": shown(point.score),
        "Label": "" if point.score is None else format_score(point.score),
    }
    for point in trend
] + [
    {
        "Panel": OVERALL,
        "Round": r.round_label,
        "Score": shown(r.overall_score),
        "Label": "" if r.overall_score is None else format_score(r.overall_score),
    }
    for r in history
]
trend_data = pd.DataFrame(trend_rows)


def movement(panel: str) -> str:
    points = [row for row in trend_rows if row["Panel"] == panel and row["Score"] is not None]
    if len(points) < 2:
        return f"{panel}: {points[0]['Label'] if points else 'no score'}"
    start, end = points[0], points[-1]
    return f"{panel}: {start['Label']} to {end['Label']}"


description = (
    "One small chart per principle and one for the overall score, each showing the score "
    "(1 Beginning to 5 Mastering) in every submitted round, with the score written at each "
    "point. "
    + ("From first to latest round: " if len(history) > 1 else "Scores: ")
    + "; ".join(movement(panel) for panel in [*panel_titles, OVERALL])
    + "."
)
table = trend_data.pivot_table(
    index="Panel", columns="Round", values="Score", sort=False, dropna=False
).reindex(index=[*panel_titles, OVERALL], columns=rounds)
table = table.reset_index().rename(columns={"Panel": "Principle"})
table.columns.name = None
charts.chart(
    "Principle scores by round",
    description,
    charts.score_trends(
        trend_data[["Panel", "Round", "Score", "Label"]], [*panel_titles, OVERALL], rounds
    ),
    table,
    key="trend_chart",
)

# --- Round by round ------------------------------------------------------------------------

st.header("Round by round")
st.dataframe(
    pd.DataFrame(
        {
            "Round": rounds,
            "Framework edition": [r.framework_edition for r in history],
            "Overall score": [shown(r.overall_score) for r in history],
            "Overall level": [
                LEVEL_NAMES[r.overall_level] if r.overall_level else "No level" for r in history
            ],
            "Change": [
                signed(r.comparison.overall_change)
                if r.comparison is not None and r.comparison.overall_change is not None
                else "Not compared"
                for r in history
            ],
            "Practices compared": [
                r.comparison.compared_count if r.comparison is not None else 0 for r in history
            ],
            "Practices not compared": [len(r.not_comparable_titles) for r in history],
        }
    ),
    hide_index=True,
    width="stretch",
)
st.caption(
    "The change is from the round before, comparing only the practices rated in both rounds, "
    "so it can differ from the difference between the two overall scores."
)
