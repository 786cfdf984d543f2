"""Champion Chats: the hub draws a month's groups, checks and changes them, then publishes.

The drawing itself (groups of four, organisations apart, repeat pairings rare, seeded) is
:mod:`ue_core.champion_chats`; this module picks who is in a month's drawing (active
champions who have not said they will skip it), gives the drawing the groups of every earlier
published month as its history, and stores the result. A drawn month stays a draft the hub can
redraw or change by swapping two champions; once published it is frozen and each champion
sees their group (:mod:`ue_core.services.your_champion_chat`).
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.champion_chats import (
    ChampionRef,
    DrawSummary,
    Group,
    Pair,
    describe_draw,
    draw_groups,
    month_label,
    month_of,
    pair_history,
    swap,
)
from ue_core.db.engine import Database
from ue_core.db.models import (
    ChatGroup,
    ChatMember,
    ChatRound,
    ChatSkip,
    User,
    utcnow,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services._champion_chat_people import ChatPerson as ChatPerson
from ue_core.services._champion_chat_people import (
    _champion_people,
    _groups_of,
    _organisation_ids,
)
from ue_core.vocabulary import ChatRoundState

#: Seeds are kept below this so every database stores them as a plain integer.
SEED_LIMIT = 2**31


@dataclass(frozen=True)
class ChatGroupView:
    """One group: its champions and the pairs in it who met in an earlier published month."""

    number: int
    members: tuple[ChatPerson, ...]
    met_before: tuple[tuple[str, str], ...]
    same_organisation: bool

    def organisation_mix(self) -> str:
        organisations = len({member.organisation for member in self.members})
        if organisations == len(self.members):
            return f"{organisations} organisations, one each"
        return f"{organisations} organisations for {len(self.members)} people"


@dataclass(frozen=True)
class ChatRoundView:
    """A month's Chats as the hub checks them before (and after) publishing."""

    round_id: int
    month: date
    seed: int
    state: ChatRoundState
    version: int
    drawn_by: str
    drawn_at: datetime
    published_at: datetime | None
    groups: tuple[ChatGroupView, ...]
    skipping: tuple[str, ...]
    summary: DrawSummary

    @property
    def is_published(self) -> bool:
        return self.state is ChatRoundState.PUBLISHED

    @property
    def label(self) -> str:
        return month_label(self.month)

    def people(self) -> list[ChatPerson]:
        """Everyone in the month's groups, by name (for the swap form)."""
        found = [member for group in self.groups for member in group.members]
        return sorted(found, key=lambda person: (person.name.casefold(), person.user_id))


@dataclass(frozen=True)
class PastRound:
    """One month in the hub's history of Chats, with how many pairs had met before."""

    month: date
    state: ChatRoundState
    groups: int
    champions: int
    repeat_pairs: int
    same_organisation_groups: int

    @property
    def label(self) -> str:
        return month_label(self.month)


# --- Who is in a month's drawing ----------------------------------------------------------


def _skipping(session: Session, month: date) -> set[int]:
    return set(session.scalars(select(ChatSkip.user_id).where(ChatSkip.month == month)))


def _available(session: Session, month: date) -> list[ChampionRef]:
    """Active champions who have not said they will skip ``month``."""
    skipping = _skipping(session, month)
    ids = [user_id for user_id in _champion_people(session) if user_id not in skipping]
    organisations = _organisation_ids(session, ids)
    return [ChampionRef(user_id, organisations[user_id]) for user_id in ids]


def _published_before(session: Session, month: date) -> list[list[Group]]:
    """The groups of every published month before ``month``, oldest first."""
    rounds = session.scalars(
        select(ChatRound.id)
        .where(ChatRound.state == ChatRoundState.PUBLISHED.value, ChatRound.month < month)
        .order_by(ChatRound.month)
    ).all()
    return [_groups_of(session, round_id) for round_id in rounds]


# --- Reading a month ----------------------------------------------------------------------


def _group_views(
    groups: Sequence[Group], people: dict[int, ChatPerson], summary: DrawSummary
) -> tuple[ChatGroupView, ...]:
    repeats = {frozenset(pair) for pair in summary.repeat_pair_list}
    views = []
    for number, group in enumerate(groups, start=1):
        members = tuple(sorted((people[i] for i in group), key=lambda p: p.name.casefold()))
        met = tuple(
            (a.name, b.name)
            for a, b in itertools.combinations(members, 2)
            if frozenset((a.user_id, b.user_id)) in repeats
        )
        organisations = {member.organisation for member in members}
        views.append(ChatGroupView(number, members, met, len(organisations) < len(members)))
    return tuple(views)


