"""Long work run in the background as jobs, with a record of each in the database.

A job is recorded first (``store.add_job``, queued), then handed to this process's runner
(``runners.runner_for(db).submit``): on PostgreSQL the procrastinate task queue, run by any
number of ``python -m ue_core.worker`` processes; on SQLite a thread inside the app. Both run it
with ``execute.run_job``, which reports progress and hears a cancel through ``JobContext``.
Services (``ue_core.services.jobs``) check who may see and cancel a job.
"""

from ue_core.jobs.context import JobCancelled, JobContext
from ue_core.jobs.states import ACTIVE_STATES, FINISHED_STATES, MAX_ATTEMPTS, JobState

__all__ = [
    "ACTIVE_STATES",
    "FINISHED_STATES",
    "MAX_ATTEMPTS",
    "JobCancelled",
    "JobContext",
    "JobState",
]
