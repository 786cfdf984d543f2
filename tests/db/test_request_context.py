"""The team beside a request, on SQLite and PostgreSQL: its figures match the team's own results,
actions and requests; only hub consultants see it; a library item sent is a reply the team reads.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.db.test_actions import submitted_assessment
from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, RequestMessage, Resource, Target
from ue_core.errors import NotFound
from ue_core.services import actions, conversation, request_context, results, support
from ue_core.services.actions import ActionDraft
from ue_core.services.frameworks import sync_framework
from ue_core.services.library import catalogue
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA
from ue_core.vocabulary import ActionStatus, RequestStatus

TODAY = date(2026, 5, 1)


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    for name in ("UE_SMTP_HOST", "UE_SMTP_PORT", "UE_SMTP_FROM", "UE_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    sync_framework(any_db, SYSTEM)
    catalogue.sync_catalogue(any_db, SYSTEM)
    return build_world(any_db)


def _request(world: World, subject: str, text: str) -> int:
    return support.submit_request(world.db, world.actor("member"), world.team_id, subject, text)


def test_without_a_submitted_assessment_it_says_so(world: World) -> None:
    request_id = _request(world, "Survey help", "How should we ask users about our releases?")
    found = request_context.team_beside_request(
        world.db, world.actor("consultant"), request_id, TODAY
    )
    assert found.team_name == "Test team"
    assert found.organisation_name == "Office for Test Statistics"
    assert not found.has_assessment
    assert "no submitted assessment yet" in found.assessment_sentence
    assert found.principles == () and found.largest_gaps == () and found.for_gaps == ()
    assert found.open_action_count == 0 and found.overdue_actions == ()
    assert found.earlier_requests == ()
    assert found.champion_names == ("Champion",)
    assert 0 < len(found.for_request) <= request_context.RECOMMENDATION_COUNT
    assert all(item.title and item.slug and item.why for item in found.for_request)


def test_figures_match_the_teams_results_actions_and_requests(world: World) -> None:
    built = submitted_assessment(world)
    # One principle gets a higher target, so it is the largest gap.
    deepest = next(iter(built.principle_of.values()))
    with world.db.transaction() as session:
        target = session.scalars(
            select(Target).where(
                Target.assessment_id == built.assessment_id, Target.principle_key == deepest
            )
        ).one()
        target.level = 5
        target.reason_for_change = "A national statistic"
    practice_id = next(iter(built.practice_ids.values()))
    late = actions.add_action(
        world.db,
        SYSTEM,
        built.assessment_id,
        ActionDraft(practice_id, "Run a user event", "Lead", date(2026, 4, 1)),
    )
    actions.add_action(
        world.db,
        SYSTEM,
        built.assessment_id,
        ActionDraft(practice_id, "Write to users", "Lead", date(2026, 9, 1)),
    )
    actions.add_action(
        world.db,
        SYSTEM,
        built.assessment_id,
        ActionDraft(practice_id, "Old work", "Lead", date(2026, 1, 1), ActionStatus.DONE),
    )
    earlier_id = _request(world, "Release calendar", "Who reads our release calendar?")
    [earlier] = support.team_requests(world.db, SYSTEM, world.team_id)
    support.update_request(
        world.db,
        world.actor("consultant"),
        earlier_id,
        expected_version=earlier.version,
        status=RequestStatus.RESOLVED,
        assignee_id=None,
        resolution="Sent the guidance on release calendars.",
    )
    request_id = _request(world, "Survey help", "How should we ask users about our releases?")

    found = request_context.team_beside_request(
        world.db, world.actor("consultant"), request_id, TODAY
    )
    figures = results.assessment_scores(
        world.db, world.actor("lead"), built.assessment_id, TODAY
    ).figures
    assert found.has_assessment and found.assessed_round == "2025 to 2026"
    assert [(p.title, p.score, p.target, p.gap) for p in found.principles] == [
        (p.title, p.score, p.target, p.gap) for p in figures.principles
    ]
    short = sorted(figures.short, key=lambda p: -(p.gap or 0))[: request_context.GAP_COUNT]
    assert [g.title for g in found.largest_gaps] == [p.title for p in short]
    assert found.largest_gaps[0].title == figures.principle(deepest).title
    assert "short" in found.largest_gaps[0].gap_sentence
    assert found.open_action_count == 2
    assert [a.id for a in found.overdue_actions] == [late.id]
    assert [(r.request_id, r.status_label, r.resolution) for r in found.earlier_requests] == [
        (earlier_id, "Resolved", "Sent the guidance on release calendars.")
    ]
    assert found.champion_names == ("Champion",)
    assert 0 < len(found.for_gaps) <= request_context.RECOMMENDATION_COUNT
    assert all(item.title and item.why for item in (*found.for_gaps, *found.for_request))


@pytest.mark.parametrize("name", ["member", "lead", "champion", "outsider", "admin"])
def test_only_hub_consultants_see_the_team_or_send_items(world: World, name: str) -> None:
    request_id = _request(world, "Survey help", "How should we ask users?")
    with pytest.raises(AccessDenied):
        request_context.team_beside_request(world.db, world.actor(name), request_id, TODAY)
    with pytest.raises(AccessDenied):
        request_context.send_library_item(world.db, world.actor(name), request_id, "anything")


def test_sending_an_item_posts_a_reply_the_team_reads(world: World) -> None:
    request_id = _request(world, "Survey help", "How should we ask users about our releases?")
    with world.db.read() as session:
        resource = session.scalars(select(Resource).order_by(Resource.id).limit(1)).one()
        slug, title = resource.slug, resource.title
    posted = request_context.send_library_item(
        world.db, world.actor("consultant"), request_id, slug
    )
    assert posted.first_hub_reply
    seen = conversation.conversation(world.db, world.actor("member"), request_id)
    [message] = seen.messages
    assert message.from_hub and not message.is_internal
    assert message.body.startswith(f"This may help: {title}.")
    assert "Library" in message.body
    with world.db.read() as session:
        audited = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "post_reply", AuditEvent.entity_id == message.id
            )
        ).all()
        assert len(audited) == 1
        assert session.get(RequestMessage, message.id) is not None


def test_an_unknown_item_or_request_is_not_found(world: World) -> None:
    request_id = _request(world, "Survey help", "How should we ask users?")
    consultant = world.actor("consultant")
    with pytest.raises(NotFound):
        request_context.send_library_item(world.db, consultant, request_id, "no-such-entry")
    with pytest.raises(NotFound):
        request_context.team_beside_request(world.db, consultant, request_id + 99, TODAY)
