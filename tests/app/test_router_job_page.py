"""Retraining the request router from Support requests: live while it runs, then what it did."""

from __future__ import annotations

import pytest

from tests.app.conftest import app_as
from tests.db.jobs_support import run_queued_jobs
from tests.factories import World
from ue_core.jobs import JobState
from ue_core.jobs import store as job_store
from ue_core.services import router_jobs
from ue_core.services.jobs import ROUTER_SUBJECT
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA

PAGE = "screens/triage.py"


@pytest.fixture(autouse=True)
def fallback_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)


def test_a_consultant_retrains_the_router_and_sees_what_it_learnt(world: World) -> None:
    at = app_as(world, "consultant", PAGE).run()
    assert not at.exception
    assert at.expander[0].label == "Triage suggestions: retrain the request router"
    next(b for b in at.button if b.label == "Retrain the request router").click().run()
    assert not at.exception
    run_queued_jobs(world.db)
    at.run()
    assert not at.exception
    assert any(
        m.value.startswith("Last retrained ") and "retrained on 0 requests" in m.value
        for m in at.markdown
    )
    job = router_jobs.router_job(world.db, world.actor("consultant"))
    assert job is not None and job.state is JobState.SUCCEEDED


def test_a_running_retraining_shows_its_progress_and_can_be_cancelled(world: World) -> None:
    with world.db.transaction() as session:
        job = job_store.add_job(
            session,
            router_jobs.KIND,
            world.actor("consultant").user_id,
            ROUTER_SUBJECT,
            {},
            "Waiting",
        )
        job.state, job.progress, job.message = "running", 0.5, "Learning kinds of help"
        job_id = job.id
    at = app_as(world, "consultant", PAGE).run()
    assert not at.exception
    assert at.get("progress")[0].proto.text == "Running: Learning kinds of help (50%)"
    assert not [b for b in at.button if b.label == "Retrain the request router"]
    next(b for b in at.button if b.label == "Cancel retraining").click().run()
    assert any("Stopping: nothing will be saved." in m.value for m in at.markdown)
    job_store.finish(world.db, job_id, JobState.CANCELLED, "Cancelled: nothing was saved")
    at.run()
    assert any("cancelled the last retraining" in i.value for i in at.info)
    assert [b for b in at.button if b.label == "Retrain the request router"]


def test_admins_and_teams_cannot_retrain(world: World) -> None:
    for who in ("admin", "member"):
        at = app_as(world, who, PAGE).run()
        assert not [b for b in at.button if b.label == "Retrain the request router"]
        assert at.error
