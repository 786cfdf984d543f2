"""The overdue queue stops the clock while a request waited on the team (SQLite and
PostgreSQL): a request that waited over Christmas is late days after one that did not."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from tests.db.test_request_workflow import _update
from tests.factories import World, build_world
from ue_core.db.engine import Database
from ue_core.db.models import RequestStatusChange, SupportRequest
from ue_core.services import support
from ue_core.services.support import QueueView
from ue_core.vocabulary import RequestStatus

TEXT = "We would like a quick steer on how to ask our users about a new table."
SENT = datetime(2026, 12, 22, 10, 0, tzinfo=UTC)  # Tuesday; advice is due in 5 working days


@pytest.fixture
def world(any_db: Database) -> World:
    return build_world(any_db)


def _request(world: World, subject: str, statuses: list[tuple[RequestStatus, datetime]]) -> int:
    """A request for advice sent on ``SENT`` that then entered each status at its time."""
    request_id = support.submit_request(
        world.db, world.actor("member"), world.team_id, subject, TEXT, kind="advice"
    )
    for status, _ in statuses:
        _update(world, request_id, status)
    with world.db.transaction() as session:
        session.execute(
            update(SupportRequest)
            .where(SupportRequest.id == request_id)
            .values(created_at=SENT, first_response_at=statuses[0][1] if statuses else None)
            .execution_options(synchronize_session=False)
        )
        changes = session.query(RequestStatusChange).filter_by(request_id=request_id)
        for change, moment in zip(
            changes.order_by(RequestStatusChange.id), [SENT, *(m for _, m in statuses)], strict=True
        ):
            change.changed_at = moment
    return request_id


def _overdue(world: World, today: date) -> list[str]:
    page = support.search_queue(
        world.db, world.actor("consultant"), view=QueueView.OVERDUE, today=today
    )
    assert page.total == len(page.requests)
    return sorted(r.subject for r in page.requests)


def test_waiting_over_christmas_moves_the_overdue_day_past_the_bank_holidays(
    world: World,
) -> None:
    responded = datetime(2026, 12, 23, 9, 0, tzinfo=UTC)
    _request(world, "Never waited", [(RequestStatus.IN_PROGRESS, responded)])
    waited = _request(
        world,
        "Waited",
        [
            (RequestStatus.IN_PROGRESS, responded),
            (RequestStatus.WAITING_ON_TEAM, datetime(2026, 12, 23, 15, 0, tzinfo=UTC)),
            (RequestStatus.IN_PROGRESS, datetime(2026, 12, 29, 11, 0, tzinfo=UTC)),
        ],
    )
    # Due on 31 December without the pause; the 24th and 29th paused (the 25th and 28th are
    # bank holidays anyway), so due on 5 January 2027, after New Year's Day and the weekend.
    assert _overdue(world, date(2027, 1, 4)) == ["Never waited"]
    [view] = [
        r
        for r in support.search_queue(
            world.db, world.actor("consultant"), view=QueueView.ALL, today=date(2027, 1, 4)
        ).requests
        if r.id == waited
    ]
    assert view.deadlines.resolution_due == date(2027, 1, 5)
    assert view.overdue_label == ""
    assert _overdue(world, date(2027, 1, 5)) == ["Never waited"]
    assert _overdue(world, date(2027, 1, 6)) == ["Never waited", "Waited"]


def test_a_request_still_waiting_is_not_overdue(world: World) -> None:
    _request(
        world,
        "Still waiting",
        [
            (RequestStatus.IN_PROGRESS, datetime(2026, 12, 22, 11, 0, tzinfo=UTC)),
            (RequestStatus.WAITING_ON_TEAM, datetime(2026, 12, 22, 12, 0, tzinfo=UTC)),
        ],
    )
    assert _overdue(world, date(2027, 2, 1)) == []
    waiting = support.search_queue(
        world.db, world.actor("consultant"), view=QueueView.WAITING, today=date(2027, 2, 1)
    )
    assert [r.overdue_label for r in waiting.requests] == [""]
