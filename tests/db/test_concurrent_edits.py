"""Two people saving at once: targets, 'you said, we did' actions and survey additions.

Each test runs two threads with their own sessions on SQLite and on PostgreSQL; neither
person's change is lost silently and no raw database error escapes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, select

from tests.db import test_results
from tests.db.test_surveys import MAPPING, imported, survey_csv
from tests.factories import World, build_world
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.models import Survey, SurveyResponse, Target, ThemeAction
from ue_core.errors import ConflictError, InputError
from ue_core.services import results, target_setting
from ue_core.services.frameworks import sync_framework
from ue_core.services.surveys import imports, theme_sets, views, you_said_we_did
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA


def at_once(*saves: Callable[[], Any]) -> list[Any]:
    """Run the saves in threads started together; each result or the exception it raised."""
    start = threading.Barrier(len(saves))
    outcomes: list[Any] = [None] * len(saves)

    def run(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = saves[index]()
        except Exception as error:  # the outcome under test, raised in another thread
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(saves))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def one_saved_one_refused(outcomes: list[Any]) -> None:
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1, outcomes
    assert isinstance(errors[0], ConflictError), repr(errors[0])
    assert "Someone else" in str(errors[0])


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def profiled_assessment(world: World) -> int:
    """An assessment with a profile but no saved targets (as when the profile is carried)."""
    assessment_id = test_results.agree_round(world, test_results.FIRST_ROUND_DAY, {})
    member = world.actor("member")
    version = results.assessment_scores(
        world.db, member, assessment_id, test_results.LATER
    ).header.version
    target_setting.set_profile(
        world.db, member, assessment_id, test_results.PROFILE, expected_version=version
    )
    with world.db.transaction() as session:
        session.execute(delete(Target).where(Target.assessment_id == assessment_id))
    return assessment_id


def test_two_people_setting_the_same_new_target_one_is_told_the_other_saved_first(
    world: World,
) -> None:
    assessment_id = profiled_assessment(world)
    member, lead = world.actor("member"), world.actor("lead")
    key = "working-together"

    def save(who: Any, level: int, reason: str) -> Callable[[], Any]:
        return lambda: target_setting.set_target(
            world.db, who, assessment_id, key, level, reason, expected=None
        )

    outcomes = at_once(save(member, 1, "Start small"), save(lead, 5, "Aim high"))
    one_saved_one_refused(outcomes)
    saved = next(o for o in outcomes if not isinstance(o, Exception))
    with world.db.read() as session:
        row = session.scalars(
            select(Target).where(Target.assessment_id == assessment_id, Target.principle_key == key)
        ).one()
    assert (row.level, row.reason_for_change) == (saved.level, saved.reason_for_change)
    assert row.version == 1


def test_a_target_changed_since_the_page_was_drawn_is_not_overwritten(world: World) -> None:
    assessment_id = profiled_assessment(world)
    member, lead = world.actor("member"), world.actor("lead")
    key = "working-together"
    target_setting.set_target(world.db, member, assessment_id, key, 1, "Start small", expected=None)
    # The lead opened the page before the member saved.
    with pytest.raises(ConflictError) as conflict:
        target_setting.set_target(world.db, lead, assessment_id, key, 5, "Aim high", expected=None)
    assert conflict.value.current == {"level": 1, "reason_for_change": "Start small"}
    later = target_setting.set_target(
        world.db, lead, assessment_id, key, 5, "Aim high", expected=(1, "Start small")
    )
    assert later.level == 5
    with world.db.read() as session:
        assert session.scalars(select(Target.version).where(Target.principle_key == key)).one() == 2


def themed_action(world: World) -> int:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    theme = views.theme_set(world.db, consultant, set_id).themes[0]
    return you_said_we_did.add_theme_action(
        world.db, consultant, theme.id, "Run a user event", "planned"
    )


def test_two_people_changing_one_action_at_once_one_is_refused(world: World) -> None:
    action_id = themed_action(world)
    consultant = world.actor("consultant")

    def change(who: Any, status: str) -> Callable[[], Any]:
        return lambda: you_said_we_did.update_theme_action(
            world.db, who, action_id, "Run a user event", status, None, expected_version=1
        )

    one_saved_one_refused(at_once(change(consultant, "done"), change(consultant, "in_progress")))
    with world.db.read() as session:
        row = session.get(ThemeAction, action_id)
        assert row is not None and row.version == 2
    with pytest.raises(ConflictError):
        you_said_we_did.delete_theme_action(world.db, consultant, action_id, expected_version=1)
    you_said_we_did.delete_theme_action(world.db, consultant, action_id, expected_version=2)
    with world.db.read() as session:
        assert session.get(ThemeAction, action_id) is None


def addition(texts: list[str], start: int) -> imports.RawTable:
    return imports.read_file(survey_csv(texts, start=start), "later.csv")


def test_two_additions_at_once_keep_both_redaction_counts(world: World) -> None:
    survey_id, _ = imported(world)
    consultant = world.actor("consultant")
    with world.db.read() as session:
        survey = session.get(Survey, survey_id)
        assert survey is not None
        before = int(survey.redaction_counts.get("email", 0))
    first = addition(["Write to ann@example.org about time"], 300)
    second = addition(["Email bob@example.org, we have no list"], 400)
    outcomes = at_once(
        lambda: imports.add_responses(world.db, consultant, survey_id, first, MAPPING),
        lambda: imports.add_responses(world.db, consultant, survey_id, second, MAPPING),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    with world.db.read() as session:
        survey = session.get(Survey, survey_id)
        assert survey is not None
        assert int(survey.redaction_counts["email"]) == before + 2
        assert survey.version == 3


def test_two_additions_of_the_same_respondent_one_is_refused_with_a_message(
    world: World,
) -> None:
    survey_id, _ = imported(world)
    consultant = world.actor("consultant")
    same = addition(["We have no time"], 900)
    outcomes = at_once(
        lambda: imports.add_responses(world.db, consultant, survey_id, same, MAPPING),
        lambda: imports.add_responses(world.db, consultant, survey_id, same, MAPPING),
    )
    # Whichever way the two meet (queued by the lock, or racing to insert), the second is
    # refused with a message: the duplicate ID, or someone else's change.
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1, outcomes
    refused = errors[0]
    assert (isinstance(refused, ConflictError) and "Someone else" in str(refused)) or (
        isinstance(refused, InputError) and "already in this survey" in str(refused)
    ), repr(refused)
    with world.db.read() as session:
        refs = session.scalars(
            select(SurveyResponse.respondent_ref).where(SurveyResponse.respondent_ref == "R900")
        ).all()
    assert refs == ["R900"]
