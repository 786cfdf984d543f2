"""Sign-in sessions and the triage queue's sorting, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import build_world
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.models import RequestStatus
from ue_core.services import sign_in_sessions, support
from ue_core.services.frameworks import sync_framework

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_a_session_signs_its_browser_in_until_it_ends_or_expires(any_db: Database) -> None:
    sync_framework(any_db, SYSTEM)
    member = build_world(any_db).actor("member")
    token = sign_in_sessions.new_token()
    assert not sign_in_sessions.is_live(any_db, token, now=NOW)

    expires = sign_in_sessions.start_session(any_db, member, token, now=NOW)
    assert expires == NOW + sign_in_sessions.SESSION_LIFETIME
    all_day = sign_in_sessions.SESSION_LIFETIME  # an idle time that never ends it first
    found = sign_in_sessions.actor_for_session(
        any_db, token, idle=all_day, now=NOW + timedelta(hours=1)
    )
    assert found is not None and found.email == member.email
    # Expired: nobody, whatever the cookie says.
    assert sign_in_sessions.actor_for_session(any_db, token, idle=all_day, now=expires) is None

    sign_in_sessions.end_session(any_db, token, now=NOW + timedelta(hours=2))
    assert sign_in_sessions.actor_for_session(any_db, token, now=NOW + timedelta(hours=2)) is None
    assert not sign_in_sessions.is_live(any_db, token, now=NOW + timedelta(hours=2))
    # A token is bound once: after signing out it can never sign anyone in again.
    assert sign_in_sessions.start_session(any_db, member, token, now=NOW) is None


def test_a_session_unused_for_the_idle_time_ends(any_db: Database) -> None:
    sync_framework(any_db, SYSTEM)
    member = build_world(any_db).actor("member")
    token = sign_in_sessions.new_token()
    idle = timedelta(minutes=30)
    sign_in_sessions.start_session(any_db, member, token, now=NOW)
    # Used every 20 minutes, it stays signed in past the idle time since signing in.
    for minutes in (20, 40, 60):
        moment = NOW + timedelta(minutes=minutes)
        assert sign_in_sessions.actor_for_session(any_db, token, idle=idle, now=moment)
    assert sign_in_sessions.is_live(any_db, token, idle=idle, now=NOW + timedelta(minutes=89))
    # Then 30 minutes without use: gone, and the web server will replace the cookie.
    later = NOW + timedelta(minutes=90)
    assert sign_in_sessions.actor_for_session(any_db, token, idle=idle, now=later) is None
    assert not sign_in_sessions.is_live(any_db, token, idle=idle, now=later)


def test_sessions_ignore_tokens_the_server_did_not_make(any_db: Database) -> None:
    sync_framework(any_db, SYSTEM)
    member = build_world(any_db).actor("member")
    assert sign_in_sessions.start_session(any_db, member, "short", now=NOW) is None
    assert sign_in_sessions.actor_for_session(any_db, "", now=NOW) is None
    sign_in_sessions.end_session(any_db, "x" * 500, now=NOW)  # too long: ignored, no error
    assert len(sign_in_sessions.new_token()) >= 43


def test_the_queue_sorts_by_every_column_across_pages(any_db: Database) -> None:
    sync_framework(any_db, SYSTEM)
    world = build_world(any_db)
    member, consultant = world.actor("member"), world.actor("consultant")
    ids = [
        support.submit_request(any_db, member, world.team_id, subject, "About our users' needs.")
        for subject in ["beta", "Alpha", "gamma"]
    ]
    support.update_request(
        any_db,
        consultant,
        ids[2],
        expected_version=1,
        status=RequestStatus.IN_PROGRESS,
        assignee_id=consultant.user_id,
        resolution="",
    )

    def subjects(order: support.QueueOrder, descending: bool) -> list[str]:
        pages = [
            support.search_queue(
                any_db, consultant, page=n, page_size=2, order=order, descending=descending
            )
            for n in (1, 2)
        ]
        return [r.subject for p in pages for r in p.requests]

    assert subjects(support.QueueOrder.SENT, True) == ["gamma", "Alpha", "beta"]
    assert subjects(support.QueueOrder.REQUEST, False) == ["beta", "Alpha", "gamma"]
    assert subjects(support.QueueOrder.SUMMARY, False) == ["Alpha", "beta", "gamma"]
    assert subjects(support.QueueOrder.STATUS, True) == ["gamma", "Alpha", "beta"]
    assert subjects(support.QueueOrder.ASSIGNEE, True) == ["gamma", "Alpha", "beta"]
    assert subjects(support.QueueOrder.TEAM, False) == ["beta", "Alpha", "gamma"]
