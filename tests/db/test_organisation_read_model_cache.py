"""The organisation dashboard is kept by ``fingerprints.organisations_version`` and is never
stale: each test reads it (filling the cache), checks a second read is served from memory,
changes the data, and reads the change at once, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from tests.db.test_oversight import (
    CURRENT,
    PAST,
    TODAY,
    add_assessment,
    add_organisation,
    add_teams,
    flat,
    principle_keys,
)
from tests.factories import World, build_world
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.models import Assessment, AssessmentStatus, Organisation, Team
from ue_core.progress_report import ReportPeriod
from ue_core.services import oversight, progress_report, starting, support
from ue_core.services.fingerprints import organisations_version
from ue_core.services.frameworks import sync_framework


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def _dashboard(world: World, today: date = TODAY) -> oversight.OrganisationDashboard:
    return oversight.organisation_dashboard(
        world.db, world.actor("champion"), world.organisation_id, today
    )


def _version(world: World, today: date = TODAY) -> tuple[object, ...]:
    with world.db.read() as session:
        return organisations_version(session, today)


def _cached(world: World) -> oversight.OrganisationDashboard:
    """Read twice: the second read with nothing changed is the same object, from memory."""
    first = _dashboard(world)
    assert _dashboard(world) is first
    return first


def test_a_new_support_request_reaches_the_cached_dashboard_at_once(world: World) -> None:
    before = _cached(world)
    version = _version(world)
    assert before.open_requests == 0

    support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Survey of our users",
        "Please help us design a survey of the people who use our statistics.",
    )

    assert _version(world) != version
    after = _dashboard(world)
    assert after is not before
    assert after.open_requests == 1


def test_a_started_assessment_moves_the_team_to_draft_at_once(world: World) -> None:
    before = _cached(world)
    coverage = {team.team_id: team.coverage for team in before.teams}
    assert coverage[world.team_id] is oversight.Coverage.NOT_STARTED

    starting.start_assessment(world.db, world.actor("lead"), world.team_id, TODAY)

    coverage = {team.team_id: team.coverage for team in _dashboard(world).teams}
    assert coverage[world.team_id] is oversight.Coverage.DRAFT


def test_a_submission_or_reopening_changes_the_scores_at_once(world: World) -> None:
    own = [world.team_id, *add_teams(world.db, world.organisation_id, ["A", "B", "C", "D"])]
    for team_id in own[:4]:
        add_assessment(world.db, team_id, PAST, flat(2))
    before = _cached(world)
    assert all(c.organisation.value is None for c in before.principles)  # four teams: hidden

    last = add_assessment(world.db, own[4], PAST, flat(4))
    after = _dashboard(world)
    assert all(c.organisation.value == pytest.approx(2.4) for c in after.principles)

    with world.db.transaction() as session:  # reopened: no longer counted
        assessment = session.get(Assessment, last)
        assert assessment is not None
        assessment.status = AssessmentStatus.DRAFT.value
    reopened = _dashboard(world)
    assert all(c.organisation.value is None for c in reopened.principles)


def test_a_new_target_and_a_new_organisation_are_read_again(world: World) -> None:
    keys = principle_keys(world.db)
    add_assessment(world.db, world.team_id, PAST, flat(2))
    before = _cached(world)
    assert not before.targets_set

    add_assessment(world.db, world.other_team_id, CURRENT, flat(3), targets={keys[0]: 5})
    assert _dashboard(world).targets_set is False  # another organisation's target
    add_assessment(
        world.db,
        add_teams(world.db, world.organisation_id, ["Targets team"])[0],
        PAST,
        flat(2),
        targets={keys[0]: 4},
    )
    after = _dashboard(world)
    assert after.targets_set
    assert [s.team_name for s in after.shortfalls] == ["Targets team"]

    version = _version(world)
    add_organisation(world.db, "A new organisation")
    assert _version(world) != version


def test_a_rename_of_the_same_length_is_not_missed(world: World) -> None:
    before = _cached(world)
    assert "Test team" in {team.name for team in before.teams}
    version = _version(world)

    with world.db.transaction() as session:
        session.execute(update(Team).where(Team.id == world.team_id).values(name="Best team"))
    assert _version(world) != version
    assert "Best team" in {team.name for team in _dashboard(world).teams}

    with world.db.transaction() as session:
        session.execute(
            update(Organisation)
            .where(Organisation.id == world.organisation_id)
            .values(name="Office for Best Statistics")
        )
    assert _dashboard(world).organisation_name == "Office for Best Statistics"


def test_the_day_is_part_of_the_fingerprint(world: World) -> None:
    assert _version(world, TODAY) != _version(world, date(2026, 11, 22))
    before = _cached(world)
    # A new day in the same round: read again, the same figures.
    assert _dashboard(world, date(2026, 11, 22)) is not before


def test_the_progress_reports_maturity_facts_are_read_again_after_a_submission(
    world: World,
) -> None:
    period = ReportPeriod(date(2025, 4, 1), date(2026, 11, 21))
    consultant = world.actor("consultant")
    first = progress_report._maturity_facts(world.db, consultant, period, TODAY)
    assert progress_report._maturity_facts(world.db, consultant, period, TODAY) is first
    assert first.assessments == ()

    add_assessment(world.db, world.team_id, PAST, flat(3))

    after = progress_report._maturity_facts(world.db, consultant, period, TODAY)
    assert [a.team_id for a in after.assessments] == [world.team_id]
