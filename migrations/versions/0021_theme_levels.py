"""Themes at two levels (issue 14): top-level themes, each grouping whole themes.

A ``top_theme`` table and a ``theme.top_theme_id`` column. Every existing theme gets a
top-level theme of its own, with the same name, terms, position and centre, so existing theme
sets read as before (each top-level theme holds one sub-theme) until themes are found again.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 14:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    top = op.create_table(
        "top_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_set_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("top_terms", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("centroid", sa.LargeBinary(), nullable=True),
        sa.Column("renamed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_set_id"], ["theme_set.id"], name=op.f("fk_top_theme_theme_set_id_theme_set")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_top_theme")),
    )
    with op.batch_alter_table("top_theme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_top_theme_theme_set_id"), ["theme_set_id"], unique=False
        )
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.add_column(sa.Column("top_theme_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_theme_top_theme_id"), ["top_theme_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_theme_top_theme_id_top_theme"), "top_theme", ["top_theme_id"], ["id"]
        )
    connection = op.get_bind()
    theme = sa.table(
        "theme",
        sa.column("id", sa.Integer()),
        sa.column("theme_set_id", sa.Integer()),
        sa.column("label", sa.String()),
        sa.column("top_terms", sa.JSON()),
        sa.column("position", sa.Integer()),
        sa.column("centroid", sa.LargeBinary()),
        sa.column("renamed", sa.Boolean()),
        sa.column("top_theme_id", sa.Integer()),
    )
    rows = connection.execute(
        sa.select(
            theme.c.id,
            theme.c.theme_set_id,
            theme.c.label,
            theme.c.top_terms,
            theme.c.position,
            theme.c.centroid,
            theme.c.renamed,
        ).order_by(theme.c.id)
    ).all()
    for theme_id, set_id, label, terms, position, centroid, renamed in rows:
        created = connection.execute(
            sa.insert(top).values(
                theme_set_id=set_id,
                label=label,
                top_terms=terms,
                position=position,
                centroid=centroid,
                renamed=renamed,
            )
        ).inserted_primary_key
        assert created is not None
        connection.execute(
            sa.update(theme).where(theme.c.id == theme_id).values(top_theme_id=created[0])
        )


def downgrade() -> None:
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_theme_top_theme_id_top_theme"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_theme_top_theme_id"))
        batch_op.drop_column("top_theme_id")
    with op.batch_alter_table("top_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_top_theme_theme_set_id"))
    op.drop_table("top_theme")
