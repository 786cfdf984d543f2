"""A year of published Champion Chats for the demo's champions, drawn as the hub would.

Each month from November 2025 to October 2026 about one champion in ten skips; the rest are
drawn with :func:`ue_core.champion_chats.draw_groups`, the earlier months as history, and the
month is published by a hub consultant. Its own random stream keeps the rest of the demo as it
was.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from ue_core.champion_chats import ChampionRef, Group, add_months, draw_groups, pair_history
from ue_core.db.models import ChatGroup, ChatMember, ChatRound, ChatSkip, Role
from ue_core.vocabulary import ChatRoundState

FIRST_MONTH: Final = date(2025, 11, 1)
MONTHS: Final = 12
SKIP_CHANCE: Final = 0.1


def build_champion_chats(
    session: Session, memberships: Iterable[Mapping[str, Any]], drawn_by_id: int, seed: int
) -> int:
    """Store the demo's published months; returns how many months were stored."""
    champions = sorted(
        {
            (m["user_id"], m["organisation_id"])
            for m in memberships
            if m["role"] == Role.CHAMPION.value
        }
    )
    refs = list({user_id: ChampionRef(user_id, org) for user_id, org in champions}.values())
    rng = random.Random(f"champion-chats-{seed}")
    past: list[list[Group]] = []
    for index in range(MONTHS):
        month = add_months(FIRST_MONTH, index)
        skipping = [ref for ref in refs if rng.random() < SKIP_CHANCE]
        taking_part = [ref for ref in refs if ref not in skipping]
        draw_seed = rng.randrange(2**31)
        groups = draw_groups(taking_part, pair_history(past), draw_seed)
        drawn_at = datetime(month.year, month.month, 2, 9, 30, tzinfo=UTC)
        session.add_all(
            ChatSkip(month=month, user_id=ref.id, created_at=drawn_at.replace(day=1))
            for ref in skipping
        )
        row = ChatRound(
            month=month,
            seed=draw_seed,
            state=ChatRoundState.PUBLISHED.value,
            version=2,
            drawn_by_id=drawn_by_id,
            drawn_at=drawn_at,
            published_at=drawn_at.replace(hour=14),
        )
        session.add(row)
        session.flush()
        for number, group in enumerate(groups, start=1):
            chat_group = ChatGroup(round_id=row.id, number=number)
            session.add(chat_group)
            session.flush()
            session.add_all(
                ChatMember(round_id=row.id, group_id=chat_group.id, user_id=user_id)
                for user_id in group
            )
        past.append(groups)
    session.flush()
    return MONTHS
