"""Shared fixtures: a migrated database per test (SQLite always; PostgreSQL when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade

POSTGRES_URL = os.environ.get("UE_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def sqlite_database(tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'workbench.db'}"
    upgrade(url)
    return Database(url)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = sqlite_database(tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def db_url(db: Database) -> str:
    return db.url


def _postgres_database() -> Iterator[Database]:
    """A fresh schema in the test PostgreSQL database, dropped afterwards."""
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("UE_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests.")
        pytest.skip("UE_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # the server is down or refuses us
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} cannot be reached: {exc}")
        pytest.skip(f"PostgreSQL cannot be reached: {exc}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    upgrade(url)
    database = Database(url)
    try:
        yield database
    finally:
        database.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The data layer under test on both databases."""
    if request.param == "sqlite":
        database = sqlite_database(tmp_path)
        yield database
        database.dispose()
    else:
        yield from _postgres_database()
