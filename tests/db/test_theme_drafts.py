"""Finding themes again never silently deletes a colleague's draft (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.db.test_surveys import current, imported, world
from tests.factories import World
from ue_core.db.models import AuditEvent, ThemeAction
from ue_core.errors import ConflictError
from ue_core.services.surveys import refine, theme_sets, views, you_said_we_did

__all__ = ["world"]


def edited_draft(world: World) -> tuple[int, int]:
    """A draft a colleague renamed, moved an answer in and gave an action; returns ids."""
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    view = current(world, question_id)
    first, second = view.themes[0], view.themes[1]
    refine.rename_theme(
        world.db, consultant, set_id, first.id, "Not enough time", expected_version=1
    )
    answer = next(
        a.answer_id
        for a in views.coded_answers(world.db, consultant, set_id)
        if a.theme_id == first.id
    )
    refine.move_answers(world.db, consultant, set_id, [answer], second.id, expected_version=2)
    you_said_we_did.add_theme_action(
        world.db, consultant, first.id, "Timetable a user event each quarter", "planned"
    )
    return question_id, set_id


def test_finding_themes_over_a_draft_changed_since_the_page_was_drawn_is_refused(
    world: World,
) -> None:
    consultant = world.actor("consultant")
    question_id, set_id = edited_draft(world)
    # The person opened the page when the draft was as found (version 1).
    with pytest.raises(ConflictError, match="Someone else changed the themes"):
        theme_sets.find_themes(world.db, consultant, question_id, 3, expected_current=(set_id, 1))
    # Or before there were any themes at all.
    with pytest.raises(ConflictError):
        theme_sets.find_themes(world.db, consultant, question_id, 3, expected_current=None)
    kept = current(world, question_id)
    assert kept.id == set_id
    assert "Not enough time" in [theme.label for theme in kept.themes]
    with world.db.read() as session:
        assert session.scalars(select(ThemeAction.action)).all() == [
            "Timetable a user event each quarter"
        ]


def test_replacing_a_draft_says_what_is_lost_and_audits_what_was_deleted(world: World) -> None:
    consultant = world.actor("consultant")
    question_id, set_id = edited_draft(world)
    edits = theme_sets.draft_edits(world.db, consultant, question_id)
    assert edits is not None and edits.has_edits
    assert edits.renamed == ("Not enough time",)
    assert edits.moved_by_hand == 1
    assert edits.actions == ("Timetable a user event each quarter",)
    assert any("Not enough time" in line for line in edits.losses())
    seen = current(world, question_id)
    new_id = theme_sets.find_themes(
        world.db, consultant, question_id, 3, expected_current=(seen.id, seen.version)
    )
    replaced = current(world, question_id)
    assert replaced.id == new_id and replaced.version == 1
    assert len(replaced.themes) == 3 and not any(t.renamed for t in replaced.themes)
    with world.db.read() as session:
        assert session.scalars(select(ThemeAction)).all() == []
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "delete_theme_draft")
        ).one()
    assert event.entity_id == set_id and event.actor_user_id == consultant.user_id
    assert event.before is not None
    assert "Not enough time" in event.before["themes"]
    assert event.before["renamed"] == ["Not enough time"]
    assert event.before["moved_by_hand"] == 1
    assert event.before["actions"] == [
        {
            "theme": "Not enough time",
            "action": "Timetable a user event each quarter",
            "status": "planned",
        }
    ]
    fresh = theme_sets.draft_edits(world.db, consultant, question_id)
    assert fresh is not None and not fresh.has_edits and fresh.losses() == []
