"""Scores against targets: the one set of figures the Results screen and every download show.

Which target counts: the saved target of a principle, else the target suggested from the
profile of the statistics (``ue_core.targets``); with no profile there is no target. A
suggested target counts until the team changes it, so the screen, the HTML report, the
spreadsheets and the CSV all show it, and all say it is a suggestion. A target is "set by the
team" once the team chose a level of its own with a reason; saved targets without a reason
follow the suggestion when the profile changes (``results.set_profile``), so they are
suggestions too.

``score_figures`` turns the scores and targets into rows as shown: scores rounded as the
screens round them, gaps worked out from the score as shown, so the numbers add up wherever
they appear. ``ScoreFigures.table`` is the table every format writes, and
``ScoreFigures.description`` the text description of the chart drawn from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import cast

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.db.models import Assessment, Target
from ue_core.scoring import AssessmentScores, round_score
from ue_core.services.frameworks import framework_for_version
from ue_core.targets import (
    ChangeFrequency,
    PublicInterest,
    StatisticsProfile,
    UserBreadth,
    suggest_targets,
)


class TargetBasis(StrEnum):
    """Where a principle's target comes from, as the tables say it."""

    SUGGESTED = "Suggested from the profile"
    SET_BY_TEAM = "Set by the team"
    NONE = "No target"


@dataclass(frozen=True)
class TargetView:
    principle_key: str
    title: str
    suggested_level: int | None
    rationale: str
    level: int | None
    reason_for_change: str
    saved: bool

    @property
    def changed(self) -> bool:
        return (
            self.level is not None
            and self.suggested_level is not None
            and self.level != self.suggested_level
        )

    @property
    def basis(self) -> TargetBasis:
        if self.level is None:
            return TargetBasis.NONE
        if self.changed or self.reason_for_change.strip():
            return TargetBasis.SET_BY_TEAM
        return TargetBasis.SUGGESTED


def profile_of(assessment: Assessment) -> StatisticsProfile | None:
    """The profile of the statistics stored on the assessment, if all three answers are there."""
    if not (assessment.public_interest and assessment.user_breadth and assessment.change_frequency):
        return None
    try:  # StatisticsProfile checks each value
        return StatisticsProfile(
            public_interest=cast(PublicInterest, assessment.public_interest),
            user_breadth=cast(UserBreadth, assessment.user_breadth),
            change_frequency=cast(ChangeFrequency, assessment.change_frequency),
        )
    except ValueError:
        return None


def target_views(
    session: Session, assessment: Assessment, principles: Sequence[tuple[str, str]]
) -> list[TargetView]:
    """The target of each principle (key, title), in order: saved, else suggested, else none."""
    profile = profile_of(assessment)
    keys = [key for key, _ in principles]
    suggestions = suggest_targets(profile, keys) if profile is not None else {}
    saved = {
        row.principle_key: row
        for row in session.scalars(select(Target).where(Target.assessment_id == assessment.id))
    }
    views = []
    for key, title in principles:
        row = saved.get(key)
        suggestion = suggestions.get(key)
        if row is not None:
            views.append(
                TargetView(
                    principle_key=key,
                    title=title,
                    suggested_level=suggestion.level if suggestion else row.suggested_level,
                    rationale=suggestion.rationale if suggestion else row.rationale,
                    level=row.level,
                    reason_for_change=row.reason_for_change,
                    saved=True,
                )
            )
        else:
            views.append(
                TargetView(
                    principle_key=key,
                    title=title,
                    suggested_level=suggestion.level if suggestion else None,
                    rationale=suggestion.rationale if suggestion else "",
                    level=suggestion.level if suggestion else None,
                    reason_for_change="",
                    saved=False,
                )
            )
    return views


def target_levels(session: Session, assessment: Assessment) -> dict[str, int]:
    """Each principle's target level that counts (saved, else suggested), by principle key."""
    framework = framework_for_version(session, assessment.framework_version_id)
    principles = [(p.key, p.title) for p in framework.principles]
    return {
        view.principle_key: view.level
        for view in target_views(session, assessment, principles)
        if view.level is not None
    }


# --- Figures as shown ------------------------------------------------------------------------


@dataclass(frozen=True)
class PrincipleFigures:
    """One principle's row as every format shows it."""

    principle_key: str
    title: str
    score: Decimal | None  # rounded as shown: one decimal place, halves up
    level: int | None
    level_name: str | None
    target: int | None
    target_basis: TargetBasis
    rated_count: int
    practice_count: int

    @property
    def gap(self) -> Decimal | None:
        """Target minus the score as shown: positive when short of the target."""
        if self.score is None or self.target is None:
            return None
        return Decimal(self.target) - self.score

    @property
    def short_of_target(self) -> bool:
        return self.gap is not None and self.gap > 0

    @property
    def label(self) -> str:
        """The text written at the end of the principle's bar."""
        text = "No score" if self.score is None else str(self.score)
        if self.target is None:
            return text
        suggested = ", suggested" if self.target_basis is TargetBasis.SUGGESTED else ""
        return f"{text} (target {self.target}{suggested})"


