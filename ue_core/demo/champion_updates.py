"""The demo champions' monthly updates after each published Champion Chat.

About four in five champions in a month's Chats send an update (the persona champion always),
each under one or two categories, sent in the first three weeks after the month starts; some
carry a link. A few offer a case study, and the two most recent offers have been made into
case-study drafts waiting for the hub's review. Its own random stream keeps the rest of the
demo as it was.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.db.models import (
    CaseStudyDraft,
    ChampionUpdate,
    ChampionUpdateCategory,
    ChatMember,
    ChatRound,
    Membership,
    Role,
    User,
)
from ue_core.personas import PERSONAS
from ue_core.update_categories import shipped_update_categories
from ue_core.vocabulary import ChatRoundState

SEND_CHANCE: Final = 0.8
#: How often each category is chosen (the launch and feedback were the commonest in the network's
#: first year; a case study is rarer).
WEIGHTS: Final[dict[str, int]] = {
    "internal_launch": 9,
    "metrics": 8,
    "hub_workshop": 5,
    "joined_up": 6,
    "web_analytics": 6,
    "internal_network": 4,
    "internal_pages": 3,
    "hub_feedback": 8,
    "case_study": 2,
    "other": 3,
}
#: What an update under each category says (the demo's own words).
TEXTS: Final[dict[str, tuple[str, ...]]] = {
    "internal_launch": (
        "Our head of profession introduced the strategy at the analysts' all-staff call.",
        "We ran a lunchtime session on the strategy for the statistics teams.",
    ),
    "metrics": (
        "We counted the engagement our teams already do and chose three measures to track.",
        "Every statistics team answered a short survey on how it engages with users.",
    ),
    "hub_workshop": (
        "The USER hub ran a workshop with our leads to agree the next steps.",
        "A session with the hub helped us pick two quick wins for this year.",
    ),
    "joined_up": (
        "We met two other departments who share our users to plan a joint event.",
        "We compared user lists with a neighbouring department and found many in common.",
    ),
    "web_analytics": (
        "We set up page analytics on our release pages to see what people read.",
        "Our web team now sends a monthly summary of searches that lead to our statistics.",
    ),
    "internal_network": (
        "Twelve colleagues joined our new internal network of engagement leads.",
        "Our engagement network met for the first time and agreed how to share ideas.",
    ),
    "internal_pages": (
        "We published intranet pages with templates for planning user engagement.",
        "Our new guide to running a user event is on the intranet.",
    ),
    "hub_feedback": (
        "We tested the hub's toolkit and sent our comments on the planning template.",
        "We gave the hub our views on the theme-based forums.",
    ),
    "case_study": (
        "Our transport team asked users to test a new table. Their comments changed the layout.",
        "A panel of local authority users helped us choose what to publish first.",
    ),
    "other": (
        "We wrote about user engagement in the staff newsletter.",
        "We answered a consultation on the future of one of our releases.",
    ),
}
LINKS: Final = (
    "https://www.gov.uk/government/statistics",
    "https://analysisfunction.civilservice.gov.uk/policy-store/",
)


def build_champion_updates(session: Session, drafted_by_id: int, seed: int) -> int:
    """Store the demo's updates for every published month; returns how many were stored."""
    rng = random.Random(f"champion-updates-{seed}")
    categories = shipped_update_categories()
    keys = list(categories.category_keys())
    weights = [WEIGHTS.get(key, 1) for key in keys]
    persona = next(p for p in PERSONAS if p.role is Role.CHAMPION)
    organisation_of: dict[int, int] = {}
    for user_id, organisation_id in session.execute(
        select(Membership.user_id, Membership.organisation_id)
        .where(Membership.role == Role.CHAMPION.value)
        .order_by(Membership.user_id, Membership.organisation_id)
    ):
        if organisation_id is not None:
            organisation_of.setdefault(user_id, organisation_id)
    persona_id = session.scalar(select(User.id).where(User.email == persona.email))
    rounds = session.execute(
        select(ChatRound.id, ChatRound.month)
        .where(ChatRound.state == ChatRoundState.PUBLISHED.value)
        .order_by(ChatRound.month)
    ).all()
    offers: list[ChampionUpdate] = []
    stored = 0
    for round_id, month in rounds:
        members = sorted(
            session.scalars(select(ChatMember.user_id).where(ChatMember.round_id == round_id))
        )
        for user_id in members:
            if user_id not in organisation_of:
                continue
            if user_id != persona_id and rng.random() >= SEND_CHANCE:
                continue
            chosen = set(rng.choices(keys, weights=weights, k=rng.choice((1, 1, 2))))
            ordered = [key for key in keys if key in chosen]
            text = " ".join(rng.choice(TEXTS[key]) for key in ordered)
            sent_at = datetime.combine(
                month + timedelta(days=rng.randrange(2, 21)), time(10, 0), tzinfo=UTC
            ) + timedelta(minutes=rng.randrange(0, 420))
            row = ChampionUpdate(
                month=month,
                user_id=user_id,
                organisation_id=organisation_of[user_id],
                text=text,
                links=[rng.choice(LINKS)] if rng.random() < 0.3 else [],
                created_at=sent_at,
                updated_at=sent_at,
            )
            session.add(row)
            session.flush()
            session.add_all(
                ChampionUpdateCategory(update_id=row.id, category=key) for key in ordered
            )
            if categories.case_study_key in chosen:
                offers.append(row)
            stored += 1
    for row in offers[-2:]:
        session.add(
            CaseStudyDraft(
                title="Users helped shape a release",
                summary=row.text,
                source_kind="champion_update",
                source_id=row.id,
                organisation_id=row.organisation_id,
                source_urls=[link for link in row.links if link.startswith("https://")],
                state="draft",
                created_by_id=drafted_by_id,
                created_at=row.created_at + timedelta(days=3),
                review_note="",
            )
        )
    session.flush()
    return stored
