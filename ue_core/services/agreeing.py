"""Agreeing the team's answers (team leads): comparing ratings, suggesting and saving answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import (
    AccessDenied,
    Actor,
    Permission,
    can_see_individual_ratings,
    require,
    require_team,
)
from ue_core.consensus import Agreement, compare_ratings
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    Rating,
    Role,
    User,
)
from ue_core.errors import ConflictError, InputError
from ue_core.scoring import LEVEL_NAMES
from ue_core.services.access_facts import viewable_assessment
from ue_core.services.assessment_reads import practice_in
from ue_core.services.assessments import (
    MAX_NOTE,
    Answer,
    PracticeComparison,
    SavedAnswer,
    _answer_from_agreed,
    _answer_from_rating,
    _apply_answer,
    _check_answer,
    _conflict_values,
    _editable,
    _practices,
    _races_as_conflicts,
    _saved_agreed,
    _team_raters,
    _with_current,
)
from ue_core.services.frameworks import framework_for_version
from ue_core.vocabulary import EVIDENCE_STRENGTH_LABELS


def compare_team_ratings(
    db: Database, actor: Actor, assessment_id: int
) -> list[PracticeComparison]:
    """Everyone's ratings side by side, per practice, with disagreements flagged (lead only).

    Once an assessment is submitted the whole team can see the individual ratings kept with it.
    """
    with db.read() as session:
        assessment = viewable_assessment(session, actor, assessment_id)
        submitted = assessment.status == AssessmentStatus.SUBMITTED.value
        if not can_see_individual_ratings(actor, assessment.team_id, submitted=submitted):
            raise AccessDenied("Only the team lead sees everyone's ratings before submission.")
        return _comparisons_in(session, assessment)


def _comparisons_in(session: Session, assessment: Assessment) -> list[PracticeComparison]:
    framework = framework_for_version(session, assessment.framework_version_id)
    practices = _practices(session, framework, assessment.framework_version_id)
    ratings: dict[int, dict[int, SavedAnswer]] = {}
    for row in session.scalars(select(Rating).where(Rating.assessment_id == assessment.id)):
        ratings.setdefault(row.practice_id, {})[row.user_id] = _answer_from_rating(row)
    agreed = {
        row.practice_id: _answer_from_agreed(row)
        for row in session.scalars(
            select(AgreedRating).where(AgreedRating.assessment_id == assessment.id)
        )
    }
    members = {rater.user_id for rater in _team_raters(session, assessment.team_id)}
    members.update(uid for by_user in ratings.values() for uid in by_user)
    result = []
    for item in practices:
        by_user = ratings.get(item.id, {})
        result.append(
            PracticeComparison(
                practice=item,
                ratings=by_user,
                agreement=_agreement(by_user, len(members)),
                agreed=agreed.get(item.id),
            )
        )
    return result


def _agreement(by_user: dict[int, SavedAnswer], member_count: int) -> Agreement:
    levels = {
        str(uid): saved.answer.level for uid, saved in by_user.items() if saved.answer.is_answered
    }
    return compare_ratings(levels, member_count)


def _practice_agreement(session: Session, assessment_id: int, practice_id: int) -> Agreement:
    by_user = {
        row.user_id: _answer_from_rating(row)
        for row in session.scalars(
            select(Rating).where(
                Rating.assessment_id == assessment_id, Rating.practice_id == practice_id
            )
        )
    }
    return _agreement(by_user, len(by_user))


def save_agreed(
    db: Database,
    actor: Actor,
    assessment_id: int,
    practice_id: int,
    answer: Answer,
    *,
    expected_version: int | None,
    today: date,
) -> SavedAnswer:
    """The lead records the team's agreed answer. Version-checked.

    A note on how the team agreed is needed where members gave different answers (and a reason
    for a practice agreed to be not applicable, checked at submission).
    """
    require(actor, Permission.AGREE)
    _check_answer(answer, today, "note")
    try:
        with (
            _races_as_conflicts(
                "Someone else recorded an agreed answer for this practice at the same moment. "
                "Theirs is shown; check it and save again."
            ),
            db.transaction(locking=True) as session,
        ):
            assessment = _editable(session, actor, assessment_id)
            require_team(actor, assessment.team_id, Role.LEAD)
            return _save_agreed_in(
                session, actor, assessment, practice_id, answer, expected_version
            )
    except ConflictError as conflict:
        raise _with_current(conflict, _saved_agreed(db, assessment_id, practice_id)) from None


def members_differ(agreement: Agreement) -> bool:
    """Two or more members rated and did not all give the same answer: a note is needed."""
    return agreement.rater_count >= 2 and not agreement.all_agree


NOTE_NEEDED = (
    "Add a note on how the team agreed this: members gave different answers, so say what the "
    "team decided and why."
)


def _save_agreed_in(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    practice_id: int,
    answer: Answer,
    expected_version: int | None,
) -> SavedAnswer:
    """Save one agreed answer in the caller's transaction (the assessment is locked by then)."""
    practice_in(session, assessment, practice_id)
    # A not-applicable answer without its reason is refused at submission instead.
    if (
        not answer.reason.strip()
        and not answer.not_applicable
        and members_differ(_practice_agreement(session, assessment.id, practice_id))
    ):
        raise InputError(NOTE_NEEDED)
    row = session.scalar(
        select(AgreedRating).where(
            AgreedRating.assessment_id == assessment.id,
            AgreedRating.practice_id == practice_id,
        )
    )
    if row is not None and row.version != expected_version:
        who = session.get(User, row.agreed_by_id) if row.agreed_by_id else None
        raise ConflictError(
            f"{who.display_name if who else 'Someone else'} recorded an agreed answer for "
            "this practice after you opened it. Theirs is shown; check it and save again.",
            current=_conflict_values(_answer_from_agreed(row).answer),
        )
    if row is None:
        if expected_version is not None:
            raise ConflictError("This agreed answer was removed after you opened it.")
        row = AgreedRating(assessment_id=assessment.id, practice_id=practice_id)
        session.add(row)
    before = _conflict_values(_answer_from_agreed(row).answer) if row.id else None
    _apply_answer(row, answer)
    row.note = answer.reason.strip()
    row.agreed_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        "agree_rating",
        "agreed_rating",
        row.id,
        before=before,
        after=_conflict_values(_answer_from_agreed(row).answer),
    )
    return _answer_from_agreed(row)


