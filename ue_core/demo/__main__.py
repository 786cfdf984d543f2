"""Command line: ``python -m ue_core.demo [--scale small|large] [--seed 2021] [--if-empty]``.

Brings the database to the newest schema, loads the framework and fills the database with
fictional demo data. ``--write-survey PATH`` instead writes the demo survey (with its made-up
contact details, as a raw file would have them) to a .csv, .xlsx or .ods file and stops.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

from ue_core.config import load_settings
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.demo.generator import (
    SCALES,
    DemoError,
    build_survey_frame,
    database_has_organisations,
    generate,
)
from ue_core.demo.survey import write_survey


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ue_core.demo",
        description="Fill the database with fictional demo data.",
    )
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="small",
        help="how much data to make (default: small)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=2021,
        help="random seed; the same seed gives the same data (default: 2021)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: UE_DATABASE_URL or the SQLite file)",
    )
    parser.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing if the database already has organisations",
    )
    parser.add_argument(
        "--write-survey",
        type=Path,
        default=None,
        metavar="PATH",
        help="write the demo survey to PATH (.csv, .xlsx or .ods) and stop",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    scale = SCALES[args.scale]
    if args.write_survey is not None:
        frame = build_survey_frame(args.seed, scale.survey_responses)
        try:
            write_survey(frame, args.write_survey)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        print(f"Wrote {len(frame):,} survey responses to {args.write_survey}")
        return 0

    url = args.database_url or load_settings().database_url
    started = time.perf_counter()
    upgrade(url)
    db = Database(url)
    try:
        if args.if_empty:
            count = database_has_organisations(db)
            if count:
                print(f"The database already has {count:,} organisations: no demo data added.")
                return 0
        try:
            summary = generate(db, scale=args.scale, seed=args.seed)
        except DemoError as error:
            print(error, file=sys.stderr)
            return 1
    finally:
        db.dispose()
    elapsed = time.perf_counter() - started
    shown = make_url(url).render_as_string(hide_password=True)
    print(f"Demo data ({args.scale} scale, seed {args.seed}) added to {shown}:")
    for line in summary.lines():
        print(f"  {line}")
    print(f"Took {elapsed:.1f} seconds.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
