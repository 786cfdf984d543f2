"""Champions' monthly updates after their Chat (with categories and reminders), case-study
drafts for the library, and notifications about no request (a reminder of a month's update).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 13:38:31.661633
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "champion_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_champion_update_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_champion_update_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_champion_update")),
        sa.UniqueConstraint("month", "user_id", name=op.f("uq_champion_update_month")),
    )
    with op.batch_alter_table("champion_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_champion_update_month"), ["month"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_champion_update_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_champion_update_user_id"), ["user_id"], unique=False)

    op.create_table(
        "update_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["user_account.id"],
            name=op.f("fk_update_reminder_sent_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_update_reminder_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_reminder")),
        sa.UniqueConstraint("month", "user_id", "sent_on", name=op.f("uq_update_reminder_month")),
    )
    with op.batch_alter_table("update_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_update_reminder_user_id"), ["user_id"], unique=False)

    op.create_table(
        "case_study_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("source_kind", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("source_urls", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_case_study_draft_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_study_draft_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"], ["resource.id"], name=op.f("fk_case_study_draft_resource_id_resource")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_case_study_draft_reviewed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_study_draft")),
        sa.UniqueConstraint(
            "source_kind", "source_id", name=op.f("uq_case_study_draft_source_kind")
        ),
    )
    op.create_table(
        "champion_update_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["champion_update.id"],
            name=op.f("fk_champion_update_category_update_id_champion_update"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_champion_update_category")),
        sa.UniqueConstraint(
            "update_id", "category", name=op.f("uq_champion_update_category_update_id")
        ),
    )
    with op.batch_alter_table("champion_update_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_champion_update_category_update_id"), ["update_id"], unique=False
        )

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_month", sa.Date(), nullable=True))
        batch_op.alter_column("request_id", existing_type=sa.INTEGER(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM notification WHERE request_id IS NULL")

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.alter_column("request_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("chat_month")

    with op.batch_alter_table("champion_update_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_champion_update_category_update_id"))

    op.drop_table("champion_update_category")
    op.drop_table("case_study_draft")
    with op.batch_alter_table("update_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_update_reminder_user_id"))

    op.drop_table("update_reminder")
    with op.batch_alter_table("champion_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_champion_update_user_id"))
        batch_op.drop_index(batch_op.f("ix_champion_update_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_champion_update_month"))

    op.drop_table("champion_update")
