"""Support requests gain a kind of help, the statistics they concern, a date to fit, when the
hub first responded and resolved them, and the team's rating; statuses move to the new set.

The old statuses (new, assigned, in progress, resolved, closed) are all in the new set (which
adds triaged and waiting on the team), so each keeps its value. Requests already past "new"
count as responded to, and resolved or closed ones as resolved, at their last change: the
best record there is of when that happened. Older requests get the kind "other".

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Old status to new status. Every old value survives as itself.
STATUS_MAP = {
    "new": "new",
    "assigned": "assigned",
    "in_progress": "in_progress",
    "resolved": "resolved",
    "closed": "closed",
}


def upgrade() -> None:
    with op.batch_alter_table("support_request", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=40), server_default="other", nullable=False)
        )
        batch_op.add_column(
            sa.Column("statistics", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("needed_by", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("rating_comment", sa.Text(), server_default="", nullable=False)
        )
    requests = sa.table(
        "support_request",
        sa.column("status", sa.String()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("first_response_at", sa.DateTime(timezone=True)),
        sa.column("resolved_at", sa.DateTime(timezone=True)),
    )
    for old, new in STATUS_MAP.items():
        if old != new:
            op.execute(requests.update().where(requests.c.status == old).values(status=new))
    op.execute(
        requests.update()
        .where(requests.c.status != "new")
        .values(first_response_at=requests.c.updated_at)
    )
    op.execute(
        requests.update()
        .where(requests.c.status.in_(["resolved", "closed"]))
        .values(resolved_at=requests.c.updated_at)
    )


def downgrade() -> None:
    requests = sa.table("support_request", sa.column("status", sa.String()))
    # The two new statuses have no older equivalent: triaged was still new, waiting on the team
    # was still in progress.
    op.execute(requests.update().where(requests.c.status == "triaged").values(status="new"))
    op.execute(
        requests.update()
        .where(requests.c.status == "waiting_on_team")
        .values(status="in_progress")
    )
    with op.batch_alter_table("support_request", schema=None) as batch_op:
        for column in (
            "rating_comment",
            "rating",
            "resolved_at",
            "first_response_at",
            "needed_by",
            "statistics",
            "kind",
        ):
            batch_op.drop_column(column)
