"""The inbox: each person is told, in the workbench, of replies, notes and status changes on
the requests they follow, and can mark what they have read.

Who is told (never the person who did it):

- a hub reply or a status change: every active member and lead of the request's team;
- a team reply, or an internal note: the consultant the request is assigned to, or every active
  consultant while nobody is. Internal notes never reach the team.

One notification row per person per event. The same people get an e-mail (``ue_core.mail``)
after the change is saved, when SMTP is configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ue_core.authz import AccessDenied, Actor, can_join_conversation, can_see_internal_notes
from ue_core.db.engine import Database
from ue_core.db.models import (
    Membership,
    Notification,
    Role,
    SupportRequest,
    Team,
    User,
    utcnow,
)
from ue_core.errors import NotFound
from ue_core.mail import KIND_LABELS, Delivery, NotificationKind
from ue_core.services import update_reminders

#: How many notifications the inbox lists, newest first.
INBOX_SIZE = 50
_TEAM_ROLES = (Role.MEMBER.value, Role.LEAD.value)


@dataclass(frozen=True)
class NotificationView:
    id: int
    request_id: int
    request_subject: str
    team_name: str
    kind: NotificationKind
    created_at: datetime
    read: bool

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def _team_people(session: Session, team_id: int) -> list[tuple[int, str]]:
    return [
        (user_id, email)
        for user_id, email in session.execute(
            select(User.id, User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.team_id == team_id,
                Membership.role.in_(_TEAM_ROLES),
                User.is_active.is_(True),
            )
            .distinct()
        )
    ]


def _hub_people(session: Session, request: SupportRequest) -> list[tuple[int, str]]:
    consultants = (
        select(User.id, User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.CONSULTANT.value, User.is_active.is_(True))
        .distinct()
    )
    if request.assignee_id is not None:
        assigned = list(session.execute(consultants.where(User.id == request.assignee_id)))
        if assigned:
            return [(user_id, email) for user_id, email in assigned]
    return [(user_id, email) for user_id, email in session.execute(consultants)]


def notify(
    session: Session,
    request: SupportRequest,
    kind: NotificationKind,
    *,
    author_id: int | None,
    to_team: bool,
) -> list[Delivery]:
    """Record the notifications for an event on ``request`` in the caller's transaction, and
    return the e-mails to send once it commits (``ue_core.mail.deliver``).

    ``to_team`` tells the team's people (a hub reply, a status change); otherwise the hub is
    told (a team reply, an internal note). The author (``author_id``) is never told.
    """
    if to_team and kind is NotificationKind.NOTE:
        raise ValueError("Internal notes are never sent to the team.")
    people = _team_people(session, request.team_id) if to_team else _hub_people(session, request)
    recipients = [(user_id, email) for user_id, email in people if user_id != author_id]
    session.add_all(
        Notification(user_id=user_id, request_id=request.id, kind=kind.value)
        for user_id, _ in recipients
    )
    return [Delivery(email, request.id, request.subject, kind) for _, email in recipients]


def _visible(actor: Actor, team_id: int, kind: NotificationKind) -> bool:
    """Whether the person may still follow the request (they may have left the team)."""
    if kind is NotificationKind.NOTE:
        return can_see_internal_notes(actor)
    return can_join_conversation(actor, team_id)


def _rows(
    session: Session, actor: Actor, *where: object, limit: int | None = None
) -> list[NotificationView]:
    stmt = (
        select(Notification, SupportRequest.subject, SupportRequest.team_id, Team.name)
        .join(SupportRequest, Notification.request_id == SupportRequest.id)
        .join(Team, SupportRequest.team_id == Team.id)
        .where(Notification.user_id == actor.user_id, *where)  # type: ignore[arg-type]
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return [
        NotificationView(
            id=n.id,
            request_id=request_id,
            request_subject=subject,
            team_name=team_name,
            kind=NotificationKind(n.kind),
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n, subject, team_id, team_name in session.execute(stmt)
        if (request_id := n.request_id) is not None
        and _visible(actor, team_id, NotificationKind(n.kind))
    ]


def notifications(db: Database, actor: Actor, *, limit: int = INBOX_SIZE) -> list[NotificationView]:
    """The person's own notifications, newest first, about requests they may still follow."""
    with db.read() as session:
        return _rows(session, actor, limit=limit)


def unread_count(db: Database, actor: Actor) -> int:
    """How many of the person's own notifications are unread (update reminders included)."""
    with db.read() as session:
        unread = len(_rows(session, actor, Notification.read_at.is_(None)))
        return unread + update_reminders.unread_reminders(session, actor.user_id)


def mark_read(db: Database, actor: Actor, notification_id: int) -> int:
    """Mark one of the person's own notifications read; return the request it is about.

    Read marks are the person's own state, not a change to anyone's work, so they are not
    audited.
    """
    with db.transaction() as session:
        notification = session.get(Notification, notification_id)
        if notification is None or notification.request_id is None:
            raise NotFound("That notification no longer exists.")
        if notification.user_id != actor.user_id:
            raise AccessDenied("You can only open your own notifications.")
        if notification.read_at is None:
            notification.read_at = utcnow()
        return notification.request_id


def mark_request_read(db: Database, actor: Actor, request_id: int) -> int:
    """Mark all the person's notifications about a request read (they have opened it); return
    how many were unread."""
    with db.transaction() as session:
        request = session.get(SupportRequest, request_id)
        if request is None:
            raise NotFound("That request no longer exists.")
        if not can_join_conversation(actor, request.team_id):
            raise AccessDenied("You can only see the requests of your own team.")
        unread = Notification.read_at.is_(None)
        mine = (Notification.user_id == actor.user_id, Notification.request_id == request_id)
        count = session.scalar(select(func.count(Notification.id)).where(*mine, unread)) or 0
        if count:
            session.execute(update(Notification).where(*mine, unread).values(read_at=utcnow()))
        return count
