"""Reuse stored embeddings of identical answers across surveys (issue 13).

A ``survey_answer.embedding_key`` column, indexed: for an answer embedded with a sentence
model, the SHA-256 of the model's name and pinned file hash and the word pieces it read
(``ue_core.themes.embedding.token_key``). Answers embedded before this revision have no key;
theirs is filled in the next time their question's embeddings are checked.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 19:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("embedding_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_survey_answer_embedding_key"), ["embedding_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_answer_embedding_key"))
        batch_op.drop_column("embedding_key")
