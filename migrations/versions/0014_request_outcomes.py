"""What the hub's help with a request achieved: the help given, the time spent and the
practices it aimed at, recorded when a consultant resolves the request.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 10:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "request_outcome",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("help_given", sa.Text(), nullable=False),
        sa.Column("minutes_spent", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_request_outcome_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["support_request.id"],
            name=op.f("fk_request_outcome_request_id_support_request"),
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_request_outcome")),
    )
    op.create_table(
        "request_outcome_practice",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("practice_key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["request_outcome.request_id"],
            name=op.f("fk_request_outcome_practice_request_id_request_outcome"),
        ),
        sa.PrimaryKeyConstraint(
            "request_id", "practice_key", name=op.f("pk_request_outcome_practice")
        ),
    )


def downgrade() -> None:
    op.drop_table("request_outcome_practice")
    op.drop_table("request_outcome")
