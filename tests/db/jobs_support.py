"""What the job tests share: running the queued jobs to the end on either database."""

from __future__ import annotations

import time

from ue_core.db.engine import Database
from ue_core.jobs import store
from ue_core.jobs.runners import ThreadRunner, runner_for
from ue_core.jobs.task_queue import run_worker


def run_queued_jobs(db: Database, timeout: float = 120) -> None:
    """Run every job waiting on ``db``: the app's thread on SQLite; on PostgreSQL a
    procrastinate worker in this process, until no job is left (retries wait a moment)."""
    runner = runner_for(db)
    if isinstance(runner, ThreadRunner):
        assert runner.wait_idle(timeout), "the job thread did not finish in time"
        return
    ends = time.monotonic() + timeout
    while store.unfinished_job_ids(db):
        assert time.monotonic() < ends, "the jobs did not finish in time"
        run_worker(db.url, wait=False)
        time.sleep(0.2)
