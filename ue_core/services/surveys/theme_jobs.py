"""Finding and approving themes as background jobs: starting them, the question's job, the work.

The page starts the job and polls it; the work runs ``theme_sets.find_themes`` (or
``theme_sets.approve``, which gives the answers imported since the themes were found their
nearest approved theme) as the person who started it, in a worker (PostgreSQL) or the app's job
thread (SQLite). The work writes in one transaction at the end, so a job cancelled or failed
before that leaves nothing half-written. One theme job per question may be queued or running
at a time: the database's partial unique index on the job table holds one of each kind, and
starting either kind locks the question and refuses while a job of the other kind holds it.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import Job, SurveyQuestion, ThemeSet
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.jobs import JobContext
from ue_core.jobs import store as job_store
from ue_core.jobs.runners import runner_for
from ue_core.services.jobs import JobView, job_view
from ue_core.services.surveys import theme_sets
from ue_core.services.surveys._shared import _question
from ue_core.services.surveys.theme_sets import _check_current, _check_n_themes, find_themes
from ue_core.services.surveys.views import APPROVED
from ue_core.timefmt import format_datetime

KIND: Final = "find_themes"
APPROVE_KIND: Final = "approve_themes"
THEME_KINDS: Final = (KIND, APPROVE_KIND)


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
        _hold_question(session, question_id)
        _check_current(session, question_id, expected_current)
        view = _add(session, actor, KIND, question_id, arguments)
    runner_for(db).submit(view.id)
    return view


def start_approving(db: Database, actor: Actor, set_id: int, *, expected_version: int) -> JobView:
    """Approve a theme set in the background, theming the answers imported since; the job.

    Checked now against the version the person saw, and again when the job saves.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.transaction(locking=True) as session:
        theme_set = session.get(ThemeSet, set_id)
        if theme_set is None:
            raise NotFound("That theme set no longer exists. Reload the page.")
        _hold_question(session, theme_set.question_id)
        if theme_set.version != expected_version:
            raise ConflictError(
                "Someone else changed these themes first. The page now shows their version; "
                "check it, then approve them again.",
                current={"Version": theme_set.version, "Status": theme_set.status},
            )
        if theme_set.status == APPROVED:
            raise InputError("These themes are already approved.")
        arguments: dict[str, Any] = {"set_id": set_id, "expected_version": expected_version}
        view = _add(session, actor, APPROVE_KIND, theme_set.question_id, arguments)
    runner_for(db).submit(view.id)
    return view


def _hold_question(session: Session, question_id: int) -> None:
    """Lock the question (PostgreSQL; SQLite holds its write lock) and refuse while it has a job."""
    _question(session, question_id)
    session.execute(
        select(SurveyQuestion.id).where(SurveyQuestion.id == question_id).with_for_update()
    )
    for kind in THEME_KINDS:
        if job_store.active_job(session, kind, question_id) is not None:
            raise _already_running(session, kind, question_id)


def _add(
    session: Session, actor: Actor, kind: str, question_id: int, arguments: dict[str, Any]
) -> JobView:
    try:
        job = job_store.add_job(
            session, kind, actor.user_id, question_id, arguments, "Waiting to start"
        )
    except job_store.AlreadyRunning:
        raise _already_running(session, kind, question_id) from None
    return job_view(session, job)


def _already_running(session: Session, kind: str, question_id: int) -> ConflictError:
    job = job_store.active_job(session, kind, question_id)
    view = job_view(session, job) if job is not None else None
    who = view.started_by_name if view is not None else "Someone"
    since = f" on {format_datetime(view.created_at)}" if view is not None else ""
    doing = "found" if kind == KIND else "approved"
    return ConflictError(
        f"Themes are already being {doing} for this question: {who} started it{since}. Wait "
        "for it to finish, or cancel it, then start again.",
        current={"Started by": who},
    )


def theme_job(db: Database, actor: Actor, question_id: int) -> JobView | None:
    """The question's latest theme job (finding or approving themes; queued, running or
    ended), or None if there is none."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        job = session.scalar(
            select(Job)
            .where(Job.kind.in_(THEME_KINDS), Job.subject_id == question_id)
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


def approve_themes_work(
    db: Database, actor: Actor, arguments: dict[str, Any], context: JobContext
) -> dict[str, Any]:
    """The job's work: theme the later answers and approve the set; how many were themed."""

    def progress(fraction: float, message: str) -> None:
        context.progress(fraction, message)
        if fraction >= 0.95:
            context.check_cancelled()  # the last moment before the one saving transaction

    approval = theme_sets.approve(
        db,
        actor,
        int(arguments["set_id"]),
        expected_version=int(arguments["expected_version"]),
        progress=progress,
    )
    return {
        "set_id": int(arguments["set_id"]),
        "assigned": approval.assigned,
        "review": approval.review,
    }
