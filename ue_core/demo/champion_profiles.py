"""The demo champions' directory profiles and terms.

Each champion gets a profession, one or two practice areas with a line about their interests,
and chooses what to show: most show their email, some a phone number or a Microsoft Teams
name. Their terms started on different days over the past few years. Its own random stream
keeps the rest of the demo as it was.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ue_core.champion_profiles import AREA_LABELS
from ue_core.db.models import ChampionProfile, ChampionTerm, Role, User

UPDATED_AT: Final = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
FIRST_START: Final = date(2022, 4, 1)
PROFESSIONS: Final = (
    "Statistician",
    "Social researcher",
    "Economist",
    "Data scientist",
    "Operational researcher",
    "Communications adviser",
)
INTERESTS: Final[dict[str, str]] = {
    "promote": "Getting our releases in front of people who have not used them before.",
    "understand": "Finding out what local councils and charities need from our figures.",
    "listen": "Running a user panel and reading feedback across teams.",
    "act": "Showing users what changed because of what they told us.",
    "planned": "An engagement plan every team signs up to.",
    "collaborative": "Working with other departments on shared user groups.",
}


def add_champion_profiles(
    session: Session, memberships: Iterable[Mapping[str, Any]], seed: int
) -> int:
    """Store profiles and terms for the demo's champions; returns how many profiles."""
    champions = sorted(
        {
            (m["user_id"], m["organisation_id"])
            for m in memberships
            if m["role"] == Role.CHAMPION.value
        }
    )
    if not champions:
        return 0
    rng = random.Random(f"champion-profiles-{seed}")
    areas = list(AREA_LABELS)
    names = dict(
        session.execute(
            select(User.id, User.display_name).where(User.id.in_([u for u, _ in champions]))
        ).all()
    )
    profiles: dict[int, dict[str, Any]] = {}
    terms: list[dict[str, Any]] = []
    for user_id, organisation_id in champions:
        chosen = sorted(rng.sample(areas, rng.choice((1, 2))), key=areas.index)
        has_phone = rng.random() < 0.4
        profiles.setdefault(
            user_id,
            {
                "user_id": user_id,
                "profession": rng.choice(PROFESSIONS),
                "interests": " ".join(INTERESTS[a] for a in chosen),
                "areas": ",".join(chosen),
                "phone": f"020 7946 {rng.randrange(10000):04d}" if has_phone else "",
                "teams_handle": f"{names.get(user_id, 'Champion')} (champion)",
                "show_email": rng.random() < 0.85,
                "show_phone": has_phone,
                "show_teams": rng.random() < 0.5,
                "updated_at": UPDATED_AT,
                "version": 1,
            },
        )
        started = FIRST_START + timedelta(days=rng.randrange(4 * 365))
        terms.append(
            {
                "user_id": user_id,
                "organisation_id": organisation_id,
                "started_on": started,
                "ended_on": None,
            }
        )
    session.execute(insert(ChampionProfile), list(profiles.values()))
    session.execute(insert(ChampionTerm), terms)
    return len(profiles)
