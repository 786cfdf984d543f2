"""A real job worker (``ue_core.worker.main``) that also knows a slow test kind of job.

``python -m tests.db.worker_with_slow_jobs`` is what the worker tests start and kill; the slow
kind reports progress ten times, a third of a second apart, and returns how many steps it took.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.jobs import JobContext, execute
from ue_core.worker import main

SLOW_KIND = "test_slow_steps"


def slow_steps(
    db: Database, actor: Actor, arguments: dict[str, Any], context: JobContext
) -> dict[str, Any]:
    steps = int(arguments.get("steps", 10))
    for step in range(steps):
        context.progress(step / steps, f"Step {step + 1} of {steps}")
        time.sleep(0.35)
    return {"steps": steps}


execute.KINDS[SLOW_KIND] = f"{__name__}:slow_steps"  # type: ignore[index]

if __name__ == "__main__":
    sys.exit(main())
