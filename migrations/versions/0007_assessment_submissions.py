"""Assessment submissions: each submission's agreed answers kept, and who reopened it and why.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by_id", sa.Integer(), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_submission_assessment_id_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["reopened_by_id"],
            ["user_account.id"],
            name=op.f("fk_assessment_submission_reopened_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_assessment_submission_submitted_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_submission")),
        sa.UniqueConstraint(
            "assessment_id", "number", name=op.f("uq_assessment_submission_assessment_id")
        ),
    )
    with op.batch_alter_table("assessment_submission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_submission_assessment_id"), ["assessment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_submission_assessment_id"))
    op.drop_table("assessment_submission")
