"""The action plan service on SQLite and PostgreSQL: changes, conflicts, overdue, access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import (
    Action,
    ActionStatus,
    AgreedRating,
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Practice,
    Principle,
    Rating,
    Round,
    Target,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services import actions
from ue_core.services.actions import ActionDraft
from ue_core.services.frameworks import current_version_id, sync_framework

TODAY = date(2026, 5, 1)  # in the 2026 to 2027 round


@dataclass(frozen=True)
class Built:
    assessment_id: int
    practice_ids: dict[str, int]  # practice key -> id
    principle_of: dict[str, str]  # practice key -> principle key


def submitted_assessment(
    world: World,
    *,
    round_label: str = "2025 to 2026",
    team: str = "team",
    evidence: str = "User group minutes, March 2025",
) -> Built:
    """A submitted assessment built from rows: every practice agreed at level 2, except the
    first practice of each principle at level 3 and one practice not applicable; two members'
    own ratings; a target of 3 for every principle."""
    db = world.db
    team_id = world.team_id if team == "team" else world.other_team_id
    with db.transaction() as session:
        version_id = current_version_id(session)
        assert version_id is not None
        round_id = session.scalar(select(Round.id).where(Round.label == round_label))
        assert round_id is not None
        assessment = Assessment(
            team_id=team_id,
            round_id=round_id,
            framework_version_id=version_id,
            status=AssessmentStatus.SUBMITTED.value,
            submitted_at=datetime(2026, 3, 20, 14, 30, tzinfo=UTC),
            submitted_by_id=world.actor("lead").user_id,
        )
        session.add(assessment)
        session.flush()
        rows = session.execute(
            select(Practice.id, Practice.key, Practice.position, Principle.key)
            .join(Principle, Practice.principle_id == Principle.id)
            .where(Practice.framework_version_id == version_id)
            .order_by(Principle.position, Practice.position)
        ).all()
        ids: dict[str, int] = {}
        principle_of: dict[str, str] = {}
        na_done = False
        for practice_id, key, position, principle_key in rows:
            ids[key] = practice_id
            principle_of[key] = principle_key
            not_applicable = not na_done and principle_key == "open-and-transparent" and position
            na_done = na_done or bool(not_applicable)
            level = None if not_applicable else (3 if position == 0 else 2)
            session.add(
                AgreedRating(
                    assessment_id=assessment.id,
                    practice_id=practice_id,
                    level=level,
                    not_applicable=bool(not_applicable),
                    note="We publish no open data" if not_applicable else "Agreed at the meeting",
                    evidence=evidence,
                    evidence_date=date(2025, 3, 1) if position == 1 else date(2026, 2, 1),
                    evidence_strength="documented",
                    agreed_by_id=world.actor("lead").user_id,
                )
            )
            for who, own in (("member", level), ("member2", None if level is None else 1)):
                session.add(
                    Rating(
                        assessment_id=assessment.id,
                        practice_id=practice_id,
                        user_id=world.actor(who).user_id,
                        level=own,
                        not_applicable=own is None,
                        not_applicable_reason="Not for us" if own is None else "",
                    )
                )
        for principle_key in dict.fromkeys(principle_of.values()):
            session.add(
                Target(
                    assessment_id=assessment.id,
                    principle_key=principle_key,
                    level=3,
                    suggested_level=3,
                    rationale="Proportionate to the statistics",
                )
            )
        session.flush()
        return Built(assessment.id, ids, principle_of)


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def first_practice(built: Built) -> int:
    return next(iter(built.practice_ids.values()))


def draft(built: Built, **changes: object) -> ActionDraft:
    values: dict[str, object] = {
        "practice_id": first_practice(built),
        "description": "Run a user panel every quarter",
        "owner": "Sam",
        "due_on": date(2026, 9, 30),
        "status": ActionStatus.PLANNED,
        "intended_level": 4,
    }
    values.update(changes)
    return ActionDraft(**values)  # type: ignore[arg-type]


def test_add_edit_status_delete_are_audited(world: World) -> None:
    built = submitted_assessment(world)
    member = world.actor("member")
    added = actions.add_action(world.db, member, built.assessment_id, draft(built))
    assert added.status is ActionStatus.PLANNED and added.version == 1

    edited = actions.update_action(
        world.db,
        member,
        added.id,
        draft(built, owner="Alex", intended_level=5),
        expected_version=added.version,
    )
    assert edited.owner == "Alex" and edited.intended_level == 5 and edited.version == 2

    moved = actions.change_status(
        world.db, member, added.id, ActionStatus.IN_PROGRESS, expected_version=edited.version
    )
    assert moved.status_label == "In progress"

    actions.delete_action(world.db, member, added.id, expected_version=moved.version)
    with world.db.read() as session:
        assert session.get(Action, added.id) is None
        audited = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_type == "action")
            .order_by(AuditEvent.id)
        ).all()
    assert audited == ["add_action", "update_action", "change_action_status", "delete_action"]


def test_second_save_gets_the_conflict_with_the_other_persons_values(world: World) -> None:
    built = submitted_assessment(world)
    added = actions.add_action(world.db, world.actor("member"), built.assessment_id, draft(built))
    # Both people opened version 1; the first saves, the second must not overwrite silently.
    actions.update_action(
        world.db,
        world.actor("member"),
        added.id,
        draft(built, owner="Sam and Jo"),
        expected_version=1,
    )
    with pytest.raises(ConflictError) as conflict:
        actions.update_action(
            world.db,
            world.actor("member2"),
            added.id,
            draft(built, owner="Alex"),
            expected_version=1,
        )
    assert conflict.value.current["owner"] == "Sam and Jo"
    with pytest.raises(ConflictError):
        actions.change_status(
            world.db, world.actor("member2"), added.id, ActionStatus.DONE, expected_version=1
        )
    with pytest.raises(ConflictError):
        actions.delete_action(world.db, world.actor("member2"), added.id, expected_version=1)
    with world.db.read() as session:
        row = session.get(Action, added.id)
        assert row is not None and row.owner == "Sam and Jo" and row.status == "planned"
    actions.delete_action(world.db, world.actor("member"), added.id, expected_version=2)
    with pytest.raises(ConflictError, match="deleted"):
        actions.update_action(
            world.db, world.actor("member2"), added.id, draft(built), expected_version=2
        )


def test_another_team_is_refused(world: World) -> None:
    built = submitted_assessment(world)
    outsider = world.actor("outsider")
    with pytest.raises(AccessDenied):
        actions.add_action(world.db, outsider, built.assessment_id, draft(built))
    with pytest.raises(AccessDenied):
        actions.action_plan(world.db, outsider, built.assessment_id, TODAY)
    added = actions.add_action(world.db, world.actor("lead"), built.assessment_id, draft(built))
    with pytest.raises(AccessDenied):
        actions.change_status(world.db, outsider, added.id, ActionStatus.DONE, expected_version=1)
    # The champion and hub staff may read the plan but not change it.
    assert actions.action_plan(world.db, world.actor("champion"), built.assessment_id, TODAY)
    with pytest.raises(AccessDenied):
        actions.add_action(world.db, world.actor("consultant"), built.assessment_id, draft(built))


def test_input_is_checked(world: World) -> None:
    built = submitted_assessment(world)
    member = world.actor("member")
    with pytest.raises(InputError, match="what the action is"):
        actions.add_action(world.db, member, built.assessment_id, draft(built, description=" "))
    with pytest.raises(InputError, match="who owns"):
        actions.add_action(world.db, member, built.assessment_id, draft(built, owner=""))
    with pytest.raises(InputError, match="intended level"):
        actions.add_action(world.db, member, built.assessment_id, draft(built, intended_level=6))
    with pytest.raises(NotFound):
        actions.add_action(world.db, member, built.assessment_id, draft(built, practice_id=99999))


def test_overdue_actions_come_first_and_the_projection_never_lowers(world: World) -> None:
    built = submitted_assessment(world)
    member = world.actor("member")
    keys = list(built.practice_ids)
    # keys[1] is at level 2 in the first principle; plan it up to 4.
    late = actions.add_action(
        world.db,
        member,
        built.assessment_id,
        draft(built, practice_id=built.practice_ids[keys[1]], due_on=date(2026, 4, 1)),
    )
    actions.add_action(
        world.db,
        member,
        built.assessment_id,
        draft(
            built,
            description="Publish a feedback log",
            due_on=date(2026, 3, 1),
            status=ActionStatus.DONE,
            intended_level=2,
        ),
    )
    soon = actions.add_action(
        world.db, member, built.assessment_id, draft(built, due_on=date(2026, 6, 1))
    )
    plan = actions.action_plan(world.db, member, built.assessment_id, TODAY)
    assert [a.id for a in plan.overdue] == [late.id]
    assert plan.actions[0].id == late.id and plan.actions[1].id == soon.id
    assert plan.actions[-1].status is ActionStatus.DONE
    first = plan.current.principles[0]
    projected = plan.projected.principle(first.principle_key)
    assert first.score is not None and projected.score is not None
    # 7 practices: 3 + 6 x 2 = 15 -> 15/7; the plan lifts the first to 4 and the second to 4.
    assert first.score == pytest.approx(15 / 7)
    assert projected.score == pytest.approx((4 + 4 + 5 * 2) / 7)
    for current in plan.current.principles:
        after = plan.projected.principle(current.principle_key)
        assert (after.score or 0) >= (current.score or 0)


def test_due_today_is_not_overdue_and_done_never_is() -> None:
    today = date(2026, 5, 1)
    assert not actions.is_overdue(today, ActionStatus.PLANNED, today)
    assert actions.is_overdue(date(2026, 4, 30), ActionStatus.IN_PROGRESS, today)
    assert not actions.is_overdue(date(2026, 4, 30), ActionStatus.DONE, today)
    assert not actions.is_overdue(None, ActionStatus.PLANNED, today)


def test_plan_choice_prefers_the_current_round_then_the_latest_submitted(world: World) -> None:
    member = world.actor("member")
    choices, chosen = actions.plan_choices(world.db, member, world.team_id, TODAY)
    assert choices == [] and chosen is None
    built = submitted_assessment(world)
    choices, chosen = actions.plan_choices(world.db, member, world.team_id, TODAY)
    assert chosen == built.assessment_id
    with world.db.transaction() as session:
        round_id = session.scalar(select(Round.id).where(Round.label == "2026 to 2027"))
        version_id = current_version_id(session)
        assert round_id is not None and version_id is not None
        draft_row = Assessment(
            team_id=world.team_id, round_id=round_id, framework_version_id=version_id
        )
        session.add(draft_row)
        session.flush()
        draft_id = draft_row.id
    choices, chosen = actions.plan_choices(world.db, member, world.team_id, TODAY)
    assert chosen == draft_id
    assert [c.label for c in choices] == ["2026 to 2027 (draft)", "2025 to 2026 (submitted)"]
    with pytest.raises(AccessDenied):
        actions.plan_choices(world.db, world.actor("outsider"), world.team_id, TODAY)


def test_due_dates_are_typed_as_day_month_and_year() -> None:
    assert actions.parse_due_date("31", "3", "2027") == date(2027, 3, 31)
    assert actions.parse_due_date(" ", "", "") is None
    with pytest.raises(InputError, match="must include a month and a year"):
        actions.parse_due_date("31", "", "")
    with pytest.raises(InputError, match="real date"):
        actions.parse_due_date("31", "2", "2027")
    with pytest.raises(InputError, match="as numbers"):
        actions.parse_due_date("first", "3", "2027")
    with pytest.raises(InputError, match="4 numbers"):
        actions.parse_due_date("1", "3", "27")
