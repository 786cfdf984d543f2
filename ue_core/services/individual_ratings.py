"""Rating: each person's own answers to the practices, and keeping answers carried over."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    Rating,
)
from ue_core.errors import ConflictError
from ue_core.services.assessment_reads import practice_in
from ue_core.services.assessments import (
    Answer,
    SavedAnswer,
    _answer_from_rating,
    _apply_answer,
    _carried_answers,
    _check_answer,
    _conflict_values,
    _editable,
    _races_as_conflicts,
    _with_current,
)


def _saved_rating(
    db: Database, assessment_id: int, practice_id: int, user_id: int
) -> SavedAnswer | None:
    with db.read() as session:
        row = session.scalar(
            select(Rating).where(
                Rating.assessment_id == assessment_id,
                Rating.practice_id == practice_id,
                Rating.user_id == user_id,
            )
        )
        return _answer_from_rating(row) if row else None


def save_rating(
    db: Database,
    actor: Actor,
    assessment_id: int,
    practice_id: int,
    answer: Answer,
    *,
    expected_version: int | None,
    today: date,
    carried_over: bool = False,
) -> SavedAnswer:
    """Save the acting person's own rating of one practice.

    ``expected_version`` is the version the person was looking at (None if they had no saved
    rating yet). If the saved rating has moved on since, nothing is saved and ConflictError
    carries the saved values.
    """
    require(actor, Permission.ASSESS)
    _check_answer(answer, today, "reason")
    try:
        with (
            _races_as_conflicts(
                "This rating was saved in another window at the same moment. The saved "
                "version is shown; check it and make your change again."
            ),
            db.transaction(locking=True) as session,
        ):
            return _save_rating_in(
                session, actor, assessment_id, practice_id, answer, expected_version, carried_over
            )
    except ConflictError as conflict:
        raise _with_current(
            conflict, _saved_rating(db, assessment_id, practice_id, actor.user_id)
        ) from None


def _save_rating_in(
    session: Session,
    actor: Actor,
    assessment_id: int,
    practice_id: int,
    answer: Answer,
    expected_version: int | None,
    carried_over: bool,
) -> SavedAnswer:
    assessment = _editable(session, actor, assessment_id)
    practice_in(session, assessment, practice_id)
    row = session.scalar(
        select(Rating).where(
            Rating.assessment_id == assessment_id,
            Rating.practice_id == practice_id,
            Rating.user_id == actor.user_id,
        )
    )
    if row is not None and row.version != expected_version:
        raise ConflictError(
            "This rating was changed in another window or by another session after you "
            "opened it. The saved version is shown; check it and make your change again.",
            current=_conflict_values(_answer_from_rating(row).answer),
        )
    if row is None:
        if expected_version is not None:
            raise ConflictError("This rating was removed after you opened it.")
        row = Rating(assessment_id=assessment_id, practice_id=practice_id, user_id=actor.user_id)
        session.add(row)
    before = _conflict_values(_answer_from_rating(row).answer) if row.id else None
    _apply_answer(row, answer)
    row.not_applicable_reason = answer.reason.strip()
    row.carried_over = carried_over
    session.flush()
    saved = _answer_from_rating(row)
    audit.record(
        session,
        actor,
        "rate_practice",
        "rating",
        row.id,
        before=before,
        after=_conflict_values(saved.answer),
    )
    return saved


def keep_carried_over(db: Database, actor: Actor, assessment_id: int, today: date) -> int:
    """Copy last round's agreed answers into the person's unrated practices. Returns how many."""
    require(actor, Permission.ASSESS)
    with db.transaction(locking=True) as session:
        assessment = _editable(session, actor, assessment_id)
        carried = _carried_answers(session, assessment)
        rated = set(
            session.scalars(
                select(Rating.practice_id).where(
                    Rating.assessment_id == assessment_id, Rating.user_id == actor.user_id
                )
            )
        )
        added = 0
        for practice_id, answer in carried.items():
            if practice_id in rated or not answer.is_answered:
                continue
            session.add(
                Rating(
                    assessment_id=assessment_id,
                    practice_id=practice_id,
                    user_id=actor.user_id,
                    level=answer.level,
                    not_applicable=answer.not_applicable,
                    not_applicable_reason=answer.reason,
                    evidence=answer.evidence,
                    evidence_date=answer.evidence_date,
                    evidence_strength=answer.evidence_strength.value
                    if answer.evidence_strength
                    else None,
                    carried_over=True,
                )
            )
            added += 1
        audit.record(
            session, actor, "keep_carried_over", "assessment", assessment_id, after={"count": added}
        )
        return added
