"""A request's conversation: replies between the hub and the team, and the hub's internal notes.

The team that raised a request and the hub (those who triage) read and post replies; only the
hub writes and reads internal notes, which never reach the team, in a list or a notification.
Each post is saved and audited in one transaction, with the inbox notifications it causes
(``services/inbox.py``); the e-mails are sent after it commits, so a mail failure never loses a
reply.

First response: a hub reply's :class:`Posted` says whether it was the hub's first reply on the
request, and :func:`first_hub_reply_at` reads when that was, for service levels to use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit, mail
from ue_core.authz import (
    Actor,
    acts_for_hub,
    can_see_internal_notes,
    require_conversation,
    require_internal_notes,
)
from ue_core.db.engine import Database
from ue_core.db.models import RequestMessage, RequestStatus, SupportRequest, Team, User
from ue_core.errors import InputError, NotFound
from ue_core.mail import NotificationKind
from ue_core.services import inbox, support

MAX_MESSAGE = 5_000


@dataclass(frozen=True)
class MessageView:
    id: int
    author_name: str
    from_hub: bool
    body: str
    is_internal: bool
    created_at: datetime


@dataclass(frozen=True)
class Conversation:
    """A request's heading and its messages, oldest first, as this person may see them."""

    request_id: int
    subject: str
    team_name: str
    status: RequestStatus
    messages: tuple[MessageView, ...]
    #: The person speaks for the hub: they may write internal notes and see them here.
    for_hub: bool


@dataclass(frozen=True)
class Posted:
    message_id: int
    #: This was the hub's first reply to the team on the request (its first response).
    first_hub_reply: bool


def _request(session: Session, actor: Actor, request_id: int) -> SupportRequest:
    request = session.get(SupportRequest, request_id)
    if request is None:
        raise NotFound("That request no longer exists.")
    require_conversation(actor, request.team_id)
    return request


def _checked_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise InputError("Write your message before sending it.")
    if len(body) > MAX_MESSAGE:
        raise InputError(f"A message must be {MAX_MESSAGE:,} characters or fewer.")
    return body


def first_hub_reply_at(session: Session, request_id: int) -> datetime | None:
    """When the hub first replied to the team on a request (internal notes do not count)."""
    return session.scalar(
        select(RequestMessage.created_at)
        .where(
            RequestMessage.request_id == request_id,
            RequestMessage.is_internal.is_(False),
            RequestMessage.from_hub.is_(True),
        )
        .order_by(RequestMessage.created_at, RequestMessage.id)
        .limit(1)
    )


def _post(db: Database, actor: Actor, request_id: int, body: str, *, internal: bool) -> Posted:
    body = _checked_body(body)
    with db.transaction() as session:
        request = _request(session, actor, request_id)
        from_hub = acts_for_hub(actor)
        first_hub_reply = (
            from_hub and not internal and first_hub_reply_at(session, request.id) is None
        )
        message = RequestMessage(
            request_id=request.id,
            author_id=None if actor.is_system else actor.user_id,
            body=body,
            is_internal=internal,
            from_hub=from_hub,
        )
        session.add(message)
        if first_hub_reply:
            support.record_first_response(session, request)
        session.flush()
        audit.record(
            session,
            actor,
            "post_note" if internal else "post_reply",
            "request_message",
            message.id,
            after={"request_id": request.id, "internal": internal, "from_hub": from_hub},
        )
        deliveries = inbox.notify(
            session,
            request,
            NotificationKind.NOTE if internal else NotificationKind.REPLY,
            author_id=actor.user_id,
            to_team=from_hub and not internal,
        )
        posted = Posted(message.id, first_hub_reply)
    mail.deliver(deliveries)
    return posted


def post_reply(db: Database, actor: Actor, request_id: int, body: str) -> Posted:
    """Reply on a request, as the hub (to the team) or as the team (to the hub)."""
    return _post(db, actor, request_id, body, internal=False)


def post_note(db: Database, actor: Actor, request_id: int, body: str) -> Posted:
    """Add an internal note to a request: the hub only; the team never sees it."""
    require_internal_notes(actor)
    return _post(db, actor, request_id, body, internal=True)


def conversation(db: Database, actor: Actor, request_id: int) -> Conversation:
    """The request's replies, oldest first; for the hub, its internal notes among them."""
    with db.read() as session:
        request = _request(session, actor, request_id)
        team = session.get(Team, request.team_id)
        stmt = (
            select(RequestMessage, User.display_name)
            .outerjoin(User, RequestMessage.author_id == User.id)
            .where(RequestMessage.request_id == request.id)
            .order_by(RequestMessage.created_at, RequestMessage.id)
        )
        if not can_see_internal_notes(actor):
            stmt = stmt.where(RequestMessage.is_internal.is_(False))
        messages = tuple(
            MessageView(
                id=m.id,
                author_name=name or ("The workbench" if m.author_id is None else "A former user"),
                from_hub=m.from_hub,
                body=m.body,
                is_internal=m.is_internal,
                created_at=m.created_at,
            )
            for m, name in session.execute(stmt)
        )
        return Conversation(
            request_id=request.id,
            subject=request.subject,
            team_name=team.name if team else "",
            status=RequestStatus(request.status),
            messages=messages,
            for_hub=can_see_internal_notes(actor),
        )
