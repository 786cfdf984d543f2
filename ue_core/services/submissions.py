"""What each submission of an assessment held, kept when the lead submits it.

Submitting freezes an assessment. A team lead or admin may reopen it with a reason; the answers
submitted before stay here unchanged, and results and history keep showing them as what was
submitted at that time until the assessment is submitted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    AssessmentSubmission,
    Practice,
    Principle,
)


@dataclass(frozen=True)
class SubmittedAnswer:
    """One practice's agreed answer as it was submitted."""

    practice_key: str
    level: int | None
    not_applicable: bool
    note: str
    evidence: str
    evidence_date: date | None
    evidence_strength: str | None


def _snapshot(session: Session, assessment_id: int) -> list[dict[str, object]]:
    rows = session.execute(
        select(Practice.key, AgreedRating)
        .join(AgreedRating, AgreedRating.practice_id == Practice.id)
        .join(Principle, Practice.principle_id == Principle.id)
        .where(AgreedRating.assessment_id == assessment_id)
        .order_by(Principle.position, Practice.position)
    ).all()
    return [
        {
            "practice_key": key,
            "level": row.level,
            "not_applicable": row.not_applicable,
            "note": row.note,
            "evidence": row.evidence,
            "evidence_date": row.evidence_date.isoformat() if row.evidence_date else None,
            "evidence_strength": row.evidence_strength,
        }
        for key, row in rows
    ]


def latest_submission(session: Session, assessment_id: int) -> AssessmentSubmission | None:
    return session.scalar(
        select(AssessmentSubmission)
        .where(AssessmentSubmission.assessment_id == assessment_id)
        .order_by(AssessmentSubmission.number.desc())
        .limit(1)
    )


def record_submission(
    session: Session, assessment: Assessment, submitted_by_id: int, when: datetime
) -> AssessmentSubmission:
    """Keep the assessment's agreed answers, as they are now, as its next submission."""
    previous = latest_submission(session, assessment.id)
    submission = AssessmentSubmission(
        assessment_id=assessment.id,
        number=previous.number + 1 if previous else 1,
        submitted_at=when,
        submitted_by_id=submitted_by_id,
        answers=_snapshot(session, assessment.id),
        reopen_reason="",
    )
    session.add(submission)
    return submission


def answers_of(submission: AssessmentSubmission) -> dict[str, SubmittedAnswer]:
    """The submission's answers by practice key."""
    result = {}
    for entry in submission.answers:
        evidence_date = entry.get("evidence_date")
        result[str(entry["practice_key"])] = SubmittedAnswer(
            practice_key=str(entry["practice_key"]),
            level=entry.get("level"),
            not_applicable=bool(entry.get("not_applicable")),
            note=str(entry.get("note") or ""),
            evidence=str(entry.get("evidence") or ""),
            evidence_date=date.fromisoformat(evidence_date) if evidence_date else None,
            evidence_strength=entry.get("evidence_strength"),
        )
    return result


def reopened_answers(session: Session, assessment: Assessment) -> dict[str, SubmittedAnswer] | None:
    """For an assessment reopened after submission, the answers last submitted; else None."""
    if assessment.status == AssessmentStatus.SUBMITTED.value:
        return None
    submission = latest_submission(session, assessment.id)
    return answers_of(submission) if submission is not None else None


def ever_submitted() -> ColumnElement[bool]:
    """Assessments that are submitted, or were submitted and have been reopened since."""
    return or_(
        Assessment.status == AssessmentStatus.SUBMITTED.value,
        Assessment.id.in_(select(AssessmentSubmission.assessment_id)),
    )
