"""The audit log on SQLite and PostgreSQL: filters, paging and download for admins only; and
changes that used to leave no audit row (accepting the theme review queue, restoring a library
entry, marking a recommendation used or dismissed) now leave one."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.db.test_surveys import MAPPING, current, survey_csv
from tests.factories import World, build_world
from ue_core import audit
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent
from ue_core.errors import InputError
from ue_core.services import audit_log, catalogue_admin
from ue_core.services.audit_log import AuditFilter
from ue_core.services.library import browse, recommendations
from ue_core.services.library.recommendations import EventKind
from ue_core.services.surveys import imports, theme_sets, views
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA


@pytest.fixture
def world(any_db: Database) -> World:
    return build_world(any_db)


def _event(world: World, who: str | None, action: str, entity_id: int, when: datetime) -> None:
    with world.db.transaction() as session:
        audit.record(
            session,
            world.actor(who) if who else SYSTEM,
            action,
            "support_request",
            entity_id,
            {"status": "new"},
            {"status": '=HYPERLINK("http://evil.example")'},
        )
        session.flush()
        newest = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert newest is not None
        newest.created_at = when


@pytest.fixture
def logged(world: World) -> World:
    # 23:30 UTC on 31 May is 00:30 on 1 June in UK summer time.
    _event(world, "consultant", "update_request", 7, datetime(2026, 5, 31, 23, 30, tzinfo=UTC))
    _event(world, "consultant", "update_request", 8, datetime(2026, 6, 15, 12, 0, tzinfo=UTC))
    _event(world, "member", "submit_request", 7, datetime(2026, 6, 30, 22, 59, tzinfo=UTC))
    _event(world, None, "update_request", 9, datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    return world


def _ids(page: audit_log.AuditPage) -> list[tuple[str, int | None]]:
    return [(e.action, e.entity_id) for e in page.entries]


def test_filters_by_person_object_action_and_uk_dates(logged: World) -> None:
    admin = logged.actor("admin")
    june = AuditFilter(
        entity_type="support_request", date_from=date(2026, 6, 1), date_to=date(2026, 6, 30)
    )
    found = audit_log.audit_page(logged.db, admin, june)
    assert _ids(found) == [("submit_request", 7), ("update_request", 8), ("update_request", 7)]
    consultant_id = logged.actor("consultant").user_id
    by_person = AuditFilter(person_id=consultant_id, entity_type="support_request")
    assert _ids(audit_log.audit_page(logged.db, admin, by_person)) == [
        ("update_request", 8),
        ("update_request", 7),
    ]
    one_object = AuditFilter(entity_type="support_request", entity_id=7, action="update_request")
    assert _ids(audit_log.audit_page(logged.db, admin, one_object)) == [("update_request", 7)]
    system = audit_log.audit_page(logged.db, admin, AuditFilter(entity_id=9))
    assert [e.who for e in system.entries] == [audit_log.SYSTEM]
    choices = audit_log.audit_choices(logged.db, admin)
    assert {"update_request", "submit_request", "create_user"} <= set(choices.actions)
    assert "support_request" in choices.entity_types
    assert consultant_id in [p.user_id for p in choices.people]
    with pytest.raises(InputError, match="'from' date"):
        audit_log.audit_page(
            logged.db, admin, AuditFilter(date_from=date(2026, 7, 1), date_to=date(2026, 6, 1))
        )


def test_pages_in_the_database(logged: World) -> None:
    admin = logged.actor("admin")
    requests = AuditFilter(entity_type="support_request")
    first = audit_log.audit_page(logged.db, admin, requests, page=1, page_size=3)
    second = audit_log.audit_page(logged.db, admin, requests, page=2, page_size=3)
    assert (first.total, first.pages, len(first.entries), len(second.entries)) == (4, 2, 3, 1)
    assert _ids(second) == [("update_request", 7)]
    beyond = audit_log.audit_page(logged.db, admin, requests, page=99, page_size=3)
    assert beyond.page == 2


def test_the_download_is_formula_safe_and_has_every_match(logged: World) -> None:
    admin = logged.actor("admin")
    data = audit_log.audit_csv(logged.db, admin, AuditFilter(entity_type="support_request"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 4
    assert all(row["After"].startswith("'{") or row["After"].startswith("{") for row in rows)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))
    assert rows[0]["Who"] == "System" and rows[0]["Object ID"] == "9"


@pytest.mark.parametrize("who", ["member", "lead", "champion", "consultant"])
def test_only_admins_may_read_the_audit_log(logged: World, who: str) -> None:
    actor = logged.actor(who)
    with pytest.raises(AccessDenied):
        audit_log.audit_page(logged.db, actor, AuditFilter())
    with pytest.raises(AccessDenied):
        audit_log.audit_choices(logged.db, actor)
    with pytest.raises(AccessDenied):
        audit_log.audit_csv(logged.db, actor, AuditFilter())


def _last(db: Database, action: str) -> AuditEvent:
    with db.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None, f"no audit row for {action}"
    return event


def test_accepting_the_review_queue_is_audited(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    consultant = world.actor("consultant")
    raw = imports.read_file(survey_csv(), "survey.csv")
    survey_id = imports.import_survey(world.db, consultant, raw, MAPPING, "Barriers").survey_id
    question_id = views.get_survey(world.db, consultant, survey_id).free_text_questions[0].id
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    theme_sets.approve(
        world.db, consultant, set_id, expected_version=current(world, question_id).version
    )
    later = imports.read_file(survey_csv(["Parking at the office is expensive"], 100), "l.csv")
    imports.add_responses(world.db, consultant, survey_id, later, MAPPING)
    queue = [a.answer_id for a in theme_sets.review_queue(world.db, consultant, set_id)]
    assert queue
    theme_sets.accept_review(
        world.db, consultant, set_id, queue, expected_version=current(world, question_id).version
    )
    event = _last(world.db, "accept_theme_review")
    assert (event.actor_user_id, event.entity_type, event.entity_id) == (
        consultant.user_id,
        "theme_set",
        set_id,
    )
    assert event.after == {"answer_ids": sorted(queue), "accepted": len(queue)}


def test_restoring_a_library_entry_is_audited_with_what_changed(world: World) -> None:
    admin = world.actor("admin")
    entry = catalogue_admin.library_entries(world.db, admin)[0]
    catalogue_admin.edit_entry(
        world.db,
        admin,
        entry.slug,
        title="Changed in the app",
        summary="A short summary.",
        is_active=False,
        expected_version=entry.version,
    )
    catalogue_admin.restore_file_version(world.db, admin, entry.slug)
    event = _last(world.db, "restore_library_entry")
    assert event.actor_user_id == admin.user_id
    assert event.before == {
        "title": "Changed in the app",
        "summary": "A short summary.",
        "is_active": False,
    }
    assert event.after == {"title": entry.title, "summary": entry.summary, "is_active": True}


def test_marking_a_recommendation_used_or_dismissed_is_audited(world: World) -> None:
    member = world.actor("member")
    item = browse.get_item_by_slug(world.db, member, "cccis-construction-statistics")
    for kind in (EventKind.OPENED, EventKind.USED, EventKind.DISMISSED):
        recommendations.record_event(world.db, member, item.row_id, kind, team_id=world.team_id)
    with world.db.read() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "recommendation_event")
            .order_by(AuditEvent.id)
        ).all()
    assert [e.action for e in events] == [
        "mark_recommendation_used",
        "mark_recommendation_dismissed",
    ]
    assert all(e.actor_user_id == member.user_id for e in events)
    assert events[0].after == {
        "resource_id": item.row_id,
        "team_id": world.team_id,
        "assessment_id": None,
    }
