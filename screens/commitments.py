"""Commitments: a champion keeps their organisation's commitment; hub staff see every one."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Permission
from ue_core.commitment_themes import shipped_commitment_themes
from ue_core.services import commitments
from ue_core.timefmt import format_date, format_datetime, uk_today
from ui import commitments as forms
from ui.auth import require_page
from ui.context import db
from ui.flash import Flash
from ui.organisations import choose_organisation
from ui.text import plain

flash = Flash("commitments")

actor = require_page(Permission.COMMITMENTS)
st.title("Commitments")
st.write(
    "Each organisation commits to the User Engagement Strategy for Statistics: a short "
    "statement, and the actions it plans under the strategy's themes, each with an owner, "
    "dates and a status. Champions keep their organisation's commitment up to date."
)
flash.show()


today = uk_today()
themes = shipped_commitment_themes()
if actor.is_hub_staff():
    progress = commitments.commitments_progress(db(), actor, today, themes)
    st.header("Progress across organisations")
    forms.show_progress(progress)
    names = {o.organisation_id: o.organisation_name for o in progress.organisations}
    st.header("One organisation's commitment")
    if not names:
        st.write("There are no organisations in the workbench yet.")
        st.stop()
    chosen = st.selectbox("Organisation", list(names), format_func=names.__getitem__)
    assert chosen is not None
else:
    choices = commitments.commitment_organisations(db(), actor)
    chosen = choose_organisation({o.organisation_id: o.name for o in choices})

view = commitments.organisation_commitment(db(), actor, chosen, themes)
st.subheader(plain(f"Commitment of {view.organisation_name}"))
if view.exists:
    st.write(plain(view.statement))
    st.caption(
        plain(
            (f"Published on {format_date(view.published_on)}. " if view.published_on else "")
            + f"Last updated {format_datetime(view.updated_at)}."
        )
    )
else:
    st.write("This organisation has not written its commitment yet.")

if view.can_edit:
    with st.expander("Write or change the commitment", expanded=not view.exists):
        if forms.statement_form(actor, view):
            flash.done("Saved the commitment.")

st.subheader("Planned actions")
if view.actions:
    overdue = view.overdue(today)
    if overdue:
        st.warning(plain(f"{len(overdue)} of {len(view.actions)} actions are overdue."))
    st.dataframe(forms.actions_frame(view, today), hide_index=True, width="stretch")
else:
    st.write("No actions planned yet.")

if view.can_edit and view.exists:
    with st.expander("Add an action"):
        if forms.add_action_form(actor, view, themes):
            flash.done("Added the action.")
    if view.actions:
        with st.expander("Change an action's status"):
            if forms.status_form(actor, view):
                flash.done("Changed the action's status.")
        with st.expander("Change an action"):
            if forms.edit_action_form(actor, view, themes):
                flash.done("Saved the changes to the action.")

with st.expander("The themes"):
    for theme in themes.themes:
        st.markdown(f"- **{plain(theme.label)}**: {plain(theme.description)}")
