"""A job worker: ``python -m ue_core.worker [--concurrency N] [--name NAME]``.

Runs the workbench's background jobs from the procrastinate task queue in the PostgreSQL
database ``UE_DATABASE_URL`` names, until stopped (SIGINT or SIGTERM: it finishes the jobs it
has, then stops; a second signal stops it at once, and another worker starts its jobs again).
Start as many as the machines allow, on any number of machines. On SQLite there are no workers:
the app runs jobs in a thread of its own.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from sqlalchemy.engine import make_url

from ue_core.config import ConfigError, load_settings
from ue_core.jobs.task_queue import run_worker


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ue_core.worker",
        description="Run the workbench's background jobs (PostgreSQL only).",
    )
    parser.add_argument(
        "--concurrency", type=int, default=1, help="jobs run at once by this worker (default 1)"
    )
    parser.add_argument("--name", default=None, help="a name for this worker in the logs")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        print(
            "Workers run jobs from PostgreSQL only. On SQLite the app runs jobs itself: "
            "set UE_DATABASE_URL to a PostgreSQL database to use workers.",
            file=sys.stderr,
        )
        return 2
    if not 1 <= arguments.concurrency <= 32:
        print("--concurrency must be from 1 to 32.", file=sys.stderr)
        return 2
    run_worker(settings.database_url, concurrency=arguments.concurrency, name=arguments.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
