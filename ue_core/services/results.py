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

from ue_core import audit
from ue_core.authz import AccessDenied, Actor, Permission, require, require_team
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    FrameworkVersion,
    Practice,
    Round,
    Target,
    Team,
)
from ue_core.errors import ConflictError, InputError, NotFound
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
from ue_core.services.assessment_reads import previous_submitted
from ue_core.services.frameworks import framework_for_version
from ue_core.services.scores_against_targets import (
    ScoreFigures,
    TargetView,
    profile_of,
    score_figures,
    target_views,
)
from ue_core.targets import StatisticsProfile, suggest_targets

MAX_REASON = 1_000

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


# --- Views ----------------------------------------------------------------------------------


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


# --- Access ---------------------------------------------------------------------------------


def _can_see_team(session: Session, actor: Actor, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound("That team does not exist.")
    if not (
        team_id in actor.team_ids()
        or team.organisation_id in actor.champion_organisation_ids()
        or actor.is_hub_staff()
    ):
        raise AccessDenied("You can only see your own team's results.")
    return team


def _visible_assessment(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound("That assessment does not exist.")
    _can_see_team(session, actor, assessment.team_id)
    return assessment


def _plannable_assessment(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    """The assessment, if ``actor`` may change its profile and targets (team members, leads)."""
    require(actor, Permission.ASSESS)
    assessment = _visible_assessment(session, actor, assessment_id)
    require_team(actor, assessment.team_id)
    return assessment


# --- Reading helpers ------------------------------------------------------------------------


def _header(session: Session, assessment: Assessment) -> AssessmentHeader:
    team = session.get(Team, assessment.team_id)
    round_ = session.get(Round, assessment.round_id)
    version = session.get(FrameworkVersion, assessment.framework_version_id)
    assert team is not None and round_ is not None and version is not None
    return AssessmentHeader(
        id=assessment.id,
        team_id=team.id,
        team_name=team.name,
        round_id=round_.id,
        round_label=round_.label,
        status=AssessmentStatus(assessment.status),
        framework_version_id=assessment.framework_version_id,
        framework_edition=version.edition,
        submitted_at=assessment.submitted_at,
        version=assessment.version,
    )


def _agreed_ratings(
    session: Session, assessment: Assessment, framework: Framework
) -> list[tuple[PracticeRating, bool]]:
    """Every practice of the framework in order, with its agreed answer (level None if none).

    The flag says whether the practice has an agreed answer at all.
    """
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
    version = session.get(FrameworkVersion, previous.framework_version_id)
    assert round_ is not None and version is not None
    return PreviousRound(
        assessment_id=previous.id,
        round_label=round_.label,
        framework_edition=version.edition,
        framework_changed=changed,
        comparison=comparison,
        not_comparable_titles=_titles(current_framework, comparison.not_comparable),
        removed_titles=_titles(previous_framework, comparison.removed),
        previous_titles={p.key: p.title for p in previous_framework.practices()},
    )


# --- Results --------------------------------------------------------------------------------


def assessment_scores(db: Database, actor: Actor, assessment_id: int, today: date) -> ResultsView:
    """Scores, targets, practice details and the change since the previous submitted round.

    For a draft, the agreed answers recorded so far are used; unanswered practices are listed.
    """
    with db.read() as session:
        return results_of(session, _visible_assessment(session, actor, assessment_id), today)


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
        _can_see_team(session, actor, team_id)
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


# --- Targets --------------------------------------------------------------------------------


def targets(db: Database, actor: Actor, assessment_id: int) -> list[TargetView]:
    """The target for each principle: saved, else suggested from the profile, else none."""
    with db.read() as session:
        assessment = _visible_assessment(session, actor, assessment_id)
        framework = framework_for_version(session, assessment.framework_version_id)
        return target_views(session, assessment, [(p.key, p.title) for p in framework.principles])


def set_profile(
    db: Database,
    actor: Actor,
    assessment_id: int,
    profile: StatisticsProfile,
    expected_version: int,
) -> int:
    """Store the profile of the statistics and the targets it suggests. Returns the new version.

    Saved targets that followed the old suggestion follow the new one; targets the team chose
    for itself (with a reason) are kept. Raises ConflictError if the assessment changed since
    ``expected_version``.
    """
    with db.transaction() as session:
        assessment = _plannable_assessment(session, actor, assessment_id)
        if assessment.version != expected_version:
            current = profile_of(assessment)
            raise ConflictError(
                "Someone else changed this assessment after you opened the page. Their answers "
                "are shown; check them and save again.",
                current={
                    "public_interest": current.public_interest if current else None,
                    "user_breadth": current.user_breadth if current else None,
                    "change_frequency": current.change_frequency if current else None,
                },
            )
        before = profile_of(assessment)
        assessment.public_interest = profile.public_interest
        assessment.user_breadth = profile.user_breadth
        assessment.change_frequency = profile.change_frequency
        framework = framework_for_version(session, assessment.framework_version_id)
        suggestions = suggest_targets(profile, [p.key for p in framework.principles])
        saved = {
            row.principle_key: row
            for row in session.scalars(select(Target).where(Target.assessment_id == assessment.id))
        }
        for key, suggestion in suggestions.items():
            row = saved.get(key)
            if row is None:
                row = Target(assessment_id=assessment.id, principle_key=key)
                session.add(row)
                row.level = suggestion.level
                row.reason_for_change = ""
            elif not row.reason_for_change.strip():
                row.level = suggestion.level
            row.suggested_level = suggestion.level
            row.rationale = suggestion.rationale
        session.flush()
        audit.record(
            session,
            actor,
            "set_statistics_profile",
            "assessment",
            assessment.id,
            before=None
            if before is None
            else {
                "public_interest": before.public_interest,
                "user_breadth": before.user_breadth,
                "change_frequency": before.change_frequency,
            },
            after={
                "public_interest": profile.public_interest,
                "user_breadth": profile.user_breadth,
                "change_frequency": profile.change_frequency,
            },
        )
        return assessment.version


def set_target(
    db: Database,
    actor: Actor,
    assessment_id: int,
    principle_key: str,
    level: int,
    reason: str,
    *,
    expected: tuple[int | None, str] | None = None,
) -> TargetView:
    """Set a principle's target level. A level other than the suggested one needs a reason.

    ``expected`` is the (level, reason) the person saw; if the saved target has changed since,
    nothing is saved and ConflictError carries the saved values. Needs the profile first, so
    there is a suggestion to compare with.
    """
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise InputError("Choose a target level from 1 (Beginning) to 5 (Mastering).")
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise InputError(f"The reason must be {MAX_REASON} characters or fewer.")
    with db.transaction() as session:
        assessment = _plannable_assessment(session, actor, assessment_id)
        framework = framework_for_version(session, assessment.framework_version_id)
        try:
            principle = framework.principle(principle_key)
        except KeyError:
            raise NotFound("That principle is not part of this assessment.") from None
        profile = profile_of(assessment)
        if profile is None:
            raise InputError(
                "Answer the questions about your statistics first, so there is a suggested "
                "target to start from."
            )
        suggestion = suggest_targets(profile, [principle_key])[principle_key]
        if level != suggestion.level and not reason:
            raise InputError(
                f"Say why the target for {principle.title} differs from the suggested "
                f"level ({suggestion.level})."
            )
        row = session.scalar(
            select(Target).where(
                Target.assessment_id == assessment.id, Target.principle_key == principle_key
            )
        )
        if expected is not None:
            seen_level, seen_reason = expected
            now = (row.level, row.reason_for_change) if row is not None else (None, "")
            if row is not None and now != (seen_level, seen_reason.strip()):
                raise ConflictError(
                    f"Someone else changed the target for {principle.title} after you opened "
                    "the page. Theirs is shown; check it and save again.",
                    current={"level": row.level, "reason_for_change": row.reason_for_change},
                )
        before = (
            None
            if row is None
            else {"level": row.level, "reason_for_change": row.reason_for_change}
        )
        if row is None:
            row = Target(assessment_id=assessment.id, principle_key=principle_key)
            session.add(row)
        row.level = level
        row.suggested_level = suggestion.level
        row.rationale = suggestion.rationale
        row.reason_for_change = reason
        session.flush()
        audit.record(
            session,
            actor,
            "set_target",
            "target",
            row.id,
            before=before,
            after={
                "principle_key": principle_key,
                "level": level,
                "suggested_level": suggestion.level,
                "reason_for_change": row.reason_for_change,
            },
        )
        return TargetView(
            principle_key=principle_key,
            title=principle.title,
            suggested_level=suggestion.level,
            rationale=suggestion.rationale,
            level=row.level,
            reason_for_change=row.reason_for_change,
            saved=True,
        )


# --- History --------------------------------------------------------------------------------


def team_history(db: Database, actor: Actor, team_id: int) -> list[RoundScore]:
    """Every submitted round of the team, oldest first, with scores and the change from the
    round before (practices matched through the framework's crosswalk)."""
    with db.read() as session:
        _can_see_team(session, actor, team_id)
        rows = session.execute(
            select(Assessment, Round)
            .join(Round, Assessment.round_id == Round.id)
            .where(
                Assessment.team_id == team_id,
                Assessment.status == AssessmentStatus.SUBMITTED.value,
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
