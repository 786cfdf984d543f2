"""The demo's register of theme-based user groups and forums: about forty, with overlapping
themes and members, so the join-up view has pairs to show.

Each forum is hosted by an organisation whose topics include one of its themes, with two to
six member organisations (mostly ones sharing a theme). Most met recently and count as active;
about one in five stopped meeting in 2025 (lapsed), two are closed and two have a status set by
the hub. About a third record a success, some suggested as case studies. The personas'
organisation hosts the housing forums, so its team sees them on its Results page. Its own
random stream keeps the rest of the demo as it was; dates are fixed, never today's.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.db.models import Forum, ForumMeeting, ForumMember, ForumSuccess, Organisation
from ue_core.demo import content
from ue_core.forum_themes import shipped_forum_vocabulary
from ue_core.forums import ForumStatus
from ue_core.personas import DEMO_ORGANISATION

#: The last day the demo's forums met by: the demo's "now".
LAST_DAY: Final = date(2026, 11, 10)
FIRST_DAY: Final = date(2024, 2, 1)
#: The demo organisations' topics (``ue_core.demo.content``) as the register's themes.
TOPIC_THEMES: Final[dict[str, str]] = {
    "housing": "housing",
    "population": "population",
    "economy": "economy",
    "transport": "transport",
    "health": "health",
    "education": "education",
    "children": "children",
    "justice": "crime_justice",
    "labour": "labour_market",
    "welfare": "labour_market",
    "environment": "environment",
    "agriculture": "environment",
    "business": "economy",
    "energy": "energy",
    "culture": "culture_tourism",
    "tax": "economy",
    "migration": "migration",
    "tourism": "culture_tourism",
}
#: Each demo forum: its name and themes (the demo's own, fictional forums).
FORUMS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("Housing statistics user group", ("housing",)),
    ("Homelessness data forum", ("housing", "health")),
    ("Private renting evidence network", ("housing", "economy")),
    ("Local housing need analysts", ("housing", "population", "local_areas")),
    ("Population and migration users' panel", ("population", "migration")),
    ("Census outputs user forum", ("population", "local_areas", "equalities")),
    ("Small area statistics network", ("local_areas", "population")),
    ("Migration statistics user forum", ("migration",)),
    ("Asylum and borders data group", ("migration", "crime_justice")),
    ("Economic statistics user forum", ("economy",)),
    ("Regional economy analysts' network", ("economy", "local_areas")),
    ("Public finances user group", ("economy",)),
    ("Business and trade data forum", ("economy",)),
    ("Labour market statistics users", ("labour_market", "economy")),
    ("Benefits and pensions data forum", ("labour_market",)),
    ("Earnings and pay users' group", ("labour_market", "equalities")),
    ("Health statistics user forum", ("health",)),
    ("Mental health data network", ("health", "children")),
    ("Social care statistics group", ("health", "local_areas")),
    ("Public health evidence panel", ("health", "environment")),
    ("Food and farming data users", ("environment", "health")),
    ("Crime and justice statistics forum", ("crime_justice",)),
    ("Courts data user group", ("crime_justice",)),
    ("Policing statistics network", ("crime_justice", "local_areas")),
    ("Schools statistics user forum", ("education", "children")),
    ("Further and higher education data group", ("education", "labour_market")),
    ("Early years data network", ("children", "education")),
    ("Children's social care statistics forum", ("children", "health")),
    ("Environment statistics user forum", ("environment",)),
    ("Climate and emissions data group", ("environment", "energy")),
    ("Water and rivers evidence network", ("environment",)),
    ("Energy statistics user group", ("energy", "economy")),
    ("Fuel poverty data forum", ("energy", "housing")),
    ("Transport statistics user forum", ("transport",)),
    ("Road safety data group", ("transport", "health")),
    ("Rail passengers' data network", ("transport",)),
    ("Culture and sport statistics users", ("culture_tourism",)),
    ("Tourism data forum", ("culture_tourism", "economy")),
    ("Equalities data user forum", ("equalities", "population")),
    ("Devolved nations statistics network", ("local_areas", "population", "economy")),
)
ATTENDEE_SETS: Final = (
    ("producer_analysts", "central_government", "local_government"),
    ("producer_analysts", "producer_policy", "academics", "charities"),
    ("producer_analysts", "business", "media"),
    ("producer_analysts", "local_government", "charities", "public"),
    ("producer_analysts", "academics", "central_government"),
)
JOIN_TEXTS: Final = (
    "Join the forum's group on StatsUserNet and introduce yourself.",
    "Email the host team's inbox to be added to the invitation list.",
    "Anyone can come: sign up for the next meeting on the events page.",
)
SUCCESSES: Final = (
    "Users helped us choose which breakdowns to publish first in the new release.",
    "Three producers agreed one set of definitions after users showed how the old ones clashed.",
    "A charity's evidence led to a new table for a group the statistics used to miss.",
    "Members tested a draft dashboard; their comments changed its layout before launch.",
    "The forum's joint release calendar means users see related figures on the same day.",
    "Local councils now share their data gaps with producers every year through the forum.",
)
NEWS: Final = "https://www.statsusernet.org.uk/demo-news"
CLOSED: Final = frozenset({"Rail passengers' data network", "Water and rivers evidence network"})
SET_ACTIVE: Final = "Public finances user group"  # meets mostly online, on its StatsUserNet group


def build_forums(session: Session, seed: int) -> int:
    """Store the demo's forums, their meetings and successes; returns how many forums."""
    rng = random.Random(f"forums-{seed}")
    vocabulary = shipped_forum_vocabulary()
    frequencies = {f.key: f.lapses_after_days for f in vocabulary.frequencies}
    organisations = dict(session.execute(select(Organisation.name, Organisation.id)).all())
    themes_of = {
        organisations[name]: {TOPIC_THEMES[t] for t in topics}
        for name, _, topics in content.ORGANISATIONS
        if name in organisations
    }
    everyone = sorted(organisations.values())
    persona_org = organisations.get(DEMO_ORGANISATION)
    for number, (name, themes) in enumerate(FORUMS):
        hosts = [o for o in sorted(themes_of) if themes_of[o] & set(themes)] or everyone
        host = persona_org if "housing" in themes and persona_org else rng.choice(hosts)
        related = [o for o in hosts if o != host]
        members = set(rng.sample(related, min(len(related), rng.randint(1, 4))))
        members |= set(rng.sample([o for o in everyone if o != host], rng.randint(1, 2)))
        frequency = rng.choice(list(frequencies))
        lapsed = number % 5 == 2 and name not in CLOSED
        created = FIRST_DAY + timedelta(days=rng.randint(0, 200))
        forum = Forum(
            name=name,
            description=f"Producers and users of statistics on {_topic_words(themes)} meet to "
            "discuss what the figures are used for, what is missing and what should change.",
            host_organisation_id=host,
            themes=",".join(themes),
            attendees=",".join(rng.choice(ATTENDEE_SETS)),
            frequency=frequency,
            join_text=rng.choice(JOIN_TEXTS),
            join_url=f"https://www.statsusernet.org.uk/demo-{number + 1}" if number % 3 else "",
            status_set=ForumStatus.ACTIVE.value if name == SET_ACTIVE else None,
            closed_on=date(2026, 6, 30) if name in CLOSED else None,
            created_at=_moment(created),
            updated_at=_moment(created),
        )
        session.add(forum)
        session.flush()
        session.add_all(ForumMember(forum_id=forum.id, organisation_id=o) for o in sorted(members))
        stop = date(2025, rng.randint(1, 10), 15) if lapsed or name in CLOSED else LAST_DAY
        for met in _meetings(rng, created, stop, frequencies[frequency]):
            session.add(ForumMeeting(forum_id=forum.id, met_on=met, recorded_at=_moment(met)))
        if number % 3 == 0:
            for _ in range(rng.randint(1, 2)):
                achieved = created + timedelta(days=rng.randint(60, 600))
                achieved = min(achieved, LAST_DAY)
                session.add(
                    ForumSuccess(
                        forum_id=forum.id,
                        text=rng.choice(SUCCESSES),
                        achieved_on=achieved,
                        link=NEWS if rng.random() < 0.5 else "",
                        suggested_case_study=rng.random() < 0.35,
                        recorded_at=_moment(achieved),
                    )
                )
    session.flush()
    return len(FORUMS)


def _meetings(rng: random.Random, start: date, stop: date, allowance: int) -> list[date]:
    """Meeting days from ``start`` to ``stop``, spaced a little under the lapse allowance."""
    days, day = [], start
    gap = max(28, allowance * 2 // 3)
    while day <= stop:
        days.append(day)
        day += timedelta(days=gap + rng.randint(-7, 7))
    if days and (stop - days[-1]).days > 20 and stop == LAST_DAY:
        days.append(stop - timedelta(days=rng.randint(0, 20)))
    return days


def _topic_words(themes: tuple[str, ...]) -> str:
    vocabulary = shipped_forum_vocabulary()
    labels = [vocabulary.theme_label(t).lower() for t in themes]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)
