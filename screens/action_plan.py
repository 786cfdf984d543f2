"""Action plan: what the team will do to improve, who owns it, by when, and what it would reach."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import InputError, NotFound
from ue_core.scoring import format_score
from ue_core.services import actions
from ue_core.services.actions import ActionDraft, ActionView
from ue_core.text import plural, plural_noun
from ue_core.timefmt import format_date, uk_today
from ue_core.vocabulary import ACTION_STATUS_LABELS
from ui import charts, concurrency
from ui.action_form import action_fields, field_keys, intended_label
from ui.auth import require_page
from ui.context import db
from ui.downloads import render_action_plan_downloads
from ui.navigation import SCREENS_BY_KEY, screens_for
from ui.teams import choose_team
from ui.text import plain

actor = require_page(Permission.VIEW_TEAM_RESULTS)
today = uk_today()


def score_text(score: float | None) -> str:
    return "No score" if score is None else format_score(score)


def link_to(key: str, label: str) -> None:
    if key in {s.key for s in screens_for(actor)}:
        screen = SCREENS_BY_KEY[key]
        st.page_link(screen.path, label=plain(label), icon=screen.icon)


st.title("Action plan")
st.write(actions.WHAT_AN_ACTION_PLAN_IS)

chosen_team = choose_team(actor)
if chosen_team is None:
    st.info("You are not in a team yet, so there is no action plan to show. Ask your admin.")
    st.stop()
team_id = int(chosen_team)

try:
    choices, default_id = actions.plan_choices(db(), actor, team_id, today)
except (AccessDenied, NotFound) as problem:
    st.error(plain(problem))
    st.stop()

if not choices:
    st.info("Your team has not started a self-assessment yet, so it has no action plan.")
    st.write(
        "Actions are linked to the practices you rate in your self-assessment. Start it "
        "first, then come back here to plan what you will improve."
    )
    link_to("assessment", "Go to your team's self-assessment")
    st.stop()

ids = [c.assessment_id for c in choices]
labels = {c.assessment_id: c.label for c in choices}
chosen_id = st.selectbox(
    "Round",
    options=ids,
    index=ids.index(default_id) if default_id in ids else 0,
    format_func=labels.__getitem__,
    help="Your team's current round is shown first, or else its latest submitted round.",
)
assessment_id = int(chosen_id if chosen_id is not None else ids[0])

try:
    plan = actions.action_plan(db(), actor, assessment_id, today)
except (AccessDenied, NotFound) as problem:
    st.error(plain(problem))
    st.stop()

ref = plan.assessment
st.caption(plain(f"{ref.team_name}, {ref.round_label}, {ref.status_label.lower()}."))
if not ref.is_submitted:
    st.info(
        "This assessment is still a draft. The scores below use the answers your team lead "
        "has agreed so far. You can plan actions now and keep planning after submission."
    )
can_change = actor.can(Permission.ASSESS)

# --- The actions ----------------------------------------------------------------------------

st.header("Your actions")
if not plan.actions:
    st.write("Your team has no actions yet.")
    st.markdown(
        "To add your first action, use **Add an action** below:\n"
        "1. Choose the practice the action will improve. Start with principles where you are "
        "furthest from your target.\n"
        "2. Say what you will do and who owns it.\n"
        "3. Give a due date and the level you want the practice to reach."
    )
else:
    overdue = plan.overdue
    if overdue:
        st.warning(
            f"Overdue: {plural(len(overdue), 'action')} "
            f"{plural_noun(len(overdue), 'is', 'are')} past the due date and not done. "
            "They are listed first."
        )
    st.dataframe(
        pd.DataFrame(
            {
                "Overdue": ["Overdue" if a.is_overdue(today) else "" for a in plan.actions],
                "Action": [a.description for a in plan.actions],
                "Owner": [a.owner for a in plan.actions],
                "Due date": [format_date(a.due_on) or "Not set" for a in plan.actions],
                "Status": [a.status_label for a in plan.actions],
                "Intended level": [intended_label(a.intended_level) for a in plan.actions],
                "Practice": [a.practice_title for a in plan.actions],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def edit_action(action: ActionView) -> None:
    name = f"action_{action.id}"
    seen = concurrency.seen_version(name, action.version)
    with st.form(f"edit_action_{action.id}"):
        fields = action_fields(plan, "edit", action.id, action.draft(), choose_practice=False)
        save = st.form_submit_button("Save changes")
    with st.form(f"delete_action_{action.id}"):
        confirm = st.checkbox("Yes, delete this action", key=f"confirm_delete_{action.id}")
        delete = st.form_submit_button("Delete action")
    if not (save or delete):
        return
    if delete and not confirm:
        st.error("Tick 'Yes, delete this action' to delete it.")
        return
    said: list[str] = []  # what the save did, to tell the person

    def save_change() -> None:
        if delete:
            actions.delete_action(db(), actor, action.id, expected_version=seen)
            said.append("Action deleted.")
            return
        draft = fields.draft()
        if draft == action.draft():
            return
        if draft == replace(action.draft(), status=draft.status):
            actions.change_status(db(), actor, action.id, draft.status, expected_version=seen)
            said.append(f"Status changed to {ACTION_STATUS_LABELS[draft.status].lower()}.")
        else:
            actions.update_action(db(), actor, action.id, draft, expected_version=seen)
            said.append("Action saved.")

    if concurrency.save_checked(save_change, name=name, current_version=action.version):
        if not said:
            st.info("Nothing has changed, so there was nothing to save.")
            return
        st.toast(plain(said[0]))
        st.rerun()


if plan.actions and can_change:
    st.subheader("Change an action")
    st.write("Open an action to change it, mark its progress or delete it.")
    for action in plan.actions:
        tag = "Overdue: " if action.is_overdue(today) else ""
        due = format_date(action.due_on) or "no due date"
        with st.expander(plain(f"{tag}{action.description} ({action.status_label}, due {due})")):
            edit_action(action)

# --- Adding ---------------------------------------------------------------------------------

if can_change:
    st.header("Add an action")
    empty = ActionDraft(0, "", actor.display_name, today + timedelta(days=90))
    with st.form(f"add_action_{assessment_id}"):
        new = action_fields(plan, "add", assessment_id, empty, choose_practice=True)
        add = st.form_submit_button("Add action", type="primary")
    if add:
        try:
            actions.add_action(db(), actor, assessment_id, new.draft())
        except (InputError, AccessDenied, NotFound) as problem:
            st.error(plain(problem))
        else:
            for key in field_keys("add", assessment_id):
                st.session_state.pop(key, None)
            st.toast("Action added.")
            st.rerun()

# --- Projected scores -----------------------------------------------------------------------

st.header("Projected scores")
titles = plan.principle_titles
rows = []
raised: list[str] = []
for current in plan.current.principles:
    projected = plan.projected.principle(current.principle_key)
    if (
        current.score is not None
        and projected.score is not None
        and score_text(projected.score) != score_text(current.score)
    ):
        raised.append(titles[current.principle_key])
    rows.append(
        {
            "Principle": titles[current.principle_key],
            "Current score": None if current.score is None else float(score_text(current.score)),
            "Projected score": None
            if projected.score is None
            else float(score_text(projected.score)),
            "Target": current.target,
        }
    )
table = pd.DataFrame(rows)
table["Target"] = table["Target"].astype("Int64")
if table["Current score"].isna().all():
    st.write(
        "There are no scores yet: your team lead needs to agree the team's answers first. "
        "You can still plan actions."
    )
else:
    description = (
        "For each principle, the top bar is the score now and the bottom bar the score if every "
        "action reaches its intended level; both are written at the end of the bars. The black "
        "mark is the target. "
        + (
            f"The plan would raise {len(raised)} of {len(rows)} principles: "
            + ", ".join(raised)
            + "."
            if raised
            else "The plan does not raise any principle's score yet: give your actions an "
            "intended level above the practice's current level."
        )
    )
    charts.chart(
        "Scores now and if the plan works",
        description,
        charts.projected_scores(table),
        table,
        key="projection_chart",
    )
    st.caption(
        "A plan never lowers a level. Practices with no agreed level, or marked as not "
        "applicable, are left out of the projection."
    )

# --- Downloads ------------------------------------------------------------------------------

st.header("Download the action plan")
st.write(
    "The spreadsheet (ODS) has a cover sheet, notes, the actions and the projected scores. "
    "The CSV file has the actions only."
)
render_action_plan_downloads(actor, assessment_id)
