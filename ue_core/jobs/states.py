"""A job's states and what they are called on the pages."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def is_active(self) -> bool:
        return self in ACTIVE_STATES


STATE_LABELS: Final[dict[JobState, str]] = {
    JobState.QUEUED: "Waiting to start",
    JobState.RUNNING: "Running",
    JobState.SUCCEEDED: "Finished",
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
}

#: A job in these states holds its subject: no second job of its kind may start on it.
ACTIVE_STATES: Final = frozenset({JobState.QUEUED, JobState.RUNNING})
FINISHED_STATES: Final = frozenset(JobState) - ACTIVE_STATES

#: How many times a job is started before it is given up: an unexpected error, or the worker
#: running it dying, each use one start.
MAX_ATTEMPTS: Final = 3
