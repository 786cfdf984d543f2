"""The demo organisations' commitments to the strategy, with planned actions under each theme.

Most organisations with a champion have a commitment (about one in seven has not sent one yet,
never the persona champion's); each plans three to six actions between spring 2025 and spring
2027, a few of them overdue. Its own random stream keeps the rest of the demo as it was.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.commitment_themes import CommitmentStatus, shipped_commitment_themes
from ue_core.db.models import Commitment, CommitmentAction, Organisation, Role, User
from ue_core.personas import PERSONAS

FIRST_START: Final = date(2025, 3, 1)
STATEMENT: Final = (
    "{name} commits to the User Engagement Strategy for Statistics: we will talk with the "
    "people who use our statistics, act on what they tell us and show what changed."
)
#: What organisations plan under each theme (the demo's own words).
ACTIONS: Final[dict[str, tuple[str, ...]]] = {
    "raise_profile": (
        "Launch the strategy with a talk to all analysts",
        "Ask the director of analysis to sponsor engagement work",
        "Write about engagement in the staff newsletter each quarter",
    ),
    "understand_users": (
        "Map who uses each of our main releases",
        "List the user groups and forums our teams already run",
        "Interview ten users who rarely contact us",
    ),
    "review_practices": (
        "Run the self-assessment with every statistics team",
        "Agree three measures of engagement and report them twice a year",
        "Review our release practices against the Code of Practice",
    ),
    "work_together": (
        "Hold a joint user event with a neighbouring department",
        "Share a reproducible analytical pipeline for a common table",
        "Join a theme-based forum on our topics",
    ),
    "user_testing": (
        "Test the new dashboard with five users before launch",
        "Add a feedback survey to every release page",
        "Ask users how they found our last publication",
    ),
    "engagement_products": (
        "Publish a plain-English guide to our statistics",
        "Start a mailing list for release news",
        "Set up an internal network of engagement leads",
    ),
}
STATUS_WEIGHTS: Final = {
    CommitmentStatus.PLANNED: 3,
    CommitmentStatus.IN_PROGRESS: 4,
    CommitmentStatus.DONE: 4,
    CommitmentStatus.DROPPED: 1,
}


def build_commitments(session: Session, memberships: Iterable[Mapping[str, Any]], seed: int) -> int:
    """Store commitments for most organisations with a champion; returns how many."""
    organisations = sorted(
        {m["organisation_id"] for m in memberships if m["role"] == Role.CHAMPION.value} - {None}
    )
    kept = _persona_organisations(session)
    rng = random.Random(f"commitments-{seed}")
    themes = list(shipped_commitment_themes().theme_keys())
    names = {
        org_id: name for org_id, name in session.execute(select(Organisation.id, Organisation.name))
    }
    stored = 0
    for number, organisation_id in enumerate(organisations):
        if number % 7 == 3 and organisation_id not in kept:
            continue
        published = FIRST_START + timedelta(days=rng.randint(0, 120))
        commitment = Commitment(
            organisation_id=organisation_id,
            statement=STATEMENT.format(name=names.get(organisation_id, "Our organisation")),
            published_on=published,
            updated_at=_moment(published),
        )
        session.add(commitment)
        session.flush()
        for theme in rng.sample(themes, rng.randint(3, 6)):
            starts = published + timedelta(days=rng.randint(0, 420))
            due = starts + timedelta(days=rng.randint(60, 360))
            status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
            session.add(
                CommitmentAction(
                    commitment_id=commitment.id,
                    theme=theme,
                    text=rng.choice(ACTIONS[theme]),
                    owner=rng.choice(("Head of profession", "Champion", "Director of analysis")),
                    starts_on=starts,
                    due_on=due,
                    status=status.value,
                    updated_at=_moment(starts),
                )
            )
        stored += 1
    session.flush()
    return stored


def _persona_organisations(session: Session) -> set[int]:
    emails = [p.email for p in PERSONAS if p.role is Role.CHAMPION]
    users = session.scalars(select(User).where(User.email.in_(emails)))
    return {
        m.organisation_id
        for user in users
        for m in user.memberships
        if m.organisation_id is not None
    }


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
