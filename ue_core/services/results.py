"""Results, targets and history of a team's self-assessments.

Scores are never stored: they are worked out from the team's agreed answers each time, with the
rules in ``ue_core.scoring`` (see ``HOW_SCORES_WORK``).

Who may see what: members and leads of the team, the champion of the team's organisation and
USER hub staff can see a team's results and history.

Targets are planning, not part of the assessment itself, so team members and leads can change
the profile of their statistics and the targets at any time, also after the assessment has been
submitted (a submitted assessment's agreed answers stay frozen). Champions and hub staff can see
targets but not change them. Every change is recorded in the audit log.

A target is stored once someone saves it (or answers the profile questions, which stores the
suggested target for every principle). Until then the suggestion from the profile counts; with
no profile there is no target. A target that differs from the suggestion needs a reason.
``ue_core.services.scores_against_targets`` says which target counts and makes the figures the
screen and every download show.

Comparing rounds: each practice of the later round is matched with the same practice in the
earlier round, by key or through the framework's ``previously`` crosswalk. When the framework
version changed between the rounds, practices with no match are listed as not comparable and
left out of the change, never silently mixed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission, require, require_team
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    FrameworkVersion,
    Practice,
    Round,
    Team,
)
from ue_core.framework import Framework
from ue_core.scoring import (
    AssessmentScores,
    PracticeRating,
    RoundComparison,
    compare_rounds,
    is_stale,
    score_assessment,
    summary_sentences,
)
from ue_core.services.access_facts import viewable_assessment, viewable_team
from ue_core.services.assessment_reads import previous_submitted
from ue_core.services.frameworks import framework_for_version
from ue_core.services.scores_against_targets import (
    ScoreFigures,
    TargetView,
    profile_of,
    score_figures,
    target_views,
)
from ue_core.services.submissions import SubmittedAnswer, reopened_answers
from ue_core.targets import StatisticsProfile

PUBLIC_INTEREST_LABELS: dict[str, str] = {
    "low": "Low: few people outside specialist users follow them",
    "medium": "Medium: some media and public interest",
    "high": "High: often in the news or used in public debate",
}


USER_BREADTH_LABELS: dict[str, str] = {
    "narrow": "Narrow: a small group of specialist users",
    "mixed": "Mixed: some specialist and some general users",
    "wide": "Wide: many kinds of users, including the public",
}


CHANGE_FREQUENCY_LABELS: dict[str, str] = {
    "stable": "Rarely: methods, content and timing stay the same",
    "occasional": "Now and then: a change every year or two",
    "frequent": "Often: changes most years or more",
}


@dataclass(frozen=True)
class AssessmentHeader:
    id: int
    team_id: int
    team_name: str
    round_id: int
    round_label: str
    status: AssessmentStatus
    framework_version_id: int
    framework_edition: str
    submitted_at: datetime | None
    version: int
    #: Submitted, then reopened: results show the answers as last submitted, at ``submitted_at``.
    reopened: bool = False

    @property
    def is_submitted(self) -> bool:
        return self.status is AssessmentStatus.SUBMITTED


@dataclass(frozen=True)
class PracticeResult:
    """One practice's agreed answer, for the heatmap and the evidence warnings."""

    key: str
    title: str
    principle_key: str
    principle_title: str
    level: int | None
    not_applicable: bool
    evidence_date: date | None
    stale: bool
    undated: bool

    @property
    def unanswered(self) -> bool:
        return self.level is None and not self.not_applicable


@dataclass(frozen=True)
class PreviousRound:
    """The comparison with the team's previous submitted round."""

    assessment_id: int
    round_label: str
    framework_edition: str
    framework_changed: bool
    comparison: RoundComparison
    not_comparable_titles: tuple[str, ...]
    removed_titles: tuple[str, ...]
    previous_titles: Mapping[str, str]


