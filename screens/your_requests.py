"""Your requests: a team follows its requests to the hub and rates the help once resolved."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import Permission
from ue_core.errors import InputError, NotFound
from ue_core.services import support
from ue_core.services.requests import rating
from ue_core.timefmt import format_date, format_datetime
from ui.auth import require_page
from ui.context import db
from ui.conversation import request_conversation
from ui.outcome_form import team_outcome
from ui.teams import choose_any_team
from ui.text import plain

RATED_KEY = "your_requests_rated"

actor = require_page(Permission.REQUEST_SUPPORT)

st.title("Your requests")
team_id = choose_any_team(
    actor, "You are not in a team yet, so you have no requests. Ask your admin to add you."
)

requests = support.team_requests(db(), actor, team_id)
if not requests:
    st.write("Your team has not asked the hub for help yet.")
    st.page_link(
        "screens/request_support.py", label="Ask the hub for help", icon=":material/support_agent:"
    )
    st.stop()

st.dataframe(
    # Table cells show text as typed (they do not read Markdown), so nothing is escaped here.
    pd.DataFrame(
        {
            "Request": [r.id for r in requests],
            "Summary": [r.subject for r in requests],
            "Kind of help": [r.kind_label for r in requests],
            "Status": [r.status_label for r in requests],
            "Consultant": [r.assignee_name or "Not assigned yet" for r in requests],
            "Sent": [format_datetime(r.created_at) for r in requests],
        }
    ),
    hide_index=True,
    width="stretch",
)

by_id = {r.id: r for r in requests}
chosen = st.selectbox(
    "Request to open",
    options=list(by_id),
    format_func=lambda rid: f"{rid}: {by_id[rid].subject}",
)
if chosen is None:
    st.stop()
request = by_id[chosen]

st.header(plain(request.subject), anchor=False)
facts = [
    f"Request {request.id:d}, sent {format_datetime(request.created_at)}",
    f"Kind of help: {request.kind_label}",
    f"Status: {request.status_label}",
]
if request.statistics:
    facts.append(f"Statistics: {request.statistics}")
if request.needed_by:
    facts.append(f"Needed by: {format_date(request.needed_by)}")
if not request.is_done:
    if request.first_response_at is None:
        facts.append(
            f"The hub aims to respond by {format_date(request.deadlines.first_response_due)}"
        )
    facts.append(f"The hub aims to resolve it by {format_date(request.deadlines.resolution_due)}")
st.markdown("\n".join(f"- {plain(fact)}" for fact in facts))


with st.container(border=True):
    st.caption(plain(f"{request.requested_by or 'A former team member'} wrote"))
    st.markdown(plain(request.text))
if request.resolution:
    with st.container(border=True):
        st.caption(plain(f"{request.assignee_name or 'The hub'} resolved it"))
        st.markdown(plain(request.resolution))
team_outcome(actor, request.id)
request_conversation(actor, request.id)

if not request.is_done:
    st.stop()
st.subheader("Rate the help", anchor=False)
rated_message = st.session_state.pop(RATED_KEY, None)
if isinstance(rated_message, str):
    st.success(plain(rated_message))
if request.rating is not None:
    st.write(f"Your team rated the help: {plain(rating.RATING_LABELS[request.rating])}.")
    if request.rating_comment:
        st.markdown(plain(f"Comment: {request.rating_comment}"))
    st.stop()
with st.form(f"rate_{request.id}"):
    score = st.radio(
        "How good was the hub's help with this request?",
        options=list(rating.RATING_LABELS),
        format_func=rating.RATING_LABELS.__getitem__,
        index=None,
        key=f"rating_{request.id}",
    )
    comment = st.text_area(
        "Anything you want to tell the hub about the help? (optional)",
        max_chars=rating.MAX_COMMENT,
        key=f"rating_comment_{request.id}",
    )
    rated = st.form_submit_button("Send rating")
if rated:
    try:
        rating.rate_request(db(), actor, request.id, score or 0, comment)
    except (InputError, NotFound) as problem:
        st.error(plain(problem))
    else:
        st.session_state[RATED_KEY] = "Thank you. Your rating has been sent to the hub."
        st.rerun()
