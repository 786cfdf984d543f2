"""Support requests: the hub's triage queue.

The queue is searched and paged in the database; one request at a time is opened for editing, so
the page stays quick however long the queue grows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import Permission
from ue_core.services import support
from ue_core.text import plural, plural_noun
from ue_core.timefmt import format_datetime
from ue_core.vocabulary import RequestStatus
from ui import concurrency
from ui.auth import require_page
from ui.context import db
from ui.text import plain

PAGE_SIZE = 25

actor = require_page(Permission.TRIAGE_REQUESTS)

st.title("Support requests")
counts = support.count_by_status(db(), actor)
columns = st.columns(len(RequestStatus))
for column, status in zip(columns, RequestStatus, strict=True):
    column.metric(support.STATUS_LABELS[status], f"{counts[status]:,}")

shown = st.multiselect(
    "Show requests that are",
    options=list(RequestStatus),
    default=list(support.OPEN_STATUSES),
    format_func=support.STATUS_LABELS.__getitem__,
)
search = st.text_input(
    "Search by summary, team or organisation", help="Every word you type must appear."
)
page_number = int(st.session_state.get("triage_page", 1))
queue = support.search_queue(
    db(), actor, tuple(shown), search, page=page_number, page_size=PAGE_SIZE
)
if queue.total == 0:
    st.write("No requests match. Change the statuses or the search above to see others.")
    st.stop()

st.write(
    f"{plural(queue.total, 'request')} {plural_noun(queue.total, 'matches', 'match')}, "
    "newest first. "
    f"Page {queue.page} of {queue.pages}."
)
if queue.pages > 1:
    st.number_input(
        "Page", min_value=1, max_value=queue.pages, value=queue.page, step=1, key="triage_page"
    )
st.dataframe(
    pd.DataFrame(
        {
            "Request": [r.id for r in queue.requests],
            "Summary": [r.subject for r in queue.requests],
            "Team": [f"{r.team_name} ({r.organisation_name})" for r in queue.requests],
            "Status": [r.status_label for r in queue.requests],
            "Assigned to": [r.assignee_name or "Nobody yet" for r in queue.requests],
            "Sent": [format_datetime(r.created_at) for r in queue.requests],
        }
    ),
    hide_index=True,
    width="stretch",
)

by_id = {r.id: r for r in queue.requests}
chosen = st.selectbox(
    "Request to work on",
    options=list(by_id),
    format_func=lambda rid: f"{rid}: {by_id[rid].subject} ({by_id[rid].team_name})",
)
if chosen is None:
    st.stop()
request = by_id[chosen]

st.header(request.subject, anchor=False)
st.caption(
    f"Request {request.id} from {request.requested_by or 'a former team member'}, "
    f"{request.team_name}, {request.organisation_name}. "
    f"Sent {format_datetime(request.created_at)}. Status: {request.status_label}."
)
st.markdown(plain(request.text))

version_name = f"support_request_{request.id}"
seen = concurrency.seen_version(version_name, request.version)
people = support.consultants(db(), actor)
names = {c.user_id: c.name for c in people}
assignee_options: list[int | None] = [None, *names]

with st.form(f"triage_{request.id}"):
    chosen_status = st.selectbox(
        "Status",
        options=list(RequestStatus),
        index=list(RequestStatus).index(request.status),
        format_func=support.STATUS_LABELS.__getitem__,
        key=f"status_{request.id}",
    )
    assignee = st.selectbox(
        "Assigned to",
        options=assignee_options,
        index=assignee_options.index(request.assignee_id)
        if request.assignee_id in assignee_options
        else 0,
        format_func=lambda uid: "Nobody yet" if uid is None else names[uid],
        key=f"assignee_{request.id}",
    )
    resolution = st.text_area(
        "Outcome",
        value=request.resolution,
        key=f"resolution_{request.id}",
        help="What the hub did. Required to mark a request resolved or closed.",
    )
    saved = st.form_submit_button("Save changes")
if saved and concurrency.save_checked(
    lambda: support.update_request(
        db(),
        actor,
        request.id,
        expected_version=seen,
        status=chosen_status or request.status,
        assignee_id=assignee,
        resolution=resolution,
    ),
    name=version_name,
    current_version=request.version,
):
    st.toast(f"Request {request.id} saved.")
    st.rerun()
