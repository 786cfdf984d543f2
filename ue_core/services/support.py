"""Support requests: teams ask the USER hub for help; hub consultants triage them.

Each request has a kind of help (``data/request_kinds.yaml``) and service-level targets
(``data/service_levels.yaml``, worked out by ``ue_core.service_levels``): when its first
response and its resolution fall due, and whether it is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
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
    RequestStatusChange,
    Role,
    SupportRequest,
    Team,
    User,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.request_kinds import shipped_request_kinds
from ue_core.service_levels import Deadlines
from ue_core.services import inbox
from ue_core.services.requests.queue_views import OPEN_STATUSES as OPEN_STATUSES
from ue_core.services.requests.queue_views import (
    QUEUE_VIEW_LABELS as QUEUE_VIEW_LABELS,
)
from ue_core.services.requests.queue_views import QueueView as QueueView
from ue_core.services.requests.queue_views import (
    request_deadlines,
    status_histories,
    view_clause,
)
from ue_core.timefmt import format_date, uk_today
from ue_core.vocabulary import REQUEST_PRIORITY_LABELS

MAX_SUBJECT = 150
MIN_TEXT = 20
MAX_TEXT = 5_000
MAX_STATISTICS = 300

STATUS_LABELS: dict[RequestStatus, str] = {
    RequestStatus.NEW: "New",
    RequestStatus.TRIAGED: "Triaged",
    RequestStatus.ASSIGNED: "Assigned",
    RequestStatus.IN_PROGRESS: "In progress",
    RequestStatus.WAITING_ON_TEAM: "Waiting on the team",
    RequestStatus.RESOLVED: "Resolved",
    RequestStatus.CLOSED: "Closed",
}
DONE_STATUSES = (RequestStatus.RESOLVED, RequestStatus.CLOSED)


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
    kind: str
    statistics: str
    needed_by: date | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    rating: int | None
    rating_comment: str
    deadlines: Deadlines
    priority: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def priority_label(self) -> str:
        """The priority confirmed at triage ("High", "Normal", "Low"), or "Not triaged yet"."""
        if self.priority is None:
            return "Not triaged yet"
        return REQUEST_PRIORITY_LABELS.get(self.priority, self.priority)

    @property
    def kind_label(self) -> str:
        return shipped_request_kinds().label(self.kind)

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    @property
    def overdue_label(self) -> str:
        """ "Overdue" (with what is late) or an empty string: a word, never colour alone."""
        if self.is_done:
            return ""
        if self.deadlines.first_response_overdue:
            return "Overdue: first response"
        if self.deadlines.resolution_overdue:
            return "Overdue: resolution"
        return ""

    @property
    def first_response_due_text(self) -> str:
        if self.first_response_at is not None:
            return "Responded"
        return format_date(self.deadlines.first_response_due)

    @property
    def resolution_due_text(self) -> str:
        if self.resolved_at is not None:
            return "Resolved"
        return format_date(self.deadlines.resolution_due)


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
    today: date | None = None,
) -> list[RequestView]:
    on = today or uk_today()
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
    rows = session.execute(stmt).all()
    histories = status_histories(session, [row[0].id for row in rows])
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
            kind=r.kind,
            statistics=r.statistics,
            needed_by=r.needed_by,
            first_response_at=r.first_response_at,
            resolved_at=r.resolved_at,
            rating=r.rating,
            rating_comment=r.rating_comment,
            deadlines=request_deadlines(r, on, histories.get(r.id, ())),
            priority=r.priority,
        )
        for r, team_name, org_name, req_name, assignee_name in rows
    ]


def check_request(
    kind: str, subject: str, text: str, statistics: str = "", needed_by: date | None = None
) -> None:
    """Raise ``InputError`` saying what to fix when a request's fields are not acceptable."""
    if kind not in shipped_request_kinds().by_key():
        raise InputError("Choose what kind of help you need.")
    if len(statistics.strip()) > MAX_STATISTICS:
        raise InputError(f"The statistics must be {MAX_STATISTICS} characters or fewer.")
    if needed_by is not None and needed_by < uk_today():
        raise InputError("The date the help must fit cannot be in the past.")
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


