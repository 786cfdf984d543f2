"""Reading submitted scores for oversight and the progress report: the principle scores of
every submitted assessment from one grouped query, the principles in order, the rounds that
have started, each team's latest submission and the current round's statuses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    Practice,
    Principle,
    Round,
)
from ue_core.scoring import overall_score, principle_score
from ue_core.services.frameworks import current_version_id


@dataclass(frozen=True)
class PrincipleInfo:
    key: str
    title: str


@dataclass(frozen=True)
class _Submitted:
    assessment_id: int
    team_id: int
    round_id: int
    principles: dict[str, Fraction]

    @property
    def overall(self) -> Fraction | None:
        return overall_score(self.principles.values())


def _submitted_scores(session: Session, round_id: int | None = None) -> list[_Submitted]:
    """Principle scores of every submitted assessment (of one round), from one grouped query."""
    stmt = (
        select(
            Assessment.id,
            Assessment.team_id,
            Assessment.round_id,
            Principle.key,
            func.sum(AgreedRating.level),
            func.count(AgreedRating.level),
        )
        .join(AgreedRating, AgreedRating.assessment_id == Assessment.id)
        .join(Practice, Practice.id == AgreedRating.practice_id)
        .join(Principle, Principle.id == Practice.principle_id)
        .where(
            Assessment.status == AssessmentStatus.SUBMITTED.value,
            AgreedRating.level.is_not(None),
        )
        .group_by(Assessment.id, Assessment.team_id, Assessment.round_id, Principle.key)
    )
    if round_id is not None:
        stmt = stmt.where(Assessment.round_id == round_id)
    found: dict[int, _Submitted] = {}
    for assessment_id, team_id, round_, key, total, count in session.execute(stmt):
        entry = found.get(assessment_id)
        if entry is None:
            entry = found[assessment_id] = _Submitted(assessment_id, team_id, round_, {})
        if count and total is not None:
            entry.principles[key] = principle_score(int(total), int(count))
    return list(found.values())


def _principles(session: Session) -> list[PrincipleInfo]:
    """Principles in the current framework's order; older versions' own principles after them."""
    current = current_version_id(session)
    rows = session.execute(
        select(Principle.key, Principle.title, Principle.framework_version_id).order_by(
            Principle.framework_version_id.desc(), Principle.position
        )
    ).all()
    ordered: dict[str, PrincipleInfo] = {}
    for key, title, _version_id in sorted(rows, key=lambda r: r[2] != current):
        ordered.setdefault(key, PrincipleInfo(key, title))
    return list(ordered.values())


def _rounds(session: Session, today: date) -> list[Round]:
    """Rounds that have started, oldest first."""
    return list(
        session.scalars(select(Round).where(Round.starts_on <= today).order_by(Round.starts_on))
    )


def _latest_by_team(
    submitted: Iterable[_Submitted], round_order: Mapping[int, int]
) -> dict[int, _Submitted]:
    latest: dict[int, _Submitted] = {}
    for item in submitted:
        if item.round_id not in round_order:
            continue
        held = latest.get(item.team_id)
        if held is None or round_order[item.round_id] > round_order[held.round_id]:
            latest[item.team_id] = item
    return latest


def _round_statuses(session: Session, round_id: int | None) -> dict[int, str]:
    if round_id is None:
        return {}
    rows = session.execute(
        select(Assessment.team_id, Assessment.status).where(Assessment.round_id == round_id)
    )
    return {team_id: status for team_id, status in rows}
