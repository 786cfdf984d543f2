"""Agreeing the team's answers (team leads): comparing ratings, suggesting and saving answers."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import AccessDenied, Actor, Permission, require, require_team
from ue_core.consensus import compare_ratings
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    AssessmentStatus,
    Rating,
    Role,
    User,
)
from ue_core.errors import ConflictError
from ue_core.scoring import LEVEL_NAMES
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
    _load_assessment,
    _practices,
    _races_as_conflicts,
    _saved_agreed,
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
        assessment = _load_assessment(session, actor, assessment_id)
        is_lead = assessment.team_id in actor.team_ids(Role.LEAD)
        if not is_lead and assessment.status != AssessmentStatus.SUBMITTED.value:
            raise AccessDenied("Only the team lead sees everyone's ratings before submission.")
        framework = framework_for_version(session, assessment.framework_version_id)
        practices = _practices(session, framework, assessment.framework_version_id)
        ratings: dict[int, dict[int, SavedAnswer]] = {}
        for row in session.scalars(select(Rating).where(Rating.assessment_id == assessment_id)):
            ratings.setdefault(row.practice_id, {})[row.user_id] = _answer_from_rating(row)
        agreed = {
            row.practice_id: _answer_from_agreed(row)
            for row in session.scalars(
                select(AgreedRating).where(AgreedRating.assessment_id == assessment_id)
            )
        }
    result = []
    for item in practices:
        by_user = ratings.get(item.id, {})
        levels = {
            str(uid): saved.answer.level
            for uid, saved in by_user.items()
            if saved.answer.is_answered
        }
        result.append(
            PracticeComparison(
                practice=item,
                ratings=by_user,
                agreement=compare_ratings(levels),
                agreed=agreed.get(item.id),
            )
        )
    return result


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
    """The lead records the team's agreed answer, with a short note. Version-checked."""
    require(actor, Permission.AGREE)
    _check_answer(answer, today, "note")
    try:
        with (
            _races_as_conflicts(
                "Someone else recorded an agreed answer for this practice at the same moment. "
                "Theirs is shown; check it and save again."
            ),
            db.transaction() as session,
        ):
            return _save_agreed_in(
                session, actor, assessment_id, practice_id, answer, expected_version
            )
    except ConflictError as conflict:
        raise _with_current(conflict, _saved_agreed(db, assessment_id, practice_id)) from None


def _save_agreed_in(
    session: Session,
    actor: Actor,
    assessment_id: int,
    practice_id: int,
    answer: Answer,
    expected_version: int | None,
) -> SavedAnswer:
    assessment = _editable(session, actor, assessment_id)
    require_team(actor, assessment.team_id, Role.LEAD)
    practice_in(session, assessment, practice_id)
    row = session.scalar(
        select(AgreedRating).where(
            AgreedRating.assessment_id == assessment_id,
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
        row = AgreedRating(assessment_id=assessment_id, practice_id=practice_id)
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


def agree_where_everyone_agrees(db: Database, actor: Actor, assessment_id: int, today: date) -> int:
    """Record the shared answer for every practice where all raters gave the same answer.

    Only practices with no agreed answer yet and at least two raters are filled; each one is
    saved (and audited) as if the lead had saved it by hand. Returns how many were recorded.
    """
    require(actor, Permission.AGREE)
    added = 0
    for comparison in compare_team_ratings(db, actor, assessment_id):
        agreement = comparison.agreement
        if comparison.agreed is not None or agreement.rater_count < 2 or not agreement.all_agree:
            continue
        answer = suggested_answer(comparison)
        if agreement.suggested_level is not None:
            note = f"Everyone rated it {LEVEL_NAMES[agreement.suggested_level]}."
        else:
            note = answer.reason or "Everyone said this practice is not applicable."
        answer = Answer(
            level=answer.level,
            not_applicable=answer.not_applicable,
            reason=note,
            evidence=answer.evidence,
            evidence_date=answer.evidence_date,
            evidence_strength=answer.evidence_strength,
        )
        save_agreed(
            db,
            actor,
            assessment_id,
            comparison.practice.id,
            answer,
            expected_version=None,
            today=today,
        )
        added += 1
    return added
