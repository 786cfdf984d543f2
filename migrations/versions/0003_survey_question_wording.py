"""Survey questions: the wording the consultant gave each question at import.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 05:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("survey_question", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wording", sa.String(length=300), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_question", schema=None) as batch_op:
        batch_op.drop_column("wording")