def _round_view(session: Session, row: ChatRound) -> ChatRoundView:
    groups = _groups_of(session, row.id)
    members = [person for group in groups for person in group]
    people = _champion_people(session, members)
    organisations = _organisation_ids(session, members)
    refs = [ChampionRef(i, organisations.get(i, -i)) for i in members]
    history = pair_history(_published_before(session, row.month))
    summary = describe_draw(groups, refs, history)
    skipping = _champion_people(session, _skipping(session, row.month))
    drawn_by = session.get(User, row.drawn_by_id) if row.drawn_by_id is not None else None
    return ChatRoundView(
        round_id=row.id,
        month=row.month,
        seed=row.seed,
        state=ChatRoundState(row.state),
        version=row.version,
        drawn_by=drawn_by.display_name if drawn_by is not None else "The workbench",
        drawn_at=row.drawn_at,
        published_at=row.published_at,
        groups=_group_views(groups, people, summary),
        skipping=tuple(sorted((p.name for p in skipping.values()), key=str.casefold)),
        summary=summary,
    )


def chat_round(db: Database, actor: Actor, month: date) -> ChatRoundView | None:
    """The month's Chats as drawn (draft or published), or None before they are drawn."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    with db.read() as session:
        row = session.scalar(select(ChatRound).where(ChatRound.month == month_of(month)))
        return _round_view(session, row) if row is not None else None


def chat_history(db: Database, actor: Actor) -> list[PastRound]:
    """Every drawn month, newest first, with the pairs in it who had met in an earlier one."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    with db.read() as session:
        rows = session.scalars(select(ChatRound).order_by(ChatRound.month)).all()
        seen: set[Pair] = set()
        history: list[PastRound] = []
        for row in rows:
            groups = _groups_of(session, row.id)
            members = [person for group in groups for person in group]
            organisations = _organisation_ids(session, members)
            pairs = [frozenset(p) for g in groups for p in itertools.combinations(g, 2)]
            same = sum(1 for g in groups if len({organisations.get(i, -i) for i in g}) < len(g))
            state = ChatRoundState(row.state)
            history.append(
                PastRound(
                    row.month,
                    state,
                    len(groups),
                    len(members),
                    sum(1 for pair in pairs if pair in seen),
                    same,
                )
            )
            if state is ChatRoundState.PUBLISHED:
                seen.update(pairs)
    return history[::-1]


# --- Drawing, changing and publishing ------------------------------------------------------


def _new_seed(seed: int | None) -> int:
    if seed is None:
        return secrets.randbelow(SEED_LIMIT)
    if not 0 <= seed < SEED_LIMIT:
        raise InputError(f"Choose a seed from 0 to {SEED_LIMIT - 1:,}.")
    return seed


def _store_groups(session: Session, round_id: int, groups: Sequence[Group]) -> None:
    for number, group in enumerate(groups, start=1):
        row = ChatGroup(round_id=round_id, number=number)
        session.add(row)
        session.flush()
        session.add_all(ChatMember(round_id=round_id, group_id=row.id, user_id=i) for i in group)


def _draw(session: Session, month: date, seed: int) -> list[Group]:
    champions = _available(session, month)
    if len(champions) < 2:
        raise InputError(
            f"Only {len(champions)} champion can take part in {month_label(month)}: a Chat "
            "needs at least two."
        )
    return draw_groups(champions, pair_history(_published_before(session, month)), seed)


def draw_round(
    db: Database, actor: Actor, month: date, today: date, seed: int | None = None
) -> ChatRoundView:
    """Draw the month's groups as a draft, from the champions taking part that month.

    Refuses a month that is over, or one already drawn (redraw that one instead).
    """
    require(actor, Permission.RUN_CHAMPION_CHATS)
    month = month_of(month)
    if month < month_of(today):
        raise InputError(
            f"The Chats of {month_label(month)} are over: choose this month or a later one."
        )
    chosen = _new_seed(seed)
    already = (
        f"The Chats of {month_label(month)} have already been drawn. Open that month to "
        "check them, or redraw them while they are a draft."
    )
    try:
        with db.transaction(locking=True) as session:
            if session.scalar(select(ChatRound.id).where(ChatRound.month == month)) is not None:
                raise InputError(already)
            groups = _draw(session, month, chosen)
            row = ChatRound(
                month=month,
                seed=chosen,
                state=ChatRoundState.DRAFT.value,
                drawn_by_id=None if actor.is_system else actor.user_id,
            )
            session.add(row)
            session.flush()
            _store_groups(session, row.id, groups)
            audit.record(
                session,
                actor,
                "draw_champion_chats",
                "chat_round",
                row.id,
                after={"month": month.isoformat(), "seed": chosen, "groups": len(groups)},
            )
            return _round_view(session, row)
    except IntegrityError:  # someone else drew the same month at the same moment
        raise InputError(already) from None


