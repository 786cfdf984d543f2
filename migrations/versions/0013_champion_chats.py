"""Champion Chats: each month's rounds, groups and members, and the months champions skip.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:29:48.200194
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("drawn_by_id", sa.Integer(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["drawn_by_id"],
            ["user_account.id"],
            name=op.f("fk_chat_round_drawn_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_round")),
        sa.UniqueConstraint("month", name=op.f("uq_chat_round_month")),
    )
    op.create_table(
        "chat_skip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_chat_skip_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_skip")),
        sa.UniqueConstraint("month", "user_id", name=op.f("uq_chat_skip_month")),
    )
    with op.batch_alter_table("chat_skip", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_skip_user_id"), ["user_id"], unique=False)

    op.create_table(
        "chat_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["chat_round.id"], name=op.f("fk_chat_group_round_id_chat_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_group")),
        sa.UniqueConstraint("round_id", "number", name=op.f("uq_chat_group_round_id")),
    )
    op.create_table(
        "chat_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["chat_group.id"], name=op.f("fk_chat_member_group_id_chat_group")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["chat_round.id"], name=op.f("fk_chat_member_round_id_chat_round")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_chat_member_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_member")),
        sa.UniqueConstraint("round_id", "user_id", name=op.f("uq_chat_member_round_id")),
    )
    with op.batch_alter_table("chat_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_member_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_member_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chat_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_member_user_id"))
        batch_op.drop_index(batch_op.f("ix_chat_member_group_id"))

    op.drop_table("chat_member")
    op.drop_table("chat_group")
    with op.batch_alter_table("chat_skip", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_skip_user_id"))

    op.drop_table("chat_skip")
    op.drop_table("chat_round")
