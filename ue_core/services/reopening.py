"""After submission: a team lead or admin reopens an assessment with a reason; its submissions.

What each submission held is kept in ``ue_core.services.submissions``, so reopening never loses
what was submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from ue_core import audit
from ue_core.authz import AccessDenied, Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    AssessmentStatus,
    AssessmentSubmission,
    Organisation,
    Role,
    Round,
    Team,
    User,
)
from ue_core.errors import ConflictError, InputError
from ue_core.services.access_facts import viewable_assessment
from ue_core.services.assessments import MAX_NOTE
from ue_core.services.submissions import latest_submission, record_submission

MAX_REOPEN_REASON = MAX_NOTE


def reopen(
    db: Database, actor: Actor, assessment_id: int, *, reason: str, expected_version: int
) -> None:
    """Reopen a submitted assessment so the team can change it (team lead or admin).

    The reason is recorded with the submission it reopens and in the audit log. The answers
    submitted stay in that submission record; results and history keep showing them until the
    assessment is submitted again.
    """
    reason = reason.strip()
    if not reason:
        raise InputError("Say why the assessment is being reopened.")
    if len(reason) > MAX_REOPEN_REASON:
        raise InputError(f"The reason must be {MAX_REOPEN_REASON} characters or fewer.")
    if not (actor.can(Permission.AGREE) or actor.can(Permission.ADMINISTER)):
        raise AccessDenied("Only the team lead or an admin can reopen a submitted assessment.")
    with db.transaction(locking=True) as session:
        assessment = viewable_assessment(session, actor, assessment_id, lock=True)
        is_lead = assessment.team_id in actor.team_ids(Role.LEAD)
        if not (is_lead or actor.can(Permission.ADMINISTER)):
            raise AccessDenied("Only the team lead or an admin can reopen a submitted assessment.")
        if assessment.status != AssessmentStatus.SUBMITTED.value:
            raise InputError("This assessment is not submitted, so there is nothing to reopen.")
        if assessment.version != expected_version:
            raise ConflictError(
                "The assessment changed after you opened this page. Check it again, then reopen."
            )
        submission = latest_submission(session, assessment.id)
        if submission is None or submission.reopened_at is not None:
            # Submitted before submissions were recorded: keep what was submitted now.
            submission = record_submission(
                session,
                assessment,
                assessment.submitted_by_id or actor.user_id,
                assessment.submitted_at or datetime.now(UTC),
            )
        submission.reopened_at = datetime.now(UTC)
        submission.reopened_by_id = actor.user_id
        submission.reopen_reason = reason
        assessment.status = AssessmentStatus.DRAFT.value
        session.flush()
        audit.record(
            session,
            actor,
            "reopen_assessment",
            "assessment",
            assessment.id,
            before={"status": AssessmentStatus.SUBMITTED.value, "submission": submission.number},
            after={"status": AssessmentStatus.DRAFT.value, "reason": reason},
        )


@dataclass(frozen=True)
class SubmissionRecord:
    """One submission of an assessment, and whether (by whom, why) it was reopened."""

    number: int
    submitted_at: datetime
    submitted_by: str | None
    answered: int
    reopened_at: datetime | None
    reopened_by: str | None
    reopen_reason: str


def submission_history(db: Database, actor: Actor, assessment_id: int) -> list[SubmissionRecord]:
    """Every submission of the assessment, oldest first (anyone who can see the assessment)."""
    with db.read() as session:
        assessment = viewable_assessment(session, actor, assessment_id)
        rows = session.scalars(
            select(AssessmentSubmission)
            .where(AssessmentSubmission.assessment_id == assessment.id)
            .order_by(AssessmentSubmission.number)
        ).all()
        names = {
            user.id: user.display_name
            for user in session.scalars(
                select(User).where(
                    User.id.in_(
                        {r.submitted_by_id for r in rows} | {r.reopened_by_id for r in rows}
                    )
                )
            )
        }
        return [
            SubmissionRecord(
                number=row.number,
                submitted_at=row.submitted_at,
                submitted_by=names.get(row.submitted_by_id) if row.submitted_by_id else None,
                answered=len(row.answers),
                reopened_at=row.reopened_at,
                reopened_by=names.get(row.reopened_by_id) if row.reopened_by_id else None,
                reopen_reason=row.reopen_reason,
            )
            for row in rows
        ]


@dataclass(frozen=True)
class SubmittedAssessment:
    """A submitted assessment, for an admin choosing one to reopen."""

    id: int
    team_name: str
    organisation_name: str
    round_label: str
    submitted_at: datetime | None
    version: int


def submitted_assessments(db: Database, actor: Actor) -> list[SubmittedAssessment]:
    """Every submitted assessment, newest round first, then by team (admins only)."""
    require(actor, Permission.ADMINISTER)
    with db.read() as session:
        rows = session.execute(
            select(
                Assessment.id,
                Assessment.submitted_at,
                Assessment.version,
                Team.name,
                Organisation.name,
                Round.label,
            )
            .join(Team, Assessment.team_id == Team.id)
            .join(Organisation, Team.organisation_id == Organisation.id)
            .join(Round, Assessment.round_id == Round.id)
            .where(Assessment.status == AssessmentStatus.SUBMITTED.value)
            .order_by(Round.starts_on.desc(), Organisation.name, Team.name)
        ).all()
        return [
            SubmittedAssessment(
                id=assessment_id,
                team_name=team,
                organisation_name=organisation,
                round_label=label,
                submitted_at=submitted_at,
                version=version,
            )
            for assessment_id, submitted_at, version, team, organisation, label in rows
        ]
