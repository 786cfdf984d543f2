"""An organisation's list of statistical outputs, for coverage and reassessment prompts.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 07:12:52.660644
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statistical_output",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("team_name", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.String(length=40), nullable=False),
        sa.Column("next_release", sa.Date(), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["user_account.id"],
            name=op.f("fk_statistical_output_imported_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_statistical_output_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_statistical_output_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistical_output")),
    )
    with op.batch_alter_table("statistical_output", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statistical_output_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statistical_output_team_id"), ["team_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("statistical_output", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statistical_output_team_id"))
        batch_op.drop_index(batch_op.f("ix_statistical_output_organisation_id"))

    op.drop_table("statistical_output")
