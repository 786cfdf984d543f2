"""Exporting coded responses as a background job, on SQLite and PostgreSQL: progress, the file
kept for its starter to download, cancelling and failing with no file saved, one at a time."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import func, select

from tests.db.jobs_support import run_queued_jobs
from tests.db.test_jobs import Held, world
from tests.db.test_surveys import imported
from tests.factories import World
from ue_core.authz import AccessDenied, Actor
from ue_core.db.engine import Database
from ue_core.db.models import JobFile
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.jobs import JobContext, JobState, execute
from ue_core.services import jobs
from ue_core.services.surveys import export_jobs, exports, theme_sets, views

__all__ = ["world"]


def themed(world: World) -> int:
    _, question_id = imported(world)
    return theme_sets.find_themes(
        world.db, world.actor("consultant"), question_id, 4, expected_current=None
    )


def files(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(JobFile)) or 0


def test_an_export_job_keeps_the_file_for_its_starter(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    set_id = themed(world)
    seen: list[str] = []
    original = JobContext.progress

    def watched(self: JobContext, fraction: float, message: str) -> None:
        seen.append(message)
        original(self, fraction, message)

    monkeypatch.setattr(JobContext, "progress", watched)
    started = export_jobs.start_exporting(world.db, consultant, set_id, "csv")
    assert started.subject_label == "Barriers survey: What are the barriers?"
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.SUCCEEDED, done.error
    assert done.has_file and done.result is not None
    assert seen == ["Reading the coded answers", "Writing the CSV file", "Saving the file"]
    made = jobs.job_file(world.db, consultant, started.id)
    assert made.filename == done.result["filename"] and made.filename.endswith("-coded.csv")
    assert made.mime == "text/csv"
    # The same file the page's own download button gives.
    assert made.data == exports.coded_csv(world.db, consultant, set_id)
    assert len(pd.read_csv(io.BytesIO(made.data))) > 0
    assert export_jobs.export_job(world.db, consultant, set_id) == done
    # Hub staff may download it; nobody else.
    assert jobs.job_file(world.db, world.actor("admin"), started.id).data == made.data
    with pytest.raises(AccessDenied):
        jobs.job_file(world.db, world.actor("member"), started.id)


def _cancelled_at_once(
    db: Database, actor: Actor, arguments: dict[str, Any], context: JobContext
) -> dict[str, Any]:
    jobs.cancel_job(db, actor, context.job_id)  # the person presses Cancel as it starts
    return export_jobs.export_work(db, actor, arguments, context)


def test_a_cancelled_export_saves_no_file(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(execute.KINDS, export_jobs.KIND, f"{__name__}:_cancelled_at_once")
    consultant = world.actor("consultant")
    started = export_jobs.start_exporting(world.db, consultant, themed(world), "ods")
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.CANCELLED and not done.has_file
    assert files(world.db) == 0


def test_an_export_failing_while_saving_saves_no_file(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    set_id = themed(world)

    def broken_audit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")  # the file is added by now

    monkeypatch.setattr(export_jobs.audit, "record", broken_audit)
    started = export_jobs.start_exporting(world.db, consultant, set_id, "xlsx")
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.FAILED and done.error == execute.UNEXPECTED
    assert files(world.db) == 0


def test_one_export_of_a_set_at_a_time_in_a_known_format(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    set_id = themed(world)
    held = Held()
    monkeypatch.setattr(export_jobs, "runner_for", lambda db: held)
    with pytest.raises(InputError, match="Choose ODS, XLSX or CSV"):
        export_jobs.start_exporting(world.db, consultant, set_id, "pdf")
    first = export_jobs.start_exporting(world.db, consultant, set_id, "ods")
    with pytest.raises(ConflictError, match="already being exported"):
        export_jobs.start_exporting(world.db, consultant, set_id, "csv")
    jobs.cancel_job(world.db, consultant, first.id)
    second = export_jobs.start_exporting(world.db, consultant, set_id, "csv")
    assert held.submitted == [first.id, second.id]


def test_deleting_the_survey_deletes_its_exported_files(world: World) -> None:
    from ue_core.services.surveys import deletion

    consultant = world.actor("consultant")
    set_id = themed(world)
    started = export_jobs.start_exporting(world.db, consultant, set_id, "csv")
    run_queued_jobs(world.db)
    assert files(world.db) == 1
    survey_id = views.list_surveys(world.db, consultant)[0].id
    contents = deletion.survey_contents(world.db, consultant, survey_id)
    deletion.delete_survey(world.db, consultant, survey_id, expected_answers=contents.answers)
    assert files(world.db) == 0
    with pytest.raises(NotFound, match="no longer kept"):
        jobs.job_file(world.db, consultant, started.id)