def submit_request(
    db: Database,
    actor: Actor,
    team_id: int,
    subject: str,
    text: str,
    *,
    kind: str = "other",
    statistics: str = "",
    needed_by: date | None = None,
) -> int:
    """A team member asks the hub for help. Returns the new request's id."""
    require_request_support(actor, team_id)
    check_request(kind, subject, text, statistics, needed_by)
    subject, text, statistics = subject.strip(), text.strip(), statistics.strip()
    with db.transaction() as session:
        request = SupportRequest(
            team_id=team_id,
            requested_by_id=actor.user_id,
            subject=subject,
            text=text,
            kind=kind,
            statistics=statistics,
            needed_by=needed_by,
        )
        session.add(request)
        session.flush()
        session.add(
            RequestStatusChange(
                request_id=request.id,
                status=RequestStatus.NEW.value,
                changed_by_id=actor.user_id,
                changed_at=request.created_at,
            )
        )
        audit.record(
            session,
            actor,
            "submit_request",
            "support_request",
            request.id,
            after={
                "subject": subject,
                "kind": kind,
                "statistics": statistics,
                "needed_by": needed_by.isoformat() if needed_by else None,
            },
        )
        return request.id


def team_request(db: Database, actor: Actor, request_id: int) -> RequestView:
    """One of the actor's team's requests, in full."""
    with db.read() as session:
        team_id = session.scalar(
            select(SupportRequest.team_id).where(SupportRequest.id == request_id)
        )
        if team_id is None:
            raise NotFound("That request no longer exists.")
        require_request_support(actor, team_id)
        [view] = _views(session, [SupportRequest.id == request_id])
        return view


def record_first_response(
    session: Session, request: SupportRequest, now: datetime | None = None
) -> bool:
    """Note the hub's first response to ``request`` (in the caller's transaction) unless one
    is already recorded; True when this was the first. Called when a consultant first moves a
    request on from new or assigns it, and on the hub's first reply."""
    if request.first_response_at is not None:
        return False
    request.first_response_at = now or datetime.now(UTC)
    return True


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
    view: QueueView = QueueView.ALL,
    today: date | None = None,
) -> RequestPage:
    """A page of requests in ``view`` with these statuses whose summary, team or organisation
    contains ``text``, sorted by ``order`` (newest first by default). Filtered, sorted and
    paged in the database, so a long queue stays quick and the order runs across pages."""
    require_triage(actor)
    on = today or uk_today()
    with db.read() as session:
        where: list[object] = [
            SupportRequest.status.in_([s.value for s in statuses]),
            *view_clause(session, actor.user_id, view, on),
        ]
        for word in text.split():
            pattern = f"%{word.lower()}%"
            where.append(
                func.lower(SupportRequest.subject).like(pattern)
                | func.lower(Team.name).like(pattern)
                | func.lower(Organisation.name).like(pattern)
            )
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
            today=on,
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
        changes, deliveries = _apply_request_change(
            session,
            actor,
            request,
            expected_version=expected_version,
            status=status,
            assignee_id=assignee_id,
            resolution=resolution,
        )
    mail.deliver(deliveries)
    return changes


def _apply_request_change(
    session: Session,
    actor: Actor,
    request: SupportRequest,
    *,
    expected_version: int,
    status: RequestStatus,
    assignee_id: int | None,
    resolution: str,
) -> tuple[tuple[str, ...], list[mail.Delivery]]:
    """Change a request's status, assignee and resolution in the caller's transaction, after
    its access check: the status history, the first response, the audit and the team's
    notification. Returns what changed, in words, and the e-mails to send once it is saved.

    Raises ConflictError, with the other person's values, if someone changed it since
    ``expected_version`` was read.
    """
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
        return changes, []
    if status is not RequestStatus.NEW or assignee_id is not None:
        record_first_response(session, request)
    if status in DONE_STATUSES:
        request.resolved_at = request.resolved_at or datetime.now(UTC)
    else:
        request.resolved_at = None
    if status.value != request.status:
        session.add(
            RequestStatusChange(
                request_id=request.id, status=status.value, changed_by_id=actor.user_id
            )
        )
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
    return changes, deliveries


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
