"""Organisational commitments: a champion keeps their own, the hub sees progress."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import World, build_world
from ue_core.authz import AccessDenied
from ue_core.commitment_themes import CommitmentStatus
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, CommitmentAction, Team
from ue_core.errors import ConflictError, InputError
from ue_core.services import commitments
from ue_core.services.commitments import ActionDraft

TODAY = date(2026, 12, 3)


@pytest.fixture
def world(any_db: Database) -> World:
    return build_world(any_db)


def other_organisation(world: World) -> int:
    with world.db.read() as session:
        team = session.get(Team, world.other_team_id)
        assert team is not None
        return team.organisation_id


def draft(**changes: object) -> ActionDraft:
    values: dict[str, object] = {
        "theme": "understand_users",
        "text": "Map who uses our housing statistics",
        "owner": "Head of profession",
        "starts_on": date(2026, 4, 1),
        "due_on": date(2026, 9, 30),
    }
    values.update(changes)
    return ActionDraft(**values)  # type: ignore[arg-type]


def committed(world: World) -> None:
    commitments.save_statement(
        world.db,
        world.actor("champion"),
        world.organisation_id,
        "We will put users first.",
        date(2026, 3, 1),
        expected_version=0,
    )


def test_champion_writes_and_changes_their_own_commitment(world: World) -> None:
    champion = world.actor("champion")
    committed(world)
    added = commitments.add_commitment_action(world.db, champion, world.organisation_id, draft())
    changed = commitments.change_commitment_action_status(
        world.db, champion, added.id, CommitmentStatus.IN_PROGRESS, expected_version=added.version
    )
    view = commitments.organisation_commitment(world.db, champion, world.organisation_id)
    assert view.statement == "We will put users first."
    assert view.can_edit
    assert [(a.theme_label, a.status) for a in view.actions] == [
        ("Understand users and current engagement", CommitmentStatus.IN_PROGRESS)
    ]
    assert changed.version > added.version
    with world.db.read() as session:
        codes = set(session.scalars(select(AuditEvent.action)))
    assert {"save_commitment", "add_commitment_action", "change_commitment_action_status"} <= codes


def test_a_team_member_reads_their_organisations_commitment_only(world: World) -> None:
    committed(world)
    view = commitments.organisation_commitment(
        world.db, world.actor("member"), world.organisation_id
    )
    assert view.statement and not view.can_edit
    with pytest.raises(AccessDenied):
        commitments.organisation_commitment(
            world.db, world.actor("outsider"), world.organisation_id
        )


def test_champion_is_refused_another_organisations_commitment(world: World) -> None:
    other = other_organisation(world)
    with pytest.raises(AccessDenied):
        commitments.save_statement(
            world.db, world.actor("champion"), other, "Not ours", None, expected_version=0
        )
    commitments.save_statement(
        world.db, world.actor("admin"), other, "Theirs", None, expected_version=0
    )
    with pytest.raises(AccessDenied):
        commitments.add_commitment_action(world.db, world.actor("champion"), other, draft())
    with pytest.raises(AccessDenied):
        commitments.save_statement(
            world.db, world.actor("consultant"), other, "Hub", None, expected_version=1
        )


def test_bad_input_says_what_to_change(world: World) -> None:
    champion = world.actor("champion")
    committed(world)
    cases = {
        "on or after the start date": draft(due_on=date(2026, 3, 1)),
        "Choose one of the themes": draft(theme="world_peace"),
        "Enter what the action is": draft(text="   "),
        "Enter who owns": draft(owner=""),
        "date the action is due": draft(due_on=None),
    }
    for message, bad in cases.items():
        with pytest.raises(InputError, match=message):
            commitments.add_commitment_action(world.db, champion, world.organisation_id, bad)
    with pytest.raises(InputError, match="commitment to the strategy"):
        commitments.save_statement(
            world.db, champion, world.organisation_id, " ", None, expected_version=1
        )
    with world.db.read() as session:
        assert session.scalar(select(func.count()).select_from(CommitmentAction)) == 0


def test_a_stale_version_is_refused(world: World) -> None:
    champion = world.actor("champion")
    committed(world)
    with pytest.raises(ConflictError):
        commitments.save_statement(
            world.db, champion, world.organisation_id, "Again", None, expected_version=0
        )
    added = commitments.add_commitment_action(world.db, champion, world.organisation_id, draft())
    commitments.update_commitment_action(
        world.db, champion, added.id, draft(owner="Someone else"), expected_version=added.version
    )
    with pytest.raises(ConflictError):
        commitments.update_commitment_action(
            world.db, champion, added.id, draft(owner="Me"), expected_version=added.version
        )


def test_hub_progress_counts_overdue_actions_and_organisations_without_one(world: World) -> None:
    champion = world.actor("champion")
    committed(world)
    org = world.organisation_id
    commitments.add_commitment_action(world.db, champion, org, draft())  # due 30 Sep: overdue
    done = commitments.add_commitment_action(world.db, champion, org, draft())
    commitments.change_commitment_action_status(
        world.db, champion, done.id, CommitmentStatus.DONE, expected_version=done.version
    )
    commitments.add_commitment_action(
        world.db, champion, org, draft(theme="work_together", due_on=date(2027, 3, 31))
    )
    progress = commitments.commitments_progress(world.db, world.actor("consultant"), TODAY)
    ours = next(o for o in progress.organisations if o.organisation_id == org)
    assert ours.overdue == 1 and ours.actions == 3
    assert ours.by_status[CommitmentStatus.DONE] == 1
    assert progress.overdue_by_theme["understand_users"] == 1
    assert progress.by_theme["work_together"][CommitmentStatus.PLANNED] == 1
    assert [o.organisation_name for o in progress.without_commitment] == ["Ministry of Other Tests"]
    with pytest.raises(AccessDenied):
        commitments.commitments_progress(world.db, champion, TODAY)
