"""Library service on SQLite and PostgreSQL: catalogue copy, search, recommendations, events,
follow-up, admin figures and peer contacts (opt-in only)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.catalogue import load_catalogue
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    Organisation,
    Practice,
    RecommendationEvent,
    Role,
    Round,
    Target,
    Team,
)
from ue_core.db.models import Resource as ResourceRow
from ue_core.errors import InputError
from ue_core.services import accounts
from ue_core.services.frameworks import current_version_id, sync_framework
from ue_core.services.library import (
    browse,
    catalogue,
    follow_up,
    peer_contacts,
    usage,
)
from ue_core.services.library import recommendations as suggestions
from ue_core.services.library.recommendations import EventKind

PRINCIPLES = (
    "proactively-involving-users",
    "flexible-and-proportionate",
    "open-and-transparent",
    "working-together",
    "capability-and-culture",
)


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("UE_THEMES_BACKEND", "tfidf-lsa")
    sync_framework(any_db, SYSTEM)
    yield build_world(any_db)


def submitted_assessment(
    db: Database,
    team_id: int,
    round_label: str,
    levels: Mapping[str, int],
    *,
    default: int = 3,
    target: int = 4,
) -> int:
    """A submitted assessment: practices at ``default`` unless given, every target ``target``."""
    with db.transaction() as session:
        version = current_version_id(session)
        assert version is not None
        round_id = session.scalar(select(Round.id).where(Round.label == round_label))
        assert round_id is not None
        assessment = Assessment(
            team_id=team_id,
            round_id=round_id,
            framework_version_id=version,
            status=AssessmentStatus.SUBMITTED.value,
            submitted_at=datetime.now(UTC),
        )
        session.add(assessment)
        session.flush()
        for practice in session.scalars(
            select(Practice).where(Practice.framework_version_id == version)
        ):
            session.add(
                AgreedRating(
                    assessment_id=assessment.id,
                    practice_id=practice.id,
                    level=levels.get(practice.key, default),
                )
            )
        for key in PRINCIPLES:
            session.add(
                Target(
                    assessment_id=assessment.id,
                    principle_key=key,
                    level=target,
                    suggested_level=target,
                )
            )
        return assessment.id


def _events(db: Database, event: str) -> int:
    with db.read() as session:
        count = session.scalar(
            select(func.count())
            .select_from(RecommendationEvent)
            .where(RecommendationEvent.event == event)
        )
        return int(count or 0)


def test_catalogue_is_copied_once_and_searchable(world: World) -> None:
    db, member = world.db, world.actor("member")
    everything = load_catalogue().resources()
    assert len(browse.search(db, member)) == len(everything)
    assert catalogue.sync_catalogue(db, SYSTEM) == 0
    with db.transaction() as session:
        session.add(ResourceRow(slug="withdrawn-entry", kind="training", title="Gone", content={}))
    assert catalogue.sync_catalogue(db, SYSTEM) == 1
    with db.read() as session:
        withdrawn = session.scalar(select(ResourceRow).where(ResourceRow.slug == "withdrawn-entry"))
        assert withdrawn is not None and not withdrawn.is_active
    [orr] = browse.search(db, member, "twitter rail")
    assert orr.slug == "orr-twitter-qa"
    assert orr.details["organisation"] == "Office of Rail and Road"
    by_org = browse.search(db, member, organisation="Office of Rail and Road")
    assert {item.slug for item in by_org} == {"orr-twitter-qa", "orr-data-portal-users"}
    training = browse.search(db, member, kind="training", practice="accessible-to-all")
    assert training and all(item.resource.kind == "training" for item in training)
    assert browse.search(db, member, "no such words anywhere xyzzy") == []
    with pytest.raises(InputError):
        browse.search(db, member, "x" * 501)


def test_recommendations_follow_the_biggest_gap_and_respect_access(world: World) -> None:
    db = world.db
    assessment_id = submitted_assessment(
        db, world.team_id, "2025 to 2026", {"close-feedback-loop": 1}
    )
    recommendations = suggestions.recommend_for_assessment(db, world.actor("member"), assessment_id)
    assert len(recommendations) == 8
    assert recommendations[0].practice_key == "close-feedback-loop"
    assert recommendations[0].reason.startswith(
        "'Show what happened to feedback' is at Beginning, your target is Developing: this"
    )
    assert suggestions.recommend_for_assessment(db, world.actor("champion"), assessment_id)
    with pytest.raises(AccessDenied):
        suggestions.recommend_for_assessment(db, world.actor("outsider"), assessment_id)
    text = suggestions.recommend_for_text(db, world.actor("consultant"), "live Q&A on Twitter")
    assert text[0].resource_id == "orr-twitter-qa"


def test_panel_records_shown_once_hides_dismissed_and_marks_used(world: World) -> None:
    db, member = world.db, world.actor("member")
    assessment_id = submitted_assessment(db, world.team_id, "2025 to 2026", {"user-groups": 1})
    panel = suggestions.recommendation_panel(db, member, assessment_id)
    assert panel.can_record and len(panel.items) == 8
    suggestions.recommendation_panel(db, member, assessment_id)
    assert _events(db, "shown") == 8
    first, second = panel.items[0].item, panel.items[1].item
    suggestions.record_event(db, member, first.row_id, EventKind.USED, assessment_id=assessment_id)
    suggestions.record_event(
        db, member, second.row_id, EventKind.DISMISSED, assessment_id=assessment_id
    )
    again = suggestions.recommendation_panel(db, member, assessment_id)
    slugs = [entry.item.slug for entry in again.items]
    assert second.slug not in slugs and len(slugs) == 8 and again.dismissed_count == 1
    assert next(e for e in again.items if e.item.slug == first.slug).used
    hub = suggestions.recommendation_panel(db, world.actor("consultant"), assessment_id)
    assert not hub.can_record
    assert _events(db, "shown") == 9  # only the replacement for the dismissed one is new
    with pytest.raises(AccessDenied):
        suggestions.record_event(
            db,
            world.actor("outsider"),
            first.row_id,
            EventKind.OPENED,
            assessment_id=assessment_id,
        )
    with pytest.raises(AccessDenied):
        suggestions.record_event(
            db,
            world.actor("consultant"),
            first.row_id,
            EventKind.OPENED,
            assessment_id=assessment_id,
        )


def test_follow_up_and_admin_figures_show_whether_used_resources_helped(world: World) -> None:
    db, member = world.db, world.actor("member")
    earlier = submitted_assessment(db, world.team_id, "2025 to 2026", {"user-groups": 1})
    item = browse.get_item_by_slug(db, member, "cccis-construction-statistics")
    suggestions.recommendation_panel(db, member, earlier)
    suggestions.record_event(db, member, item.row_id, EventKind.OPENED, assessment_id=earlier)
    suggestions.record_event(db, member, item.row_id, EventKind.USED, assessment_id=earlier)
    later = submitted_assessment(db, world.team_id, "2026 to 2027", {"user-groups": 3})
    [follow] = follow_up.follow_up(db, member, later)
    assert follow.item.slug == "cccis-construction-statistics"
    assert follow.round_label == "2025 to 2026"
    assert follow.improved
    moved = {m.practice_key: m.description for m in follow.moves}
    assert moved["user-groups"] == (
        "'Take part in user groups and forums' moved up from Beginning to Learning"
    )
    assert follow_up.follow_up(db, member, earlier) == []
    with pytest.raises(AccessDenied):
        usage.resource_stats(db, member)
    stats = {s.slug: s for s in usage.resource_stats(db, world.actor("admin"))}
    row = stats["cccis-construction-statistics"]
    assert (row.recommended, row.opened, row.used, row.dismissed, row.improved) == (1, 1, 1, 0, 1)


def _team(db: Database, organisation_id: int, name: str, happy: bool) -> int:
    with db.transaction() as session:
        team = Team(organisation_id=organisation_id, name=name, happy_to_talk=happy)
        session.add(team)
        session.flush()
        return team.id


def test_peer_contacts_show_only_opted_in_teams_in_other_organisations(world: World) -> None:
    db, member = world.db, world.actor("member")
    weak = {key: 1 for key in ("know-your-users", "seek-views", "widen-reach")}
    ours = submitted_assessment(db, world.team_id, "2025 to 2026", weak, default=2, target=4)
    with db.read() as session:
        other_org = session.scalar(
            select(Organisation.id).where(Organisation.id != world.organisation_id)
        )
    assert other_org is not None
    opted_in = _team(db, other_org, "Opted-in strong team", happy=True)
    silent = _team(db, other_org, "Silent strong team", happy=False)
    same_org = _team(db, world.organisation_id, "Same organisation team", happy=True)
    weak_peer = _team(db, other_org, "Opted-in weak team", happy=True)
    for team_id in (opted_in, silent, same_org):
        submitted_assessment(db, team_id, "2025 to 2026", {}, default=5)
    submitted_assessment(db, weak_peer, "2025 to 2026", {}, default=2)
    accounts.create_user(
        db,
        SYSTEM,
        email="peer.lead@test.example",
        display_name="Peer Lead",
        password=None,
        role=Role.LEAD,
        team_id=opted_in,
    )
    contacts = peer_contacts.peer_contacts(db, member, ours)
    assert {c.team_name for c in contacts} == {"Opted-in strong team"}
    assert {c.principle_key for c in contacts} == set(PRINCIPLES)
    assert contacts[0].contacts == (("Peer Lead", "peer.lead@test.example"),)
    # Opting out removes the team everywhere at once.
    with db.transaction() as session:
        team = session.get(Team, opted_in)
        assert team is not None
        team.happy_to_talk = False
    assert peer_contacts.peer_contacts(db, member, ours) == []


def test_only_the_team_lead_changes_the_opt_in(world: World) -> None:
    db = world.db
    assert peer_contacts.happy_to_talk(db, world.actor("member"), world.team_id) is False
    with pytest.raises(AccessDenied):
        peer_contacts.set_happy_to_talk(db, world.actor("member"), world.team_id, True)
    with pytest.raises(AccessDenied):
        peer_contacts.set_happy_to_talk(db, world.actor("outsider"), world.team_id, True)
    peer_contacts.set_happy_to_talk(db, world.actor("lead"), world.team_id, True)
    assert peer_contacts.happy_to_talk(db, world.actor("member"), world.team_id) is True
