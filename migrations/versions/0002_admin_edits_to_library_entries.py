"""Admin edits to library entries: who changed an entry in the app, when, and a version column.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 06:12:30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("edited_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_resource_edited_by_id_user_account"),
            "user_account",
            ["edited_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_resource_edited_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("version")
        batch_op.drop_column("edited_by_id")
        batch_op.drop_column("edited_at")
