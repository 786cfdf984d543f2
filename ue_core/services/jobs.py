"""Background jobs for the pages: a job's progress and result, a person's jobs, cancelling.

The person who started a job and hub staff may see and cancel it (``authz.can_see_job``);
hub staff may list everyone's jobs. Starting a job belongs to the service of its work (for
example ``surveys.theme_jobs``). Each kind says here what it is called, what its subject is
called and what its result says, so the Your jobs page can list every kind alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import AccessDenied, Actor, require_see_job
from ue_core.db.engine import Database
from ue_core.db.models import Job, JobFile, Survey, SurveyQuestion, ThemeSet, User
from ue_core.errors import InputError, NotFound
from ue_core.jobs import JobState
from ue_core.jobs import store as job_store
from ue_core.survey_import import tidy_header

#: Most jobs listed for one person.
MAX_LISTED: Final = 20

KIND_LABELS: Final[dict[str, str]] = {
    "find_themes": "Finding themes",
    "approve_themes": "Approving themes and theming later answers",
    "retrain_router": "Retraining the request router",
    "export_coded": "Exporting coded responses",
}

#: The screen (``ui.navigation`` key) where each kind's result is used.
KIND_PAGES: Final[dict[str, str]] = {
    "find_themes": "survey_themes",
    "approve_themes": "survey_themes",
    "retrain_router": "triage",
    "export_coded": "survey_themes",
}

#: The subject of a job on the request router (one retraining at a time).
ROUTER_SUBJECT: Final = 0


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
    subject_label: str = ""
    page_key: str | None = None

    @property
    def is_active(self) -> bool:
        return self.state.is_active

    @property
    def has_file(self) -> bool:
        """True when the job made a file to download (``job_file``)."""
        return self.state is JobState.SUCCEEDED and bool((self.result or {}).get("filename"))

    @property
    def result_summary(self) -> str | None:
        """What a finished job made, in a sentence (None until it has succeeded)."""
        if self.state is not JobState.SUCCEEDED or self.result is None:
            return None
        return _summary(self.kind, self.result)


def _summary(kind: str, result: dict[str, Any]) -> str:
    if kind == "find_themes":
        return "Draft themes saved. Open Survey themes to read and refine them."
    if kind == "approve_themes":
        assigned = int(result.get("assigned", 0))
        review = int(result.get("review", 0))
        return (
            f"Themes approved; {assigned:,} later "
            + ("answer" if assigned == 1 else "answers")
            + f" given a theme, {review:,} waiting for review."
        )
    if kind == "export_coded":
        size = int(result.get("bytes", 0))
        shown = f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(size // 1000, 1)} KB"
        return (
            f"The {result.get('format', '')} file {result.get('filename', '')} ({shown}) is "
            "ready to download."
        )
    if kind == "retrain_router":
        return (
            f"The request router was retrained on {int(result.get('examples', 0)):,} requests "
            f"with confirmed practice areas ({int(result.get('areas', 0)):,} areas) and "
            f"{int(result.get('kind_examples', 0)):,} with a confirmed kind of help; triage "
            "suggestions use it now."
        )
    return "Finished."


def _question_label(session: Session, question_id: int) -> str:
    row = session.execute(
        select(Survey.title, SurveyQuestion.wording, SurveyQuestion.column_name)
        .join(Survey, Survey.id == SurveyQuestion.survey_id)
        .where(SurveyQuestion.id == question_id)
    ).first()
    if row is None:
        return "A survey question that has since been deleted"
    title, wording, column = row
    return f"{title}: {wording or tidy_header(column)}"


def _subject_label(session: Session, job: Job) -> str:
    """What the job is about, for example 'Staff survey: Barriers to engaging users'."""
    if job.kind in ("find_themes", "approve_themes") and job.subject_id is not None:
        return _question_label(session, job.subject_id)
    if job.kind == "export_coded" and job.subject_id is not None:
        question_id = session.scalar(
            select(ThemeSet.question_id).where(ThemeSet.id == job.subject_id)
        )
        if question_id is None:
            return "Themes that have since been deleted"
        return _question_label(session, question_id)
    if job.kind == "retrain_router":
        return "The request router for triage"
    return ""


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
        subject_label=_subject_label(session, job),
        page_key=KIND_PAGES.get(job.kind),
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


def all_jobs(db: Database, actor: Actor) -> list[JobView]:
    """Everyone's jobs, newest first (the latest 20): hub staff only."""
    if not actor.is_hub_staff():
        raise AccessDenied("Only hub staff can see everyone's jobs.")
    with db.read() as session:
        jobs = session.scalars(select(Job).order_by(Job.id.desc()).limit(MAX_LISTED)).all()
        return [job_view(session, job) for job in jobs]


@dataclass(frozen=True)
class JobFileView:
    filename: str
    mime: str
    data: bytes


def job_file(db: Database, actor: Actor, job_id: int) -> JobFileView:
    """The file a finished job made, for the person who started it and hub staff."""
    with db.read() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound("That job no longer exists.")
        require_see_job(actor, job.started_by_id)
        found = session.scalar(select(JobFile).where(JobFile.job_id == job_id))
        if found is None:
            raise NotFound("That file is no longer kept: files are kept for 7 days. Export again.")
        return JobFileView(found.filename, found.mime, bytes(found.data))


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
