"""Background jobs for the pages: a job's progress and result, a person's jobs, cancelling.

The person who started a job and hub staff may see and cancel it (``authz.can_see_job``).
Starting a job belongs to the service of its work (for example ``surveys.theme_jobs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, require_see_job
from ue_core.db.engine import Database
from ue_core.db.models import Job, User
from ue_core.errors import InputError, NotFound
from ue_core.jobs import JobState
from ue_core.jobs import store as job_store

#: Most jobs listed for one person.
MAX_LISTED: Final = 20

KIND_LABELS: Final[dict[str, str]] = {"find_themes": "Finding themes"}


@dataclass(frozen=True)
class JobView:
    """A job as a page shows it."""

    id: int
    kind: str
    kind_label: str
    started_by_id: int
    started_by_name: str
    subject_id: int | None
    state: JobState
    progress: float
    message: str
    result: dict[str, Any] | None
    error: str | None
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def is_active(self) -> bool:
        return self.state.is_active


def job_view(session: Session, job: Job) -> JobView:
    """A loaded job as a page shows it, with the name of the person who started it."""
    name = session.scalar(select(User.display_name).where(User.id == job.started_by_id))
    return JobView(
        id=job.id,
        kind=job.kind,
        kind_label=KIND_LABELS.get(job.kind, job.kind),
        started_by_id=job.started_by_id,
        started_by_name=name or "Someone",
        subject_id=job.subject_id,
        state=JobState(job.state),
        progress=float(job.progress),
        message=job.message,
        result=job.result,
        error=job.error,
        cancel_requested=job.cancel_requested,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def job_status(db: Database, actor: Actor, job_id: int) -> JobView:
    """One job's state, progress, result or error."""
    with db.read() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound("That job no longer exists.")
        require_see_job(actor, job.started_by_id)
        return job_view(session, job)


def my_jobs(db: Database, actor: Actor) -> list[JobView]:
    """The jobs this person started, newest first (the latest 20)."""
    with db.read() as session:
        jobs = session.scalars(
            select(Job)
            .where(Job.started_by_id == actor.user_id)
            .order_by(Job.id.desc())
            .limit(MAX_LISTED)
        ).all()
        return [job_view(session, job) for job in jobs]


def cancel_job(db: Database, actor: Actor, job_id: int) -> JobView:
    """Cancel a job: at once if it has not started, else at its next progress report.

    Nothing the job would have saved is saved: its work writes only at the end, in one
    transaction, which a cancelled job never reaches.
    """
    with db.transaction(locking=True) as session:
        job = session.get(Job, job_id, with_for_update=True)
        if job is None:
            raise NotFound("That job no longer exists.")
        require_see_job(actor, job.started_by_id)
        if not JobState(job.state).is_active:
            raise InputError(f"This job has already ended ({JobState(job.state).label.lower()}).")
        job_store.request_cancel(session, job)
        audit.record(session, actor, "cancel_job", "job", job.id, None, {"kind": job.kind})
        session.flush()
        return job_view(session, job)
