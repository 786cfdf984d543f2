"""The register of theme-based user groups and forums: each forum, its member organisations,
the days it met and its biggest successes.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 13:39:00.192799
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "forum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("host_organisation_id", sa.Integer(), nullable=False),
        sa.Column("themes", sa.String(length=400), nullable=False),
        sa.Column("attendees", sa.String(length=400), nullable=False),
        sa.Column("frequency", sa.String(length=40), nullable=False),
        sa.Column("join_text", sa.Text(), nullable=False),
        sa.Column("join_url", sa.String(length=500), nullable=False),
        sa.Column("status_set", sa.String(length=20), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_forum_host_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum")),
        sa.UniqueConstraint("name", name=op.f("uq_forum_name")),
    )
    with op.batch_alter_table("forum", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forum_host_organisation_id"), ["host_organisation_id"], unique=False
        )

    op.create_table(
        "forum_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_forum_meeting_forum_id_forum")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_forum_meeting_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_meeting")),
        sa.UniqueConstraint("forum_id", "met_on", name=op.f("uq_forum_meeting_forum_id")),
    )
    with op.batch_alter_table("forum_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_meeting_forum_id"), ["forum_id"], unique=False)

    op.create_table(
        "forum_member",
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_forum_member_forum_id_forum")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_forum_member_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("forum_id", "organisation_id", name=op.f("pk_forum_member")),
    )
    with op.batch_alter_table("forum_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forum_member_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "forum_success",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("suggested_case_study", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_forum_success_forum_id_forum")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_forum_success_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_success")),
    )
    with op.batch_alter_table("forum_success", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_success_forum_id"), ["forum_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("forum_success", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_success_forum_id"))

    op.drop_table("forum_success")
    with op.batch_alter_table("forum_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_member_organisation_id"))

    op.drop_table("forum_member")
    with op.batch_alter_table("forum_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_meeting_forum_id"))

    op.drop_table("forum_meeting")
    with op.batch_alter_table("forum", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_host_organisation_id"))

    op.drop_table("forum")
