"""Version columns on targets, 'you said, we did' actions and surveys; each theme set's space.

Targets, theme actions and surveys (whose redaction counts are added to) get a version column,
so a change saved over someone else's is refused rather than lost. Each theme set records the
embedding space it was found in (for the TF-IDF fallback: the recipe's version and the answers
the space was fitted to), and each answer the space its stored vector is in.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("target", "theme_action", "survey")


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )
    with op.batch_alter_table("theme_set", schema=None) as batch_op:
        batch_op.add_column(sa.Column("embedding_space", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("space_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("space_answer_ids", sa.JSON(), nullable=True))
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("embedding_space", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.drop_column("embedding_space")
    with op.batch_alter_table("theme_set", schema=None) as batch_op:
        batch_op.drop_column("space_answer_ids")
        batch_op.drop_column("space_version")
        batch_op.drop_column("embedding_space")
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
