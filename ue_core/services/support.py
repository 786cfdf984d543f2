"""Support requests: teams ask the USER hub for help; hub consultants triage them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session, aliased

from ue_core import audit, mail
from ue_core.authz import AccessDenied, Actor, require_request_support, require_triage
from ue_core.db.engine import Database
from ue_core.db.models import (
    Membership,
    Organisation,
    RequestStatus,
    Role,
    SupportRequest,
    Team,
    User,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services import inbox

MAX_SUBJECT = 150
MIN_TEXT = 20
MAX_TEXT = 5_000

STATUS_LABELS: dict[RequestStatus, str] = {
    RequestStatus.NEW: "New",
    RequestStatus.ASSIGNED: "Assigned",
    RequestStatus.IN_PROGRESS: "In progress",
    RequestStatus.RESOLVED: "Resolved",
    RequestStatus.CLOSED: "Closed",
}
OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS)


class QueueOrder(StrEnum):
    """The columns the triage queue can be sorted by."""

    SENT = "sent"
    REQUEST = "request"
    SUMMARY = "summary"
    TEAM = "team"
    STATUS = "status"
    ASSIGNEE = "assignee"


#: The queue's column headings, which are also the names the sort choices use.
QUEUE_COLUMNS: dict[QueueOrder, str] = {
    QueueOrder.REQUEST: "Request",
    QueueOrder.SENT: "Sent",
    QueueOrder.SUMMARY: "Summary",
    QueueOrder.TEAM: "Team",
    QueueOrder.STATUS: "Status",
    QueueOrder.ASSIGNEE: "Assigned to",
}
#: How each sort reads, going down (True) and going up (False).
ORDER_LABELS: dict[QueueOrder, dict[bool, str]] = {
    QueueOrder.SENT: {True: "Newest first", False: "Oldest first"},
    QueueOrder.REQUEST: {True: "Highest number first", False: "Lowest number first"},
    QueueOrder.SUMMARY: {True: "Z to A", False: "A to Z"},
    QueueOrder.TEAM: {True: "Z to A", False: "A to Z"},
    QueueOrder.STATUS: {True: "Closed first", False: "New first"},
    QueueOrder.ASSIGNEE: {True: "Z to A", False: "A to Z"},
}


@dataclass(frozen=True)
class RequestView:
    id: int
    team_id: int
    team_name: str
    organisation_name: str
    requested_by: str | None
    subject: str
    text: str
    status: RequestStatus
    assignee_id: int | None
    assignee_name: str | None
    resolution: str
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Consultant:
    user_id: int
    name: str


def _views(
    session: Session,
    where: list[object],
    *,
    limit: int | None = None,
    offset: int = 0,
    order: QueueOrder = QueueOrder.SENT,
    descending: bool = True,
) -> list[RequestView]:
    requester = aliased(User)
    assignee = aliased(User)
    status_rank = case(
        {status.value: rank for rank, status in enumerate(RequestStatus)},
        value=SupportRequest.status,
    )
    by_column: dict[QueueOrder, list[ColumnElement[Any]]] = {
        QueueOrder.SENT: [SupportRequest.created_at.expression],
        QueueOrder.REQUEST: [],
        QueueOrder.SUMMARY: [func.lower(SupportRequest.subject)],
        QueueOrder.TEAM: [func.lower(Team.name), func.lower(Organisation.name)],
        QueueOrder.STATUS: [status_rank],
        # Nobody yet ("") sorts first going up, last going down.
        QueueOrder.ASSIGNEE: [func.lower(func.coalesce(assignee.display_name, ""))],
    }
    keys = [*by_column[order], SupportRequest.id.expression]
    ordering = [key.desc() if descending else key.asc() for key in keys]
    stmt = (
        select(
            SupportRequest,
            Team.name,
            Organisation.name,
            requester.display_name,
            assignee.display_name,
        )
        .join(Team, SupportRequest.team_id == Team.id)
        .join(Organisation, Team.organisation_id == Organisation.id)
        .outerjoin(requester, SupportRequest.requested_by_id == requester.id)
        .outerjoin(assignee, SupportRequest.assignee_id == assignee.id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(*ordering)
        .limit(limit)
        .offset(offset)
    )
    return [
        RequestView(
            id=r.id,
            team_id=r.team_id,
            team_name=team_name,
            organisation_name=org_name,
            requested_by=req_name,
            subject=r.subject,
            text=r.text,
            status=RequestStatus(r.status),
            assignee_id=r.assignee_id,
            assignee_name=assignee_name,
            resolution=r.resolution,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
        )
        for r, team_name, org_name, req_name, assignee_name in session.execute(stmt)
    ]


def submit_request(db: Database, actor: Actor, team_id: int, subject: str, text: str) -> int:
    """A team member asks the hub for help. Returns the new request's id."""
    require_request_support(actor, team_id)
    subject, text = subject.strip(), text.strip()
    if not subject:
        raise InputError("Enter a short summary of what you need help with.")
    if len(subject) > MAX_SUBJECT:
        raise InputError(f"The summary must be {MAX_SUBJECT} characters or fewer.")
    if len(text) < MIN_TEXT:
        raise InputError(
            f"Describe what you need in at least {MIN_TEXT} characters, so the hub can help."
        )
    if len(text) > MAX_TEXT:
        raise InputError(f"The description must be {MAX_TEXT} characters or fewer.")
    with db.transaction() as session:
        request = SupportRequest(
            team_id=team_id, requested_by_id=actor.user_id, subject=subject, text=text
        )
        session.add(request)
        session.flush()
        audit.record(
            session,
            actor,
            "submit_request",
            "support_request",
            request.id,
            after={"subject": subject},
        )
        return request.id


