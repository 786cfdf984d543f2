"""Migration 0015: the consultant_skill table comes with the upgrade and goes with the
downgrade, leaving the rest of the schema as it was."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from ue_core.db.migrate import alembic_config


def test_consultant_skill_table_up_and_down(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'skills.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0014")
    engine = create_engine(url)
    before = set(inspect(engine).get_table_names())
    assert "consultant_skill" not in before
    command.upgrade(config, "0015")
    assert {c["name"] for c in inspect(engine).get_columns("consultant_skill")} == {
        "user_id",
        "skill",
        "key",
        "declared_by_id",
        "declared_at",
    }
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO user_account (id, email, display_name, is_active, created_at)"
                " VALUES (1, 'c@test.example', 'C', 1, '2026-01-01 09:00:00+00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO consultant_skill (user_id, skill, key, declared_at)"
                " VALUES (1, 'area', 'listen', '2026-01-01 09:00:00+00:00')"
            )
        )
    command.downgrade(config, "0014")
    assert set(inspect(engine).get_table_names()) == before
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM consultant_skill")) == 0
    engine.dispose()
