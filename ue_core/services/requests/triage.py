"""Confirming a request's triage: its practice areas, kind of help, priority and consultant.

A consultant confirms (or changes) the suggestions on the triage screen in one form;
:func:`confirm_triage` saves them in one transaction, moves a new request on to triaged (or
assigned, with a consultant), records the status change and tells the team, as
``support.update_request`` does. The confirmed practice areas are the hub's own triage history
the router learns from (``ue_core.triage.learning``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ue_core import audit, mail
from ue_core.authz import Actor, require_triage
from ue_core.db.engine import Database
from ue_core.db.models import (
    RequestPracticeArea,
    RequestStatusChange,
    SupportRequest,
    User,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.framework import PRACTICE_AREA_LABELS
from ue_core.request_kinds import shipped_request_kinds
from ue_core.services import inbox
from ue_core.services.requests.skills import is_hub_consultant
from ue_core.services.support import STATUS_LABELS, record_first_response
from ue_core.vocabulary import REQUEST_PRIORITY_LABELS, RequestPriority, RequestStatus

#: Statuses that confirming triage moves on (to triaged, or assigned with a consultant); a
#: request further on keeps its status while its triage is corrected.
TRIAGE_STATUSES: Final = (RequestStatus.NEW, RequestStatus.TRIAGED, RequestStatus.ASSIGNED)


@dataclass(frozen=True)
class ConfirmedTriage:
    """A request's triage as a consultant confirmed it."""

    request_id: int
    areas: tuple[str, ...]
    kind: str
    priority: RequestPriority
    assignee_id: int | None
    assignee_name: str | None
    triaged_by: str | None
    triaged_at: datetime
    status: RequestStatus

    @property
    def area_labels(self) -> tuple[str, ...]:
        labels: dict[str, str] = {str(k): v for k, v in PRACTICE_AREA_LABELS.items()}
        return tuple(labels.get(area, area) for area in self.areas)

    @property
    def kind_label(self) -> str:
        return shipped_request_kinds().label(self.kind)

    @property
    def priority_label(self) -> str:
        return REQUEST_PRIORITY_LABELS[self.priority]

    @property
    def summary(self) -> str:
        """The triage in one sentence, for the confirmation message."""
        who = f"assigned to {self.assignee_name}" if self.assignee_name else "not yet assigned"
        return (
            f"Triaged as {', '.join(self.area_labels)}; {self.kind_label.lower()}; "
            f"{self.priority_label.lower()} priority; {who}."
        )


def _check(areas: Sequence[str], kind: str, priority: str) -> tuple[list[str], RequestPriority]:
    chosen = sorted(set(areas))
    if not chosen:
        raise InputError("Choose at least one practice area the request concerns.")
    for area in chosen:
        if area not in PRACTICE_AREA_LABELS:
            raise InputError(
                f"'{area}' is not a practice area of the framework. Choose from: "
                + ", ".join(PRACTICE_AREA_LABELS.values())
                + "."
            )
    if kind not in shipped_request_kinds().by_key():
        raise InputError("Choose the kind of help the request needs.")
    try:
        return chosen, RequestPriority(priority)
    except ValueError:
        raise InputError("Choose a priority: high, normal or low.") from None


def _view(session: Session, request: SupportRequest) -> ConfirmedTriage | None:
    if request.triaged_at is None or request.priority is None:
        return None
    areas = session.scalars(
        select(RequestPracticeArea.area)
        .where(RequestPracticeArea.request_id == request.id)
        .order_by(RequestPracticeArea.area)
    ).all()
    assignee = session.get(User, request.assignee_id) if request.assignee_id else None
    by = session.get(User, request.triaged_by_id) if request.triaged_by_id else None
    return ConfirmedTriage(
        request_id=request.id,
        areas=tuple(areas),
        kind=request.kind,
        priority=RequestPriority(request.priority),
        assignee_id=request.assignee_id,
        assignee_name=assignee.display_name if assignee else None,
        triaged_by=by.display_name if by else None,
        triaged_at=request.triaged_at,
        status=RequestStatus(request.status),
    )


