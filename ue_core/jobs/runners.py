"""Where jobs run: procrastinate workers on PostgreSQL, a thread inside the app on SQLite.

``runner_for(db)`` gives the one runner of this process for a database; ``submit`` hands it a
job already recorded (queued) in the database.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Protocol

from ue_core.db.engine import Database
from ue_core.jobs import store
from ue_core.jobs.execute import Outcome, run_job
from ue_core.jobs.states import MAX_ATTEMPTS, JobState

logger = logging.getLogger(__name__)


class Runner(Protocol):
    def submit(self, job_id: int) -> None: ...


class ThreadRunner:
    """Runs jobs one after another in a thread of this process (the embedded SQLite default).

    Started the first time a job is submitted; jobs left queued or running by an earlier run of
    the app (it stopped, or the machine restarted) are started again then.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: queue.Queue[int] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        for job_id in store.unfinished_job_ids(db):
            self._queue.put(job_id)
        self._thread = threading.Thread(target=self._loop, name="ue-jobs", daemon=True)
        self._thread.start()

    def submit(self, job_id: int) -> None:
        self._idle.clear()
        self._queue.put(job_id)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every submitted job has run (for tests and the command line)."""
        return self._idle.wait(timeout)

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            try:
                for _ in range(MAX_ATTEMPTS):
                    if run_job(self._db, job_id) is Outcome.DONE:
                        break
            except Exception:  # the database itself failed: the job cannot even be recorded
                logger.exception("Job %s could not be run", job_id)
            finally:
                self._queue.task_done()
                if self._queue.unfinished_tasks == 0:
                    self._idle.set()


class QueueRunner:
    """Hands jobs to procrastinate; ``python -m ue_core.worker`` processes run them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def submit(self, job_id: int) -> None:
        from ue_core.jobs.task_queue import defer

        try:
            queue_job_id = defer(self._db.url, job_id)
        except Exception:
            logger.exception("Job %s could not be handed to the task queue", job_id)
            store.finish(
                self._db,
                job_id,
                JobState.FAILED,
                "Stopped",
                error="The task queue could not take the job, so it did not start. Try again "
                "in a few minutes; if it happens again, tell the workbench's administrators.",
            )
            return
        store.set_queue_job(self._db, job_id, queue_job_id)


_runners: dict[str, Runner] = {}
_lock = threading.Lock()


def runner_for(db: Database) -> Runner:
    """This process's runner for the database ``db`` opens (one per database URL)."""
    with _lock:
        runner = _runners.get(db.url)
        if runner is None:
            dialect = db.engine.dialect.name
            runner = ThreadRunner(db) if dialect == "sqlite" else QueueRunner(db)
            _runners[db.url] = runner
        return runner
