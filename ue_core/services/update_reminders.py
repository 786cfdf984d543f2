"""Reminders to send a month's update: who in a published month has not sent one, and the
hub's reminders to them, at most once a day each.

A reminder is an inbox notification (a ``Notification`` about no request, with the month) and,
when SMTP is set up, an e-mail holding only a subject and a link to the update page. Sending
the update marks the month's reminders read (:func:`ue_core.services.champion_updates.send_update`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ue_core import audit, mail
from ue_core.authz import AccessDenied, Actor, Permission, require
from ue_core.champion_chats import month_label, month_of
from ue_core.db.engine import Database
from ue_core.db.models import (
    ChampionUpdate,
    ChatMember,
    ChatRound,
    Notification,
    UpdateReminder,
    User,
    utcnow,
)
from ue_core.errors import InputError, NotFound
from ue_core.services._champion_chat_people import _champion_people
from ue_core.services.champion_updates import REMINDER_KIND
from ue_core.update_categories import closes_on, is_open
from ue_core.vocabulary import ChatRoundState

#: The page a reminder links to (its address in the app).
UPDATE_PAGE = "your_update"


@dataclass(frozen=True)
class MissingUpdate:
    """A champion in a month's Chats who has not sent their update."""

    user_id: int
    name: str
    organisation: str
    reminders: int
    reminded_today: bool


@dataclass(frozen=True)
class MonthStatus:
    """A published month: who was in it, who has sent an update and who has not."""

    month: date
    closes_on: date
    open: bool
    champions: int
    sent: int
    missing: tuple[MissingUpdate, ...]

    @property
    def label(self) -> str:
        return month_label(self.month)


def published_months(db: Database, actor: Actor, today: date) -> list[date]:
    """The published Chat months up to this one, newest first."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    with db.read() as session:
        return list(
            session.scalars(
                select(ChatRound.month)
                .where(
                    ChatRound.state == ChatRoundState.PUBLISHED.value,
                    ChatRound.month <= month_of(today),
                )
                .order_by(ChatRound.month.desc())
            )
        )


def _month_status(session: Session, month: date, today: date) -> MonthStatus:
    members = list(
        session.scalars(
            select(ChatMember.user_id)
            .join(ChatRound, ChatRound.id == ChatMember.round_id)
            .where(ChatRound.month == month, ChatRound.state == ChatRoundState.PUBLISHED.value)
        )
    )
    if not members:
        raise NotFound(f"No Champion Chats were published for {month_label(month)}.")
    sent = set(
        session.scalars(
            select(ChampionUpdate.user_id).where(
                ChampionUpdate.month == month, ChampionUpdate.user_id.in_(members)
            )
        )
    )
    reminders: dict[int, list[date]] = defaultdict(list)
    for user_id, sent_on in session.execute(
        select(UpdateReminder.user_id, UpdateReminder.sent_on).where(UpdateReminder.month == month)
    ):
        reminders[user_id].append(sent_on)
    people = _champion_people(session, [m for m in members if m not in sent])
    missing = sorted(
        (
            MissingUpdate(
                person.user_id,
                person.name,
                person.organisation,
                len(reminders[person.user_id]),
                today in reminders[person.user_id],
            )
            for person in people.values()
        ),
        key=lambda item: (item.organisation.casefold(), item.name.casefold()),
    )
    return MonthStatus(
        month, closes_on(month), is_open(month, today), len(members), len(sent), tuple(missing)
    )


def month_status(db: Database, actor: Actor, month: date, today: date) -> MonthStatus:
    """Who in a published month has sent their update and who has not (hub staff)."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    with db.read() as session:
        return _month_status(session, month_of(month), today)


@dataclass(frozen=True)
class RemindersSent:
    """How many champions were reminded, and how many had been reminded today already."""

    reminded: int
    already_today: int
    emails: int


