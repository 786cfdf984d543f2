"""Back up the database to a file and restore it, for ``python -m ue_core.cli backup|restore``.

SQLite is copied with its online backup API (``sqlite3.Connection.backup``), which gives a
consistent copy while the app keeps running. PostgreSQL uses the documented tools:
``pg_dump --format=custom`` of the schema the app uses, and ``pg_restore --clean --if-exists``
in a single transaction (https://www.postgresql.org/docs/current/app-pgdump.html,
https://www.postgresql.org/docs/current/app-pgrestore.html); they come with the Debian package
``postgresql-client``.

A restore refuses to overwrite a database that holds data unless told to (``force``), and a
backup refuses to overwrite an existing file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import URL, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import make_url

#: Alembic's bookkeeping table: a migrated but unused database has a row here and nothing else.
MIGRATIONS_TABLE: Final = "alembic_version"
PG_CLIENT_HELP: Final = (
    "Install the PostgreSQL client tools (on Debian: apt-get install postgresql-client), "
    "in the same major version as the server or newer."
)


class BackupError(Exception):
    """A backup or restore could not be done. The message says why and what to do."""


@dataclass(frozen=True)
class TableCounts:
    """Rows per table (the migrations table left out)."""

    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def describe(self) -> str:
        tables, rows = len(self.rows), self.total
        return (
            f"{rows:,} row{'s' if rows != 1 else ''} in "
            f"{tables:,} table{'s' if tables != 1 else ''}"
        )


def shown_url(url: str) -> str:
    """The database URL without its password, to print."""
    return make_url(url).render_as_string(hide_password=True)


def table_counts(url: str) -> TableCounts:
    """How many rows each of the database's tables holds (in the schema the app uses)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = sorted(
                name for name in inspect(connection).get_table_names() if name != MIGRATIONS_TABLE
            )
            rows = {
                name: connection.scalar(select(func.count()).select_from(table(name))) or 0
                for name in names
            }
    finally:
        engine.dispose()
    return TableCounts(rows)


def _refuse_if_in_use(url: str, force: bool) -> None:
    if force:
        return
    counts = table_counts(url)
    if counts.total:
        raise BackupError(
            f"{shown_url(url)} already holds {counts.describe()}, so nothing was restored. "
            "Restoring replaces all of it: run the command again with --force if that is what "
            "you want (take a backup of it first)."
        )


# SQLite ---------------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database)


def _backup_sqlite(url: URL, path: Path) -> None:
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"There is no database file at {source_path}.")
    partial = path.with_name(path.name + ".partial")
    source = sqlite3.connect(source_path)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as problem:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup failed, so no backup was written: {problem}") from None
    finally:
        source.close()
    partial.replace(path)  # a half-written backup never sits under the name asked for


def _check_sqlite_backup(path: Path) -> None:
    try:
        backup = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (check,) = backup.execute("PRAGMA quick_check").fetchone()
            has_migrations = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                (MIGRATIONS_TABLE,),
            ).fetchone()
        finally:
            backup.close()
    except sqlite3.DatabaseError as problem:
        raise BackupError(f"{path} is not a SQLite backup of the workbench ({problem}).") from None
    if check != "ok":
        raise BackupError(f"{path} is damaged, so nothing was restored: {check}")
    if not has_migrations:
        raise BackupError(f"{path} is a SQLite file but not a backup of the workbench.")


def _restore_sqlite(path: Path, url: URL) -> None:
    _check_sqlite_backup(path)
    target_path = _sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    backup = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(target_path)
        try:
            backup.backup(target)
        finally:
            target.close()
    finally:
        backup.close()