@dataclass(frozen=True)
class ScoreFigures:
    principles: tuple[PrincipleFigures, ...]
    overall_score: Decimal | None
    overall_level: int | None
    overall_level_name: str | None

    def principle(self, principle_key: str) -> PrincipleFigures:
        for item in self.principles:
            if item.principle_key == principle_key:
                return item
        raise KeyError(principle_key)

    @property
    def with_target(self) -> tuple[PrincipleFigures, ...]:
        return tuple(p for p in self.principles if p.target is not None and p.score is not None)

    @property
    def short(self) -> tuple[PrincipleFigures, ...]:
        return tuple(p for p in self.principles if p.short_of_target)

    @property
    def suggested_count(self) -> int:
        return sum(1 for p in self.principles if p.target_basis is TargetBasis.SUGGESTED)

    @property
    def set_by_team_count(self) -> int:
        return sum(1 for p in self.principles if p.target_basis is TargetBasis.SET_BY_TEAM)

    def target_sentence(self) -> str:
        """How the scores stand against the targets."""
        if not any(p.target is not None for p in self.principles):
            return "No targets are set yet: answer the questions about your statistics."
        if not self.with_target:
            return "No principle with a target has a score yet."
        total = len(self.with_target)
        if not self.short:
            return "You have reached your target on every principle that has one."
        return f"You are short of your target on {len(self.short)} of {total} principles."

    def basis_sentence(self) -> str:
        """Says which targets are suggestions, or nothing when there are no targets."""
        suggested, own = self.suggested_count, self.set_by_team_count
        if suggested + own == 0:
            return ""
        if own == 0:
            return (
                f"All {suggested} targets are the levels suggested from the profile of your "
                "statistics; the team has not changed them."
            )
        if suggested == 0:
            return f"The team set all {own} targets itself."
        return (
            f"{suggested} target{'s are' if suggested != 1 else ' is'} suggested from the "
            f"profile of your statistics and {own} {'were' if own != 1 else 'was'} set by "
            "the team."
        )

    def description(self) -> str:
        """The text description of the scores chart (the same on screen and in the report)."""
        parts = [
            f"A bar chart of the score for each of the {len(self.principles)} principles, on a "
            "scale of 1 (Beginning) to 5 (Mastering), with the score written at the end of each "
            "bar and an orange line at each principle's target level."
        ]
        scored = [p for p in self.principles if p.score is not None]
        if scored:
            high = max(scored, key=lambda p: p.score or Decimal(0))
            low = min(scored, key=lambda p: p.score or Decimal(0))
            parts.append(
                f"The highest score is {high.title} ({high.score}) and the lowest is "
                f"{low.title} ({low.score})."
            )
        else:
            parts.append("No principle has a score yet, so the chart has no bars.")
        parts.append(self.target_sentence())
        basis = self.basis_sentence()
        if basis:
            parts.append(basis)
        return " ".join(parts)

    def table(self) -> pd.DataFrame:
        """One row per principle, then the overall score: the table every format shows."""
        rows: list[dict[str, object]] = [
            {
                "Principle": p.title,
                "Score": None if p.score is None else float(p.score),
                "Level": p.level,
                "Level name": p.level_name,
                "Target level": p.target,
                "Target source": None if p.target is None else p.target_basis.value,
                "Gap to target": None if p.gap is None else float(p.gap),
                "Practices rated": p.rated_count,
                "Practices": p.practice_count,
            }
            for p in self.principles
        ]
        rows.append(
            {
                "Principle": "Overall",
                "Score": None if self.overall_score is None else float(self.overall_score),
                "Level": self.overall_level,
                "Level name": self.overall_level_name,
                "Target level": None,
                "Target source": None,
                "Gap to target": None,
                "Practices rated": sum(p.rated_count for p in self.principles),
                "Practices": sum(p.practice_count for p in self.principles),
            }
        )
        return pd.DataFrame(rows).astype({"Level": "Int64", "Target level": "Int64"})


def score_figures(
    scores: AssessmentScores, titles: Mapping[str, str], targets: Sequence[TargetView]
) -> ScoreFigures:
    """The figures as shown, from scores worked out with ``targets``' levels."""
    bases = {t.principle_key: t.basis for t in targets}
    return ScoreFigures(
        principles=tuple(
            PrincipleFigures(
                principle_key=p.principle_key,
                title=titles.get(p.principle_key, p.principle_key),
                score=None if p.score is None else round_score(p.score),
                level=p.level,
                level_name=p.level_name,
                target=p.target,
                target_basis=bases.get(p.principle_key, TargetBasis.NONE)
                if p.target is not None
                else TargetBasis.NONE,
                rated_count=p.rated_count,
                practice_count=p.practice_count,
            )
            for p in scores.principles
        ),
        overall_score=None if scores.overall_score is None else round_score(scores.overall_score),
        overall_level=scores.overall_level,
        overall_level_name=scores.overall_level_name,
    )
