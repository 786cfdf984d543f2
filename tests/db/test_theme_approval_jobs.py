"""Approving themes as a background job gives the answers imported since the themes were found
their nearest approved theme: progress, cancelling, failing with nothing half-written, and one
theme job per question (finding or approving), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.db.jobs_support import run_queued_jobs
from tests.db.test_jobs import Held, world
from tests.db.test_surveys import MAPPING, imported, survey_csv
from tests.factories import World
from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.db.models import SurveyAnswer, ThemeAssignment, ThemeSet
from ue_core.errors import ConflictError, InputError
from ue_core.jobs import JobContext, JobState, execute
from ue_core.services import jobs
from ue_core.services.surveys import imports, refine, theme_jobs, theme_sets, views

__all__ = ["world"]

LATER = [
    "There is never enough time to engage before the release",
    "Our survey response rate is very low",
    "Parking at the office is expensive",
]


def drafted_with_later_answers(world: World) -> tuple[int, int, int]:
    """A draft theme set, then three answers imported after it: (question, set, version)."""
    consultant = world.actor("consultant")
    survey_id, question_id = imported(world)
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    raw = imports.read_file(survey_csv(LATER, start=100), "later.csv")
    imports.add_responses(world.db, consultant, survey_id, raw, MAPPING)
    view = views.current_theme_set(world.db, consultant, question_id)
    assert view is not None and view.id == set_id
    return question_id, set_id, view.version


def approval_rows(db: Database, set_id: int) -> tuple[str, int, int]:
    """The set's status, its assignments, and answers with a vector in its space."""
    with db.read() as session:
        theme_set = session.get(ThemeSet, set_id)
        assert theme_set is not None
        assigned = session.scalar(
            select(func.count())
            .select_from(ThemeAssignment)
            .where(ThemeAssignment.theme_set_id == set_id)
        )
        in_space = session.scalar(
            select(func.count())
            .select_from(SurveyAnswer)
            .where(
                SurveyAnswer.question_id == theme_set.question_id,
                SurveyAnswer.embedding_space == theme_set.embedding_space,
            )
        )
        return theme_set.status, assigned or 0, in_space or 0


def test_an_approval_job_themes_the_later_answers_with_progress(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    question_id, set_id, version = drafted_with_later_answers(world)
    _, before, in_space = approval_rows(world.db, set_id)
    seen: list[tuple[float, str]] = []
    monkeypatch.setattr(
        JobContext,
        "progress",
        lambda self, fraction, message: seen.append((fraction, message)),
    )
    started = theme_jobs.start_approving(world.db, consultant, set_id, expected_version=version)
    assert started.state is JobState.QUEUED and started.kind == theme_jobs.APPROVE_KIND
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.SUCCEEDED, done.error
    assert done.result is not None and done.result["assigned"] == len(LATER)
    assert done.result_summary is not None and done.result_summary.startswith(
        "Themes approved; 3 later answers given a theme"
    )
    assert done.subject_label == "Barriers survey: What are the barriers?"
    assert approval_rows(world.db, set_id) == (views.APPROVED, before + 3, in_space + 3)
    # The later answers were read before the saving step, each step reported.
    messages = [message for _, message in seen]
    assert "Reading later answers: 0 of 3 done" in messages
    assert messages[-1] == "Saving the approval and the later answers' themes"
    assert [fraction for fraction, _ in seen] == sorted(fraction for fraction, _ in seen)
    assert theme_jobs.theme_job(world.db, consultant, question_id) == done


def _cancelled_at_once(
    db: Database, actor: Actor, arguments: dict[str, Any], context: JobContext
) -> dict[str, Any]:
    jobs.cancel_job(db, actor, context.job_id)  # the person presses Cancel as it starts
    return theme_jobs.approve_themes_work(db, actor, arguments, context)


def test_a_cancelled_approval_saves_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(execute.KINDS, theme_jobs.APPROVE_KIND, f"{__name__}:_cancelled_at_once")
    consultant = world.actor("consultant")
    _, set_id, version = drafted_with_later_answers(world)
    before = approval_rows(world.db, set_id)
    started = theme_jobs.start_approving(world.db, consultant, set_id, expected_version=version)
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.CANCELLED and done.result is None
    assert approval_rows(world.db, set_id) == before
    assert before[0] == views.DRAFT


def test_an_approval_failing_while_saving_leaves_nothing_half_written(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    _, set_id, version = drafted_with_later_answers(world)
    before = approval_rows(world.db, set_id)

    def broken_audit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")  # status, vectors and themes are written by now

    monkeypatch.setattr(theme_sets.audit, "record", broken_audit)
    started = theme_jobs.start_approving(world.db, consultant, set_id, expected_version=version)
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.FAILED and done.error == execute.UNEXPECTED
    assert approval_rows(world.db, set_id) == before


def test_an_approval_of_changed_themes_fails_and_says_why(world: World) -> None:
    consultant = world.actor("consultant")
    _, set_id, version = drafted_with_later_answers(world)
    with pytest.raises(ConflictError, match="Someone else changed these themes"):
        theme_jobs.start_approving(world.db, consultant, set_id, expected_version=version - 1)
    started = theme_jobs.start_approving(world.db, consultant, set_id, expected_version=version)
    # Someone renames a theme while the job waits: the job refuses to approve what it did not see.
    first = views.theme_set(world.db, consultant, set_id).themes[0].id
    refine.rename_theme(world.db, consultant, set_id, first, "Time", expected_version=version)
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.FAILED
    assert done.error is not None and "Someone else changed these themes first" in done.error
    assert approval_rows(world.db, set_id)[0] == views.DRAFT


def test_one_theme_job_per_question_whatever_its_kind(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    question_id, set_id, version = drafted_with_later_answers(world)
    held = Held()
    monkeypatch.setattr(theme_jobs, "runner_for", lambda db: held)
    approving = theme_jobs.start_approving(world.db, consultant, set_id, expected_version=version)
    with pytest.raises(ConflictError, match="already being approved"):
        theme_jobs.start_approving(world.db, consultant, set_id, expected_version=version)
    with pytest.raises(ConflictError, match="already being approved"):
        theme_jobs.start_finding_themes(
            world.db, consultant, question_id, 4, expected_current=(set_id, version)
        )
    jobs.cancel_job(world.db, consultant, approving.id)
    finding = theme_jobs.start_finding_themes(
        world.db, consultant, question_id, 4, expected_current=(set_id, version)
    )
    with pytest.raises(ConflictError, match="already being found"):
        theme_jobs.start_approving(world.db, consultant, set_id, expected_version=version)
    assert held.submitted == [approving.id, finding.id]


def test_approved_themes_cannot_be_approved_again(world: World) -> None:
    consultant = world.actor("consultant")
    _, set_id, version = drafted_with_later_answers(world)
    theme_sets.approve(world.db, consultant, set_id, expected_version=version)
    with pytest.raises(InputError, match="already approved"):
        theme_jobs.start_approving(world.db, consultant, set_id, expected_version=version + 1)