_STRENGTH_ORDER = {strength: rank for rank, strength in enumerate(EVIDENCE_STRENGTH_LABELS)}


def suggested_answer(comparison: PracticeComparison) -> Answer:
    """A starting point for the agreed answer: the suggested level and the best evidence given.

    The level is the consensus suggestion (median, rounded down), or not applicable when everyone
    said so. The evidence is the text most people gave (the longest on a tie), with the latest
    date and the strongest strength given alongside that text. The lead changes what they need.
    """
    agreement = comparison.agreement
    answers = [s.answer for s in comparison.ratings.values() if s.answer.is_answered]
    with_evidence = [a for a in answers if a.evidence.strip()]
    evidence = ""
    evidence_date = None
    strength = None
    if with_evidence:
        counts = Counter(a.evidence.strip() for a in with_evidence)
        evidence = max(counts, key=lambda text: (counts[text], len(text)))
        same = [a for a in with_evidence if a.evidence.strip() == evidence]
        dates = [a.evidence_date for a in same if a.evidence_date]
        evidence_date = max(dates) if dates else None
        strengths = [a.evidence_strength for a in same if a.evidence_strength]
        strength = max(strengths, key=_STRENGTH_ORDER.__getitem__) if strengths else None
    if agreement.suggests_not_applicable:
        reasons = sorted({a.reason.strip() for a in answers if a.reason.strip()})
        return Answer(
            not_applicable=True,
            reason="; ".join(reasons)[:MAX_NOTE],
            evidence=evidence,
            evidence_date=evidence_date,
            evidence_strength=strength,
        )
    return Answer(
        level=agreement.suggested_level,
        evidence=evidence,
        evidence_date=evidence_date,
        evidence_strength=strength,
    )


def unanimous_practices(
    comparisons: Sequence[PracticeComparison], *, include_single_ratings: bool = False
) -> list[PracticeComparison]:
    """Practices with no agreed answer yet where everyone who rated gave the same answer.

    Only practices two or more members rated, unless ``include_single_ratings``.
    """
    least = 1 if include_single_ratings else 2
    return [
        c
        for c in comparisons
        if c.agreed is None and c.agreement.rater_count >= least and c.agreement.all_agree
    ]


def _shared_answer_note(agreement: Agreement, gave: str) -> str:
    """The note recorded with a shared answer: who rated, and what they ``gave``."""
    if agreement.everyone_rated:
        return f"Everyone {gave}."
    rated = f"{agreement.rater_count} of {agreement.member_count} members rated"
    if agreement.rater_count == 1:
        return f"Only {rated}, and {gave}."
    return f"{rated}; {'both' if agreement.rater_count == 2 else 'all'} {gave}."


def agree_where_everyone_agrees(
    db: Database,
    actor: Actor,
    assessment_id: int,
    today: date,
    *,
    include_single_ratings: bool = False,
) -> int:
    """Record the shared answer for every practice where everyone who rated gave the same answer.

    Only practices with no agreed answer yet and at least two raters are filled (or one, with
    ``include_single_ratings``); all are saved in one transaction, each audited as if the lead
    had saved it by hand, with a note saying how many members rated. Returns how many.
    """
    require(actor, Permission.AGREE)
    with db.transaction(locking=True) as session:
        assessment = _editable(session, actor, assessment_id)
        require_team(actor, assessment.team_id, Role.LEAD)
        comparisons = _comparisons_in(session, assessment)
        chosen = unanimous_practices(comparisons, include_single_ratings=include_single_ratings)
        for comparison in chosen:
            agreement = comparison.agreement
            answer = suggested_answer(comparison)
            gave = (
                f"gave {LEVEL_NAMES[agreement.suggested_level]}"
                if agreement.suggested_level is not None
                else "said it is not applicable"
            )
            note = _shared_answer_note(agreement, gave)
            if agreement.suggested_level is None and answer.reason:
                note = f"{note} {answer.reason}"
            answer = Answer(
                level=answer.level,
                not_applicable=answer.not_applicable,
                reason=note[:MAX_NOTE],
                evidence=answer.evidence,
                evidence_date=answer.evidence_date,
                evidence_strength=answer.evidence_strength,
            )
            _check_answer(answer, today, "note")
            _save_agreed_in(
                session, actor, assessment, comparison.practice.id, answer, expected_version=None
            )
        return len(chosen)