def send_reminders(
    db: Database, actor: Actor, month: date, today: date, user_ids: Iterable[int] | None = None
) -> RemindersSent:
    """Remind the month's champions without an update (or just ``user_ids`` of them).

    Each gets an inbox notification and, with SMTP set up, an e-mail with a subject and a link
    only. Nobody is reminded twice in a day; the month must still be open.
    """
    require(actor, Permission.RUN_CHAMPION_CHATS)
    month = month_of(month)
    if not is_open(month, today):
        raise InputError(
            f"Updates for {month_label(month)} have closed (or not started): there is nothing "
            "to remind anyone of."
        )
    wanted = None if user_ids is None else set(user_ids)
    try:
        with db.transaction(locking=True) as session:
            status = _month_status(session, month, today)
            chosen = [m for m in status.missing if wanted is None or m.user_id in wanted]
            if wanted is not None and len(chosen) < len(wanted):
                raise InputError("Choose champions from the list of those without an update.")
            due = [m for m in chosen if not m.reminded_today]
            emails = {
                user_id: email
                for user_id, email in session.execute(
                    select(User.id, User.email).where(
                        User.id.in_([m.user_id for m in due]), User.is_active.is_(True)
                    )
                )
            }
            due = [m for m in due if m.user_id in emails]
            for person in due:
                session.add(
                    UpdateReminder(
                        month=month,
                        user_id=person.user_id,
                        sent_on=today,
                        sent_by_id=None if actor.is_system else actor.user_id,
                    )
                )
                session.add(
                    Notification(
                        user_id=person.user_id,
                        request_id=None,
                        kind=REMINDER_KIND,
                        chat_month=month,
                    )
                )
            session.flush()
            if due:
                audit.record(
                    session,
                    actor,
                    "remind_champion_updates",
                    "chat_round",
                    None,
                    after={"month": month.isoformat(), "reminded": [m.user_id for m in due]},
                )
    except IntegrityError:  # someone else sent the same reminders at the same moment
        raise InputError(
            "Someone else has just sent these reminders. The list shows who has been reminded."
        ) from None
    subject = f"Reminder: your Champion Chat update for {month_label(month)}"
    sent = mail.deliver_notices(mail.Notice(emails[m.user_id], subject, UPDATE_PAGE) for m in due)
    return RemindersSent(len(due), len(chosen) - len(due), sent)


@dataclass(frozen=True)
class ReminderNotice:
    """A reminder in a champion's inbox."""

    id: int
    month: date
    created_at: datetime
    read: bool

    @property
    def label(self) -> str:
        return f"Send your Champion Chat update for {month_label(self.month)}"


def your_reminders(db: Database, actor: Actor, limit: int = 20) -> list[ReminderNotice]:
    """The person's own update reminders, newest first."""
    with db.read() as session:
        rows = session.scalars(
            select(Notification)
            .where(Notification.user_id == actor.user_id, Notification.kind == REMINDER_KIND)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
        return [
            ReminderNotice(
                row.id, row.chat_month or date.min, row.created_at, row.read_at is not None
            )
            for row in rows
            if row.chat_month is not None
        ]


def unread_reminders(session: Session, user_id: int) -> int:
    """How many of the person's update reminders are unread (inside the inbox's session)."""
    return (
        session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id,
                Notification.kind == REMINDER_KIND,
                Notification.read_at.is_(None),
            )
        )
        or 0
    )


def mark_reminder_read(db: Database, actor: Actor, notification_id: int) -> date:
    """Mark one of the person's own reminders read; returns its month."""
    with db.transaction() as session:
        row = session.get(Notification, notification_id)
        if row is None or row.kind != REMINDER_KIND or row.chat_month is None:
            raise NotFound("That reminder no longer exists.")
        if row.user_id != actor.user_id:
            raise AccessDenied("You can only open your own notifications.")
        if row.read_at is None:
            row.read_at = utcnow()
        return row.chat_month
