"""Support requests: the hub's triage queue.

The queue is searched and paged in the database; one request at a time is opened for editing, so
the page stays quick however long the queue grows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import Permission
from ue_core.services import support
from ue_core.services.requests import rating
from ue_core.text import plural, plural_noun
from ue_core.timefmt import UK, format_date, format_datetime
from ue_core.vocabulary import RequestStatus
from ui import concurrency
from ui.auth import require_page
from ui.context import db
from ui.conversation import request_conversation
from ui.outcome_form import outcome_form
from ui.request_context import team_beside_request
from ui.router_job import router_job_panel
from ui.similar_requests import similar_requests_panel
from ui.text import plain
from ui.triage_suggestion import triage_form

PAGE_SIZE = 25

actor = require_page(Permission.TRIAGE_REQUESTS)

st.title("Support requests")
# The last save's confirmation, shown first: a resolved request may leave the queue below.
SAVED_KEY = "triage_saved"
saved_message = st.session_state.pop(SAVED_KEY, None)
if isinstance(saved_message, str):
    st.success(plain(saved_message))
counts = support.count_by_status(db(), actor)
columns = st.columns(len(RequestStatus))
for column, status in zip(columns, RequestStatus, strict=True):
    column.metric(support.STATUS_LABELS[status], f"{counts[status]:,}")
router_job_panel(actor)

view = st.radio(
    "Queue",
    options=list(support.QueueView),
    index=list(support.QueueView).index(support.QueueView.ALL),
    format_func=support.QUEUE_VIEW_LABELS.__getitem__,
    horizontal=True,
    key="triage_view",
)
shown = st.multiselect(
    "Show requests that are",
    options=list(RequestStatus),
    default=list(support.OPEN_STATUSES),
    format_func=support.STATUS_LABELS.__getitem__,
)
search = st.text_input(
    "Search by summary, team or organisation", help="Every word you type must appear."
)
sort_column, sort_order = st.columns(2)
with sort_column:
    order = st.selectbox(
        "Sort by",
        options=list(support.QUEUE_COLUMNS),
        index=list(support.QUEUE_COLUMNS).index(support.QueueOrder.SENT),
        format_func=support.QUEUE_COLUMNS.__getitem__,
        key="triage_order",
    )
with sort_order:
    descending = st.radio(
        "Order",
        options=[True, False],
        # Newest first for dates; A to Z, lowest first, or New before Closed for the rest.
        index=0 if order is support.QueueOrder.SENT else 1,
        format_func=lambda first: support.ORDER_LABELS[order][first],
        horizontal=True,
        key=f"triage_descending_{order}",
    )
page_number = int(st.session_state.get("triage_page", 1))
queue = support.search_queue(
    db(),
    actor,
    tuple(shown),
    search,
    page=page_number,
    page_size=PAGE_SIZE,
    order=order,
    descending=bool(descending),
    view=view or support.QueueView.ALL,
)
if queue.total == 0:
    st.write("No requests match. Change the queue, statuses or search above to see others.")
    st.stop()

order_text = support.ORDER_LABELS[order][bool(descending)].lower()
st.write(
    f"{plural(queue.total, 'request')} {plural_noun(queue.total, 'matches', 'match')}, "
    f"sorted by {support.QUEUE_COLUMNS[order].lower()}: {order_text}. "
    f"Page {queue.page:d} of {queue.pages:d}."
)
if queue.pages > 1:
    st.number_input(
        "Page", min_value=1, max_value=queue.pages, value=queue.page, step=1, key="triage_page"
    )
headings = support.QUEUE_COLUMNS
st.dataframe(
    # Table cells show text as typed (they do not read Markdown), so nothing is escaped here.
    pd.DataFrame(
        {
            headings[support.QueueOrder.REQUEST]: [r.id for r in queue.requests],
            headings[support.QueueOrder.SENT]: [
                r.created_at.astimezone(UK) for r in queue.requests
            ],
            "Overdue": [r.overdue_label for r in queue.requests],
            "Priority": [r.priority_label for r in queue.requests],
            headings[support.QueueOrder.SUMMARY]: [r.subject for r in queue.requests],
            headings[support.QueueOrder.TEAM]: [
                f"{r.team_name} ({r.organisation_name})" for r in queue.requests
            ],
            headings[support.QueueOrder.STATUS]: [r.status_label for r in queue.requests],
            headings[support.QueueOrder.ASSIGNEE]: [
                r.assignee_name or "Nobody yet" for r in queue.requests
            ],
            "First response due": [r.first_response_due_text for r in queue.requests],
            "Resolution due": [r.resolution_due_text for r in queue.requests],
        }
    ),
    column_config={
        # UK time, as ue_core.timefmt.format_datetime writes it: "21 November 2026, 2:05pm".
        headings[support.QueueOrder.SENT]: st.column_config.DatetimeColumn(
            format="D MMMM YYYY, h:mma", timezone=str(UK)
        ),
    },
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

st.header(plain(request.subject), anchor=False)
st.caption(
    f"Request {request.id:d} from {plain(request.requested_by or 'a former team member')}, "
    f"{plain(request.team_name)}, {plain(request.organisation_name)}. "
    f"Sent {format_datetime(request.created_at)}. Status: {plain(request.status_label)}."
)
facts = [f"Kind of help: {request.kind_label}", f"Priority: {request.priority_label}"]
if request.statistics:
    facts.append(f"Statistics: {request.statistics}")
if request.needed_by:
    facts.append(f"Needed by: {format_date(request.needed_by)}")
facts.append(f"First response due: {request.first_response_due_text}")
facts.append(f"Resolution due: {request.resolution_due_text}")
if request.overdue_label:
    facts.append(request.overdue_label)
if request.rating is not None:
    rated = f"Team's rating: {rating.RATING_LABELS[request.rating]}"
    facts.append(f"{rated}. {request.rating_comment}" if request.rating_comment else rated)
st.markdown("\n".join(f"- {plain(fact)}" for fact in facts))
st.markdown(plain(request.text))
triage_form(actor, request.id, SAVED_KEY)

version_name = f"support_request_{request.id}"
seen = concurrency.seen_version(version_name, request.version)
# The widgets are keyed by the version the person saw: after a save here, on triage or of the
# outcome, they are new widgets showing the saved values. (Forgetting a key's value is not
# enough: the browser keeps the widget's last value and sends it back.)
widget = f"{request.id}_v{seen}"
people = support.consultants(db(), actor)
names = {c.user_id: c.name for c in people}
assignee_options: list[int | None] = [None, *names]

with st.form(f"triage_{request.id}"):
    chosen_status = st.selectbox(
        "Status",
        options=list(RequestStatus),
        index=list(RequestStatus).index(request.status),
        format_func=support.STATUS_LABELS.__getitem__,
        key=f"status_{widget}",
    )
    assignee = st.selectbox(
        "Assigned to",
        options=assignee_options,
        index=assignee_options.index(request.assignee_id)
        if request.assignee_id in assignee_options
        else 0,
        format_func=lambda uid: "Nobody yet" if uid is None else names[uid],
        key=f"assignee_{widget}",
    )
    resolution = st.text_area(
        "Outcome",
        value=request.resolution,
        key=f"resolution_{widget}",
        help="What the hub did. Required to mark a request resolved or closed.",
    )
    saved = st.form_submit_button("Save changes")
# What the save changed, in words; empty when everything was as it was.
changes: list[str] = []
if saved and concurrency.save_checked(
    lambda: changes.extend(
        support.update_request(
            db(),
            actor,
            request.id,
            expected_version=seen,
            status=chosen_status or request.status,
            assignee_id=assignee,
            resolution=resolution,
        )
    ),
    name=version_name,
    current_version=request.version,
):
    if not changes:
        st.info("Nothing to save: the status, assignee and outcome are as they were.")
    else:
        message = f"Request {request.id} saved. " + " ".join(changes)
        st.session_state[SAVED_KEY] = message
        st.toast(plain(message))
        st.rerun()

outcome_form(actor, request, saved_key=SAVED_KEY)
team_beside_request(actor, request.id)
similar_requests_panel(actor, request.id)
request_conversation(actor, request.id)
