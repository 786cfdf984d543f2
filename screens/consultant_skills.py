"""Your skills: the practice areas and kinds of help a hub consultant can help with.

Consultants declare their own; admins choose a consultant and set theirs. Triage suggests the
consultant best placed for a request from these and each consultant's open requests.
"""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Permission
from ue_core.framework import PRACTICE_AREA_LABELS
from ue_core.request_kinds import shipped_request_kinds
from ue_core.services.requests import skills
from ui import concurrency
from ui.auth import require_page
from ui.context import db
from ui.text import plain

SEEN_KEY = "skills_seen"
SAVED_KEY = "skills_saved"

actor = require_page(Permission.DECLARE_SKILLS)
is_admin = actor.can(Permission.ADMINISTER)
st.title("Consultants' skills" if is_admin else "Your skills")
st.write(
    "The practice areas and kinds of help a hub consultant can help with. Triage suggests the "
    "consultant best placed to take a request from these and from the requests each already has."
)
saved_message = st.session_state.pop(SAVED_KEY, None)
if isinstance(saved_message, str):
    st.success(plain(saved_message))

user_id = actor.user_id
if is_admin:
    people = {c.user_id: c.name for c in skills.hub_consultants(db(), actor)}
    if not people:
        st.write("There are no hub consultants yet. Give someone the hub consultant role first.")
        st.stop()
    chosen = st.selectbox(
        "Consultant",
        options=list(people),
        index=list(people).index(user_id) if user_id in people else 0,
        format_func=people.__getitem__,
    )
    user_id = int(chosen if chosen is not None else next(iter(people)))

current = skills.skills_of(db(), actor, user_id)
seen_key = f"{SEEN_KEY}_{user_id}"
seen = st.session_state.setdefault(seen_key, current)
kinds = shipped_request_kinds()
with st.form(f"skills_{user_id}"):
    areas = st.multiselect(
        "Practice areas",
        options=list(PRACTICE_AREA_LABELS),
        default=sorted(current.areas),
        format_func=PRACTICE_AREA_LABELS.__getitem__,
        help="The areas of the framework this consultant can advise on.",
    )
    offered = st.multiselect(
        "Kinds of help",
        options=[k.key for k in kinds.kinds],
        default=[k.key for k in kinds.kinds if k.key in current.kinds],
        format_func=kinds.label,
    )
    submitted = st.form_submit_button("Save skills")


def _on_conflict(_: object) -> None:
    st.session_state[seen_key] = skills.skills_of(db(), actor, user_id)


if submitted and concurrency.save_checked(
    lambda: skills.set_skills(db(), actor, user_id, areas, offered, expected=seen),
    name=None,
    current_version=None,
    on_conflict=_on_conflict,
):
    st.session_state.pop(seen_key, None)
    st.session_state[SAVED_KEY] = f"Skills saved for {current.name}."
    st.rerun()
