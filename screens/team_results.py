"""Team results: a champion reads one of their organisation's teams' results (read only)."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import NotFound
from ue_core.services import oversight, results
from ue_core.text import possessive
from ue_core.timefmt import uk_today
from ui import results_sections as sections
from ui.auth import require_page
from ui.context import db
from ui.navigation import SCREENS_BY_KEY
from ui.targets_form import targets_section
from ui.text import plain

actor = require_page(Permission.VIEW_ORGANISATION)

#: The query parameter that says which team, as in a link from the organisation's table.
TEAM_PARAM = "team"

st.title("Team results")
organisation = SCREENS_BY_KEY["organisation"]
st.page_link(organisation.path, label="Back to your organisation", icon=":material/arrow_back:")

teams: dict[int, str] = {}  # the team and its organisation, to choose from
team_names: dict[int, str] = {}
for choice in oversight.champion_organisations(db(), actor):
    dashboard = oversight.organisation_dashboard(db(), actor, choice.id, uk_today())
    teams.update({t.team_id: f"{t.name} ({choice.name})" for t in dashboard.teams})
    team_names.update({t.team_id: t.name for t in dashboard.teams})
if not teams:
    st.info("Your organisation has no teams in the workbench yet, so there are no results.")
    st.stop()

asked = st.query_params.get(TEAM_PARAM, "")
options = list(teams)
start = options.index(int(asked)) if asked.isdigit() and int(asked) in teams else 0
team_id = st.selectbox("Team", options, index=start, format_func=teams.__getitem__)
if team_id is None:
    st.stop()
st.query_params[TEAM_PARAM] = str(team_id)
st.write(
    "As champion you can read your teams' results. Only the team can change its answers and "
    "targets."
)

try:
    available = results.assessments_with_results(db(), actor, team_id)
except (AccessDenied, NotFound) as problem:
    st.error(plain(problem))
    st.stop()
submitted = [a for a in available if a.is_submitted]
if not submitted:
    st.info(
        plain(f"{possessive(team_names[team_id])} results appear here once it submits its ")
        + "first self-assessment."
    )
    st.stop()

rounds = {a.id: a.round_label for a in submitted}
assessment_id = st.selectbox(
    "Round",
    list(rounds),
    format_func=rounds.__getitem__,
    help="The team's latest submitted round is shown first.",
)
view = sections.load(actor, int(assessment_id or submitted[0].id))
sections.round_caption(view)
sections.summary(view)
sections.contents_and_tabs(
    {
        **sections.reading_tabs(view),
        "Targets": lambda: targets_section(actor, view, can_change=False),
    }
)
