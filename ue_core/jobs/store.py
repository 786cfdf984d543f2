"""The job records: creating them, claiming one to run, progress, finishing and cancelling.

Every change is one short transaction of its own (the work itself writes in its own), so the
page reading a job's progress never waits on the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ue_core.db.engine import Database
from ue_core.db.models import Job, utcnow
from ue_core.jobs.states import ACTIVE_STATES, MAX_ATTEMPTS, JobState

MAX_MESSAGE: Final = 300


class AlreadyRunning(Exception):
    """A job of this kind is already queued or running on this subject."""


@dataclass(frozen=True)
class Claim:
    """What a runner needs to run a job it has claimed."""

    job_id: int
    kind: str
    started_by_id: int
    subject_id: int | None
    arguments: dict[str, Any]
    attempts: int


def add_job(
    session: Session,
    kind: str,
    started_by_id: int,
    subject_id: int | None,
    arguments: dict[str, Any],
    message: str,
) -> Job:
    """Add a queued job in the caller's transaction; AlreadyRunning if its subject is held."""
    job = Job(
        kind=kind,
        started_by_id=started_by_id,
        subject_id=subject_id,
        arguments=arguments,
        state=JobState.QUEUED,
        progress=0.0,
        message=message[:MAX_MESSAGE],
        cancel_requested=False,
        attempts=0,
    )
    try:
        with session.begin_nested():
            session.add(job)
            session.flush()
    except IntegrityError as error:
        raise AlreadyRunning(kind) from error
    return job


def active_job(session: Session, kind: str, subject_id: int) -> Job | None:
    return session.scalar(
        select(Job).where(
            Job.kind == kind, Job.subject_id == subject_id, Job.state.in_(list(ACTIVE_STATES))
        )
    )


def set_queue_job(db: Database, job_id: int, queue_job_id: int) -> None:
    with db.transaction() as session:
        session.execute(update(Job).where(Job.id == job_id).values(queue_job_id=queue_job_id))


def claim(db: Database, job_id: int) -> Claim | None:
    """Mark a job running for a new start; None when there is nothing to run.

    A finished job is left alone (a queue may deliver a job twice); a cancelled one that had
    not started is marked cancelled. A job found running was started by a worker that died: it
    starts again, and one that has used every start is failed.
    """
    now = utcnow()
    with db.transaction(locking=True) as session:
        job = session.get(Job, job_id, with_for_update=True)
        if job is None or job.state not in ACTIVE_STATES:
            return None
        if job.cancel_requested:
            _finish(job, JobState.CANCELLED, "Cancelled before it started")
            return None
        if job.attempts >= MAX_ATTEMPTS:
            _finish(job, JobState.FAILED, "Stopped")
            job.error = (
                f"The work stopped {MAX_ATTEMPTS} times without finishing, so it was given up "
                "and nothing was saved. Try again; if it stops again, tell the workbench's "
                "administrators."
            )
            return None
        restarted = job.state == JobState.RUNNING
        job.state = JobState.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or now
        job.updated_at = now
        job.progress = 0.0
        job.message = "Started again: the worker running it stopped" if restarted else "Started"
        return Claim(
            job_id=job.id,
            kind=job.kind,
            started_by_id=job.started_by_id,
            subject_id=job.subject_id,
            arguments=dict(job.arguments),
            attempts=job.attempts,
        )


def report(db: Database, job_id: int, fraction: float, message: str) -> bool:
    """Save a running job's progress; True if someone asked for it to be cancelled."""
    with db.transaction() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.RUNNING)
            .values(
                progress=min(max(fraction, 0.0), 1.0),
                message=message[:MAX_MESSAGE],
                updated_at=utcnow(),
            )
        )
        return bool(session.scalar(select(Job.cancel_requested).where(Job.id == job_id)))


def cancel_requested(db: Database, job_id: int) -> bool:
    with db.read() as session:
        return bool(session.scalar(select(Job.cancel_requested).where(Job.id == job_id)))


def back_to_queue(db: Database, job_id: int, message: str) -> None:
    """A start that met an unexpected error waits for the next one."""
    with db.transaction() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.RUNNING)
            .values(state=JobState.QUEUED, message=message, updated_at=utcnow())
        )


def finish(
    db: Database,
    job_id: int,
    state: JobState,
    message: str,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    """End a job as succeeded, failed or cancelled (a finished job stays as it is)."""
    with db.transaction() as session:
        job = session.get(Job, job_id, with_for_update=True)
        if job is None or job.state not in ACTIVE_STATES:
            return
        _finish(job, state, message)
        job.result = result
        job.error = error
        if state == JobState.SUCCEEDED:
            job.progress = 1.0


def _finish(job: Job, state: JobState, message: str) -> None:
    now = utcnow()
    job.state = state
    job.message = message[:MAX_MESSAGE]
    job.finished_at = now
    job.updated_at = now


def request_cancel(session: Session, job: Job) -> None:
    """Cancel a queued job at once; ask a running one to stop at its next progress report."""
    if job.state == JobState.QUEUED:
        _finish(job, JobState.CANCELLED, "Cancelled before it started")
    elif job.state == JobState.RUNNING:
        job.cancel_requested = True
        job.message = "Stopping: cancel asked for"
        job.updated_at = utcnow()


def unfinished_job_ids(db: Database) -> list[int]:
    """Jobs queued or running, oldest first (for a runner starting up)."""
    with db.read() as session:
        return list(
            session.scalars(
                select(Job.id).where(Job.state.in_(list(ACTIVE_STATES))).order_by(Job.id)
            )
        )
