"""A team's history: its scores round by round and each principle's trend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    FrameworkVersion,
    Round,
)
from ue_core.framework import Framework
from ue_core.scoring import (
    PracticeRating,
    RoundComparison,
    compare_rounds,
    score_assessment,
)
from ue_core.services.access_facts import viewable_team
from ue_core.services.frameworks import framework_for_version
from ue_core.services.results import SEE_OWN_RESULTS, _agreed_ratings, _titles, build_crosswalk
from ue_core.services.submissions import ever_submitted


@dataclass(frozen=True)
class RoundScore:
    """One submitted round in a team's history."""

    assessment_id: int
    round_label: str
    round_starts_on: date
    framework_edition: str
    principle_titles: Mapping[str, str]
    principle_scores: Mapping[str, float | None]
    overall_score: float | None
    overall_level: int | None
    comparison: RoundComparison | None  # with the round before, if there is one
    framework_changed: bool  # the framework version differs from the round before
    not_comparable_titles: tuple[str, ...]
    removed_titles: tuple[str, ...]


@dataclass(frozen=True)
class PrincipleTrendPoint:
    principle_key: str
    principle_title: str
    round_label: str
    score: float | None


def team_history(db: Database, actor: Actor, team_id: int) -> list[RoundScore]:
    """Every submitted round of the team, oldest first, with scores and the change from the
    round before (practices matched through the framework's crosswalk)."""
    with db.read() as session:
        viewable_team(session, actor, team_id, SEE_OWN_RESULTS)
        rows = session.execute(
            select(Assessment, Round)
            .join(Round, Assessment.round_id == Round.id)
            .where(
                Assessment.team_id == team_id,
                ever_submitted(),
            )
            .order_by(Round.starts_on)
        ).all()
        history: list[RoundScore] = []
        before: tuple[Assessment, Framework, list[PracticeRating]] | None = None
        for assessment, round_ in rows:
            framework = framework_for_version(session, assessment.framework_version_id)
            ratings = [r for r, _ in _agreed_ratings(session, assessment, framework)]
            as_of = assessment.submitted_at.date() if assessment.submitted_at else round_.ends_on
            scores = score_assessment(ratings, as_of)
            comparison = None
            changed = False
            not_comparable: tuple[str, ...] = ()
            removed: tuple[str, ...] = ()
            if before is not None:
                previous, previous_framework, previous_ratings = before
                changed = previous.framework_version_id != assessment.framework_version_id
                crosswalk = build_crosswalk(framework, previous_framework) if changed else None
                comparison = compare_rounds(previous_ratings, ratings, crosswalk)
                not_comparable = _titles(framework, comparison.not_comparable)
                removed = _titles(previous_framework, comparison.removed)
            version = session.get(FrameworkVersion, assessment.framework_version_id)
            assert version is not None
            history.append(
                RoundScore(
                    assessment_id=assessment.id,
                    round_label=round_.label,
                    round_starts_on=round_.starts_on,
                    framework_edition=version.edition,
                    principle_titles={p.key: p.title for p in framework.principles},
                    principle_scores={p.principle_key: p.score for p in scores.principles},
                    overall_score=scores.overall_score,
                    overall_level=scores.overall_level,
                    comparison=comparison,
                    framework_changed=changed,
                    not_comparable_titles=not_comparable,
                    removed_titles=removed,
                )
            )
            before = (assessment, framework, ratings)
        return history


def principle_trend(history: Sequence[RoundScore]) -> list[PrincipleTrendPoint]:
    """Each principle's score in each round, principles in the latest round's order.

    Principles are matched across rounds by key; titles are the latest round's.
    """
    if not history:
        return []
    titles: dict[str, str] = {}
    for round_score in reversed(history):
        for key, title in round_score.principle_titles.items():
            titles.setdefault(key, title)
    return [
        PrincipleTrendPoint(
            principle_key=key,
            principle_title=title,
            round_label=round_score.round_label,
            score=round_score.principle_scores.get(key),
        )
        for key, title in titles.items()
        for round_score in history
    ]
