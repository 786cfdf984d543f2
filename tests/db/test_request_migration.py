"""Migration 0009: requests sent before kinds and service levels keep their status, count as
responded to and resolved at their last change, and get the kind "other"."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from ue_core.db.migrate import alembic_config

ROWS = [("new", 1), ("assigned", 2), ("in_progress", 3), ("resolved", 4), ("closed", 5)]


def test_old_requests_move_to_the_new_statuses_and_times(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0008")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisation (id, name, kind, created_at)"
                " VALUES (1, 'Office', 'department', '2026-01-01 09:00:00+00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO team (id, organisation_id, name, statistics, happy_to_talk,"
                " created_at) VALUES (1, 1, 'Team', 'Stats', 0, '2026-01-01 09:00:00+00:00')"
            )
        )
        for status, number in ROWS:
            conn.execute(
                text(
                    "INSERT INTO support_request (id, team_id, subject, text, status, resolution,"
                    " created_at, updated_at, version) VALUES (:id, 1, 'Help', 'Please help',"
                    " :status, '', '2026-01-01 09:00:00+00:00', :updated, 1)"
                ),
                {"id": number, "status": status, "updated": f"2026-01-0{number} 10:00:00+00:00"},
            )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT status, kind, first_response_at IS NOT NULL,"
                " resolved_at IS NOT NULL, rating FROM support_request ORDER BY id"
            )
        ).all()
    assert [tuple(row) for row in found] == [
        ("new", "other", 0, 0, None),
        ("assigned", "other", 1, 0, None),
        ("in_progress", "other", 1, 0, None),
        ("resolved", "other", 1, 1, None),
        ("closed", "other", 1, 1, None),
    ]
    with engine.begin() as conn:
        conn.execute(text("UPDATE support_request SET status = 'waiting_on_team' WHERE id = 3"))
        conn.execute(text("UPDATE support_request SET status = 'triaged' WHERE id = 1"))
    command.downgrade(config, "0008")
    with engine.connect() as conn:
        statuses = conn.scalars(text("SELECT status FROM support_request ORDER BY id")).all()
    assert statuses == ["new", "assigned", "in_progress", "resolved", "closed"]
    engine.dispose()
