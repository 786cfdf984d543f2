"""Triage of requests (priority, who triaged, the practice areas confirmed) and the history of
each request's status, for the service-level clock and the hub's reports.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 07:05:12.840633
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "request_practice_area",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=20), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_request_practice_area_confirmed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["support_request.id"],
            name=op.f("fk_request_practice_area_request_id_support_request"),
        ),
        sa.PrimaryKeyConstraint(
            "request_id", "area", name=op.f("pk_request_practice_area")
        ),
    )
    op.create_table(
        "request_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_request_status_change_changed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["support_request.id"],
            name=op.f("fk_request_status_change_request_id_support_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_status_change")),
    )
    with op.batch_alter_table("request_status_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_status_change_request_id"), ["request_id"], unique=False
        )

    with op.batch_alter_table("support_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("triaged_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_support_request_triaged_by_id_user_account"),
            "user_account",
            ["triaged_by_id"],
            ["id"],
        )

    # Existing requests start their history: new when sent, and their present status since
    # they were last changed.
    op.execute(
        "INSERT INTO request_status_change (request_id, status, changed_by_id, changed_at) "
        "SELECT id, 'new', requested_by_id, created_at FROM support_request"
    )
    op.execute(
        "INSERT INTO request_status_change (request_id, status, changed_by_id, changed_at) "
        "SELECT id, status, NULL, updated_at FROM support_request WHERE status <> 'new'"
    )


def downgrade() -> None:
    # The new tables go first: they refer to support_request, which SQLite rebuilds below.
    with op.batch_alter_table("request_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_status_change_request_id"))

    op.drop_table("request_status_change")
    op.drop_table("request_practice_area")

    with op.batch_alter_table("support_request", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_support_request_triaged_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("triaged_at")
        batch_op.drop_column("triaged_by_id")
        batch_op.drop_column("priority")
