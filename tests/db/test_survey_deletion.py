"""Deleting a survey on SQLite and PostgreSQL: all of it goes, in one audited transaction, or
none of it does."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.db.test_surveys import MAPPING, TOPICS, current, survey_csv
from tests.factories import World, build_world
from ue_core.authz import AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import (
    AuditEvent,
    Base,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Theme,
    ThemeAction,
    ThemeAssignment,
    ThemeSet,
)
from ue_core.errors import ConflictError
from ue_core.services.surveys import deletion, imports, theme_sets, views, you_said_we_did
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA

SURVEY_TABLES: tuple[type[Base], ...] = (
    Survey,
    SurveyQuestion,
    SurveyResponse,
    SurveyAnswer,
    ThemeSet,
    Theme,
    ThemeAssignment,
    ThemeAction,
)


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    return build_world(any_db)


def _survey(world: World, title: str, texts: list[str]) -> int:
    consultant = world.actor("consultant")
    raw = imports.read_file(survey_csv(texts), "survey.csv")
    return imports.import_survey(world.db, consultant, raw, MAPPING, title).survey_id


def _themed(world: World) -> tuple[int, int]:
    """Two surveys; the first has approved themes and a you said, we did action."""
    consultant = world.actor("consultant")
    doomed = _survey(world, "Barriers", [t for topic in TOPICS.values() for t in topic])
    kept = _survey(world, "Kept", TOPICS["time"] + TOPICS["survey"])
    question_id = views.get_survey(world.db, consultant, doomed).free_text_questions[0].id
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    theme_sets.approve(
        world.db, consultant, set_id, expected_version=current(world, question_id).version
    )
    theme = current(world, question_id).themes[0]
    you_said_we_did.add_theme_action(world.db, consultant, theme.id, "Wrote guidance", "done")
    return doomed, kept


def _rows(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in SURVEY_TABLES
        }


def test_deleting_a_survey_leaves_nothing_of_it_and_keeps_the_others(world: World) -> None:
    consultant = world.actor("consultant")
    doomed, kept = _themed(world)
    kept_contents = deletion.survey_contents(world.db, consultant, kept)
    contents = deletion.survey_contents(world.db, consultant, doomed)
    assert (contents.responses, contents.answers, contents.embeddings) == (20, 20, 20)
    assert (contents.theme_sets, contents.themes, contents.theme_actions) == (1, 4, 1)
    assert contents.describe() == (
        "20 responses, 20 answers, 1 theme set, 4 themes and 1 you said, we did action"
    )

    deletion.delete_survey(world.db, consultant, doomed, expected_answers=20)

    assert [s.id for s in views.list_surveys(world.db, consultant)] == [kept]
    assert deletion.survey_contents(world.db, consultant, kept) == kept_contents
    rows = _rows(world.db)
    assert rows["survey"] == 1 and rows["survey_answer"] == kept_contents.answers
    assert rows["theme_set"] == rows["theme"] == rows["theme_action"] == 0
    assert rows["theme_assignment"] == 0
    with world.db.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "delete_survey")
        ).one()
    assert (event.actor_user_id, event.entity_type, event.entity_id) == (
        consultant.user_id,
        "survey",
        doomed,
    )
    assert event.before is not None and event.before["answers"] == 20
    assert event.before["title"] == "Barriers"


def test_a_failure_mid_way_leaves_everything_in_place(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    doomed, _ = _themed(world)
    before = _rows(world.db)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    # Every row is deleted by the time the audit row is written; then the write fails.
    monkeypatch.setattr(deletion.audit, "record", broken)
    with pytest.raises(RuntimeError, match="disk is full"):
        deletion.delete_survey(world.db, consultant, doomed, expected_answers=20)
    assert _rows(world.db) == before


def test_answers_added_after_confirming_stop_the_deletion(world: World) -> None:
    consultant = world.actor("consultant")
    doomed = _survey(world, "Barriers", TOPICS["time"])
    before = _rows(world.db)
    with pytest.raises(ConflictError, match="now has 5 answers, not the 4"):
        deletion.delete_survey(world.db, consultant, doomed, expected_answers=4)
    assert _rows(world.db) == before


@pytest.mark.parametrize("who", ["member", "lead", "champion", "admin"])
def test_only_hub_consultants_may_delete_a_survey(world: World, who: str) -> None:
    doomed = _survey(world, "Barriers", TOPICS["time"])
    before = _rows(world.db)
    with pytest.raises(AccessDenied):
        deletion.survey_contents(world.db, world.actor(who), doomed)
    with pytest.raises(AccessDenied):
        deletion.delete_survey(world.db, world.actor(who), doomed, expected_answers=5)
    assert _rows(world.db) == before
