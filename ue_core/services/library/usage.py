"""Usage figures per library resource, for admins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    AssessmentStatus,
    RecommendationEvent,
    Round,
)
from ue_core.services.assessment_reads import agreed_levels
from ue_core.services.library.catalogue import _items
from ue_core.services.library.follow_up import _moves
from ue_core.services.library.recommendations import EventKind


@dataclass(frozen=True)
class ResourceStats:
    slug: str
    title: str
    kind_label: str
    recommended: int  # assessments it was shown for
    opened: int
    used: int
    dismissed: int
    improved: int  # uses followed by a practice it addresses moving up in a later round


def resource_stats(db: Database, actor: Actor) -> list[ResourceStats]:
    """Per resource: how often it was recommended, opened, used, dismissed, and whether the
    practices it addresses moved up in the team's next round after it was marked used."""
    require(actor, Permission.ADMINISTER)
    items = _items(db)
    with db.read() as session:
        events = list(session.scalars(select(RecommendationEvent)))
        shown: dict[int, set[int | None]] = {}
        counts: dict[tuple[int, str], int] = {}
        for e in events:
            if e.event == EventKind.SHOWN:
                shown.setdefault(e.resource_id, set()).add(e.assessment_id)
            else:
                counts[(e.resource_id, e.event)] = counts.get((e.resource_id, e.event), 0) + 1
        improved: dict[int, int] = {}
        by_row = {item.row_id: item for item in items}
        uses = {
            (e.resource_id, e.assessment_id)
            for e in events
            if e.event == EventKind.USED and e.assessment_id is not None
        }
        for row, assessment_id in sorted(uses, key=lambda pair: (pair[0], pair[1] or 0)):
            item = by_row.get(row)
            assessment = session.get(Assessment, assessment_id)
            if item is None or assessment is None:
                continue
            later = _next_assessment(session, assessment)
            if later is None:
                continue
            moves = _moves(
                item.resource,
                agreed_levels(session, assessment.id),
                agreed_levels(session, later.id),
                {},
            )
            if any(
                m.before is not None and m.after is not None and m.after > m.before for m in moves
            ):
                improved[row] = improved.get(row, 0) + 1
    return [
        ResourceStats(
            slug=item.slug,
            title=item.resource.title,
            kind_label=item.kind_label,
            recommended=len(shown.get(item.row_id, set())),
            opened=counts.get((item.row_id, EventKind.OPENED.value), 0),
            used=counts.get((item.row_id, EventKind.USED.value), 0),
            dismissed=counts.get((item.row_id, EventKind.DISMISSED.value), 0),
            improved=improved.get(item.row_id, 0),
        )
        for item in items
    ]


def _next_assessment(session: Session, assessment: Assessment) -> Assessment | None:
    round_ = session.get(Round, assessment.round_id)
    assert round_ is not None
    return session.scalar(
        select(Assessment)
        .join(Round, Assessment.round_id == Round.id)
        .where(
            Assessment.team_id == assessment.team_id,
            Assessment.status == AssessmentStatus.SUBMITTED.value,
            Round.starts_on > round_.starts_on,
        )
        .order_by(Round.starts_on)
        .limit(1)
    )
