"""The hub's views of the request queue (mine, unassigned, waiting, overdue, all) as SQL."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, or_

from ue_core.db.models import SupportRequest
from ue_core.service_levels import (
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


def view_clause(user_id: int, view: QueueView, today: date) -> list[object]:
    """The conditions that pick ``view`` for the person ``user_id`` on ``today``."""
    if view is QueueView.MINE:
        return [SupportRequest.assignee_id == user_id]
    if view is QueueView.UNASSIGNED:
        return [SupportRequest.assignee_id.is_(None)]
    if view is QueueView.WAITING:
        return [SupportRequest.status == RequestStatus.WAITING_ON_TEAM.value]
    if view is QueueView.OVERDUE:
        return [_overdue_clause(today)]
    return []
