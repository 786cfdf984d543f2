"""Survey themes as evidence (issue 14, item 5): a ``theme_evidence`` table.

An approved theme attached to a team's rating of one practice in an assessment, with a snapshot
of the theme's name, its top-level theme's name, its size and up to three quotes.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 19:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "theme_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("theme_set_id", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("theme_label", sa.String(length=300), nullable=False),
        sa.Column("top_theme_label", sa.String(length=300), nullable=False),
        sa.Column("answer_count", sa.Integer(), nullable=False),
        sa.Column("quotes", sa.JSON(), nullable=False),
        sa.Column("survey_title", sa.String(length=300), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("attached_by_id", sa.Integer(), nullable=True),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_theme_evidence_assessment_id_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["attached_by_id"],
            ["user_account.id"],
            name=op.f("fk_theme_evidence_attached_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_theme_evidence_practice_id_practice")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_theme_evidence_survey_id_survey")
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["theme.id"],
            name=op.f("fk_theme_evidence_theme_id_theme"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["theme_set_id"],
            ["theme_set.id"],
            name=op.f("fk_theme_evidence_theme_set_id_theme_set"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_evidence")),
        sa.UniqueConstraint(
            "assessment_id", "practice_id", "theme_id", name=op.f("uq_theme_evidence_assessment_id")
        ),
    )
    with op.batch_alter_table("theme_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_theme_evidence_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_theme_evidence_survey_id"), ["survey_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_theme_evidence_theme_id"), ["theme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("theme_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_evidence_theme_id"))
        batch_op.drop_index(batch_op.f("ix_theme_evidence_survey_id"))
        batch_op.drop_index(batch_op.f("ix_theme_evidence_assessment_id"))
    op.drop_table("theme_evidence")
