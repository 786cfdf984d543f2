"""Jobs: the record of long work run in the background, and (on PostgreSQL) procrastinate's
task-queue schema.

The ``job`` table is the workbench's own record (kind, who started it, subject, state,
progress, result, error, times, cancel flag), with a partial unique index allowing one queued
or running job of a kind per subject. On PostgreSQL the procrastinate task queue's tables and
functions are made here too, from the schema file of the pinned procrastinate version
(``migrations/procrastinate/schema-3.10.0.sql``), so Alembic stays the only way the schema is
made. A later procrastinate version comes with its own migration running procrastinate's
migration scripts for the versions in between.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 13:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROCRASTINATE_SCHEMA = Path(__file__).parent.parent / "procrastinate" / "schema-3.10.0.sql"
ACTIVE = sa.text("state IN ('queued', 'running') AND subject_id IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("arguments", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Double(), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("queue_job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')",
            name=op.f("ck_job_state"),
        ),
        sa.CheckConstraint("progress >= 0 AND progress <= 1", name=op.f("ck_job_progress")),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["user_account.id"], name=op.f("fk_job_started_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    op.create_index(op.f("ix_job_started_by_id"), "job", ["started_by_id"], unique=False)
    op.create_index(
        "uq_job_one_active_per_subject",
        "job",
        ["kind", "subject_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # Run as one script with no parameters, so its own '%' signs are left alone.
        bind.exec_driver_sql(
            PROCRASTINATE_SCHEMA.read_text(encoding="utf-8"),
            execution_options={"no_parameters": True},
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in ("events", "periodic_defers", "jobs", "workers"):
            op.execute(f"DROP TABLE IF EXISTS procrastinate_{table} CASCADE")
        functions = bind.execute(
            sa.text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%'"
            )
        ).scalars()
        for function in list(functions):
            op.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        for kind in ("job_to_defer_v1", "job_status", "job_event_type"):
            op.execute(f"DROP TYPE IF EXISTS procrastinate_{kind} CASCADE")
    op.drop_index("uq_job_one_active_per_subject", table_name="job")
    op.drop_index(op.f("ix_job_started_by_id"), table_name="job")
    op.drop_table("job")
