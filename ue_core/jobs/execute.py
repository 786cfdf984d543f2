"""Running one job: the one function every runner calls (the app's thread and the workers).

The work of each kind is a function ``(db, actor, arguments, context) -> result`` named in
``KINDS``; it runs as the person who started the job, so it meets the same access checks as
when they do it on a page. Its result (a small JSON object) is saved on the job.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from enum import Enum
from typing import Any, Final

from ue_core.authz import AccessDenied, Actor
from ue_core.db.engine import Database
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.jobs import store
from ue_core.jobs.context import JobCancelled, JobContext
from ue_core.jobs.states import MAX_ATTEMPTS, JobState

logger = logging.getLogger(__name__)

Work = Callable[[Database, Actor, dict[str, Any], JobContext], dict[str, Any]]

#: Each kind of job and where its work is ("module:function"), imported when a job runs.
KINDS: Final[dict[str, str]] = {
    "find_themes": "ue_core.services.surveys.theme_jobs:find_themes_work",
    "approve_themes": "ue_core.services.surveys.theme_jobs:approve_themes_work",
    "retrain_router": "ue_core.services.router_jobs:retrain_router_work",
    "export_coded": "ue_core.services.surveys.export_jobs:export_work",
}

UNEXPECTED: Final = (
    "Something went wrong in the workbench and nothing was saved. Try again; if it happens "
    "again, tell the workbench's administrators."
)


class Outcome(Enum):
    DONE = "done"
    TRY_AGAIN = "try again"


def work_for(kind: str) -> Work:
    module, _, name = KINDS[kind].partition(":")
    work: Work = getattr(importlib.import_module(module), name)
    return work


def run_job(db: Database, job_id: int) -> Outcome:
    """Claim the job and do its work; TRY_AGAIN when an unexpected error may pass next time."""
    claim = store.claim(db, job_id)
    if claim is None:
        return Outcome.DONE
    from ue_core.services.accounts import actor_for_user_id

    actor = actor_for_user_id(db, claim.started_by_id)
    if actor is None:
        store.finish(
            db,
            job_id,
            JobState.FAILED,
            "Stopped",
            error="The person who started this job cannot sign in any more, so it was stopped.",
        )
        return Outcome.DONE
    try:
        result = work_for(claim.kind)(db, actor, claim.arguments, JobContext(db, job_id))
    except JobCancelled:
        store.finish(db, job_id, JobState.CANCELLED, "Cancelled: nothing was saved")
        return Outcome.DONE
    except (InputError, ConflictError, NotFound, AccessDenied) as error:
        store.finish(db, job_id, JobState.FAILED, "Stopped", error=str(error))
        return Outcome.DONE
    except Exception:
        logger.exception("Job %s (%s) failed on start %s", job_id, claim.kind, claim.attempts)
        if claim.attempts < MAX_ATTEMPTS:
            store.back_to_queue(db, job_id, "Waiting to try again after an error")
            return Outcome.TRY_AGAIN
        store.finish(db, job_id, JobState.FAILED, "Stopped", error=UNEXPECTED)
        return Outcome.DONE
    store.finish(db, job_id, JobState.SUCCEEDED, "Finished", result=result)
    return Outcome.DONE
