"""The champions directory: each champion's profile (what they show), and champion terms (who
was champion of which organisation, from when to when). Existing champion roles get an open term
starting on the day of the migration.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 11:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "champion_profile",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("profession", sa.String(length=200), nullable=False),
        sa.Column("interests", sa.Text(), nullable=False),
        sa.Column("areas", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("teams_handle", sa.String(length=200), nullable=False),
        sa.Column("show_email", sa.Boolean(), nullable=False),
        sa.Column("show_phone", sa.Boolean(), nullable=False),
        sa.Column("show_teams", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_champion_profile_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_champion_profile")),
    )
    term = op.create_table(
        "champion_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ended_by_id"],
            ["user_account.id"],
            name=op.f("fk_champion_term_ended_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_champion_term_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["user_account.id"],
            name=op.f("fk_champion_term_started_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_champion_term_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_champion_term")),
    )
    with op.batch_alter_table("champion_term", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_champion_term_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_champion_term_user_id"), ["user_id"], unique=False)

    # Backfill: every champion role held today gets an open term from today (when they became
    # champion was never recorded).
    membership = sa.table(
        "membership",
        sa.column("user_id", sa.Integer()),
        sa.column("role", sa.String()),
        sa.column("organisation_id", sa.Integer()),
    )
    rows = op.get_bind().execute(
        sa.select(membership.c.user_id, membership.c.organisation_id)
        .where(membership.c.role == "champion", membership.c.organisation_id.is_not(None))
        .order_by(membership.c.organisation_id, membership.c.user_id)
    )
    today = date.today()
    backfill = [
        {"user_id": user_id, "organisation_id": organisation_id, "started_on": today}
        for user_id, organisation_id in rows
    ]
    if backfill:
        op.bulk_insert(term, backfill)


def downgrade() -> None:
    with op.batch_alter_table("champion_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_champion_term_user_id"))
        batch_op.drop_index(batch_op.f("ix_champion_term_organisation_id"))

    op.drop_table("champion_term")
    op.drop_table("champion_profile")