def team_requests(db: Database, actor: Actor, team_id: int) -> list[RequestView]:
    require_request_support(actor, team_id)
    with db.read() as session:
        return _views(session, [SupportRequest.team_id == team_id])


def triage_queue(
    db: Database, actor: Actor, statuses: tuple[RequestStatus, ...] = OPEN_STATUSES
) -> list[RequestView]:
    """Requests for the hub, newest first, filtered by status."""
    require_triage(actor)
    with db.read() as session:
        return _views(session, [SupportRequest.status.in_([s.value for s in statuses])])


@dataclass(frozen=True)
class RequestPage:
    """One page of the triage queue, and how many requests match in all."""

    requests: list[RequestView]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def search_queue(
    db: Database,
    actor: Actor,
    statuses: tuple[RequestStatus, ...] = OPEN_STATUSES,
    text: str = "",
    *,
    page: int = 1,
    page_size: int = 25,
    order: QueueOrder = QueueOrder.SENT,
    descending: bool = True,
) -> RequestPage:
    """A page of requests with these statuses whose summary, team or organisation contains
    ``text``, sorted by ``order`` (newest first by default). Sorted and paged in the database,
    so a long queue stays quick and the order runs across pages."""
    require_triage(actor)
    where: list[object] = [SupportRequest.status.in_([s.value for s in statuses])]
    for word in text.split():
        pattern = f"%{word.lower()}%"
        where.append(
            func.lower(SupportRequest.subject).like(pattern)
            | func.lower(Team.name).like(pattern)
            | func.lower(Organisation.name).like(pattern)
        )
    with db.read() as session:
        total = (
            session.scalar(
                select(func.count(SupportRequest.id))
                .join(Team, SupportRequest.team_id == Team.id)
                .join(Organisation, Team.organisation_id == Organisation.id)
                .where(*where)  # type: ignore[arg-type]
            )
            or 0
        )
        last_page = max(1, -(-total // page_size))
        page = min(max(page, 1), last_page)
        items = _views(
            session,
            where,
            limit=page_size,
            offset=(page - 1) * page_size,
            order=order,
            descending=descending,
        )
    return RequestPage(items, total, page, page_size)


def count_by_status(db: Database, actor: Actor) -> dict[RequestStatus, int]:
    require_triage(actor)
    with db.read() as session:
        rows = session.execute(
            select(SupportRequest.status, func.count()).group_by(SupportRequest.status)
        ).all()
    counts = dict.fromkeys(RequestStatus, 0)
    for status, count in rows:
        counts[RequestStatus(status)] = count
    return counts


def consultants(db: Database, actor: Actor) -> list[Consultant]:
    require_triage(actor)
    with db.read() as session:
        rows = session.execute(
            select(User.id, User.display_name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == Role.CONSULTANT.value, User.is_active.is_(True))
            .order_by(User.display_name)
        ).all()
    return [Consultant(user_id, name) for user_id, name in rows]


def update_request(
    db: Database,
    actor: Actor,
    request_id: int,
    *,
    expected_version: int,
    status: RequestStatus,
    assignee_id: int | None,
    resolution: str,
) -> tuple[str, ...]:
    """Change a request's status, assignee or resolution; say what changed, one sentence each
    (nothing when the values were already these).

    Raises ConflictError, with the other person's values, if someone changed it since
    ``expected_version`` was read.
    """
    require_triage(actor)
    resolution = resolution.strip()
    if status in (RequestStatus.RESOLVED, RequestStatus.CLOSED) and not resolution:
        raise InputError("Say how the request was resolved before marking it resolved or closed.")
    if status is RequestStatus.ASSIGNED and assignee_id is None:
        raise InputError("Choose who the request is assigned to.")
    with db.transaction() as session:
        request = session.get(SupportRequest, request_id)
        if request is None:
            raise NotFound("That request no longer exists.")
        if assignee_id is not None and assignee_id not in {
            c.user_id for c in consultants(db, actor)
        }:
            raise AccessDenied("Requests can only be assigned to hub consultants.")
        if request.version != expected_version:
            assignee = session.get(User, request.assignee_id) if request.assignee_id else None
            raise ConflictError(
                "Someone else changed this request while you were looking at it. "
                "Their version is shown below; check it and make your change again.",
                current={
                    "status": STATUS_LABELS[RequestStatus(request.status)],
                    "assignee": assignee.display_name if assignee else "Nobody",
                    "resolution": request.resolution,
                },
            )
        before = {
            "status": request.status,
            "assignee_id": request.assignee_id,
            "resolution": request.resolution,
        }
        changes = _describe_changes(session, request, status, assignee_id, resolution)
        if not changes:
            return changes
        request.status = status.value
        request.assignee_id = assignee_id
        request.resolution = resolution
        session.flush()
        audit.record(
            session,
            actor,
            "update_request",
            "support_request",
            request.id,
            before=before,
            after={"status": status.value, "assignee_id": assignee_id, "resolution": resolution},
        )
        # The team hears of a new status in its inbox, and by e-mail once this is saved.
        deliveries = (
            inbox.notify(
                session,
                request,
                mail.NotificationKind.STATUS,
                author_id=actor.user_id,
                to_team=True,
            )
            if status.value != before["status"]
            else []
        )
    mail.deliver(deliveries)
    return changes


def _describe_changes(
    session: Session,
    request: SupportRequest,
    status: RequestStatus,
    assignee_id: int | None,
    resolution: str,
) -> tuple[str, ...]:
    """What saving these values would change, as sentences a consultant reads back."""
    changes: list[str] = []
    old_status = RequestStatus(request.status)
    if status is not old_status:
        changes.append(
            f"Status changed from {STATUS_LABELS[old_status].lower()} "
            f"to {STATUS_LABELS[status].lower()}."
        )
    if assignee_id != request.assignee_id:
        assignee = session.get(User, assignee_id) if assignee_id is not None else None
        changes.append(
            f"Assigned to {assignee.display_name}." if assignee else "No longer assigned to anyone."
        )
    if resolution != request.resolution:
        changes.append("Outcome recorded." if not request.resolution else "Outcome updated.")
    return tuple(changes)
