"""Ask the hub for help: a team raises a support request and follows its team's requests."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import Permission
from ue_core.errors import InputError
from ue_core.services import support
from ue_core.timefmt import format_datetime
from ui.auth import require_page
from ui.context import db
from ui.conversation import request_conversation
from ui.text import plain

actor = require_page(Permission.REQUEST_SUPPORT)

st.title("Ask the hub for help")
st.write(
    "The USER hub offers advice, training, mentoring and consultancy on user engagement. "
    "Tell us what you need and a hub consultant will pick it up."
)

teams = {
    m.team_id: f"{m.team_name} ({m.organisation_name})" for m in actor.memberships if m.team_id
}
if not teams:
    st.info("You are not in a team yet, so you cannot raise a request. Ask your admin to add you.")
    st.stop()
team_id = st.selectbox("Team", options=list(teams), format_func=teams.__getitem__)
assert team_id is not None

with st.form("new_request", clear_on_submit=True):
    subject = st.text_input(
        "What do you need help with?",
        max_chars=support.MAX_SUBJECT,
        help="A short summary, for example 'Setting up a user group'.",
    )
    text = st.text_area(
        "Tell us more",
        max_chars=support.MAX_TEXT,
        help="What you want to achieve, what you have tried, and any deadlines.",
    )
    sent = st.form_submit_button("Send request", type="primary")
if sent:
    try:
        request_id = support.submit_request(db(), actor, team_id, subject, text)
    except InputError as problem:
        st.error(plain(problem))
    else:
        st.success(plain(f"Request {request_id} sent. A hub consultant will be in touch."))

st.header("Your team's requests")
requests = support.team_requests(db(), actor, team_id)
if not requests:
    st.write("Your team has not asked the hub for help yet.")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "Request": [r.id for r in requests],
                "Summary": [r.subject for r in requests],
                "Status": [r.status_label for r in requests],
                "Consultant": [r.assignee_name or "Not assigned yet" for r in requests],
                "Sent": [format_datetime(r.created_at) for r in requests],
                "Outcome": [r.resolution for r in requests],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    followed = st.selectbox(
        "Read and reply to a request",
        options=[r.id for r in requests],
        # Select box choices show text as typed (they do not read Markdown).
        format_func=lambda rid: f"{rid}: {next(r.subject for r in requests if r.id == rid)}",
    )
    if followed is not None:
        request_conversation(actor, followed)
