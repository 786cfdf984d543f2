"""Shared fixtures: a migrated database per test (SQLite always; PostgreSQL when configured).

Running the migrations is the expensive part of a fresh database, so each test process runs
them once per database kind and reuses the result:

* SQLite: the migrations build a template file once; every test gets its own copy of it.
* PostgreSQL: every test gets its own schema, migrated the first time it is made. When the
  test ends its tables are emptied (``TRUNCATE ... RESTART IDENTITY``) and the schema goes back
  to a pool for the next test, unless its structure no longer matches a freshly migrated one,
  in which case it is dropped. Each use gets a new URL (``application_name`` differs), so
  anything keyed by database URL starts afresh.

Under pytest-xdist each worker process has its own template and its own schemas (named after
the worker), so workers never share a database.

Passwords are hashed with argon2id at its lowest cost (see ``cheap_password_hashing``).
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, text

import ue_core.passwords
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade

POSTGRES_URL = os.environ.get("UE_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
#: "gw0", "gw1", ... under pytest-xdist; "main" in a plain run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


# --- Password hashing: argon2id at its cheapest --------------------------------------------

#: The same algorithm (argon2id) as production, with the least work it allows. The production
#: cost (``PasswordHasher()``'s defaults) takes most of a second per hash on the test machine, and
#: every test world signs up several people.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Hash and verify passwords in tests with :data:`CHEAP_HASHER` (in this process only)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ue_core.passwords, "_hasher", CHEAP_HASHER)
        patch.setattr(ue_core.passwords, "_DUMMY_HASH", CHEAP_HASHER.hash("not a password"))
        yield


# --- SQLite: one migrated template per process, copied for each test ------------------------


@cache
def _sqlite_template() -> Path:
    """A migrated SQLite file, made the first time it is asked for in this process."""
    folder = Path(tempfile.mkdtemp(prefix=f"ue-template-{WORKER}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "template.db"
    upgrade(f"sqlite:///{path}")
    # Fold the write-ahead log into the file, so that the file alone is the whole database.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path


def sqlite_database(tmp_path: Path) -> Database:
    """A freshly migrated SQLite database at ``tmp_path / 'workbench.db'``."""
    path = tmp_path / "workbench.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template(), path)
    return Database(f"sqlite:///{path}")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = sqlite_database(tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def db_url(db: Database) -> str:
    return db.url


# --- PostgreSQL: migrated schemas, emptied and reused -----------------------------------------

#: Schemas of this process that are migrated, empty and free for the next test.
_free_schemas: list[str] = []
#: Every schema this process made and has not dropped, for the end of the session.
_made_schemas: set[str] = set()
#: Numbers each use of a schema, so that every test's database URL is new.
_uses = itertools.count(1)

_SHAPE_SQL = text(
    "SELECT 'column', table_name || '.' || column_name || ':' || data_type || ':' "
    "|| is_nullable || ':' || coalesce(column_default, '') "
    "FROM information_schema.columns WHERE table_schema = :schema "
    "UNION ALL SELECT 'index', tablename || '.' || indexname || ':' || indexdef "
    "FROM pg_indexes WHERE schemaname = :schema "
    "UNION ALL SELECT 'constraint', conrelid::regclass::text || '.' || conname || ':' "
    "|| pg_get_constraintdef(c.oid) FROM pg_constraint c "
    "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = :schema "
    "ORDER BY 1, 2"
)


@cache
def _admin() -> Engine:
    engine = create_engine(POSTGRES_URL)
    atexit.register(engine.dispose)
    return engine


def _schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


def _shape(schema: str) -> tuple[tuple[str, str], ...]:
    """The structure of ``schema`` (columns, indexes, constraints) and its migration version."""
    with _admin().connect() as conn:
        rows = conn.execute(_SHAPE_SQL, {"schema": schema}).all()
        version = conn.execute(text(f'SELECT version_num FROM "{schema}".alembic_version')).all()
    return tuple((kind, str(item)) for kind, item in rows) + tuple(
        ("version", str(row[0])) for row in version
    )


#: What a freshly migrated schema looks like: set by the first schema this process makes.
_fresh: dict[str, tuple[tuple[str, str], ...]] = {}


def _new_schema() -> str:
    """Create and migrate a new schema; raise if the server cannot be reached."""
    schema = f"t_{WORKER}_{uuid.uuid4().hex[:12]}"
    with _admin().begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    _made_schemas.add(schema)
    upgrade(_schema_url(schema))
    if "shape" not in _fresh:
        _fresh["shape"] = _shape(schema)
    return schema


def _drop_schema(schema: str) -> None:
    with _admin().begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    _made_schemas.discard(schema)


def _empty_for_reuse(schema: str) -> bool:
    """Empty every table of ``schema`` and put it back in the pool; False if it was dropped."""
    try:
        if _shape(schema) != _fresh["shape"]:
            _drop_schema(schema)
            return False
        with _admin().begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            tables = conn.scalars(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = :schema "
                    "AND tablename <> 'alembic_version' ORDER BY tablename"
                ),
                {"schema": schema},
            ).all()
            if tables:
                names = ", ".join(f'"{schema}"."{table}"' for table in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    except Exception:
        _drop_schema(schema)
        return False
    _free_schemas.append(schema)
    return True


def _postgres_database() -> Iterator[Database]:
    """A freshly migrated, empty schema in the test PostgreSQL database, for one test."""
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("UE_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests.")
        pytest.skip("UE_TEST_POSTGRES_URL is not set")
    if _free_schemas:
        schema = _free_schemas.pop()
    else:
        try:
            schema = _new_schema()
        except Exception as exc:  # the server is down or refuses us
            if IN_CI:
                pytest.fail(f"PostgreSQL at {POSTGRES_URL} cannot be reached: {exc}")
            pytest.skip(f"PostgreSQL cannot be reached: {exc}")
    # A URL of its own even when the schema is reused: the services keep per-process notes keyed
    # by database URL (for example, that the library catalogue is already synced into it).
    database = Database(f"{_schema_url(schema)}&application_name=ue_test_{next(_uses)}")
    try:
        yield database
    finally:
        database.dispose()
        _empty_for_reuse(schema)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop this process's schemas (each xdist worker runs this hook for its own)."""
    for schema in sorted(_made_schemas):
        try:
            _drop_schema(schema)
        except Exception:  # the server went away; nothing more to tidy
            break
    _free_schemas.clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The data layer under test on both databases."""
    if request.param == "sqlite":
        database = sqlite_database(tmp_path)
        yield database
        database.dispose()
    else:
        yield from _postgres_database()
