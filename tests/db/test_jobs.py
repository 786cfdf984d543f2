"""Background jobs on SQLite (the app's job thread) and PostgreSQL (procrastinate): progress,
cancelling, failing with nothing half-written, and one theme job per survey question."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from tests.db.jobs_support import run_queued_jobs
from tests.db.test_surveys import imported, survey_csv
from tests.factories import World, build_world
from ue_core.authz import AccessDenied, Actor
from ue_core.db.engine import Database
from ue_core.db.models import Job, Theme, ThemeAssignment, ThemeSet
from ue_core.errors import ConflictError, InputError
from ue_core.jobs import JobContext, JobState, execute
from ue_core.jobs import store as job_store
from ue_core.jobs.context import SAVE_EVERY
from ue_core.services import jobs
from ue_core.services.surveys import theme_jobs, theme_sets, views
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    return build_world(any_db)


class Held:
    """A runner that keeps jobs queued (as when every worker is busy)."""

    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, job_id: int) -> None:
        self.submitted.append(job_id)


def theme_rows(db: Database) -> tuple[int, int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(ThemeSet)) or 0,
            session.scalar(select(func.count()).select_from(Theme)) or 0,
            session.scalar(select(func.count()).select_from(ThemeAssignment)) or 0,
        )


def test_a_theme_job_finds_and_saves_themes(world: World) -> None:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    started = theme_jobs.start_finding_themes(
        world.db, consultant, question_id, 4, expected_current=None
    )
    assert started.state is JobState.QUEUED
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.SUCCEEDED
    assert done.progress == 1.0 and done.finished_at is not None and done.error is None
    current = views.current_theme_set(world.db, consultant, question_id)
    assert current is not None and done.result == {"theme_set_id": current.id}
    assert len(current.themes) == 4
    # Any page where the person looks finds the same job.
    assert theme_jobs.theme_job(world.db, consultant, question_id) == done
    assert [j.id for j in jobs.my_jobs(world.db, consultant)] == [started.id]


def test_only_the_starter_and_hub_staff_see_a_job(world: World) -> None:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    started = theme_jobs.start_finding_themes(
        world.db, consultant, question_id, 4, expected_current=None
    )
    run_queued_jobs(world.db)
    assert jobs.job_status(world.db, world.actor("admin"), started.id).id == started.id
    with pytest.raises(AccessDenied):
        jobs.job_status(world.db, world.actor("member"), started.id)
    assert jobs.my_jobs(world.db, world.actor("member")) == []


def test_one_theme_job_per_question(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    consultant, admin = world.actor("consultant"), world.actor("admin")
    _, question_id = imported(world)
    held = Held()
    monkeypatch.setattr(theme_jobs, "runner_for", lambda db: held)
    first = theme_jobs.start_finding_themes(
        world.db, consultant, question_id, 4, expected_current=None
    )
    with pytest.raises(ConflictError, match="already being found for this question"):
        theme_jobs.start_finding_themes(world.db, consultant, question_id, 5, expected_current=None)
    # The database itself refuses a second active job on the question, whoever writes it.
    with pytest.raises(IntegrityError), world.db.transaction() as session:
        session.execute(
            insert(Job).values(
                kind=theme_jobs.KIND,
                started_by_id=admin.user_id,
                subject_id=question_id,
                arguments={},
                state="running",
                progress=0.0,
                message="",
                cancel_requested=False,
                attempts=1,
            )
        )
    assert held.submitted == [first.id]
    cancelled = jobs.cancel_job(world.db, consultant, first.id)
    assert cancelled.state is JobState.CANCELLED  # it had not started: cancelled at once
    with pytest.raises(InputError, match="already ended"):
        jobs.cancel_job(world.db, consultant, first.id)
    # Once the first has ended, another may start.
    second = theme_jobs.start_finding_themes(
        world.db, consultant, question_id, 5, expected_current=None
    )
    assert second.state is JobState.QUEUED and held.submitted == [first.id, second.id]


def test_a_job_that_saw_old_themes_is_refused_before_it_starts(world: World) -> None:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    with pytest.raises(ConflictError, match="Someone else changed the themes"):
        theme_jobs.start_finding_themes(world.db, consultant, question_id, 4, expected_current=None)
    with world.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def _slow_work(
    db: Database, actor: Actor, arguments: dict[str, Any], context: JobContext
) -> dict[str, Any]:
    """Report three steps; after each, read the job back as the page would."""
    seen = []
    for step in (1, 2, 3):
        time.sleep(SAVE_EVERY + 0.05)
        context.progress(step / 4, f"Step {step} of 4")
        view = jobs.job_status(db, actor, context.job_id)
        seen.append((view.state.value, view.progress, view.message))
        if arguments.get("cancel_at") == step:
            jobs.cancel_job(db, actor, context.job_id)
    return {"seen": seen}


def test_progress_is_saved_while_the_job_runs(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(execute.KINDS, "test_slow", f"{__name__}:_slow_work")
    consultant = world.actor("consultant")
    job_id = _add(world.db, consultant, {})
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, job_id)
    assert done.state is JobState.SUCCEEDED
    assert done.result == {
        "seen": [
            ["running", 0.25, "Step 1 of 4"],
            ["running", 0.5, "Step 2 of 4"],
            ["running", 0.75, "Step 3 of 4"],
        ]
    }


def test_a_running_job_stops_at_its_next_report_when_cancelled(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(execute.KINDS, "test_slow", f"{__name__}:_slow_work")
    consultant = world.actor("consultant")
    job_id = _add(world.db, consultant, {"cancel_at": 1})
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, job_id)
    assert done.state is JobState.CANCELLED
    assert done.result is None and done.progress == 0.5  # it stopped at step 2's report
    assert done.message == "Cancelled: nothing was saved"


def _add(db: Database, actor: Actor, arguments: dict[str, Any], kind: str = "test_slow") -> int:
    from ue_core.jobs.runners import runner_for

    with db.transaction() as session:
        job_id = job_store.add_job(session, kind, actor.user_id, None, arguments, "Waiting").id
    runner_for(db).submit(job_id)
    return job_id


def _cancelled_at_once(
    db: Database, actor: Actor, arguments: dict[str, Any], context: JobContext
) -> dict[str, Any]:
    jobs.cancel_job(db, actor, context.job_id)  # the person presses Cancel as it starts
    return theme_jobs.find_themes_work(db, actor, arguments, context)


def test_a_cancelled_theme_job_saves_no_themes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(execute.KINDS, "find_themes", f"{__name__}:_cancelled_at_once")
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    started = theme_jobs.start_finding_themes(
        world.db, consultant, question_id, 4, expected_current=None
    )
    run_queued_jobs(world.db)
    assert jobs.job_status(world.db, consultant, started.id).state is JobState.CANCELLED
    assert theme_rows(world.db) == (0, 0, 0)


def test_a_job_failing_while_saving_leaves_nothing_half_written(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    calls = []

    def broken_audit(*args: Any, **kwargs: Any) -> None:
        calls.append(args)  # the themes and assignments are inserted by now
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(theme_sets.audit, "record", broken_audit)
    started = theme_jobs.start_finding_themes(
        world.db, consultant, question_id, 4, expected_current=None
    )
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.FAILED
    assert done.error == execute.UNEXPECTED and "nothing was saved" in done.error
    assert len(calls) == 3  # tried three times before giving up
    assert theme_rows(world.db) == (0, 0, 0)
    # The question is free again for a new job.
    assert theme_jobs.theme_job(world.db, consultant, question_id) == done


def test_a_failed_job_says_why(world: World) -> None:
    consultant = world.actor("consultant")
    raw = survey_csv(["!!!", "...", "?"])
    _, question_id = imported(world, raw)
    started = theme_jobs.start_finding_themes(
        world.db, consultant, question_id, 2, expected_current=None
    )
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.FAILED
    assert done.error == "None of the answers to this question has any words to group."
    assert theme_rows(world.db) == (0, 0, 0)


def test_a_job_whose_worker_died_starts_again(world: World) -> None:
    """Left running by a worker that died, a job is started again (up to three starts)."""
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    with world.db.transaction() as session:
        job = job_store.add_job(
            session,
            theme_jobs.KIND,
            consultant.user_id,
            question_id,
            {"question_id": question_id, "n_themes": 4, "expected_current": None},
            "Waiting",
        )
        job.state, job.attempts = JobState.RUNNING, 1
        job_id = job.id
    assert execute.run_job(world.db, job_id) is execute.Outcome.DONE
    done = jobs.job_status(world.db, consultant, job_id)
    assert done.state is JobState.SUCCEEDED
    with world.db.transaction() as session:
        again = job_store.add_job(session, "test_slow", consultant.user_id, None, {}, "Waiting")
        again.state, again.attempts = JobState.RUNNING, 3
        again_id = again.id
    execute.run_job(world.db, again_id)
    given_up = jobs.job_status(world.db, consultant, again_id)
    assert given_up.state is JobState.FAILED
    assert given_up.error is not None and "stopped 3 times" in given_up.error
