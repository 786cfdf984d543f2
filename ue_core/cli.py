"""Operator commands: ``python -m ue_core.cli create-user ...``, ``load-framework``,
``backup PATH`` and ``restore PATH [--force]``.

Passwords are read from the terminal (never from the command line, where they would be kept in
shell history), or from UE_NEW_PASSWORD for scripted set-ups.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from ue_core.authz import SYSTEM
from ue_core.config import load_settings
from ue_core.content import ContentError
from ue_core.db import backup
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.db.models import Organisation, Role, Team
from ue_core.services import accounts
from ue_core.services.frameworks import sync_framework


def _find_id(db: Database, model: type[Team] | type[Organisation], name: str) -> int:
    with db.read() as session:
        found = session.scalars(select(model.id).where(model.name == name)).all()
    if len(found) != 1:
        kind = "team" if model is Team else "organisation"
        raise SystemExit(f"No single {kind} is called '{name}'.")
    return found[0]


def _password(wanted: bool) -> str | None:
    if not wanted:
        return None
    from_env = os.environ.get("UE_NEW_PASSWORD")
    if from_env:
        return from_env
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise SystemExit("The passwords do not match.")
    return first


def _backup_or_restore(command: str, path: Path, url: str, args: argparse.Namespace) -> int:
    shown = backup.shown_url(url)
    try:
        if command == "backup":
            counts = backup.backup(url, path)
            print(f"Backed up {shown} to {path}: {counts.describe()}.")
            return 0
        counts = backup.restore(path, url, force=bool(args.force))
    except backup.BackupError as problem:
        print(problem, file=sys.stderr)
        return 2
    except OperationalError as problem:
        print(f"Cannot open the database {shown}: {problem.orig}", file=sys.stderr)
        return 2
    upgrade(url)  # a backup from an older release is brought up to this release's schema
    print(f"Restored {path} into {shown}: it now holds {counts.describe()}.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ue_core.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-user", help="create an account with one role")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--team", help="team name (member and lead roles)")
    create.add_argument("--organisation", help="organisation name (champion role)")
    create.add_argument(
        "--no-password", action="store_true", help="single sign-on only (oidc mode)"
    )
    commands.add_parser("load-framework", help="load data/framework.yaml as a new version")
    save = commands.add_parser(
        "backup",
        help="copy the database to a file (SQLite online backup, or pg_dump for PostgreSQL)",
    )
    save.add_argument("path", type=Path, help="the backup file to write (must not exist)")
    load = commands.add_parser(
        "restore", help="replace the database with a backup made by the backup command"
    )
    load.add_argument("path", type=Path, help="the backup file to read")
    load.add_argument(
        "--force", action="store_true", help="replace a database that already holds data"
    )
    args = parser.parse_args(argv)

    settings = load_settings()
    if args.command in ("backup", "restore"):
        return _backup_or_restore(args.command, args.path, settings.database_url, args)
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        if args.command == "load-framework":
            result = sync_framework(db, SYSTEM)
            print(
                f"Loaded framework version {result.version_id}."
                if result.created
                else "The framework file has not changed."
            )
            return 0
        role = Role(args.role)
        team_id = _find_id(db, Team, args.team) if args.team else None
        org_id = _find_id(db, Organisation, args.organisation) if args.organisation else None
        user_id = accounts.create_user(
            db,
            SYSTEM,
            email=args.email,
            display_name=args.name,
            password=_password(not args.no_password),
            role=role,
            team_id=team_id,
            organisation_id=org_id,
        )
        print(f"Created account {user_id} for {args.email}.")
        return 0
    except (accounts.AccountError, ContentError) as problem:
        print(problem, file=sys.stderr)
        return 2
    finally:
        db.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
