"""The forum register: hub staff add, change and close forums; everyone searches it; the days
forums met say which were active in a period; successes and case-study suggestions; the
join-up pairs; and forums shown to a team whose working-together practices are weak."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.db.test_actions import submitted_assessment
from tests.db.test_commitments import other_organisation
from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import (
    AuditEvent,
    ForumMeeting,
    Organisation,
    StatisticalOutput,
    Target,
)
from ue_core.errors import ConflictError, InputError
from ue_core.forums import ForumStatus
from ue_core.services import case_study_drafts, forum_edits, forum_join_up, forum_successes, forums
from ue_core.services.forum_successes import SuccessDraft
from ue_core.services.forums import ForumDraft
from ue_core.services.frameworks import sync_framework

TODAY = date(2026, 12, 3)


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def draft(world: World, **changes: object) -> ForumDraft:
    values: dict[str, object] = {
        "name": "Housing statistics user group",
        "description": "Producers and users of housing figures compare notes each quarter.",
        "host_organisation_id": world.organisation_id,
        "member_organisation_ids": (other_organisation(world),),
        "themes": ("housing", "population"),
        "attendees": ("producer_analysts", "local_government"),
        "frequency": "quarterly",
        "last_met": date(2026, 10, 1),
        "join_text": "Join the housing group on StatsUserNet.",
        "join_url": "https://www.statsusernet.org.uk/housing",
        "status_set": None,
    }
    values.update(changes)
    return ForumDraft(**values)  # type: ignore[arg-type]


def add(world: World, **changes: object) -> int:
    consultant = world.actor("consultant")
    return forum_edits.add_forum(world.db, consultant, draft(world, **changes), TODAY)


def add_roads(world: World) -> int:
    """A transport forum of the other organisation, sharing nothing with the housing one."""
    return add(
        world,
        name="Roads",
        themes=("transport",),
        host_organisation_id=other_organisation(world),
        member_organisation_ids=(),
    )


def test_the_hub_adds_a_forum_and_everyone_finds_it(world: World) -> None:
    forum_id = add(world)
    rows = forums.forum_register(world.db, world.actor("outsider"), TODAY)
    (row,) = rows
    assert row.id == forum_id and row.status is ForumStatus.ACTIVE
    assert row.host == "Office for Test Statistics"
    assert row.member_names == ("Ministry of Other Tests",)
    assert row.theme_labels == ("Housing and planning", "Population and census")
    assert row.frequency_label == "Every three months" and row.last_met == date(2026, 10, 1)
    with world.db.read() as session:
        audited = session.scalar(select(AuditEvent).where(AuditEvent.action == "add_forum"))
        assert audited is not None and audited.after is not None
        assert audited.after["themes"] == "Housing and planning, Population and census"


def test_search_and_filters(world: World) -> None:
    add(world)
    add(
        world,
        name="Roads and travel forum",
        description="Traffic counts and casualties.",
        host_organisation_id=other_organisation(world),
        member_organisation_ids=(),
        themes=("transport",),
        last_met=date(2025, 1, 1),  # lapsed
        join_text="Write to the forum's secretary.",
        join_url="",
    )
    member = world.actor("member")

    def names(**filters: Any) -> list[str]:
        return [r.name for r in forums.forum_register(world.db, member, TODAY, **filters)]

    assert names() == ["Housing statistics user group", "Roads and travel forum"]
    assert names(text="CASUALTIES") == ["Roads and travel forum"]
    assert names(text="housing statsusernet") == ["Housing statistics user group"]
    assert names(text="ministry") == ["Housing statistics user group", "Roads and travel forum"]
    assert names(theme="population") == ["Housing statistics user group"]
    assert names(organisation_id=world.organisation_id) == ["Housing statistics user group"]
    assert names(status=ForumStatus.LAPSED) == ["Roads and travel forum"]
    assert names(status=ForumStatus.ACTIVE, theme="transport") == []
    with pytest.raises(InputError, match="200 characters"):
        names(text="x" * 201)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "Enter the forum's name"),
        ({"host_organisation_id": None}, "hosts the forum"),
        ({"themes": ()}, "at least one theme"),
        ({"themes": ("astrology",)}, "themes from the list"),
        ({"attendees": ()}, "who attends"),
        ({"frequency": "hourly"}, "how often"),
        ({"last_met": date(2027, 1, 1)}, "cannot be in the future"),
        ({"join_text": "", "join_url": ""}, "how to join"),
        ({"join_url": "statsusernet.org.uk"}, "starting https://"),
        ({"member_organisation_ids": (999_999,)}, "not there"),
    ],
)
def test_bad_forms_say_what_to_change(
    world: World, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        add(world, **changes)


def test_names_are_unique_whatever_the_case(world: World) -> None:
    add(world)
    with pytest.raises(InputError, match="already has a forum called"):
        add(world, name="HOUSING statistics  user group")


def test_only_hub_staff_add_forums(world: World) -> None:
    for who in ("member", "champion", "lead"):
        with pytest.raises(AccessDenied):
            forum_edits.add_forum(world.db, world.actor(who), draft(world), TODAY)


def test_changes_check_the_version_and_keep_meetings(world: World) -> None:
    forum_id = add(world)
    consultant, admin = world.actor("consultant"), world.actor("admin")
    seen = forums.forum_detail(world.db, consultant, forum_id, TODAY).forum
    later = replace(seen.draft(), last_met=date(2026, 11, 20), member_organisation_ids=())
    forum_edits.update_forum(world.db, admin, forum_id, later, TODAY, expected_version=seen.version)
    with pytest.raises(ConflictError) as clash:
        forum_edits.update_forum(
            world.db, consultant, forum_id, seen.draft(), TODAY, expected_version=seen.version
        )
    assert clash.value.current["last met"] == "2026-11-20"
    detail = forums.forum_detail(world.db, consultant, forum_id, TODAY)
    assert detail.meetings == (date(2026, 11, 20), date(2026, 10, 1))
    assert detail.forum.members == ()
    # An earlier date corrects the latest meeting rather than adding one.
    corrected = replace(detail.forum.draft(), last_met=date(2026, 11, 10))
    forum_edits.update_forum(
        world.db, consultant, forum_id, corrected, TODAY, expected_version=detail.forum.version
    )
    assert forums.forum_detail(world.db, consultant, forum_id, TODAY).meetings == (
        date(2026, 11, 10),
        date(2026, 10, 1),
    )


def test_a_status_set_by_hand_and_closing(world: World) -> None:
    forum_id = add(world, last_met=date(2024, 1, 1))
    consultant = world.actor("consultant")
    row = forums.forum_detail(world.db, consultant, forum_id, TODAY).forum
    assert row.status is ForumStatus.LAPSED
    set_active = replace(row.draft(), status_set=ForumStatus.ACTIVE)
    version = forum_edits.update_forum(
        world.db, consultant, forum_id, set_active, TODAY, expected_version=row.version
    )
    assert forums.forum_detail(world.db, consultant, forum_id, TODAY).forum.status is (
        ForumStatus.ACTIVE
    )
    version = forum_edits.close_forum(
        world.db, consultant, forum_id, TODAY, expected_version=version
    )
    assert forums.forum_register(world.db, consultant, TODAY) == []
    (closed,) = forums.forum_register(world.db, consultant, TODAY, status=ForumStatus.CLOSED)
    assert closed.closed_on == TODAY
    with pytest.raises(InputError, match="already closed"):
        forum_edits.close_forum(world.db, consultant, forum_id, TODAY, expected_version=version)
    forum_edits.reopen_forum(world.db, consultant, forum_id, expected_version=version)
    assert len(forums.forum_register(world.db, consultant, TODAY)) == 1


def test_active_forums_in_a_period(world: World) -> None:
    recent = add(world)  # met 1 October 2026, quarterly
    add(world, name="Old forum", last_met=date(2025, 1, 10))
    add(world, name="Never met", last_met=None)
    found = forums.active_forums(
        world.db, world.actor("admin"), date(2026, 4, 1), date(2026, 9, 30)
    )
    assert found.count == 0  # the recent one first met after the period, the old one lapsed
    found = forums.active_forums(world.db, SYSTEM, date(2026, 10, 1), date(2026, 12, 31))
    assert [f.id for f in found.forums] == [recent]
    found = forums.active_forums(world.db, SYSTEM, date(2025, 1, 1), date(2025, 6, 30))
    assert [f.name for f in found.forums] == ["Old forum"]
    with pytest.raises(InputError, match="on or after its start"):
        forums.active_forums(world.db, SYSTEM, date(2026, 2, 1), date(2026, 1, 1))


def test_successes_and_case_study_suggestions(world: World) -> None:
    forum_id = add(world)
    champion, outsider = world.actor("champion"), world.actor("outsider")
    success = SuccessDraft("Users shaped the new tenure table", date(2026, 6, 1), "", True)
    success_id = forum_successes.record_success(world.db, champion, forum_id, success, TODAY)
    with pytest.raises(AccessDenied, match="hosts the forum"):
        forum_successes.record_success(world.db, outsider, forum_id, success, TODAY)
    with pytest.raises(InputError, match="date of the success"):
        forum_successes.record_success(
            world.db, champion, forum_id, replace(success, achieved_on=None), TODAY
        )
    consultant = world.actor("consultant")
    (suggested,) = forum_successes.suggested_case_studies(world.db, consultant)
    assert suggested.id == success_id and suggested.forum_name == "Housing statistics user group"
    forum_successes.suggest_case_study(world.db, consultant, success_id, False, expected_version=1)
    with pytest.raises(ConflictError):
        forum_successes.suggest_case_study(world.db, champion, success_id, True, expected_version=1)
    assert forum_successes.suggested_case_studies(world.db, consultant) == []
    detail = forums.forum_detail(world.db, outsider, forum_id, TODAY)
    assert [s.text for s in detail.successes] == ["Users shaped the new tenure table"]
    with pytest.raises(InputError, match="not been suggested"):
        forum_successes.draft_from_success(world.db, consultant, success_id, "Tenure table")
    assert not detail.can_record_success and not detail.can_edit
    assert detail.forum.successes == 1


def test_join_up_lists_the_most_overlapping_open_forums(world: World) -> None:
    add(world)
    add(world, name="Homes and places forum", member_organisation_ids=())
    add(world, name="Closed housing forum")
    add_roads(world)
    consultant = world.actor("consultant")
    closing = next(
        r
        for r in forum_edits.forum_edit_choices(world.db, consultant, TODAY)
        if r.name.startswith("Closed")
    )
    forum_edits.close_forum(
        world.db, consultant, closing.id, TODAY, expected_version=closing.version
    )
    pairs = forum_join_up.join_up(world.db, consultant, TODAY, min_score=0.5)
    assert [(p.first.name, p.second.name) for p in pairs] == [
        ("Homes and places forum", "Housing statistics user group")
    ]
    (pair,) = pairs
    assert pair.score == pytest.approx(0.6 + 0.4 * 0.5)
    assert pair.reason == (
        "Both cover Housing and planning and Population and census; "
        "both include Office for Test Statistics."
    )
    with pytest.raises(AccessDenied):
        forum_join_up.join_up(world.db, world.actor("champion"), TODAY)
    with pytest.raises(InputError, match="between 0 and 1"):
        forum_join_up.join_up(world.db, consultant, TODAY, min_score=2)


def test_a_team_weak_at_working_together_is_shown_forums_on_its_topics(world: World) -> None:
    member = world.actor("member")
    before = forum_join_up.team_forum_suggestions(world.db, member, world.team_id, TODAY)
    assert before.round_label is None and not before.weak  # nothing submitted yet
    submitted_assessment(world)  # working-together practices at 3, 2, 2 against a target of 3
    add(world)
    add_roads(world)
    # Nothing in the team's words names a theme: the organisation's own forums are shown.
    found = forum_join_up.team_forum_suggestions(world.db, member, world.team_id, TODAY)
    assert [w.practice_key for w in found.weak] == ["work-with-other-producers", "user-groups"]
    assert found.by_organisation
    assert [s.forum.name for s in found.forums] == ["Housing statistics user group"]
    # An output on roads makes transport one of the team's topics.
    with world.db.transaction() as session:
        session.add(
            StatisticalOutput(
                organisation_id=world.organisation_id,
                title="Road traffic estimates",
                team_name="Test team",
                team_id=world.team_id,
                frequency="Annual",
                row_number=1,
            )
        )
    found = forum_join_up.team_forum_suggestions(world.db, member, world.team_id, TODAY)
    assert [(t.theme, t.found) for t in found.topics] == [("transport", ("road", "traffic"))]
    assert [(s.forum.name, s.shared_theme_labels) for s in found.forums] == [
        ("Roads", ("Transport and travel",))
    ]
    with pytest.raises(AccessDenied):
        forum_join_up.team_forum_suggestions(
            world.db, world.actor("outsider"), world.team_id, TODAY
        )


def test_a_team_at_its_targets_is_shown_nothing(world: World) -> None:
    built = submitted_assessment(world)
    with world.db.transaction() as session:
        for target in session.scalars(
            select(Target).where(Target.assessment_id == built.assessment_id)
        ):
            target.level = 2
    add(world)
    found = forum_join_up.team_forum_suggestions(
        world.db, world.actor("lead"), world.team_id, TODAY
    )
    assert found.round_label == "2025 to 2026" and not found.weak and not found.forums


def test_meetings_are_one_per_day(world: World) -> None:
    forum_id = add(world)
    with world.db.read() as session:
        count = session.scalar(
            select(func.count()).select_from(ForumMeeting).where(ForumMeeting.forum_id == forum_id)
        )
        assert count == 1
        assert session.scalar(select(func.count()).select_from(Organisation)) == 2


def test_a_suggested_success_becomes_a_case_study_draft_once(world: World) -> None:
    forum_id = add(world)
    consultant = world.actor("consultant")
    success = SuccessDraft(
        "Users shaped the new tenure table", date(2026, 6, 1), "https://example.org/tenure", True
    )
    success_id = forum_successes.record_success(world.db, consultant, forum_id, success, TODAY)
    with pytest.raises(AccessDenied):
        forum_successes.draft_from_success(world.db, world.actor("champion"), success_id, "T")
    draft_id = forum_successes.draft_from_success(
        world.db, consultant, success_id, "Users shape a housing table"
    )
    (draft,) = case_study_drafts.case_study_drafts(world.db, consultant)
    assert draft.id == draft_id and draft.source_kind == forum_successes.SOURCE_KIND
    assert draft.title == "Users shape a housing table"
    assert draft.summary == "Users shaped the new tenure table"
    assert draft.source_urls == ("https://example.org/tenure",)
    made = case_study_drafts.drafts_for_sources(
        world.db, consultant, forum_successes.SOURCE_KIND, [success_id]
    )
    assert made[success_id].id == draft_id
