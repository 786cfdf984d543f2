"""``python -m ue_core.cli backup`` and ``restore`` on SQLite and PostgreSQL: a demo-sized
database backed up and restored into a fresh database has every row of every table."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from ue_core import cli
from ue_core.db import backup
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.demo.generator import generate


def table_checksums(url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 of all its rows in primary-key order."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        result: dict[str, tuple[int, str]] = {}
        with engine.connect() as connection:
            for name, table in sorted(metadata.tables.items()):
                order = list(table.primary_key.columns) or list(table.columns)
                digest = hashlib.sha256()
                count = 0
                for row in connection.execute(select(table).order_by(*order)):
                    digest.update(repr(tuple(row)).encode())
                    count += 1
                result[name.split(".")[-1]] = (count, digest.hexdigest())
    finally:
        engine.dispose()
    return result


@pytest.fixture
def fresh_url(any_db: Database, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind: a new SQLite file, or a new PostgreSQL
    database whose search path names the same schema."""
    source = make_url(any_db.url)
    if source.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'workbench.db'}"
        return
    name = f"restore_{uuid.uuid4().hex[:12]}"
    server = create_engine(source.set(query={}), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield source.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def run_cli(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> int:
    monkeypatch.setenv("UE_DATABASE_URL", url)
    return cli.main(list(args))


def test_a_restored_backup_has_every_row_of_every_table(
    any_db: Database,
    fresh_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    generate(any_db, scale="small", seed=2021)
    original = table_checksums(any_db.url)
    assert original["rating"][0] > 10_000 and original["survey_answer"][0] > 100
    path = tmp_path / "workbench.backup"

    assert run_cli(monkeypatch, any_db.url, "backup", str(path)) == 0
    rows = sum(count for name, (count, _) in original.items() if name != "alembic_version")
    assert f"{rows:,} rows in" in capsys.readouterr().out

    assert run_cli(monkeypatch, fresh_url, "restore", str(path)) == 0
    said = capsys.readouterr().out
    assert f"Restored {path} into" in said and f"it now holds {rows:,} rows" in said
    assert table_checksums(fresh_url) == original

    # A database that holds data is not overwritten without --force ...
    assert run_cli(monkeypatch, fresh_url, "restore", str(path)) == 2
    refused = capsys.readouterr().err
    assert "already holds" in refused and "--force" in refused
    # ... and with --force it is replaced by the backup, whatever it held.
    restored = Database(fresh_url)
    with restored.transaction() as session:
        session.execute(text("DELETE FROM recommendation_event"))
        session.execute(text("UPDATE team SET statistics = 'changed after the backup'"))
    restored.dispose()
    assert table_checksums(fresh_url) != original
    assert run_cli(monkeypatch, fresh_url, "restore", "--force", str(path)) == 0
    assert table_checksums(fresh_url) == original


def test_restore_refuses_a_database_that_holds_data(
    any_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "empty.backup"
    assert run_cli(monkeypatch, any_db.url, "backup", str(path)) == 0
    with any_db.transaction() as session:
        session.execute(
            text(
                "INSERT INTO organisation (name, kind, created_at) "
                "VALUES ('Kept', 'department', CURRENT_TIMESTAMP)"
            )
        )
    before = table_checksums(any_db.url)
    assert run_cli(monkeypatch, any_db.url, "restore", str(path)) == 2
    err = capsys.readouterr().err
    assert "already holds 1 row in" in err
    assert "nothing was restored" in err and "--force" in err
    assert table_checksums(any_db.url) == before


def test_backup_does_not_overwrite_a_file_and_restore_checks_the_file(
    any_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    taken = tmp_path / "taken.backup"
    taken.write_bytes(b"something else")
    assert run_cli(monkeypatch, any_db.url, "backup", str(taken)) == 2
    assert "already exists" in capsys.readouterr().err
    assert taken.read_bytes() == b"something else"
    assert run_cli(monkeypatch, any_db.url, "restore", "--force", str(taken)) == 2
    assert "is not a" in capsys.readouterr().err
    assert run_cli(monkeypatch, any_db.url, "restore", str(tmp_path / "missing")) == 2
    assert "There is no backup file" in capsys.readouterr().err


def test_a_missing_pg_dump_is_named_with_the_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    assert run_cli(monkeypatch, url, "backup", str(tmp_path / "x.backup")) == 2
    err = capsys.readouterr().err
    assert "pg_dump is not installed" in err and "postgresql-client" in err
    (tmp_path / "x.backup").write_bytes(b"PGDMP")
    assert run_cli(monkeypatch, url, "restore", str(tmp_path / "x.backup")) == 2
    assert "pg_restore is not installed" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.partial"))


def test_a_freshly_migrated_database_counts_as_empty(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    upgrade(url)
    counts = backup.table_counts(url)
    assert counts.total == 0 and "audit_event" in counts.rows
