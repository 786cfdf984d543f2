"""Your organisation: the champion's view of their teams' coverage, scores and trends."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.disclosure import SUPPRESSED_NOTE, Aggregate
from ue_core.errors import NotFound
from ue_core.scoring import format_score
from ue_core.services import oversight, statistical_outputs
from ue_core.text import plural
from ue_core.timefmt import uk_today
from ui.auth import require_page
from ui.charts import ORGANISATION_SERIES, chart, organisation_principles, organisation_trend
from ui.context import db
from ui.downloads import render_table_download
from ui.navigation import SCREENS_BY_KEY
from ui.organisations import choose_organisation
from ui.outputs_coverage import show_summary as show_outputs_summary
from ui.text import plain, plain_table

OWN, REST = ORGANISATION_SERIES

actor = require_page(Permission.VIEW_ORGANISATION)
st.title("Your organisation")

organisations = oversight.champion_organisations(db(), actor)
chosen = choose_organisation({o.id: o.name for o in organisations})

try:
    dash = oversight.organisation_dashboard(db(), actor, chosen, uk_today())
except (AccessDenied, NotFound) as problem:
    st.error(plain(problem))
    st.stop()


def shown(value: Aggregate) -> str:
    return value.display(format_score)


st.markdown(
    plain(dash.organisation_name) + f": {plural(len(dash.teams), 'team')} in the workbench. "
    "As champion you see each of your teams. Other organisations are only shown together, "
    "as the rest of the system."
)
if not dash.teams:
    st.info(
        "Your organisation has no teams in the workbench yet. Ask an admin to add them, then "
        "invite each team to start its self-assessment."
    )
    st.stop()

# --- Coverage ---------------------------------------------------------------------------------
round_text = f"the {dash.round_label} round" if dash.round_label else "this round"
st.header(plain(f"Coverage in {round_text}"))
counts = dash.coverage_counts()
for column, status in zip(st.columns(len(counts)), oversight.Coverage, strict=True):
    column.metric(plain(status.value), counts[status])
teams_table = pd.DataFrame(
    {
        "Team": [t.name for t in dash.teams],
        "This round": [t.coverage.value for t in dash.teams],
        "Last submitted round": [t.last_submitted_round or "None yet" for t in dash.teams],
        "Latest overall score": [t.display_overall for t in dash.teams],
        "Latest level": [t.overall_level_name for t in dash.teams],
    }
)
st.dataframe(teams_table, hide_index=True, width="stretch", height="content")
render_table_download(teams_table, "Download this table (CSV)", "teams-coverage.csv")
st.subheader("Open a team's results")
st.write("Each team's results, to read. Only the team can change its answers and targets.")
team_page = SCREENS_BY_KEY["team_results"]
for team in dash.teams:
    st.page_link(
        team_page.path,
        label=f"{plain(team.name)}: results",
        icon=team_page.icon,
        query_params={"team": str(team.team_id)},
    )
if counts[oversight.Coverage.NOT_STARTED]:
    st.write(
        "Teams that have not started can begin from their home page; their last submitted "
        "answers are carried over."
    )

st.subheader("Statistical outputs")
show_outputs_summary(statistical_outputs.outputs_coverage(db(), actor, chosen, uk_today()))

# --- Principle scores -------------------------------------------------------------------------
st.header("Principle scores")
if not dash.has_scores:
    st.info(
        "None of your teams has submitted an assessment yet, so there are no scores to show. "
        "Scores appear here once a team lead submits their team's assessment."
    )
else:
    rows = [
        {"Principle": c.principle.title, "Group": group, "Score": value.value}
        for c in dash.principles
        for group, value in ((OWN, c.organisation), (REST, c.rest_of_system))
        if value.value is not None
    ]
    order = [c.principle.title for c in dash.principles]
    table = pd.DataFrame(
        {
            "Principle": order,
            f"{OWN} (teams)": [
                f"{shown(c.organisation)} ({c.organisation.team_count})" for c in dash.principles
            ],
            f"{REST} (teams)": [
                f"{shown(c.rest_of_system)} ({c.rest_of_system.team_count})"
                for c in dash.principles
            ],
        }
    )
    frame = pd.DataFrame(rows, columns=["Principle", "Group", "Score"])
    frame["Label"] = [format_score(v) for v in frame["Score"]]
    chart(
        "Mean principle scores: your organisation and the rest of the system",
        "Each principle's mean score over teams' latest submitted assessments. Your "
        "organisation is shown with circles and the rest of the system with diamonds; each "
        "point is labelled with its score. Figures about fewer than 5 teams are left out.",
        organisation_principles(frame, order),
        table,
        key="principles",
    )
    if any(c.organisation.suppressed or c.rest_of_system.suppressed for c in dash.principles):
        st.caption(SUPPRESSED_NOTE)

    # --- Trend --------------------------------------------------------------------------------
    st.header("Overall score over time")
    trend_rows = []
    for point in dash.trend:
        own, rest = point.organisation.value, point.rest_of_system.value
        for group, value, other in ((OWN, own, rest), (REST, rest, own)):
            if value is not None:
                # Label the higher point of a round above it and the lower one below it.
                above = other is None or value > other or (value == other and group == OWN)
                trend_rows.append(
                    {"Round": point.round_label, "Group": group, "Score": value, "Above": above}
                )
    trend_frame = pd.DataFrame(trend_rows, columns=["Round", "Group", "Score", "Above"])
    trend_frame["Label"] = [format_score(v) for v in trend_frame["Score"]]
    rounds = [p.round_label for p in dash.trend]
    trend_table = pd.DataFrame(
        {
            "Round": rounds,
            f"{OWN} (teams)": [
                f"{shown(p.organisation)} ({p.organisation.team_count})" for p in dash.trend
            ],
            f"{REST} (teams)": [
                f"{shown(p.rest_of_system)} ({p.rest_of_system.team_count})" for p in dash.trend
            ],
        }
    )
    chart(
        "Mean overall score by round",
        "The mean overall score (1 is Beginning, 5 is Mastering) of the teams that submitted "
        "in each round. Your organisation is the solid line with circles; the rest of the "
        "system is the dashed line with diamonds. Rounds with fewer than 5 teams submitting "
        "are left out of the chart.",
        organisation_trend(trend_frame, rounds),
        trend_table,
        key="trend",
    )
    if any(p.organisation.suppressed or p.rest_of_system.suppressed for p in dash.trend):
        st.caption(SUPPRESSED_NOTE)

    # --- Targets ------------------------------------------------------------------------------
    st.header("Teams furthest below their targets")
    if not dash.targets_set:
        st.write(
            "None of your teams has set targets yet. Teams set a target for each principle "
            "on their results page."
        )
    elif not dash.shortfalls:
        st.write("Every team has reached its targets in its latest submitted assessment.")
    else:
        st.write(
            "From each team's latest submitted assessment: the principle where the team is "
            "furthest short of its target, and how many principles are short in all."
        )
        st.table(
            plain_table(
                {
                    "Team": [s.team_name for s in dash.shortfalls],
                    "Round": [s.round_label for s in dash.shortfalls],
                    "Furthest short on": ["; ".join(s.principles) for s in dash.shortfalls],
                    "Score": [s.score for s in dash.shortfalls],
                    "Target": [str(s.target) for s in dash.shortfalls],
                    "Gap": [str(s.gap) for s in dash.shortfalls],
                    "Principles short of target": [s.principles_short for s in dash.shortfalls],
                }
            ).style.hide(axis="index")
        )

# --- Support requests -------------------------------------------------------------------------
st.header("Support requests")
st.metric("Open requests from your teams", dash.open_requests)
if dash.open_requests:
    st.write("The USER hub is handling these. Teams can follow them up on their support page.")
else:
    st.write(
        "None of your teams has an open request. Teams can ask the USER hub for help at any time."
    )
