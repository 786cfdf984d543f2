"""Support requests: the hub's triage queue."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services import support
from ue_core.timefmt import format_datetime
from ue_core.vocabulary import RequestStatus
from ui import concurrency
from ui.auth import require_page
from ui.context import db
from ui.text import plain

actor = require_page(Permission.TRIAGE_REQUESTS)

st.title("Support requests")
counts = support.count_by_status(db(), actor)
columns = st.columns(len(RequestStatus))
for column, status in zip(columns, RequestStatus, strict=True):
    column.metric(support.STATUS_LABELS[status], counts[status])

shown = st.multiselect(
    "Show requests that are",
    options=list(RequestStatus),
    default=list(support.OPEN_STATUSES),
    format_func=support.STATUS_LABELS.__getitem__,
)
requests = support.triage_queue(db(), actor, tuple(shown))
if not requests:
    st.write("No requests match. Change the statuses above to see others.")

people = support.consultants(db(), actor)
names = {c.user_id: c.name for c in people}
assignee_options: list[int | None] = [None, *names]

for request in requests:
    heading = f"{request.subject} ({request.team_name}, {request.status_label})"
    with st.expander(heading, expanded=False):
        st.caption(
            f"Request {request.id} from {request.requested_by or 'a former team member'}, "
            f"{request.team_name}, {request.organisation_name}. "
            f"Sent {format_datetime(request.created_at)}."
        )
        st.markdown(plain(request.text))
        version_name = f"support_request_{request.id}"
        seen = concurrency.seen_version(version_name, request.version)
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
        if saved:
            try:
                support.update_request(
                    db(),
                    actor,
                    request.id,
                    expected_version=seen,
                    status=chosen_status or request.status,
                    assignee_id=assignee,
                    resolution=resolution,
                )
            except ConflictError as conflict:
                concurrency.acknowledge(version_name, request.version)
                st.error(str(conflict))
                st.table(
                    {
                        "Field": list(conflict.current),
                        "Their value": [str(v) for v in conflict.current.values()],
                    }
                )
            except (InputError, AccessDenied, NotFound) as problem:
                st.error(str(problem))
            else:
                concurrency.saved(version_name)
                st.toast(f"Request {request.id} saved.")
                st.rerun()
