"""The data layer on SQLite and PostgreSQL: migrations, constraints, timestamps, concurrency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from tests.factories import build_world
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.migrate import ours
from ue_core.db.models import AuditEvent, Base, Membership, RequestStatus, SupportRequest
from ue_core.errors import ConflictError
from ue_core.services import accounts, support
from ue_core.services.frameworks import sync_framework


def test_migrations_create_exactly_the_modelled_schema(any_db: Database) -> None:
    tables = set(inspect(any_db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with any_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": ours})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_with_foreign_keys(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_timestamps_come_back_in_utc(any_db: Database) -> None:
    world = build_world(any_db)
    request_id = support.submit_request(
        any_db, world.actor("member"), world.team_id, "Help", "We need help with a survey please."
    )
    bst = timezone(timedelta(hours=1))
    with any_db.transaction() as session:
        row = session.get(SupportRequest, request_id)
        assert row is not None
        row.created_at = datetime(2026, 7, 1, 13, 0, tzinfo=bst)
    with any_db.read() as session:
        row = session.get(SupportRequest, request_id)
        assert row is not None
        assert row.created_at == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
        assert row.created_at.utcoffset() == timedelta(0)


def test_membership_scope_must_match_role(any_db: Database) -> None:
    world = build_world(any_db)
    with pytest.raises(IntegrityError), any_db.transaction() as session:
        session.add(Membership(user_id=world.actor("member").user_id, role="champion"))


def test_accounts_on_both_databases(any_db: Database) -> None:
    world = build_world(any_db)
    assert accounts.authenticate(any_db, "MEMBER@test.example", "correct horse battery staple")
    assert accounts.authenticate(any_db, "member@test.example", "wrong") is None
    assert accounts.authenticate(any_db, "nobody@test.example", "whatever at all") is None
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.create_user(
            any_db,
            world.actor("admin"),
            email="member@test.example",
            display_name="X",
            password=None,
            role=accounts.Role.CONSULTANT,
        )


def test_framework_load_is_idempotent_and_audited(any_db: Database) -> None:
    first = sync_framework(any_db, SYSTEM)
    again = sync_framework(any_db, SYSTEM)
    assert first.created and not again.created
    assert first.version_id == again.version_id
    with any_db.read() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("load_framework") == 1


def test_two_sessions_saving_one_request_conflict_and_nothing_is_lost(any_db: Database) -> None:
    world = build_world(any_db)
    consultant = world.actor("consultant")
    request_id = support.submit_request(
        any_db, world.actor("member"), world.team_id, "Help", "We need help with a survey please."
    )
    # Both consultants read version 1; the first save wins.
    support.update_request(
        any_db,
        consultant,
        request_id,
        expected_version=1,
        status=RequestStatus.IN_PROGRESS,
        assignee_id=consultant.user_id,
        resolution="",
    )
    with pytest.raises(ConflictError) as conflict:
        support.update_request(
            any_db,
            consultant,
            request_id,
            expected_version=1,
            status=RequestStatus.CLOSED,
            assignee_id=None,
            resolution="Closed by mistake",
        )
    assert conflict.value.current["status"] == "In progress"
    [view] = support.triage_queue(any_db, consultant)
    assert view.status is RequestStatus.IN_PROGRESS
    assert view.version == 2


def test_version_column_catches_a_write_between_read_and_save(any_db: Database) -> None:
    """Two open sessions: the row changes under the first; its flush fails as a conflict."""
    world = build_world(any_db)
    request_id = support.submit_request(
        any_db, world.actor("member"), world.team_id, "Help", "We need help with a survey please."
    )
    with pytest.raises(ConflictError), any_db.transaction() as first:
        row = first.get(SupportRequest, request_id)
        assert row is not None
        with any_db.transaction() as second:
            other = second.get(SupportRequest, request_id)
            assert other is not None
            other.resolution = "Changed by someone else"
        row.resolution = "My change"
    with any_db.read() as session:
        row = session.get(SupportRequest, request_id)
        assert row is not None and row.resolution == "Changed by someone else"


def test_changed_framework_makes_a_new_version_and_assessments_keep_theirs(
    any_db: Database,
) -> None:
    from datetime import date

    from ue_core.framework import load_framework
    from ue_core.services import assessments, starting
    from ue_core.services.frameworks import current_version_id, framework_for_version

    first = sync_framework(any_db, SYSTEM)
    world = build_world(any_db)
    today = date(2026, 9, 1)
    assessment_id = starting.start_assessment(any_db, world.actor("member"), world.team_id, today)

    framework = load_framework()
    practice = framework.principles[0].practices[0]
    changed_practice = practice.model_copy(
        update={"levels": {**practice.levels, 1: "A reworded first level for this test."}}
    )
    principle = framework.principles[0].model_copy(
        update={"practices": [changed_practice, *framework.principles[0].practices[1:]]}
    )
    changed = framework.model_copy(update={"principles": [principle, *framework.principles[1:]]})
    second = sync_framework(any_db, world.actor("admin"), changed)

    assert second.created and second.version_id != first.version_id
    with any_db.read() as session:
        assert current_version_id(session) == second.version_id
        old = framework_for_version(session, first.version_id)
        assert old.practice(practice.key).levels[1] == practice.levels[1]
    state = assessments.load_state(any_db, world.actor("member"), assessment_id)
    assert state.summary.framework_version_id == first.version_id
