"""Your jobs: a person's background jobs, live while one runs, cancelling, how each ended."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_as
from tests.app.test_survey_pages import question_id, survey_bytes
from tests.db.jobs_support import run_queued_jobs
from tests.factories import World
from ue_core.jobs import JobState
from ue_core.jobs import store as job_store
from ue_core.services.surveys import imports, theme_jobs, theme_sets
from ue_core.survey_import import ColumnMapping
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA

REFUSED = "You do not have access to this. Ask your admin if you need it."
PAGE = "screens/your_jobs.py"


def open_page(world: World, who: str) -> AppTest:
    """The whole app (so page links work) switched to Your jobs."""
    return app_as(world, who).run().switch_page(PAGE).run()


@pytest.fixture(autouse=True)
def fallback_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)


def _imported(world: World) -> int:
    mapping = ColumnMapping("Respondent ID", ["Barriers"], ["Profession"])
    imports.import_survey(
        world.db,
        world.actor("consultant"),
        imports.read_file(survey_bytes(), "b.csv"),
        mapping,
        "Staff survey",
    )
    return question_id(world)


def _running_job(world: World, who: str, question: int) -> int:
    """A theme job running in a worker (here: never run)."""
    with world.db.transaction() as session:
        job = job_store.add_job(
            session, theme_jobs.KIND, world.actor(who).user_id, question, {}, "Waiting"
        )
        job.state, job.progress, job.message = "running", 0.4, "Reading answers: 8 of 20 done"
        return job.id


def test_no_jobs_yet(world: World) -> None:
    at = open_page(world, "consultant")
    assert not at.exception
    assert at.title[0].value == "Your jobs"
    assert any("No jobs to show yet" in m.value for m in at.markdown)


def test_a_running_job_is_listed_live_and_can_be_cancelled(world: World) -> None:
    job_id = _running_job(world, "consultant", _imported(world))
    at = open_page(world, "consultant")
    assert not at.exception
    assert any(m.value == "**Finding themes: Staff survey: Barriers**" for m in at.markdown)
    assert at.get("progress")[0].proto.text == "Running: Reading answers: 8 of 20 done (40%)"
    assert any(c.value.startswith("Running. Started ") for c in at.caption)
    next(b for b in at.button if b.label == "Cancel this job").click().run()
    assert not at.exception
    assert any("Stopping: nothing will be saved." in m.value for m in at.markdown)
    # The worker hears the cancel at its next progress report and ends the job.
    job_store.finish(world.db, job_id, JobState.CANCELLED, "Cancelled: nothing was saved")
    at.run()
    assert not at.get("progress")
    assert any(m.value == "Cancelled: nothing was saved." for m in at.markdown)
    assert not [b for b in at.button if b.label == "Cancel this job"]


def test_a_finished_job_says_what_it_made_and_links_to_its_page(world: World) -> None:
    question = _imported(world)
    theme_jobs.start_finding_themes(
        world.db, world.actor("consultant"), question, 3, expected_current=None
    )
    run_queued_jobs(world.db)
    at = open_page(world, "consultant")
    assert not at.exception
    finished = [c.value for c in at.caption if c.value.startswith("Finished. Started ")]
    assert finished and ", ended " in finished[0]
    assert any(m.value.startswith("Draft themes saved.") for m in at.markdown)
    links = [el.proto.label for el in at.main if type(el).__name__ == "PageLink"]
    assert "Go to Survey themes" in links


def test_a_failed_job_says_why(world: World) -> None:
    question = _imported(world)
    with world.db.transaction() as session:
        job_id = job_store.add_job(
            session, theme_jobs.KIND, world.actor("consultant").user_id, question, {}, "Waiting"
        ).id
    job_store.finish(
        world.db, job_id, JobState.FAILED, "Stopped", error="None of the answers has words."
    )
    at = open_page(world, "consultant")
    assert [e.value for e in at.error] == ["Stopped: None of the answers has words."]


def test_hub_staff_may_see_everyones_jobs(world: World) -> None:
    _running_job(world, "consultant", _imported(world))
    at = open_page(world, "admin")
    assert not at.exception
    assert any("No jobs to show yet" in m.value for m in at.markdown)  # the admin's own: none
    at.radio[0].set_value("everyone").run()
    assert not at.exception
    assert any(m.value.startswith("**Finding themes:") for m in at.markdown)
    assert any(c.value.endswith(" by Consultant.") for c in at.caption)
    # The admin may cancel it too (hub staff see and cancel every job).
    assert [b for b in at.button if b.label == "Cancel this job"]


@pytest.mark.parametrize("who", ["member", "lead", "champion"])
def test_people_outside_the_hub_cannot_open_the_page(world: World, who: str) -> None:
    at = app_as(world, who, PAGE).run()
    assert [e.value for e in at.error] == [REFUSED]
    assert not at.get("progress") and not at.button


def test_a_large_export_is_prepared_in_the_background_and_downloaded(world: World) -> None:
    question = _imported(world)
    theme_sets.find_themes(world.db, world.actor("consultant"), question, 3, expected_current=None)
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    assert not at.exception
    assert "Large surveys: prepare the file in the background" in [h.value for h in at.subheader]
    next(r for r in at.radio if r.label == "Format").set_value("csv")
    next(b for b in at.button if b.label == "Prepare coded responses in the background").click()
    at.run()
    assert not at.exception
    run_queued_jobs(world.db)
    at.run()
    assert not at.exception
    assert any(m.value.startswith("The CSV file ") for m in at.markdown)
    buttons = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("Download ") and label.endswith("-coded.csv") for label in buttons)
    # Your jobs offers the same file.
    listed = open_page(world, "consultant")
    assert any(m.value.startswith("**Exporting coded responses:") for m in listed.markdown)
    labels = [b.proto.label for b in listed.get("download_button")]
    assert any(label.endswith("-coded.csv") for label in labels)