@dataclass(frozen=True)
class ResultsView:
    header: AssessmentHeader
    profile: StatisticsProfile | None
    scores: AssessmentScores
    principle_titles: Mapping[str, str]
    practices: tuple[PracticeResult, ...]
    targets: tuple[TargetView, ...]
    figures: ScoreFigures  # scores against targets as shown, on screen and in every download
    previous: PreviousRound | None
    summary: tuple[str, ...]

    def practice(self, key: str) -> PracticeResult:
        for item in self.practices:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def strongest(self) -> tuple[PracticeResult, ...]:
        return tuple(self.practice(p.practice_key) for p in self.scores.strongest)

    @property
    def weakest(self) -> tuple[PracticeResult, ...]:
        return tuple(self.practice(p.practice_key) for p in self.scores.weakest)

    @property
    def stale(self) -> tuple[PracticeResult, ...]:
        return tuple(p for p in self.practices if p.stale)

    @property
    def undated(self) -> tuple[PracticeResult, ...]:
        return tuple(p for p in self.practices if p.undated)


SEE_OWN_RESULTS = "You can only see your own team's results."


def _plannable_assessment(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    """The assessment, if ``actor`` may change its profile and targets (team members, leads)."""
    require(actor, Permission.ASSESS)
    assessment = viewable_assessment(session, actor, assessment_id, SEE_OWN_RESULTS)
    require_team(actor, assessment.team_id)
    return assessment


def _edition(session: Session, version_id: int) -> str:
    """A framework version's edition (not its stored content: large, and not needed here)."""
    edition = session.scalar(
        select(FrameworkVersion.edition).where(FrameworkVersion.id == version_id)
    )
    assert edition is not None
    return edition


def _header(session: Session, assessment: Assessment) -> AssessmentHeader:
    team = session.get(Team, assessment.team_id)
    round_ = session.get(Round, assessment.round_id)
    edition = _edition(session, assessment.framework_version_id)
    assert team is not None and round_ is not None
    return AssessmentHeader(
        id=assessment.id,
        team_id=team.id,
        team_name=team.name,
        round_id=round_.id,
        round_label=round_.label,
        status=AssessmentStatus(assessment.status),
        framework_version_id=assessment.framework_version_id,
        framework_edition=edition,
        submitted_at=assessment.submitted_at,
        version=assessment.version,
        reopened=reopened_answers(session, assessment) is not None,
    )


def _agreed_ratings(
    session: Session, assessment: Assessment, framework: Framework
) -> list[tuple[PracticeRating, bool]]:
    """Every practice of the framework in order, with its agreed answer (level None if none).

    The flag says whether the practice has an agreed answer at all. An assessment reopened after
    submission shows the answers as last submitted, not the changes being made to them.
    """
    agreed: Mapping[str, AgreedRating | SubmittedAnswer] | None = reopened_answers(
        session, assessment
    )
    if agreed is None:
        rows = session.execute(
            select(Practice.key, AgreedRating)
            .join(AgreedRating, AgreedRating.practice_id == Practice.id)
            .where(AgreedRating.assessment_id == assessment.id)
        ).all()
        agreed = {key: row for key, row in rows}
    result: list[tuple[PracticeRating, bool]] = []
    for principle in framework.principles:
        for practice in principle.practices:
            row = agreed.get(practice.key)
            level = row.level if row is not None and not row.not_applicable else None
            result.append(
                (
                    PracticeRating(
                        practice_key=practice.key,
                        principle_key=principle.key,
                        level=level,
                        not_applicable=bool(row is not None and row.not_applicable),
                        evidence_date=row.evidence_date if row is not None else None,
                    ),
                    row is not None,
                )
            )
    return result


def build_crosswalk(current: Framework, previous: Framework) -> dict[str, str | None]:
    """Map each practice of ``current`` to its counterpart in ``previous`` (None if none).

    A practice matches a practice with the same key, or else the first of its ``previously``
    keys that ``previous`` holds.
    """
    previous_keys = set(previous.practice_keys())
    walk: dict[str, str | None] = {}
    for key in current.practice_keys():
        candidates = (key, *current.practice(key).previously)
        walk[key] = next((c for c in candidates if c in previous_keys), None)
    return walk


def _titles(framework: Framework, keys: Sequence[str]) -> tuple[str, ...]:
    result = []
    for key in keys:
        try:
            result.append(framework.practice(key).title)
        except KeyError:
            result.append(key)
    return tuple(result)


def _compare(
    session: Session,
    current: Assessment,
    current_framework: Framework,
    current_ratings: Sequence[PracticeRating],
    previous: Assessment,
) -> PreviousRound:
    previous_framework = framework_for_version(session, previous.framework_version_id)
    previous_ratings = [r for r, _ in _agreed_ratings(session, previous, previous_framework)]
    changed = previous.framework_version_id != current.framework_version_id
    crosswalk = build_crosswalk(current_framework, previous_framework) if changed else None
    comparison = compare_rounds(previous_ratings, current_ratings, crosswalk)
    round_ = session.get(Round, previous.round_id)
    edition = _edition(session, previous.framework_version_id)
    assert round_ is not None
    return PreviousRound(
        assessment_id=previous.id,
        round_label=round_.label,
        framework_edition=edition,
        framework_changed=changed,
        comparison=comparison,
        not_comparable_titles=_titles(current_framework, comparison.not_comparable),
        removed_titles=_titles(previous_framework, comparison.removed),
        previous_titles={p.key: p.title for p in previous_framework.practices()},
    )


def assessment_scores(db: Database, actor: Actor, assessment_id: int, today: date) -> ResultsView:
    """Scores, targets, practice details and the change since the previous submitted round.

    For a draft, the agreed answers recorded so far are used; unanswered practices are listed.
    """
    with db.read() as session:
        return results_of(
            session, viewable_assessment(session, actor, assessment_id, SEE_OWN_RESULTS), today
        )


def results_of(session: Session, assessment: Assessment, today: date) -> ResultsView:
    """The results read model of ``assessment`` (the caller has checked access): what the
    Results screen shows, and what every download of the assessment is made from."""
    framework = framework_for_version(session, assessment.framework_version_id)
    rated = _agreed_ratings(session, assessment, framework)
    ratings = [r for r, _ in rated]
    principles = [(p.key, p.title) for p in framework.principles]
    views = target_views(session, assessment, principles)
    levels = {t.principle_key: t.level for t in views if t.level is not None}
    scores = score_assessment(ratings, today, levels)
    titles = dict(principles)
    practices = tuple(
        PracticeResult(
            key=r.practice_key,
            title=framework.practice(r.practice_key).title,
            principle_key=r.principle_key,
            principle_title=titles[r.principle_key],
            level=r.level,
            not_applicable=r.not_applicable,
            evidence_date=r.evidence_date,
            stale=r.level is not None
            and r.evidence_date is not None
            and is_stale(r.evidence_date, today),
            undated=r.level is not None and r.evidence_date is None,
        )
        for r in ratings
    )
    round_ = session.get(Round, assessment.round_id)
    assert round_ is not None
    previous_assessment = previous_submitted(session, assessment.team_id, round_)
    previous = (
        None
        if previous_assessment is None
        else _compare(session, assessment, framework, ratings, previous_assessment)
    )
    summary = summary_sentences(scores, previous.comparison if previous else None, titles)
    return ResultsView(
        header=_header(session, assessment),
        profile=profile_of(assessment),
        scores=scores,
        principle_titles=titles,
        practices=practices,
        targets=tuple(views),
        figures=score_figures(scores, titles, views),
        previous=previous,
        summary=tuple(summary),
    )


def assessments_with_results(db: Database, actor: Actor, team_id: int) -> list[AssessmentHeader]:
    """The team's assessments that have results to show, newest round first.

    Submitted assessments, and a draft with at least one agreed answer.
    """
    with db.read() as session:
        viewable_team(session, actor, team_id, SEE_OWN_RESULTS)
        rows = session.scalars(
            select(Assessment)
            .join(Round, Assessment.round_id == Round.id)
            .where(Assessment.team_id == team_id)
            .order_by(Round.starts_on.desc())
        ).all()
        headers = []
        for assessment in rows:
            if assessment.status != AssessmentStatus.SUBMITTED.value:
                has_agreed = session.scalar(
                    select(AgreedRating.id)
                    .where(AgreedRating.assessment_id == assessment.id)
                    .limit(1)
                )
                if has_agreed is None:
                    continue
            headers.append(_header(session, assessment))
        return headers


def targets(db: Database, actor: Actor, assessment_id: int) -> list[TargetView]:
    """The target for each principle: saved, else suggested from the profile, else none."""
    with db.read() as session:
        assessment = viewable_assessment(session, actor, assessment_id, SEE_OWN_RESULTS)
        framework = framework_for_version(session, assessment.framework_version_id)
        return target_views(session, assessment, [(p.key, p.title) for p in framework.principles])