def _their_triage(session: Session, request: SupportRequest) -> dict[str, str]:
    """What the other person left, for the conflict message: the status and their triage."""
    theirs = _view(session, request)
    values = {"status": STATUS_LABELS[RequestStatus(request.status)]}
    if theirs is not None:
        values |= {
            "practice areas": ", ".join(theirs.area_labels),
            "priority": theirs.priority_label,
            "consultant": theirs.assignee_name or "Nobody yet",
        }
    return values


def confirmed_triage(db: Database, actor: Actor, request_id: int) -> ConfirmedTriage | None:
    """Hub consultants: a request's confirmed triage, or None while it has none."""
    require_triage(actor)
    with db.read() as session:
        request = session.get(SupportRequest, request_id)
        if request is None:
            raise NotFound("That request no longer exists.")
        return _view(session, request)


def confirm_triage(
    db: Database,
    actor: Actor,
    request_id: int,
    areas: Sequence[str],
    kind: str,
    priority: str,
    assignee_id: int | None,
    expected_version: int,
) -> ConfirmedTriage:
    """Hub consultants: confirm a request's practice areas, kind, priority and consultant.

    Raises InputError for an unknown area, kind or priority or an assignee who is not a hub
    consultant, and ConflictError, with the other person's values, when the request changed
    since ``expected_version`` was read.
    """
    require_triage(actor)
    chosen, level = _check(areas, kind, priority)
    # The request is locked while it is checked and written (SELECT ... FOR UPDATE on
    # PostgreSQL, BEGIN IMMEDIATE on SQLite): two consultants confirming at once are taken in
    # turn, so the second sees the first's version and is told, rather than both passing the
    # check and the second's practice areas breaking the table's key.
    with db.transaction(locking=True) as session:
        request = session.get(
            SupportRequest, request_id, with_for_update=True, populate_existing=True
        )
        if request is None:
            raise NotFound("That request no longer exists.")
        if assignee_id is not None and not is_hub_consultant(session, assignee_id):
            raise InputError("Requests can only be assigned to hub consultants.")
        if request.version != expected_version:
            raise ConflictError(
                "Someone else changed this request while you were looking at it. "
                "Their triage is shown below; check it and confirm the triage again.",
                current=_their_triage(session, request),
            )
        before_areas = session.scalars(
            select(RequestPracticeArea.area).where(RequestPracticeArea.request_id == request.id)
        ).all()
        before = {
            "status": request.status,
            "areas": sorted(before_areas),
            "kind": request.kind,
            "priority": request.priority,
            "assignee_id": request.assignee_id,
        }
        old_status = RequestStatus(request.status)
        status = old_status
        if old_status in TRIAGE_STATUSES:
            status = RequestStatus.ASSIGNED if assignee_id is not None else RequestStatus.TRIAGED
        now = datetime.now(UTC)
        session.execute(
            delete(RequestPracticeArea).where(RequestPracticeArea.request_id == request.id)
        )
        for area in chosen:
            session.add(
                RequestPracticeArea(
                    request_id=request.id,
                    area=area,
                    confirmed_by_id=None if actor.is_system else actor.user_id,
                    confirmed_at=now,
                )
            )
        record_first_response(session, request, now)
        if status is not old_status:
            session.add(
                RequestStatusChange(
                    request_id=request.id,
                    status=status.value,
                    changed_by_id=None if actor.is_system else actor.user_id,
                    changed_at=now,
                )
            )
        request.status = status.value
        request.kind = kind
        request.priority = level.value
        request.assignee_id = assignee_id
        request.triaged_by_id = None if actor.is_system else actor.user_id
        request.triaged_at = now
        session.flush()
        audit.record(
            session,
            actor,
            "confirm_triage",
            "support_request",
            request.id,
            before=before,
            after={
                "status": status.value,
                "areas": chosen,
                "kind": kind,
                "priority": level.value,
                "assignee_id": assignee_id,
            },
        )
        deliveries = (
            inbox.notify(
                session,
                request,
                mail.NotificationKind.STATUS,
                author_id=actor.user_id,
                to_team=True,
            )
            if status is not old_status
            else []
        )
        confirmed = _view(session, request)
        assert confirmed is not None
    mail.deliver(deliveries)
    return confirmed
