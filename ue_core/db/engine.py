"""Engine and session factory. Only services open sessions and transactions.

SQLite (the embedded default) runs in WAL mode with a busy timeout and foreign keys on;
PostgreSQL (psycopg 3) is the multi-user deployment.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ue_core.config import ConfigError
from ue_core.errors import ConflictError

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: PostgreSQL connection pool: connections kept open per process, and how many more may be
#: opened at a busy moment (SQLAlchemy's defaults). ``UE_DATABASE_POOL_SIZE`` and
#: ``UE_DATABASE_MAX_OVERFLOW`` change them; the load benchmark (bench/load.py) sets them.
DEFAULT_POOL_SIZE = 5
DEFAULT_MAX_OVERFLOW = 10
POOL_SIZE_ENV = "UE_DATABASE_POOL_SIZE"
MAX_OVERFLOW_ENV = "UE_DATABASE_MAX_OVERFLOW"
#: Execution option asking SQLite to take its write lock when the transaction begins.
_SQLITE_IMMEDIATE = "ue_sqlite_begin_immediate"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Begin a locking transaction with ``BEGIN IMMEDIATE`` (SQLAlchemy's pysqlite recipe).

    Only connections marked with ``_SQLITE_IMMEDIATE`` are affected; every other transaction
    keeps pysqlite's own deferred begin.
    """
    if connection.get_execution_options().get(_SQLITE_IMMEDIATE):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _pool_setting(name: str, given: int | None, default: int) -> int:
    if given is not None:
        return given
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} is '{raw}': use a whole number.") from None
    if value < 0:
        raise ConfigError(f"{name} is {value}: use 0 or more.")
    return value


def create_db_engine(
    url: str, *, pool_size: int | None = None, max_overflow: int | None = None
) -> Engine:
    """Make an engine for ``url``; SQLite files get their folder created and pragmas set.

    A server database gets a pool of ``pool_size`` connections (plus up to ``max_overflow``
    more when busy); when not given they come from ``UE_DATABASE_POOL_SIZE`` and
    ``UE_DATABASE_MAX_OVERFLOW``, else SQLAlchemy's defaults (5 and 10).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=_pool_setting(POOL_SIZE_ENV, pool_size, DEFAULT_POOL_SIZE),
        max_overflow=_pool_setting(MAX_OVERFLOW_ENV, max_overflow, DEFAULT_MAX_OVERFLOW),
    )


class Database:
    """The engine plus a session factory; ``transaction()`` is the unit of work."""

    def __init__(
        self, url: str, *, pool_size: int | None = None, max_overflow: int | None = None
    ) -> None:
        self.url = url
        self.engine = create_db_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self, *, locking: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error.

        A row changed by someone else since it was read (its version column moved on) rolls the
        whole transaction back and raises ConflictError.

        ``locking=True`` is for a check that reads and then writes (submit an assessment, save an
        answer to it): on SQLite the transaction begins with ``BEGIN IMMEDIATE``, so it holds the
        write lock from its first read and no other writer can slip in between; on PostgreSQL the
        service locks the rows it checks with ``SELECT ... FOR UPDATE``.
        """
        try:
            with self._sessions() as session, session.begin():
                if locking and self.engine.dialect.name == "sqlite":
                    session.connection(execution_options={_SQLITE_IMMEDIATE: True})
                yield session
        except StaleDataError:
            raise ConflictError(
                "Someone else saved a change to this first. Reload to see it, then try again."
            ) from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only; nothing is committed."""
        with self._sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
