"""Real worker processes (``python -m ue_core.worker``) on PostgreSQL: a theme job started by the
app is run by a worker, and the job of a worker killed mid-job is run again by another."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _postgres_database
from tests.db.test_surveys import imported
from tests.db.worker_with_slow_jobs import SLOW_KIND
from tests.factories import World, build_world
from ue_core.db.engine import Database
from ue_core.db.models import Job
from ue_core.jobs import JobState
from ue_core.jobs import store as job_store
from ue_core.jobs.runners import runner_for
from ue_core.jobs.task_queue import HEARTBEAT_ENV
from ue_core.services import jobs
from ue_core.services.jobs import JobView
from ue_core.services.surveys import theme_jobs, views
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    for database in _postgres_database():
        yield build_world(database)


class Workers:
    """Worker processes started by a test, each stopped (or killed) by the test's end."""

    def __init__(self, db: Database, logs: Path) -> None:
        self.db = db
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "UE_DATABASE_URL": self.db.url,
            HEARTBEAT_ENV: "1",
            BACKEND_ENV_VAR: TFIDF_LSA,
        }
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.db.worker_with_slow_jobs", "--name", name],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(pg_world: World, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(pg_world.db, tmp_path)
    yield started
    started.stop_all()


def wait_for(world: World, job_id: int, states: set[JobState], timeout: float = 90) -> JobView:
    consultant = world.actor("consultant")
    ends = time.monotonic() + timeout
    while True:
        view = jobs.job_status(world.db, consultant, job_id)
        if view.state in states:
            return view
        assert time.monotonic() < ends, f"job {job_id} is still {view.state} ({view.message})"
        time.sleep(0.2)


def test_a_worker_process_runs_a_theme_job_started_by_the_app(
    pg_world: World, workers: Workers
) -> None:
    consultant = pg_world.actor("consultant")
    _, question_id = imported(pg_world)
    workers.start("worker-a")
    started = theme_jobs.start_finding_themes(
        pg_world.db, consultant, question_id, 4, expected_current=None
    )
    done = wait_for(pg_world, started.id, {JobState.SUCCEEDED, JobState.FAILED})
    assert done.state is JobState.SUCCEEDED, done.error
    current = views.current_theme_set(pg_world.db, consultant, question_id)
    assert current is not None and done.result == {"theme_set_id": current.id}


def test_the_job_of_a_killed_worker_is_finished_by_another(
    pg_world: World, workers: Workers
) -> None:
    consultant = pg_world.actor("consultant")
    first = workers.start("worker-a")
    with pg_world.db.transaction() as session:
        job_id = job_store.add_job(
            session, SLOW_KIND, consultant.user_id, None, {"steps": 10}, "Waiting"
        ).id
    runner_for(pg_world.db).submit(job_id)
    running = wait_for(pg_world, job_id, {JobState.RUNNING})
    assert running.started_at is not None
    time.sleep(1)  # some steps done
    first.kill()  # SIGKILL: no goodbye, its heartbeat just stops
    first.wait()
    workers.start("worker-b")
    done = wait_for(pg_world, job_id, {JobState.SUCCEEDED, JobState.FAILED})
    assert done.state is JobState.SUCCEEDED, done.error
    assert done.result == {"steps": 10}
    with pg_world.db.read() as session:
        record = session.get(Job, job_id)
        assert record is not None and record.attempts == 2  # started again once, by worker-b
