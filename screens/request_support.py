"""Ask the hub for help: a team describes what it needs, sees what may help now, then sends."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ue_core.authz import Permission
from ue_core.errors import InputError
from ue_core.request_kinds import shipped_request_kinds
from ue_core.services import support
from ue_core.services.requests import help_now
from ue_core.timefmt import uk_today
from ui.auth import require_page
from ui.context import db
from ui.rating_form import accessible_date_inputs
from ui.recommendations import LIBRARY_PAGE, SELECTED_KEY
from ui.similar_requests import duplicate_warning
from ui.teams import choose_any_team
from ui.text import plain

#: The request being written, kept while the team looks at what may help before sending.
DRAFT_KEY = "support_request_draft"
SENT_KEY = "support_request_sent"
YOUR_REQUESTS = "screens/your_requests.py"
FORM_KEYS = (
    "request_kind",
    "request_statistics",
    "request_needed_by",
    "request_subject",
    "request_text",
)

actor = require_page(Permission.REQUEST_SUPPORT)

st.title("Ask the hub for help")
accessible_date_inputs()
st.write(
    "The USER hub offers advice, training, mentoring and consultancy on user engagement. "
    "Tell us what you need. Before you send it, we show you anything in the library or in "
    "answered requests that may help straight away."
)
sent_message = st.session_state.pop(SENT_KEY, None)
if isinstance(sent_message, str):
    st.success(plain(sent_message))
    st.page_link(YOUR_REQUESTS, label="See your requests", icon=":material/forum:")

team_id = choose_any_team(
    actor, "You are not in a team yet, so you cannot raise a request. Ask your admin to add you."
)

kinds = shipped_request_kinds()
with st.form("new_request"):
    kind = st.radio(
        "What kind of help do you need?",
        options=[k.key for k in kinds.kinds],
        format_func=kinds.label,
        captions=[plain(k.hint) for k in kinds.kinds],
        index=None,
        key="request_kind",
    )
    statistics = st.text_input(
        "Which statistics is it about? (optional)",
        max_chars=support.MAX_STATISTICS,
        help="For example 'Household energy efficiency statistics'.",
        key="request_statistics",
    )
    needed_by = st.date_input(
        "Is there a date the help must fit? (optional)",
        value=None,
        min_value=uk_today(),
        format="DD/MM/YYYY",
        help="For example a release or the start of a consultation. Leave empty if not.",
        key="request_needed_by",
    )
    subject = st.text_input(
        "What do you need help with?",
        max_chars=support.MAX_SUBJECT,
        help="A short summary, for example 'Setting up a user group'.",
        key="request_subject",
    )
    text = st.text_area(
        "Tell us more, in your own words",
        max_chars=support.MAX_TEXT,
        help="What you want to achieve, what you have tried, and any deadlines.",
        key="request_text",
    )
    checked = st.form_submit_button("Continue", type="primary")

if checked:
    try:
        support.check_request(
            kind or "",
            subject,
            text,
            statistics,
            needed_by if isinstance(needed_by, date) else None,
        )
    except InputError as problem:
        st.session_state.pop(DRAFT_KEY, None)
        st.error(plain(problem))
    else:
        st.session_state[DRAFT_KEY] = {
            "team_id": team_id,
            "kind": kind,
            "statistics": statistics,
            "needed_by": needed_by if isinstance(needed_by, date) else None,
            "subject": subject,
            "text": text,
        }

draft = st.session_state.get(DRAFT_KEY)
if not isinstance(draft, dict) or draft.get("team_id") != team_id:
    st.stop()

st.header("These may help now")
found = help_now.help_now(db(), actor, team_id, draft["kind"], draft["subject"], draft["text"])
duplicate_warning(found.duplicate)
if found.empty:
    st.write("We found nothing in the library or in answered requests like yours.")
if found.library:
    st.subheader("From the library", anchor=False)
    for item in found.library:
        with st.container(border=True):
            st.markdown(f"**{plain(item.title)}**")
            st.caption(plain(item.kind_label))
            st.markdown(plain(item.reason))
            if st.button("Open in the library", key=f"help_open_{item.slug}"):
                st.session_state[SELECTED_KEY] = item.slug
                st.switch_page(LIBRARY_PAGE)
if found.answered:
    st.subheader("Answered requests like yours", anchor=False)
    for answered in found.answered:
        with st.container(border=True):
            st.markdown(f"**{plain(answered.subject)}**")
            st.caption(
                f"Your team's request {answered.request_id:d}"
                if answered.own_team and answered.request_id is not None
                else "Another team's request"
            )
            if answered.text:
                st.markdown(plain(answered.text))
            st.markdown(f"Help given: {plain(answered.resolution)}")

st.write("If none of this answers your question, send your request to the hub.")
if st.button("Send request", type="primary"):
    try:
        request_id = support.submit_request(
            db(),
            actor,
            team_id,
            draft["subject"],
            draft["text"],
            kind=draft["kind"],
            statistics=draft["statistics"],
            needed_by=draft["needed_by"],
        )
    except InputError as problem:
        st.error(plain(problem))
    else:
        st.session_state.pop(DRAFT_KEY, None)
        # Empty the form for the next request.
        for key in FORM_KEYS:
            st.session_state.pop(key, None)
        st.session_state[SENT_KEY] = (
            f"Request {request_id} sent. A hub consultant will be in touch; follow it on "
            "Your requests."
        )
        st.rerun()
