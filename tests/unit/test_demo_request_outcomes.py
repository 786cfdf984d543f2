"""The demo's request outcomes: resolved requests carry the help given, practices of the
framework and a sensible time, and the personas' team sees one on its resolved request."""

from __future__ import annotations

from sqlalchemy import select

from tests.unit.test_demo import demo as demo  # the module's demo database fixture
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.models import RequestOutcome, RequestOutcomePractice, SupportRequest, User
from ue_core.framework import load_framework
from ue_core.personas import PERSONAS
from ue_core.services.requests import outcomes


def test_resolved_demo_requests_have_outcomes(demo: Database) -> None:
    keys = set(load_framework().practice_keys())
    with demo.read() as session:
        recorded = session.scalars(select(RequestOutcome)).all()
        done = {
            r.id: r
            for r in session.scalars(
                select(SupportRequest).where(SupportRequest.status.in_(["resolved", "closed"]))
            )
        }
        aimed = session.execute(select(RequestOutcomePractice)).scalars().all()
        sam = session.scalar(
            select(User.id).where(
                User.email == next(p for p in PERSONAS if p.display_name == "Sam Patel").email
            )
        )
    assert recorded and {o.request_id for o in recorded} <= set(done)
    for outcome in recorded:
        request = done[outcome.request_id]
        assert outcome.help_given
        assert 0 < outcome.minutes_spent <= outcomes.MAX_HOURS * 60
        assert (outcome.recorded_by_id, outcome.recorded_at) == (
            request.assignee_id,
            request.resolved_at,
        )
    assert {a.practice_key for a in aimed} <= keys
    assert {a.request_id for a in aimed} == {o.request_id for o in recorded}
    [personas_own] = [
        r for r in done.values() if r.requested_by_id == sam and r.status == "resolved"
    ]
    found = outcomes.request_follow_up(demo, SYSTEM, personas_own.id)
    assert found is not None and found.outcome.practices
