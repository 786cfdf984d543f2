"""Retraining the request router as a background job, on SQLite and PostgreSQL: progress, the
routers saved for every app server, cancelling and failing with nothing saved, one at a time."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.db.jobs_support import run_queued_jobs
from tests.db.test_jobs import Held
from tests.factories import World, build_world
from ue_core.authz import AccessDenied, Actor
from ue_core.db.engine import Database
from ue_core.db.models import SupportRequest, TrainedRouter
from ue_core.errors import ConflictError
from ue_core.jobs import JobContext, JobState, execute
from ue_core.services import jobs, router_jobs, support, triage_suggestions
from ue_core.services.requests import triage
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA

CONFIRMED = [
    ("Who uses our data?", "We want to know who our users are", "understand", "advice"),
    ("Survey of users", "Help us design a user survey", "listen", "survey_design"),
    ("Feedback form", "We need a feedback form on our release page", "listen", "advice"),
]


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    built = build_world(any_db)
    consultant = built.actor("consultant")
    for subject, text, area, kind in CONFIRMED:
        request_id = support.submit_request(
            built.db, built.actor("member"), built.team_id, subject, text
        )
        with built.db.read() as session:
            request = session.get(SupportRequest, request_id)
            assert request is not None
            version = request.version
        triage.confirm_triage(
            built.db, consultant, request_id, [area], kind, "normal", None, version
        )
    return built


def stored(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {
            purpose: examples
            for purpose, examples in session.execute(
                select(TrainedRouter.purpose, TrainedRouter.examples)
            )
        }


def test_a_retraining_job_saves_both_routers_for_every_server(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    seen: list[str] = []
    original = JobContext.progress

    def watched(self: JobContext, fraction: float, message: str) -> None:
        seen.append(message)
        original(self, fraction, message)

    monkeypatch.setattr(JobContext, "progress", watched)
    started = router_jobs.start_retraining_router(world.db, consultant)
    assert started.subject_label == "The request router for triage"
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, started.id)
    assert done.state is JobState.SUCCEEDED, done.error
    assert done.result == {"examples": 3, "kind_examples": 3, "areas": 2}
    assert done.result_summary is not None and "retrained on 3 requests" in done.result_summary
    assert stored(world.db) == {"area": 3, "kind": 3}
    assert seen == [
        "Reading the hub's confirmed triage",
        "Learning practice areas from 3 confirmed requests",
        "Learning kinds of help from 3 confirmed requests",
        "Saving the retrained router",
    ]
    assert router_jobs.router_job(world.db, consultant) == done

    # Another app server (an empty cache here) suggests from the saved routers, fitting none.
    triage_suggestions._routers.clear()

    def no_fitting(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the saved router should have been used")

    monkeypatch.setattr(triage_suggestions, "_fit", no_fitting)
    request_id = support.submit_request(
        world.db, world.actor("member"), world.team_id, "Users", "Who are the users of our data?"
    )
    found = triage_suggestions.suggest_triage(world.db, consultant, request_id)
    assert found.request_id == request_id and 0.0 <= found.area.confidence <= 1.0
    with world.db.read() as session:
        keys = set(session.scalars(select(TrainedRouter.key)))
    assert {"|".join(key) for key in triage_suggestions._routers} == keys  # read, not fitted


def _cancelled_at_once(
    db: Database, actor: Actor, arguments: dict[str, Any], context: JobContext
) -> dict[str, Any]:
    jobs.cancel_job(db, actor, context.job_id)  # the person presses Cancel as it starts
    return router_jobs.retrain_router_work(db, actor, arguments, context)


def test_a_cancelled_retraining_saves_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(execute.KINDS, router_jobs.KIND, f"{__name__}:_cancelled_at_once")
    consultant = world.actor("consultant")
    started = router_jobs.start_retraining_router(world.db, consultant)
    run_queued_jobs(world.db)
    assert jobs.job_status(world.db, consultant, started.id).state is JobState.CANCELLED
    assert stored(world.db) == {}


def test_a_retraining_failing_while_saving_saves_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    router_jobs.start_retraining_router(world.db, consultant)
    run_queued_jobs(world.db)
    before = stored(world.db)

    def broken_audit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")  # both routers are added by now

    monkeypatch.setattr(router_jobs.audit, "record", broken_audit)
    again = router_jobs.start_retraining_router(world.db, consultant)
    run_queued_jobs(world.db)
    done = jobs.job_status(world.db, consultant, again.id)
    assert done.state is JobState.FAILED and done.error == execute.UNEXPECTED
    assert stored(world.db) == before  # the earlier routers stay, none half-replaced
    with world.db.read() as session:
        assert session.scalar(select(func.count()).select_from(TrainedRouter)) == 2


def test_one_retraining_at_a_time_by_hub_consultants_only(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    held = Held()
    monkeypatch.setattr(router_jobs, "runner_for", lambda db: held)
    first = router_jobs.start_retraining_router(world.db, consultant)
    with pytest.raises(ConflictError, match="already being retrained"):
        router_jobs.start_retraining_router(world.db, consultant)
    for who in ("member", "champion", "admin"):
        with pytest.raises(AccessDenied):
            router_jobs.start_retraining_router(world.db, world.actor(who))
    jobs.cancel_job(world.db, consultant, first.id)
    second = router_jobs.start_retraining_router(world.db, consultant)
    assert held.submitted == [first.id, second.id]
