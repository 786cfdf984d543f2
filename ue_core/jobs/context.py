"""What the work of a job is given: a way to report progress that also hears a cancel."""

from __future__ import annotations

import time
from typing import Final

from ue_core.db.engine import Database
from ue_core.jobs import store

#: Progress is saved at most this often (seconds), so a fast loop does not flood the database.
SAVE_EVERY: Final = 0.5


class JobCancelled(Exception):
    """Someone asked for the job to be cancelled; the work stops before saving anything."""


class JobContext:
    """Passed to a job's work: ``progress(fraction, message)`` saves how far it has got.

    Each report (at most one saved every half second) checks whether someone asked for the job
    to be cancelled and raises JobCancelled if so, so the work stops at its next report and
    its final transaction never runs.
    """

    def __init__(self, db: Database, job_id: int) -> None:
        self.db = db
        self.job_id = job_id
        self._saved_at = 0.0

    def progress(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self._saved_at < SAVE_EVERY:
            return
        self._saved_at = now
        if store.report(self.db, self.job_id, fraction, message):
            raise JobCancelled

    def check_cancelled(self) -> None:
        """Raise JobCancelled if someone asked for the job to stop (always asks the database)."""
        if store.cancel_requested(self.db, self.job_id):
            raise JobCancelled
