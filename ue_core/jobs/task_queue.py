"""The procrastinate task queue on PostgreSQL: the app, its tasks and deferring a job.

Procrastinate keeps its queue in tables of the workbench's own database (made by migration
0020). Each job record is run by the task ``ue.run_job``; an unexpected error is retried
(``MAX_ATTEMPTS`` starts in all). Workers send a heartbeat every ``UE_WORKER_HEARTBEAT_SECONDS``
(10 by default); a worker silent for three heartbeats is taken for dead, and the periodic task
``ue.retry_stalled_jobs`` (procrastinate's stalled-job recipe, run by whichever worker is free)
puts its jobs back in the queue for another worker.
"""

from __future__ import annotations

import os
import threading
from typing import Final

import procrastinate
from procrastinate import JobContext as QueueContext
from sqlalchemy.engine import make_url

from ue_core.db.engine import Database
from ue_core.jobs.execute import Outcome, run_job
from ue_core.jobs.states import MAX_ATTEMPTS

QUEUE: Final = "ue_jobs"
RUN_JOB: Final = "ue.run_job"
RETRY_STALLED: Final = "ue.retry_stalled_jobs"
HEARTBEAT_ENV: Final = "UE_WORKER_HEARTBEAT_SECONDS"


class TryAgain(Exception):
    """The job met an unexpected error and has starts left: procrastinate retries it."""


def heartbeat_seconds() -> float:
    raw = os.environ.get(HEARTBEAT_ENV, "").strip()
    value = float(raw) if raw else 10.0
    if not 0.5 <= value <= 600:
        raise ValueError(f"{HEARTBEAT_ENV} must be from 0.5 to 600 seconds, not {raw}.")
    return value


def conninfo(url: str) -> str:
    """The libpq connection string for a SQLAlchemy PostgreSQL URL (same options, schema)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


_databases: dict[str, Database] = {}
_lock = threading.Lock()


def _database(url: str) -> Database:
    with _lock:
        if url not in _databases:
            _databases[url] = Database(url)
        return _databases[url]


def make_app(url: str) -> procrastinate.App:
    """A procrastinate app on the database at ``url`` with the workbench's tasks."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(url), min_size=1, max_size=4)
    )
    stalled_after = 3 * heartbeat_seconds()

    @app.task(
        name=RUN_JOB,
        queue=QUEUE,
        retry=procrastinate.RetryStrategy(
            max_attempts=MAX_ATTEMPTS - 1, wait=2, retry_exceptions={TryAgain}
        ),
    )
    def run(job_id: int) -> None:
        if run_job(_database(url), job_id) is Outcome.TRY_AGAIN:
            raise TryAgain

    every = max(1, min(59, round(stalled_after / 2)))

    @app.periodic(cron=f"* * * * * */{every}")
    @app.task(name=RETRY_STALLED, queueing_lock=RETRY_STALLED, pass_context=True)
    async def retry_stalled(context: QueueContext, timestamp: int) -> None:
        manager = context.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
            await manager.retry_job(job)

    del run, retry_stalled
    return app


def defer(url: str, job_id: int) -> int:
    """Put a recorded job on the queue; returns procrastinate's id for it."""
    app = make_app(url)
    with app.open():
        return app.configure_task(RUN_JOB, queue=QUEUE).defer(job_id=job_id)


def run_worker(
    url: str, *, concurrency: int = 1, wait: bool = True, name: str | None = None
) -> None:
    """Run a worker on this database until stopped (or, with ``wait=False``, until idle)."""
    heartbeat = heartbeat_seconds()
    app = make_app(url)
    with app.open():
        app.run_worker(
            concurrency=concurrency,
            wait=wait,
            name=name,
            update_heartbeat_interval=heartbeat,
            stalled_worker_timeout=3 * heartbeat,
        )