def _draft_to_change(
    session: Session, round_id: int, expected_version: int, what: str | None
) -> ChatRound:
    """The draft round, locked, as the person saw it; refuses a published or changed one."""
    row = session.scalar(select(ChatRound).where(ChatRound.id == round_id).with_for_update())
    if row is None:
        raise NotFound("Those Champion Chats no longer exist.")
    if row.state == ChatRoundState.PUBLISHED.value:
        raise InputError(
            f"The Chats of {month_label(row.month)} are already published."
            if what is None
            else f"The Chats of {month_label(row.month)} are published, so they can no longer "
            f"be {what}."
        )
    if row.version != expected_version:
        raise ConflictError(
            f"Someone else changed the Chats of {month_label(row.month)} after you opened "
            "them. Check the groups as they are now, then try again.",
            {"version": row.version},
        )
    row.version += 1
    return row


def redraw_round(
    db: Database, actor: Actor, round_id: int, expected_version: int, seed: int | None = None
) -> ChatRoundView:
    """Draw a draft month again with a new seed (and whoever is taking part now)."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    chosen = _new_seed(seed)
    with db.transaction(locking=True) as session:
        row = _draft_to_change(session, round_id, expected_version, "redrawn")
        groups = _draw(session, row.month, chosen)
        before = row.seed
        session.execute(delete(ChatMember).where(ChatMember.round_id == round_id))
        session.execute(delete(ChatGroup).where(ChatGroup.round_id == round_id))
        row.seed = chosen
        row.drawn_by_id = None if actor.is_system else actor.user_id
        row.drawn_at = utcnow()
        _store_groups(session, round_id, groups)
        audit.record(
            session,
            actor,
            "redraw_champion_chats",
            "chat_round",
            round_id,
            before={"seed": before},
            after={"seed": chosen, "groups": len(groups)},
        )
        return _round_view(session, row)


def swap_champions(
    db: Database,
    actor: Actor,
    round_id: int,
    first_user_id: int,
    second_user_id: int,
    expected_version: int,
) -> ChatRoundView:
    """Exchange two champions between their groups in a draft month."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    with db.transaction(locking=True) as session:
        row = _draft_to_change(session, round_id, expected_version, "changed")
        swap(_groups_of(session, round_id), first_user_id, second_user_id)  # checks the pair
        members = {
            member.user_id: member
            for member in session.scalars(
                select(ChatMember).where(
                    ChatMember.round_id == round_id,
                    ChatMember.user_id.in_((first_user_id, second_user_id)),
                )
            )
        }
        first, second = members[first_user_id], members[second_user_id]
        first.group_id, second.group_id = second.group_id, first.group_id
        audit.record(
            session,
            actor,
            "swap_champion_chats",
            "chat_round",
            round_id,
            after={"swapped": [first_user_id, second_user_id]},
        )
        session.flush()
        return _round_view(session, row)


def publish_round(
    db: Database, actor: Actor, round_id: int, expected_version: int
) -> ChatRoundView:
    """Publish a draft month: each champion sees their group, and the groups are frozen."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    with db.transaction(locking=True) as session:
        row = _draft_to_change(session, round_id, expected_version, None)
        row.state = ChatRoundState.PUBLISHED.value
        row.published_at = utcnow()
        groups = _groups_of(session, round_id)
        audit.record(
            session,
            actor,
            "publish_champion_chats",
            "chat_round",
            round_id,
            before={"state": ChatRoundState.DRAFT.value},
            after={
                "state": ChatRoundState.PUBLISHED.value,
                "month": row.month.isoformat(),
                "groups": len(groups),
                "champions": sum(len(group) for group in groups),
            },
        )
        return _round_view(session, row)
