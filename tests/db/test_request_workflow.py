"""The support request workflow: statuses, first response and resolution times, queue views,
service levels, the team's rating and "these may help now", on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, SupportRequest
from ue_core.errors import InputError
from ue_core.services import support
from ue_core.services.frameworks import sync_framework
from ue_core.services.requests import help_now, rating
from ue_core.services.support import QueueView
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA
from ue_core.vocabulary import RequestStatus

TEXT = "We would like help to plan a survey of the users of our statistics."


@pytest.fixture
def world(any_db: Database) -> World:
    return build_world(any_db)


def _send(world: World, subject: str = "Survey help", kind: str = "other", **more: object) -> int:
    return support.submit_request(
        world.db, world.actor("member"), world.team_id, subject, TEXT, kind=kind, **more
    )


def _sent_on(world: World, request_id: int, moment: datetime) -> None:
    with world.db.transaction() as session:
        session.execute(
            update(SupportRequest)
            .where(SupportRequest.id == request_id)
            .values(created_at=moment)
            .execution_options(synchronize_session=False)
        )


def _update(
    world: World,
    request_id: int,
    status: RequestStatus,
    *,
    assignee: str | None = None,
    resolution: str = "",
) -> None:
    view = support.team_request(world.db, SYSTEM, request_id)
    support.update_request(
        world.db,
        world.actor("consultant"),
        request_id,
        expected_version=view.version,
        status=status,
        assignee_id=world.actor(assignee).user_id if assignee else None,
        resolution=resolution,
    )


def test_a_request_keeps_its_kind_statistics_and_date(world: World) -> None:
    request_id = _send(
        world, kind="survey_design", statistics="Housing", needed_by=date(2027, 3, 1)
    )
    view = support.team_request(world.db, world.actor("member"), request_id)
    assert (view.kind_label, view.statistics, view.needed_by) == (
        "Survey or consultation design",
        "Housing",
        date(2027, 3, 1),
    )
    with pytest.raises(InputError, match="kind of help"):
        _send(world, kind="astrology")


def test_first_response_and_resolution_are_recorded_once(world: World) -> None:
    request_id = _send(world)
    member = world.actor("member")
    assert support.team_request(world.db, member, request_id).first_response_at is None
    _update(world, request_id, RequestStatus.TRIAGED)
    first = support.team_request(world.db, member, request_id).first_response_at
    assert first is not None
    _update(world, request_id, RequestStatus.WAITING_ON_TEAM, assignee="consultant")
    view = support.team_request(world.db, member, request_id)
    assert view.first_response_at == first
    assert view.status_label == "Waiting on the team"
    _update(world, request_id, RequestStatus.RESOLVED, resolution="Sent a survey guide.")
    assert support.team_request(world.db, member, request_id).resolved_at is not None
    # Reopened, it is no longer resolved.
    _update(world, request_id, RequestStatus.IN_PROGRESS, resolution="Sent a survey guide.")
    assert support.team_request(world.db, member, request_id).resolved_at is None


def test_assigning_a_new_request_counts_as_the_first_response(world: World) -> None:
    request_id = _send(world)
    _update(world, request_id, RequestStatus.NEW, assignee="consultant")
    assert support.team_request(world.db, world.actor("member"), request_id).first_response_at


def test_record_first_response_keeps_the_first(world: World) -> None:
    request_id = _send(world)
    first = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with world.db.transaction() as session:
        request = session.get(SupportRequest, request_id)
        assert request is not None
        assert support.record_first_response(session, request, first)
        assert not support.record_first_response(session, request)
    view = support.team_request(world.db, world.actor("member"), request_id)
    assert view.first_response_at == first


def test_queue_views_mine_unassigned_waiting_and_overdue(world: World) -> None:
    consultant = world.actor("consultant")
    late = _send(world, "Late", kind="advice")  # advice: 2 days to respond, 5 to resolve
    _sent_on(world, late, datetime(2026, 12, 24, 10, 0, tzinfo=UTC))
    mine = _send(world, "Mine")
    _update(world, mine, RequestStatus.ASSIGNED, assignee="consultant")
    waiting = _send(world, "Waiting")
    _update(world, waiting, RequestStatus.WAITING_ON_TEAM)
    for answered in (mine, waiting):  # responded to, and not due to be resolved for weeks
        _sent_on(world, answered, datetime(2026, 12, 23, 10, 0, tzinfo=UTC))

    def subjects(view: QueueView, today: date = date(2026, 12, 30)) -> list[str]:
        page = support.search_queue(world.db, consultant, view=view, today=today)
        return sorted(r.subject for r in page.requests)

    assert subjects(QueueView.ALL) == ["Late", "Mine", "Waiting"]
    assert subjects(QueueView.MINE) == ["Mine"]
    assert subjects(QueueView.UNASSIGNED) == ["Late", "Waiting"]
    assert subjects(QueueView.WAITING) == ["Waiting"]
    # Sent on Christmas Eve 2026, a first response is due on 30 December: overdue the day after.
    assert subjects(QueueView.OVERDUE, date(2026, 12, 30)) == []
    assert subjects(QueueView.OVERDUE, date(2026, 12, 31)) == ["Late"]
    [view] = support.search_queue(
        world.db, consultant, view=QueueView.OVERDUE, today=date(2026, 12, 31)
    ).requests
    assert view.deadlines.first_response_due == date(2026, 12, 30)
    assert view.overdue_label == "Overdue: first response"
    # Once answered, only resolution can be late: due 5 January 2027.
    _update(world, late, RequestStatus.IN_PROGRESS)
    assert subjects(QueueView.OVERDUE, date(2027, 1, 5)) == []
    assert subjects(QueueView.OVERDUE, date(2027, 1, 6)) == ["Late"]
    _update(world, late, RequestStatus.RESOLVED, resolution="Answered.")
    assert subjects(QueueView.OVERDUE, date(2027, 1, 6)) == []


def test_overdue_is_paged_and_sorted_in_the_database(world: World) -> None:
    for number in range(4):
        request_id = _send(world, f"Old {number}")
        _sent_on(world, request_id, datetime(2026, 11, 2 + number, 10, 0, tzinfo=UTC))
    _send(world, "Recent")
    consultant = world.actor("consultant")
    first = support.search_queue(
        world.db,
        consultant,
        view=QueueView.OVERDUE,
        page_size=3,
        order=support.QueueOrder.SUMMARY,
        descending=False,
        today=date(2026, 12, 1),
    )
    assert (first.total, [r.subject for r in first.requests]) == (4, ["Old 0", "Old 1", "Old 2"])


def test_the_team_rates_resolved_help_once(world: World) -> None:
    member = world.actor("member")
    request_id = _send(world)
    with pytest.raises(InputError, match="once the hub has resolved"):
        rating.rate_request(world.db, member, request_id, 4)
    _update(world, request_id, RequestStatus.RESOLVED, resolution="Sent a survey guide.")
    with pytest.raises(InputError, match="from very poor to very good"):
        rating.rate_request(world.db, member, request_id, 6)
    with pytest.raises(AccessDenied):
        rating.rate_request(world.db, world.actor("outsider"), request_id, 1)
    rating.rate_request(world.db, member, request_id, 4, "  Helpful.  ")
    with pytest.raises(InputError, match="already rated"):
        rating.rate_request(world.db, world.actor("lead"), request_id, 1)
    view = support.team_request(world.db, member, request_id)
    assert (view.rating, view.rating_comment) == (4, "Helpful.")
    with world.db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "rate_request")).one()
    assert event.after == {"rating": 4, "rating_comment": "Helpful."}


def test_another_team_sees_only_its_own_requests(world: World) -> None:
    request_id = _send(world)
    with pytest.raises(AccessDenied):
        support.team_request(world.db, world.actor("outsider"), request_id)
    with pytest.raises(AccessDenied):
        support.team_requests(world.db, world.actor("outsider"), world.team_id)


def test_help_now_shows_other_teams_answers_without_their_words(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    sync_framework(world.db, SYSTEM)
    own = _send(world, "Planning a user survey")
    _update(world, own, RequestStatus.RESOLVED, resolution="Shared the survey guide.")
    theirs = support.submit_request(
        world.db,
        world.actor("outsider"),
        world.other_team_id,
        "User survey questions",
        "Which questions should a survey of our statistics' users ask?",
    )
    _update(world, theirs, RequestStatus.RESOLVED, resolution="Sent the question bank.")
    _send(world, "Unanswered survey")  # not resolved: never shown

    found = help_now.help_now(
        world.db, world.actor("lead"), world.team_id, "advice", "A user survey", TEXT
    )
    by_subject = {a.subject: a for a in found.answered}
    assert set(by_subject) == {"Planning a user survey", "User survey questions"}
    assert by_subject["Planning a user survey"] == help_now.AnsweredRequest(
        "Planning a user survey", "Shared the survey guide.", True, own, TEXT
    )
    assert by_subject["User survey questions"] == help_now.AnsweredRequest(
        "User survey questions", "Sent the question bank.", False
    )
    assert found.library  # the library's own text recommendations
    with pytest.raises(AccessDenied):
        help_now.help_now(
            world.db, world.actor("outsider"), world.team_id, "advice", "A survey", TEXT
        )
