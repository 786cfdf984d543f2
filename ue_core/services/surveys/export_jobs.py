"""Exporting a theme set's coded responses as a background job, for large surveys.

The page's own download buttons build the file while the person waits; for a survey of many
thousands of answers the job builds it instead, reporting progress, and saves it in one
transaction in the ``job_file`` table, where the person who started it (and hub staff) download
it from the Download tab or Your jobs. A job cancelled or failed before that saves no file. One
export of a theme set may be queued or running at a time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from sqlalchemy import delete, select

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import Job, JobFile, ThemeSet, utcnow
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.io.safe_csv import to_csv_bytes
from ue_core.io.spreadsheet import to_ods, to_xlsx
from ue_core.jobs import JobContext
from ue_core.jobs import store as job_store
from ue_core.jobs.runners import runner_for
from ue_core.services.jobs import JobView, job_view
from ue_core.services.surveys import exports

KIND: Final = "export_coded"

#: Each format: its name on the page, the file's ending and its media type.
FORMATS: Final[dict[str, tuple[str, str, str]]] = {
    "ods": ("ODS", "coded.ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "xlsx": (
        "XLSX",
        "coded.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": ("CSV", "coded.csv", "text/csv"),
}

#: Files older than this are deleted when a new one is saved.
KEEP_FILES_FOR: Final = timedelta(days=7)


def start_exporting(db: Database, actor: Actor, set_id: int, file_format: str) -> JobView:
    """Start building the set's coded responses as a file in the background; the job."""
    require(actor, Permission.ANALYSE_SURVEYS)
    if file_format not in FORMATS:
        raise InputError("Choose ODS, XLSX or CSV.")
    with db.transaction(locking=True) as session:
        if session.get(ThemeSet, set_id) is None:
            raise NotFound("That theme set no longer exists. Reload the page.")
        try:
            job = job_store.add_job(
                session,
                KIND,
                actor.user_id,
                set_id,
                {"set_id": set_id, "format": file_format},
                "Waiting to start",
            )
        except job_store.AlreadyRunning:
            raise ConflictError(
                "These coded responses are already being exported. Wait for that file, or "
                "cancel it, then start again."
            ) from None
        view = job_view(session, job)
    runner_for(db).submit(view.id)
    return view


def export_job(db: Database, actor: Actor, set_id: int) -> JobView | None:
    """The theme set's latest export job that this person may see, or None."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        query = select(Job).where(Job.kind == KIND, Job.subject_id == set_id)
        if not actor.is_hub_staff():
            query = query.where(Job.started_by_id == actor.user_id)
        job = session.scalar(query.order_by(Job.id.desc()).limit(1))
        return job_view(session, job) if job is not None else None


def export_work(
    db: Database, actor: Actor, arguments: dict[str, Any], context: JobContext
) -> dict[str, Any]:
    """The job's work: build the file a step at a time, then save it in one transaction."""
    require(actor, Permission.ANALYSE_SURVEYS)
    set_id, file_format = int(arguments["set_id"]), str(arguments["format"])
    label, suffix, mime = FORMATS[file_format]
    context.progress(0.0, "Reading the coded answers")
    stem = exports.file_stem(db, actor, set_id)
    if file_format == "csv":
        frame = exports.coded_frame(db, actor, set_id)
        context.progress(0.5, f"Writing the {label} file")
        data = to_csv_bytes(frame)
    else:
        workbook = exports._coded_workbook(db, actor, set_id)
        context.progress(0.5, f"Writing the {label} file")
        data = to_ods(workbook) if file_format == "ods" else to_xlsx(workbook)
    context.progress(0.95, "Saving the file")
    context.check_cancelled()  # the last moment before the one saving transaction
    filename = f"{stem}-{suffix}"
    with db.transaction() as session:
        # Held until the file is saved, so deleting the survey meanwhile waits, then deletes it.
        if session.get(ThemeSet, set_id, with_for_update=True) is None:
            raise NotFound("The survey was deleted while its file was being made; none was kept.")
        session.execute(delete(JobFile).where(JobFile.created_at < utcnow() - KEEP_FILES_FOR))
        session.add(JobFile(job_id=context.job_id, filename=filename, mime=mime, data=data))
        audit.record(
            session,
            actor,
            "export_coded_responses",
            "theme_set",
            set_id,
            None,
            {"format": file_format, "bytes": len(data)},
        )
    return {
        "set_id": set_id,
        "filename": filename,
        "mime": mime,
        "bytes": len(data),
        "format": label,
    }
