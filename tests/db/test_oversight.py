"""Organisation dashboard and system overview on SQLite and PostgreSQL.

Scores must match ``ue_core.scoring``, figures about fewer than 5 teams must never leave the
service, and a champion must never get another organisation's team-level data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    Organisation,
    Practice,
    Principle,
    RequestStatus,
    Round,
    SupportRequest,
    Target,
    Team,
)
from ue_core.errors import NotFound
from ue_core.scoring import PracticeRating, score_assessment
from ue_core.services import oversight
from ue_core.services.frameworks import current_version_id, sync_framework

TODAY = date(2026, 11, 21)  # in the "2026 to 2027" round of the test world
PAST = "2025 to 2026"
CURRENT = "2026 to 2027"

#: A level for each practice: (principle key, practice key) -> level, or None for not applicable.
Levels = Callable[[str, str], int | None]


def flat(level: int) -> Levels:
    return lambda _principle, _practice: level


def practices(db: Database) -> list[tuple[int, str, str]]:
    """(practice id, principle key, practice key) for the current framework version."""
    with db.read() as session:
        version = current_version_id(session)
        rows = session.execute(
            select(Practice.id, Principle.key, Practice.key)
            .join(Principle, Principle.id == Practice.principle_id)
            .where(Practice.framework_version_id == version)
            .order_by(Principle.position, Practice.position)
        )
        return [(pid, principle, key) for pid, principle, key in rows]


def add_teams(db: Database, organisation_id: int, names: list[str]) -> list[int]:
    with db.transaction() as session:
        teams = [Team(organisation_id=organisation_id, name=name) for name in names]
        session.add_all(teams)
        session.flush()
        return [team.id for team in teams]


def add_organisation(db: Database, name: str) -> int:
    with db.transaction() as session:
        organisation = Organisation(name=name, kind="test")
        session.add(organisation)
        session.flush()
        return organisation.id


def add_assessment(
    db: Database,
    team_id: int,
    round_label: str,
    levels: Levels | None = None,
    *,
    status: AssessmentStatus = AssessmentStatus.SUBMITTED,
    targets: Mapping[str, int] | None = None,
) -> int:
    """An assessment with an agreed rating for every practice (none for ``levels=None``)."""
    rows = practices(db)
    with db.transaction() as session:
        round_id = session.scalar(select(Round.id).where(Round.label == round_label))
        version = current_version_id(session)
        assert round_id is not None and version is not None
        submitted = status is AssessmentStatus.SUBMITTED
        assessment = Assessment(
            team_id=team_id,
            round_id=round_id,
            framework_version_id=version,
            status=status.value,
            submitted_at=datetime(2026, 6, 1, 12, tzinfo=UTC) if submitted else None,
        )
        session.add(assessment)
        session.flush()
        if levels is not None:
            for practice_id, principle_key, practice_key in rows:
                level = levels(principle_key, practice_key)
                session.add(
                    AgreedRating(
                        assessment_id=assessment.id,
                        practice_id=practice_id,
                        level=level,
                        not_applicable=level is None,
                    )
                )
        for key, level in (targets or {}).items():
            session.add(
                Target(
                    assessment_id=assessment.id,
                    principle_key=key,
                    level=level,
                    suggested_level=level,
                )
            )
        return assessment.id


def add_request(db: Database, team_id: int, status: RequestStatus) -> None:
    with db.transaction() as session:
        session.add(
            SupportRequest(
                team_id=team_id, subject="Help", text="Please help us.", status=status.value
            )
        )


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def principle_keys(db: Database) -> list[str]:
    return list(dict.fromkeys(principle for _, principle, _ in practices(db)))


@contextmanager
def counting_queries(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


# --- Scores ---------------------------------------------------------------------------------


def test_team_scores_match_the_scoring_rules(world: World) -> None:
    db = world.db
    rows = practices(db)
    varied: dict[str, int | None] = {}
    for index, (_, principle, key) in enumerate(rows):
        varied[key] = None if index % 7 == 3 else 1 + (index * 3 + len(principle)) % 5
    add_assessment(db, world.team_id, PAST, lambda _p, key: varied[key])

    dash = oversight.organisation_dashboard(
        db, world.actor("champion"), world.organisation_id, TODAY
    )

    expected = score_assessment(
        [
            PracticeRating(key, principle, varied[key], not_applicable=varied[key] is None)
            for _, principle, key in rows
        ],
        TODAY,
    )
    (team,) = dash.teams
    assert team.name == "Test team"
    assert team.last_submitted_round == PAST
    assert team.overall_score == pytest.approx(expected.overall_score)
    assert team.display_overall == expected.display_overall_score


def test_drafts_do_not_count_towards_scores(world: World) -> None:
    db = world.db
    add_assessment(db, world.team_id, CURRENT, flat(5), status=AssessmentStatus.DRAFT)
    dash = oversight.organisation_dashboard(
        db, world.actor("champion"), world.organisation_id, TODAY
    )
    (team,) = dash.teams
    assert team.coverage is oversight.Coverage.DRAFT
    assert team.last_submitted_round is None
    assert team.overall_score is None
    assert not dash.has_scores


def test_a_submitted_assessment_with_every_practice_not_applicable_has_no_score(
    world: World,
) -> None:
    add_assessment(world.db, world.team_id, PAST, lambda _p, _k: None)
    dash = oversight.organisation_dashboard(
        world.db, world.actor("champion"), world.organisation_id, TODAY
    )
    (team,) = dash.teams
    assert team.last_submitted_round == PAST
    assert team.overall_score is None
    assert not dash.has_scores


def test_organisation_against_rest_of_system_with_suppression(world: World) -> None:
    db = world.db
    own = [world.team_id, *add_teams(db, world.organisation_id, [f"Own {i}" for i in range(4)])]
    for index, team_id in enumerate(own):
        add_assessment(db, team_id, PAST, flat(2 + index % 2))  # 2, 3, 2, 3, 2: mean 2.4
    other_org = add_organisation(db, "Third test organisation")
    others = [world.other_team_id, *add_teams(db, other_org, ["Far 1", "Far 2", "Far 3"])]
    for team_id in others:
        add_assessment(db, team_id, PAST, flat(4))
    champion = world.actor("champion")

    dash = oversight.organisation_dashboard(db, champion, world.organisation_id, TODAY)
    assert len(dash.principles) == len(principle_keys(db))
    for comparison in dash.principles:
        assert comparison.organisation.value == pytest.approx(2.4)
        assert comparison.organisation.team_count == 5
        # Four other teams: suppressed, and the value is not kept anywhere.
        assert comparison.rest_of_system.value is None
        assert comparison.rest_of_system.suppressed
        assert comparison.rest_of_system.team_count == 4

    add_assessment(db, add_teams(db, other_org, ["Far 4"])[0], PAST, flat(5))
    dash = oversight.organisation_dashboard(db, champion, world.organisation_id, TODAY)
    for comparison in dash.principles:
        assert comparison.rest_of_system.value == pytest.approx((4 * 4 + 5) / 5)


def test_latest_submitted_assessment_is_used_and_the_trend_has_every_round(world: World) -> None:
    db = world.db
    own = [world.team_id, *add_teams(db, world.organisation_id, [f"Own {i}" for i in range(5)])]
    for team_id in own:
        add_assessment(db, team_id, PAST, flat(2))
    for team_id in own[:3]:
        add_assessment(db, team_id, CURRENT, flat(4))
    add_assessment(db, own[3], CURRENT, flat(5), status=AssessmentStatus.DRAFT)

    dash = oversight.organisation_dashboard(
        db, world.actor("champion"), world.organisation_id, TODAY
    )
    assert dash.round_label == CURRENT
    assert dash.coverage_counts() == {
        oversight.Coverage.NOT_STARTED: 2,
        oversight.Coverage.DRAFT: 1,
        oversight.Coverage.SUBMITTED: 3,
    }
    latest = {team.team_id: team.last_submitted_round for team in dash.teams}
    assert [latest[t] for t in own] == [CURRENT] * 3 + [PAST] * 3
    for comparison in dash.principles:  # three teams at 4, three at 2
        assert comparison.organisation.value == pytest.approx(3.0)
        assert comparison.organisation.team_count == 6

    trend = {point.round_label: point for point in dash.trend}
    assert list(trend) == [PAST, CURRENT]
    assert trend[PAST].organisation.value == pytest.approx(2.0)
    assert trend[CURRENT].organisation.value is None  # three teams submitted
    assert trend[CURRENT].organisation.team_count == 3
    assert trend[PAST].rest_of_system.team_count == 0


def test_teams_furthest_below_their_targets(world: World) -> None:
    db = world.db
    keys = principle_keys(db)
    a, b, c = add_teams(db, world.organisation_id, ["Alpha", "Bravo", "Charlie"])
    add_assessment(db, a, PAST, flat(3), targets={keys[0]: 5, keys[1]: 4})
    add_assessment(db, b, PAST, flat(3), targets=dict.fromkeys(keys, 3))
    add_assessment(db, c, PAST, flat(2), targets={keys[0]: 3, keys[1]: 4, keys[2]: 4})

    dash = oversight.organisation_dashboard(
        db, world.actor("champion"), world.organisation_id, TODAY
    )
    assert dash.targets_set
    first, second = dash.shortfalls
    # Equal widest gaps: the team short on more principles comes first.
    assert (first.team_name, first.gap, first.principles_short) == ("Charlie", Decimal("2.0"), 3)
    assert (second.team_name, second.gap, second.principles_short) == ("Alpha", Decimal("2.0"), 2)
    assert first.target == 4 and first.score == "2.0"
    assert len(first.principles) == 2  # two principles share the widest gap
    assert "Bravo" not in {s.team_name for s in dash.shortfalls}  # targets met


def test_no_targets_means_no_shortfalls(world: World) -> None:
    add_assessment(world.db, world.team_id, PAST, flat(2))
    dash = oversight.organisation_dashboard(
        world.db, world.actor("champion"), world.organisation_id, TODAY
    )
    assert not dash.targets_set
    assert dash.shortfalls == ()


def test_open_requests_count_only_the_organisations_open_requests(world: World) -> None:
    db = world.db
    for status in (RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.RESOLVED):
        add_request(db, world.team_id, status)
    add_request(db, world.other_team_id, RequestStatus.NEW)
    dash = oversight.organisation_dashboard(
        db, world.actor("champion"), world.organisation_id, TODAY
    )
    assert dash.open_requests == 2


# --- Access ---------------------------------------------------------------------------------


def test_only_the_organisations_champion_sees_its_dashboard(world: World) -> None:
    db = world.db
    for who in ("member", "lead", "outsider", "consultant", "admin"):
        with pytest.raises(AccessDenied):
            oversight.organisation_dashboard(db, world.actor(who), world.organisation_id, TODAY)
    other_org = db_scalar_org(db, world.other_team_id)
    with pytest.raises(AccessDenied):
        oversight.organisation_dashboard(db, world.actor("champion"), other_org, TODAY)
    choices = oversight.champion_organisations(db, world.actor("champion"))
    assert [c.id for c in choices] == [world.organisation_id]


def db_scalar_org(db: Database, team_id: int) -> int:
    with db.read() as session:
        team = session.get(Team, team_id)
        assert team is not None
        return team.organisation_id


def test_champion_never_gets_another_organisations_team_level_data(world: World) -> None:
    db = world.db
    other_org = db_scalar_org(db, world.other_team_id)
    far = [world.other_team_id, *add_teams(db, other_org, [f"Secret {i}" for i in range(6)])]
    for team_id in far:
        add_assessment(db, team_id, PAST, flat(4), targets={principle_keys(db)[0]: 5})
    add_request(db, world.other_team_id, RequestStatus.NEW)
    add_assessment(db, world.team_id, PAST, flat(2))

    dash = oversight.organisation_dashboard(
        db, world.actor("champion"), world.organisation_id, TODAY
    )
    text = repr(dash)
    assert {team.team_id for team in dash.teams} == {world.team_id}
    assert "Secret" not in text and "Other team" not in text
    assert all(s.team_name == "Test team" for s in dash.shortfalls)
    assert dash.open_requests == 0
    # Others only in aggregate: 7 teams, so the mean is shown, but no team of theirs is named.
    assert all(c.rest_of_system.team_count == 7 for c in dash.principles)


def test_system_overview_is_for_hub_staff_only(world: World) -> None:
    for who in ("member", "lead", "champion"):
        with pytest.raises(AccessDenied):
            oversight.system_overview(world.db, world.actor(who), TODAY)
    for who in ("consultant", "admin"):
        assert oversight.system_overview(world.db, world.actor(who), TODAY).teams == 2


# --- System overview ------------------------------------------------------------------------


def test_system_overview_coverage_distribution_and_requests(world: World) -> None:
    db = world.db
    keys = principle_keys(db)
    own = [world.team_id, *add_teams(db, world.organisation_id, [f"Own {i}" for i in range(6)])]
    # Seven teams submit this round: five at level 2 on the first principle and 3 elsewhere,
    # two at level 4 everywhere.
    for team_id in own[:5]:
        add_assessment(db, team_id, CURRENT, lambda p, _k: 2 if p == keys[0] else 3)
    for team_id in own[5:]:
        add_assessment(db, team_id, CURRENT, flat(4))
    add_assessment(db, world.other_team_id, CURRENT, flat(1), status=AssessmentStatus.DRAFT)
    add_request(db, world.team_id, RequestStatus.NEW)
    add_request(db, world.team_id, RequestStatus.CLOSED)

    overview = oversight.system_overview(db, world.actor("consultant"), TODAY)
    assert (overview.round_label, overview.teams, overview.submitted, overview.draft) == (
        CURRENT,
        8,
        7,
        1,
    )
    by_name = {o.name: o for o in overview.organisations}
    mine = by_name["Office for Test Statistics"]
    assert (mine.teams, mine.submitted, mine.draft) == (7, 7, 0)
    assert mine.share_submitted == 1.0
    assert mine.overall.value is not None and mine.overall.team_count == 7
    theirs = by_name["Ministry of Other Tests"]
    assert (theirs.teams, theirs.submitted, theirs.draft) == (1, 0, 1)
    assert theirs.overall.value is None and not theirs.overall.suppressed  # no scores at all

    assert overview.score_round is not None and overview.score_round.label == CURRENT
    first = overview.distribution[0]
    assert first.principle.key == keys[0]
    assert first.team_count == 7
    # Two at Developing are hidden, and so are the five at Emerging, or the two could be
    # worked out from the total. Zeros are shown.
    assert first.counts == {1: 0, 2: None, 3: 0, 4: None, 5: 0}
    assert first.mean.value == pytest.approx((5 * 2 + 2 * 4) / 7)
    assert first.below_learning.value == pytest.approx(5 / 7)
    second = overview.distribution[1]
    assert second.counts == {1: 0, 2: 0, 3: None, 4: None, 5: 0}
    assert overview.weakest()[0].principle.key == keys[0]
    assert overview.requests_by_status[RequestStatus.NEW] == 1
    assert overview.requests_by_status[RequestStatus.CLOSED] == 1
    assert overview.open_requests == 1


def test_system_scores_for_fewer_than_five_teams_are_suppressed(world: World) -> None:
    db = world.db
    add_assessment(db, world.team_id, PAST, flat(3))
    add_assessment(db, world.other_team_id, PAST, flat(5))
    overview = oversight.system_overview(db, world.actor("admin"), TODAY)
    assert overview.score_round is not None and overview.score_round.label == PAST
    for item in overview.distribution:
        assert item.team_count == 2
        assert item.mean.value is None and item.mean.suppressed
        assert item.below_learning.value is None
        assert set(item.counts.values()) <= {None, 0}
    assert overview.weakest() == []
    assert all(o.overall.value is None for o in overview.organisations)


def test_choosing_a_round_without_scores_is_refused(world: World) -> None:
    db = world.db
    add_assessment(db, world.team_id, PAST, flat(3))
    with db.read() as session:
        current = session.scalar(select(Round.id).where(Round.label == CURRENT))
    assert current is not None
    with pytest.raises(NotFound):
        oversight.system_overview(db, world.actor("consultant"), TODAY, current)


def test_empty_system(world: World) -> None:
    overview = oversight.system_overview(world.db, world.actor("consultant"), TODAY)
    assert overview.score_round is None
    assert overview.distribution == ()
    assert overview.open_requests == 0


def test_queries_do_not_grow_with_the_number_of_teams(world: World) -> None:
    db = world.db
    champion, consultant = world.actor("champion"), world.actor("consultant")

    def counts() -> tuple[int, int]:
        with counting_queries(db) as dashboard:
            oversight.organisation_dashboard(db, champion, world.organisation_id, TODAY)
        with counting_queries(db) as overview:
            oversight.system_overview(db, consultant, TODAY)
        return len(dashboard), len(overview)

    add_assessment(db, world.team_id, PAST, flat(3), targets={principle_keys(db)[0]: 4})
    few = counts()
    for team_id in add_teams(db, world.organisation_id, [f"More {i}" for i in range(12)]):
        add_assessment(db, team_id, PAST, flat(2), targets={principle_keys(db)[0]: 4})
        add_assessment(db, team_id, CURRENT, flat(3))
    assert counts() == few