# PostgreSQL ------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed, so nothing was done. {PG_CLIENT_HELP}")
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the tools, with the password passed in the environment."""
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _current_schema(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            schema = connection.scalar(text("SELECT current_schema()"))
    finally:
        engine.dispose()
    if not schema:
        raise BackupError("The database has no schema on its search path to back up.")
    return str(schema)


def _run(command: list[str], environment: dict[str, str], doing: str) -> None:
    # The command is our own list of arguments (no shell); the tool is found with shutil.which.
    finished = subprocess.run(  # noqa: S603
        command, env=environment, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        detail = (finished.stderr or finished.stdout).strip()
        raise BackupError(f"{doing} failed, so nothing was changed: {detail}")


def _backup_postgres(url: URL, path: Path) -> None:
    pg_dump = _pg_tool("pg_dump")
    schema = _current_schema(url.render_as_string(hide_password=False))
    connection, environment = _libpq(url)
    partial = path.with_name(path.name + ".partial")
    command = [
        pg_dump,
        "--format=custom",
        f"--schema={schema}",
        "--no-owner",
        "--no-privileges",
        f"--file={partial}",
        f"--dbname={connection}",
    ]
    try:
        _run(command, environment, "pg_dump")
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)


def _schemas_in_use(url: str) -> tuple[list[str], set[str]]:
    """The database's search path (``$user`` filled in) and the schemas that exist."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            setting = str(connection.scalar(text("SHOW search_path")) or "")
            user = str(connection.scalar(text("SELECT current_user")) or "")
            existing = set(connection.scalars(text("SELECT nspname FROM pg_namespace")))
    finally:
        engine.dispose()
    names = [part.strip().strip('"') for part in setting.split(",") if part.strip()]
    return [user if name == "$user" else name for name in names], existing


def _dumped_schemas(pg_restore: str, path: Path) -> set[str]:
    listed = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [pg_restore, "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        raise BackupError(f"{path} is not a pg_dump backup, so nothing was restored.")
    schemas = set()
    for line in listed.stdout.splitlines():
        if line.startswith(";") or " TABLE " not in line:
            continue
        words = line.split(" TABLE ", 1)[1].split()
        if len(words) >= 2 and words[0] != "DATA":
            schemas.add(words[0])
    if not schemas:
        raise BackupError(f"{path} holds no tables, so nothing was restored.")
    return schemas


def _restore_postgres(path: Path, url: URL) -> None:
    pg_restore = _pg_tool("pg_restore")
    dumped = _dumped_schemas(pg_restore, path)
    search_path, existing = _schemas_in_use(url.render_as_string(hide_password=False))
    # After the restore the app uses the first schema on its search path that exists.
    used = next((name for name in search_path if name in existing | dumped), None)
    if used not in dumped:
        raise BackupError(
            f"{path} is a backup of the schema {', '.join(sorted(dumped))}, but this database "
            f"uses {used or 'no schema'} (the first on its search path), so nothing was "
            "restored."
        )
    connection, environment = _libpq(url)
    command = [
        pg_restore,
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--no-owner",
        "--no-privileges",
        f"--dbname={connection}",
        str(path),
    ]
    _run(command, environment, "pg_restore")


# Both ------------------------------------------------------------------------------------


def backup(url: str, path: Path) -> TableCounts:
    """Write a backup of the database at ``url`` to ``path``; returns what it holds."""
    if path.exists():
        raise BackupError(f"{path} already exists. Choose a new file name for the backup.")
    if not path.parent.is_dir():
        raise BackupError(f"There is no folder {path.parent} to write the backup in.")
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        _pg_tool("pg_dump")  # say so before anything else when the tool is missing
    counts = table_counts(url)
    if backend == "sqlite":
        _backup_sqlite(parsed, path)
    elif backend == "postgresql":
        _backup_postgres(parsed, path)
    else:
        raise BackupError(f"Backing up a {backend} database is not supported.")
    return counts


def restore(path: Path, url: str, *, force: bool = False) -> TableCounts:
    """Replace the database at ``url`` with the backup in ``path``; returns what it now holds.

    Refuses (BackupError) when the database already holds data, unless ``force``.
    """
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if Path(parsed.database or "").exists():
            _refuse_if_in_use(url, force)
        _restore_sqlite(path, parsed)
    elif backend == "postgresql":
        _pg_tool("pg_restore")
        _refuse_if_in_use(url, force)
        _restore_postgres(path, parsed)
    else:
        raise BackupError(f"Restoring a {backend} database is not supported.")
    return table_counts(url)
