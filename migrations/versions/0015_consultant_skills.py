"""Consultants' declared skills: the practice areas and kinds of help each hub consultant can
help with, for suggesting who is best placed to take a request.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 10:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consultant_skill",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["declared_by_id"],
            ["user_account.id"],
            name=op.f("fk_consultant_skill_declared_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_consultant_skill_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("user_id", "skill", "key", name=op.f("pk_consultant_skill")),
    )


def downgrade() -> None:
    op.drop_table("consultant_skill")
