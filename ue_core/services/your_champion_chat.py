"""Your Champion Chat: a champion's own group, how to reach the others, the months they skip.

The hub draws and publishes the groups (:mod:`ue_core.services.champion_chats`); a champion
sees only the group they are in, once it is published, and can say they cannot take part in a
month that has not been drawn yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.champion_chats import add_months, month_label, month_of
from ue_core.db.engine import Database
from ue_core.db.models import ChatGroup, ChatMember, ChatRound, ChatSkip
from ue_core.errors import InputError
from ue_core.services._champion_chat_people import ChatPerson, _champion_people
from ue_core.vocabulary import ChatRoundState


@dataclass(frozen=True)
class YourChat:
    """A champion's latest published Chat, the months they skip and what they may change."""

    month: date | None
    group_number: int | None
    others: tuple[ChatPerson, ...]
    skipped_months: tuple[date, ...]
    next_month: date
    next_month_drawn: bool

    @property
    def skipping_next_month(self) -> bool:
        return self.next_month in self.skipped_months


def your_chat(db: Database, actor: Actor, today: date) -> YourChat:
    """The champion's group in the latest published month up to this one, and how to reach
    the others in it; only their own group, never anyone else's."""
    require(actor, Permission.JOIN_CHAMPION_CHATS)
    current = month_of(today)
    next_month = add_months(current, 1)
    with db.read() as session:
        found = session.execute(
            select(ChatRound.month, ChatMember.group_id)
            .join(ChatMember, ChatMember.round_id == ChatRound.id)
            .where(
                ChatMember.user_id == actor.user_id,
                ChatRound.state == ChatRoundState.PUBLISHED.value,
                ChatRound.month <= current,
            )
            .order_by(ChatRound.month.desc())
            .limit(1)
        ).first()
        month: date | None = None
        number: int | None = None
        others: tuple[ChatPerson, ...] = ()
        if found is not None:
            month, group_id = found
            group = session.get(ChatGroup, group_id)
            number = group.number if group is not None else None
            ids = session.scalars(
                select(ChatMember.user_id).where(
                    ChatMember.group_id == group_id, ChatMember.user_id != actor.user_id
                )
            ).all()
            people = _champion_people(session, ids)
            others = tuple(sorted(people.values(), key=lambda p: p.name.casefold()))
        skipped = session.scalars(
            select(ChatSkip.month)
            .where(ChatSkip.user_id == actor.user_id, ChatSkip.month > current)
            .order_by(ChatSkip.month)
        ).all()
        drawn = session.scalar(select(ChatRound.id).where(ChatRound.month == next_month))
    return YourChat(month, number, others, tuple(skipped), next_month, drawn is not None)


def _check_skippable(session: Session, actor: Actor, month: date, today: date) -> None:
    if actor.is_system:
        raise InputError("Only a champion can say they will skip a month.")
    if month <= month_of(today):
        raise InputError(
            f"You can only skip a month that has not started: {month_label(month)} has."
        )
    if session.scalar(select(ChatRound.id).where(ChatRound.month == month)) is not None:
        raise InputError(
            f"The Chats of {month_label(month)} have already been drawn. Ask the hub to "
            "change your group."
        )


def skip_month(db: Database, actor: Actor, month: date, today: date) -> None:
    """The champion cannot take part in the Chats of a month not yet drawn."""
    require(actor, Permission.JOIN_CHAMPION_CHATS)
    month = month_of(month)
    said = f"You have already said you cannot take part in {month_label(month)}."
    try:
        with db.transaction(locking=True) as session:
            _check_skippable(session, actor, month, today)
            existing = session.scalar(
                select(ChatSkip.id).where(
                    ChatSkip.month == month, ChatSkip.user_id == actor.user_id
                )
            )
            if existing is not None:
                raise InputError(said)
            row = ChatSkip(month=month, user_id=actor.user_id)
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor,
                "skip_champion_chat",
                "chat_skip",
                row.id,
                after={"month": month.isoformat()},
            )
    except IntegrityError:  # the same skip saved twice at once
        raise InputError(said) from None


def unskip_month(db: Database, actor: Actor, month: date, today: date) -> None:
    """The champion can take part in a month they said they would skip, before it is drawn."""
    require(actor, Permission.JOIN_CHAMPION_CHATS)
    month = month_of(month)
    with db.transaction(locking=True) as session:
        _check_skippable(session, actor, month, today)
        row = session.scalar(
            select(ChatSkip).where(ChatSkip.month == month, ChatSkip.user_id == actor.user_id)
        )
        if row is None:
            raise InputError(f"You had not said you would skip {month_label(month)}.")
        audit.record(
            session,
            actor,
            "unskip_champion_chat",
            "chat_skip",
            row.id,
            before={"month": month.isoformat()},
        )
        session.delete(row)
