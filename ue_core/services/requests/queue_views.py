"""The hub's views of the request queue (mine, unassigned, waiting, overdue, all) as SQL.

The overdue view is worked out in two steps. In SQL, a cut-off on the send date for each
target picks every open request past a target as if its clock had never stopped: a superset,
since waiting on the team only moves due dates later. Then the few of those that ever waited on
the team are checked in Python against their status history (``service_levels.deadlines``), and
those no longer late are left out of the query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from ue_core.db.models import RequestStatusChange, SupportRequest
from ue_core.service_levels import (
    WAITING_STATUS,
    Deadlines,
    StatusEntry,
    deadlines,
    latest_overdue_send_date,
    shipped_service_levels,
    start_of_uk_day_after,
)
from ue_core.vocabulary import RequestStatus

#: Statuses of requests the hub still has to finish.
OPEN_STATUSES = (
    RequestStatus.NEW,
    RequestStatus.TRIAGED,
    RequestStatus.ASSIGNED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.WAITING_ON_TEAM,
)


class QueueView(StrEnum):
    """The hub's views of the queue."""

    MINE = "mine"
    UNASSIGNED = "unassigned"
    WAITING = "waiting"
    OVERDUE = "overdue"
    ALL = "all"


QUEUE_VIEW_LABELS: dict[QueueView, str] = {
    QueueView.MINE: "Assigned to me",
    QueueView.UNASSIGNED: "Unassigned",
    QueueView.WAITING: "Waiting on the team",
    QueueView.OVERDUE: "Overdue",
    QueueView.ALL: "All",
}


def _overdue_clause(today: date) -> ColumnElement[bool]:
    """Open requests past a first-response or resolution target on ``today``, in SQL.

    Due dates never go backwards as the send date moves on, so each target becomes a cut-off
    on when the request was sent (see ``service_levels.latest_overdue_send_date``).
    """
    levels = shipped_service_levels()

    def late(days: int) -> ColumnElement[bool]:
        cutoff = start_of_uk_day_after(latest_overdue_send_date(today, days))
        return SupportRequest.created_at < cutoff

    def for_targets(first_days: int, resolution_days: int) -> ColumnElement[bool]:
        return or_(
            and_(SupportRequest.first_response_at.is_(None), late(first_days)),
            late(resolution_days),
        )

    by_kind = [
        and_(SupportRequest.kind == kind, for_targets(t.first_response_days, t.resolution_days))
        for kind, t in levels.by_kind.items()
    ]
    default = levels.default
    others = and_(
        SupportRequest.kind.not_in(list(levels.by_kind)) if levels.by_kind else ~false(),
        for_targets(default.first_response_days, default.resolution_days),
    )
    return and_(
        SupportRequest.resolved_at.is_(None),
        SupportRequest.status.in_([s.value for s in OPEN_STATUSES]),
        or_(*by_kind, others),
    )


def _ever_waited() -> ColumnElement[bool]:
    return SupportRequest.id.in_(
        select(RequestStatusChange.request_id).where(RequestStatusChange.status == WAITING_STATUS)
    )


def status_histories(
    session: Session, request_ids: Collection[int]
) -> dict[int, list[StatusEntry]]:
    """The status history (when, status) of each of these requests that ever waited on the
    team; the others need none, their clock never stopped."""
    if not request_ids:
        return {}
    waited = select(RequestStatusChange.request_id).where(
        RequestStatusChange.status == WAITING_STATUS
    )
    stmt = select(
        RequestStatusChange.request_id, RequestStatusChange.changed_at, RequestStatusChange.status
    ).where(RequestStatusChange.request_id.in_(waited))
    if len(request_ids) <= 500:
        stmt = stmt.where(RequestStatusChange.request_id.in_(list(request_ids)))
    histories: dict[int, list[StatusEntry]] = defaultdict(list)
    wanted = set(request_ids)
    for request_id, changed_at, status in session.execute(stmt):
        if request_id in wanted:
            histories[request_id].append((changed_at, status))
    return dict(histories)


def request_deadlines(
    request: SupportRequest, today: date, history: Iterable[StatusEntry] = ()
) -> Deadlines:
    """A loaded request's due dates and overdue flags on ``today``, with its clock stopped
    while it waited on the team (its status ``history``)."""
    return deadlines(
        shipped_service_levels().for_kind(request.kind),
        request.created_at,
        today,
        first_response_at=request.first_response_at,
        resolved_at=request.resolved_at,
        history=history,
    )


def excused_from_overdue(session: Session, today: date) -> frozenset[int]:
    """Requests the SQL cut-offs count as overdue on ``today`` that are not, because their
    clock stopped while they waited on the team."""
    requests = session.scalars(
        select(SupportRequest).where(_overdue_clause(today), _ever_waited())
    ).all()
    histories = status_histories(session, [request.id for request in requests])
    return frozenset(
        request.id
        for request in requests
        if not request_deadlines(request, today, histories.get(request.id, ())).overdue
    )


def view_clause(session: Session, user_id: int, view: QueueView, today: date) -> list[object]:
    """The conditions that pick ``view`` for the person ``user_id`` on ``today`` (the overdue
    view reads which requests waited on the team in ``session``)."""
    if view is QueueView.MINE:
        return [SupportRequest.assignee_id == user_id]
    if view is QueueView.UNASSIGNED:
        return [SupportRequest.assignee_id.is_(None)]
    if view is QueueView.WAITING:
        return [SupportRequest.status == RequestStatus.WAITING_ON_TEAM.value]
    if view is QueueView.OVERDUE:
        excused = excused_from_overdue(session, today)
        late = _overdue_clause(today)
        return [and_(late, SupportRequest.id.not_in(excused)) if excused else late]
    return []
