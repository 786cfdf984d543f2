"""Results: a team's summary and next steps first, then scores, practice levels, change since the
last round, evidence to check, targets, downloads and recommendations, one tab each.
"""

from __future__ import annotations

import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import NotFound
from ue_core.services import results
from ue_core.timefmt import uk_today
from ui import results_sections as sections
from ui.auth import require_page
from ui.context import db
from ui.downloads import render_assessment_downloads
from ui.forums import forums_on_your_topics
from ui.navigation import SCREENS_BY_KEY, screens_for
from ui.recommendations import render_recommendations
from ui.targets_form import targets_section
from ui.teams import choose_team
from ui.text import plain

actor = require_page(Permission.VIEW_TEAM_RESULTS)

st.title("Results")

team_id = choose_team(actor)
if team_id is None:
    st.info("You are not in a team yet, so there are no results to show. Ask your admin.")
    st.stop()

try:
    available = results.assessments_with_results(db(), actor, team_id)
except (AccessDenied, NotFound) as problem:
    st.error(plain(problem))
    st.stop()

if not any(a.is_submitted for a in available):
    st.info("Your team has not submitted an assessment yet.")
if not available:
    st.write(
        "Results appear here once your team lead has agreed the team's answers. "
        "Rate your team's practices first."
    )
    if "assessment" in {s.key for s in screens_for(actor)}:
        screen = SCREENS_BY_KEY["assessment"]
        st.page_link(screen.path, label="Go to your team's self-assessment", icon=screen.icon)
    st.stop()


def round_option(index: int) -> str:
    header = available[index]
    if header.is_submitted:
        return f"{header.round_label} (submitted)"
    if header.reopened:
        return f"{header.round_label} (reopened: the answers as submitted)"
    return f"{header.round_label} (draft: answers agreed so far)"


chosen_index = st.selectbox(
    "Round",
    options=list(range(len(available))),
    index=next((i for i, a in enumerate(available) if a.is_submitted or a.reopened), 0),
    format_func=round_option,
    help="Your team's latest submitted round is shown first.",
)
assessment_id = available[int(chosen_index or 0)].id

view = sections.load(actor, assessment_id)
sections.round_caption(view)
sections.summary(view)

st.header("Next steps")
sections.bullets(sections.next_steps(view))
for key, label in (("action_plan", "Plan actions"), ("library", "Open the library")):
    if key in {s.key for s in screens_for(actor)}:
        screen = SCREENS_BY_KEY[key]
        st.page_link(screen.path, label=plain(label), icon=screen.icon)
forums_on_your_topics(actor, team_id, uk_today())

sections.contents_and_tabs(
    {
        **sections.reading_tabs(view),
        "Targets": lambda: targets_section(actor, view, can_change=True),
        "Download your results": lambda: render_assessment_downloads(actor, assessment_id),
        "Recommended for your team": lambda: render_recommendations(actor, assessment_id),
    }
)
