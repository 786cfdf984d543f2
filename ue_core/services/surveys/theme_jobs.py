"""Finding themes as a background job: starting it, finding the question's job, its work.

The page starts the job and polls it; the work runs ``theme_sets.find_themes`` as the person
who started it, in a worker (PostgreSQL) or the app's job thread (SQLite). The theme set is
written in one transaction at the end, so a job cancelled or failed before that leaves nothing
half-written. One theme job per question may be queued or running at a time (the database's
partial unique index on the job table says so).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import Job
from ue_core.errors import ConflictError
from ue_core.jobs import JobContext
from ue_core.jobs import store as job_store
from ue_core.jobs.runners import runner_for
from ue_core.services.jobs import JobView, job_view
from ue_core.services.surveys._shared import _question
from ue_core.services.surveys.theme_sets import _check_current, _check_n_themes, find_themes
from ue_core.timefmt import format_datetime

KIND: Final = "find_themes"


def start_finding_themes(
    db: Database,
    actor: Actor,
    question_id: int,
    n_themes: int | None = None,
    *,
    expected_current: tuple[int, int] | None,
    seed: int = 0,
    n_top_themes: int | None = None,
) -> JobView:
    """Start finding themes for a question in the background; returns the queued job.

    Checked now as ``find_themes`` checks (the number of themes, the set the person saw) and
    again when the job saves. Refused with ConflictError while another theme job for the
    question is queued or running.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    _check_n_themes(n_themes, n_top_themes)
    arguments: dict[str, Any] = {
        "question_id": question_id,
        "n_themes": n_themes,
        "n_top_themes": n_top_themes,
        "expected_current": list(expected_current) if expected_current else None,
        "seed": seed,
    }
    with db.transaction(locking=True) as session:
        _question(session, question_id)
        _check_current(session, question_id, expected_current)
        try:
            job = job_store.add_job(
                session, KIND, actor.user_id, question_id, arguments, "Waiting to start"
            )
        except job_store.AlreadyRunning:
            raise _already_running(session, question_id) from None
        view = job_view(session, job)
    runner_for(db).submit(view.id)
    return view


def _already_running(session: Session, question_id: int) -> ConflictError:
    job = job_store.active_job(session, KIND, question_id)
    view = job_view(session, job) if job is not None else None
    who = view.started_by_name if view is not None else "Someone"
    since = f" on {format_datetime(view.created_at)}" if view is not None else ""
    return ConflictError(
        f"Themes are already being found for this question: {who} started it{since}. Wait "
        "for it to finish, or cancel it, then start again.",
        current={"Started by": who},
    )


def theme_job(db: Database, actor: Actor, question_id: int) -> JobView | None:
    """The question's latest theme job (queued, running or ended), or None if there is none."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        job = session.scalar(
            select(Job)
            .where(Job.kind == KIND, Job.subject_id == question_id)
            .order_by(Job.id.desc())
            .limit(1)
        )
        return job_view(session, job) if job is not None else None


def find_themes_work(
    db: Database, actor: Actor, arguments: dict[str, Any], context: JobContext
) -> dict[str, Any]:
    """The job's work: find and save the themes, reporting progress; the new set's id."""
    expected = arguments.get("expected_current")
    set_id = find_themes(
        db,
        actor,
        int(arguments["question_id"]),
        arguments.get("n_themes"),
        expected_current=(int(expected[0]), int(expected[1])) if expected else None,
        seed=int(arguments.get("seed", 0)),
        progress=context.progress,
        n_top_themes=arguments.get("n_top_themes"),
    )
    return {"theme_set_id": set_id}
