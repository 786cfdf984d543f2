"""A request's outcome and its follow-up on SQLite and PostgreSQL: recording the outcome resolves
the request, bad input and the team are refused, and the practices aimed at are followed up
once the team submits its next assessment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from tests.db.test_actions import submitted_assessment
from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AuditEvent,
    RequestOutcome,
    RequestStatusChange,
)
from ue_core.errors import ConflictError, InputError
from ue_core.services import request_context, support
from ue_core.services.frameworks import sync_framework
from ue_core.services.requests import outcomes
from ue_core.vocabulary import RequestStatus


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def _send(world: World) -> int:
    return support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Planning a user survey",
        "We would like help to plan a survey of the users of our statistics.",
    )


def _keys(world: World, count: int = 2) -> list[str]:
    choices = outcomes.practice_choices(world.db, world.actor("consultant"))
    return [c.key for c in choices[:count]]


def _record(world: World, request_id: int, **more: object) -> tuple[str, ...]:
    version = support.team_request(world.db, SYSTEM, request_id).version
    values: dict[str, object] = {
        "help_given": "Advice by e-mail and a call with the team",
        "practice_keys": _keys(world),
        "hours": 1.5,
        **more,
    }
    return outcomes.record_outcome(
        world.db,
        world.actor("consultant"),
        request_id,
        expected_version=version,
        **values,  # type: ignore[arg-type]
    )


def test_recording_an_outcome_resolves_the_request_as_the_triage_form_does(world: World) -> None:
    request_id = _send(world)
    changes = _record(world, request_id)
    assert changes == (
        "Status changed from new to resolved.",
        "Outcome recorded.",
        "Practices aimed at and time spent recorded.",
    )
    view = support.team_request(world.db, world.actor("member"), request_id)
    assert view.status is RequestStatus.RESOLVED
    assert view.resolution == "Advice by e-mail and a call with the team"
    assert view.resolved_at is not None and view.first_response_at is not None
    with world.db.read() as session:
        statuses = session.scalars(
            select(RequestStatusChange.status)
            .where(RequestStatusChange.request_id == request_id)
            .order_by(RequestStatusChange.id)
        ).all()
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_type == "support_request", AuditEvent.entity_id == request_id)
            .order_by(AuditEvent.id)
        ).all()
    assert statuses == ["new", "resolved"]
    assert actions == ["submit_request", "update_request", "record_outcome"]

    found = outcomes.request_follow_up(world.db, world.actor("member"), request_id)
    assert found is not None
    assert found.outcome.practice_keys == tuple(_keys(world))
    assert (found.outcome.minutes_spent, found.outcome.time_text) == (90, "1.5 hours")
    assert found.outcome.recorded_by == "Consultant"


def test_recording_again_replaces_the_outcome_and_keeps_the_status(world: World) -> None:
    request_id = _send(world)
    _record(world, request_id)
    changes = _record(world, request_id, practice_keys=_keys(world, 1), hours=0.75)
    assert changes == ("Help given, practices aimed at and time spent updated.",)
    found = outcomes.request_follow_up(world.db, world.actor("consultant"), request_id)
    assert found is not None
    assert found.outcome.practice_keys == tuple(_keys(world, 1))
    assert found.outcome.time_text == "45 minutes"
    with world.db.read() as session:
        statuses = session.scalars(
            select(RequestStatusChange.status).where(RequestStatusChange.request_id == request_id)
        ).all()
    assert sorted(statuses) == ["new", "resolved"]


def test_a_closed_request_stays_closed(world: World) -> None:
    request_id = _send(world)
    support.update_request(
        world.db,
        world.actor("consultant"),
        request_id,
        expected_version=1,
        status=RequestStatus.CLOSED,
        assignee_id=None,
        resolution="Sent the survey guide.",
    )
    assert _record(world, request_id) == (
        "Help given, practices aimed at and time spent recorded.",
    )
    view = support.team_request(world.db, SYSTEM, request_id)
    assert (view.status, view.resolution) == (RequestStatus.CLOSED, "Sent the survey guide.")


@pytest.mark.parametrize(
    ("more", "message"),
    [
        ({"practice_keys": ["astrology"]}, "'astrology' is not a practice of the current"),
        ({"practice_keys": []}, "at least one practice"),
        ({"help_given": "   "}, "what help the hub gave"),
        ({"hours": 0}, "more than 0 and at most 150"),
        ({"hours": -2}, "more than 0 and at most 150"),
        ({"hours": 151}, "more than 0 and at most 150"),
        ({"hours": float("nan")}, "more than 0 and at most 150"),
        ({"hours": 0.001}, "at least one minute"),
    ],
)
def test_bad_outcomes_are_refused_and_nothing_changes(
    world: World, more: dict[str, object], message: str
) -> None:
    request_id = _send(world)
    with pytest.raises(InputError, match=message):
        _record(world, request_id, **more)
    view = support.team_request(world.db, SYSTEM, request_id)
    assert view.status is RequestStatus.NEW
    assert outcomes.request_follow_up(world.db, world.actor("consultant"), request_id) is None


def test_the_team_cannot_record_an_outcome_and_another_team_cannot_see_it(world: World) -> None:
    request_id = _send(world)
    for who in ("member", "lead", "admin"):
        with pytest.raises(AccessDenied):
            outcomes.record_outcome(
                world.db,
                world.actor(who),
                request_id,
                expected_version=1,
                help_given="We helped ourselves",
                practice_keys=_keys(world),
                hours=1,
            )
    _record(world, request_id)
    with pytest.raises(AccessDenied):
        outcomes.request_follow_up(world.db, world.actor("outsider"), request_id)


def test_a_stale_version_is_a_conflict(world: World) -> None:
    request_id = _send(world)
    with pytest.raises(ConflictError, match="Someone else changed this request"):
        outcomes.record_outcome(
            world.db,
            world.actor("consultant"),
            request_id,
            expected_version=7,
            help_given="Advice",
            practice_keys=_keys(world),
            hours=1,
        )


def test_follow_up_waits_for_the_next_submitted_assessment_then_shows_the_moves(
    world: World,
) -> None:
    before = submitted_assessment(world)  # submitted 20 March 2026: every practice 2 or 3
    request_id = _send(world)
    keys = list(before.practice_ids)
    up, same, down, unrated = keys[1], keys[2], keys[0], keys[3]
    _record(world, request_id, practice_keys=[up, same, down, unrated])

    waiting = outcomes.request_follow_up(world.db, world.actor("member"), request_id)
    assert waiting is not None and waiting.waiting
    assert (waiting.before_round, waiting.moves) == ("2025 to 2026", ())
    assert waiting.summary == "Waiting for the team's next submitted assessment."

    after = submitted_assessment(world, round_label="2026 to 2027")
    with world.db.read() as session:
        recorded_at = session.get(RequestOutcome, request_id).recorded_at  # type: ignore[union-attr]
    with world.db.transaction() as session:
        session.execute(
            update(Assessment)
            .where(Assessment.id == after.assessment_id)
            .values(submitted_at=recorded_at + timedelta(days=1))
        )
        for key, level in ((up, 4), (down, 1), (unrated, None)):
            session.execute(
                update(AgreedRating)
                .where(
                    AgreedRating.assessment_id == after.assessment_id,
                    AgreedRating.practice_id == after.practice_ids[key],
                )
                .values(level=level, not_applicable=level is None)
            )

    found = outcomes.request_follow_up(world.db, world.actor("member"), request_id)
    assert found is not None and not found.waiting
    assert (found.before_round, found.after_round) == ("2025 to 2026", "2026 to 2027")
    assert [(m.practice_key, m.before, m.after, m.change) for m in found.moves] == [
        (down, 3, 1, "Moved down"),  # in framework order
        (up, 2, 4, "Moved up"),
        (same, 2, 2, "Stayed the same"),
        (unrated, 2, None, "Not rated"),
    ]
    assert (
        found.summary == "1 of 4 practices aimed at moved up by the team's 2026 to 2027 assessment."
    )

    # The consultant sees the same follow-up beside the team's next request.
    next_id = _send(world)
    beside = request_context.team_beside_request(world.db, world.actor("consultant"), next_id)
    [earlier] = beside.earlier_requests
    assert earlier.outcome == found


def test_an_assessment_submitted_before_the_outcome_is_not_a_follow_up(world: World) -> None:
    request_id = _send(world)
    _record(world, request_id)
    with world.db.transaction() as session:
        session.execute(update(RequestOutcome).values(recorded_at=datetime(2026, 6, 1, tzinfo=UTC)))
    submitted_assessment(world)  # 20 March 2026, before the outcome
    found = outcomes.request_follow_up(world.db, world.actor("member"), request_id)
    assert found is not None and found.waiting and found.before_round == "2025 to 2026"
