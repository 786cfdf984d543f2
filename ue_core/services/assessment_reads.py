"""Reading an assessment: who may see it, its header, its practices with the agreed answers,
its targets, and the team's earlier submitted assessment.

Shared by the services that show an assessment (action plans, reports, results, the library).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    FrameworkVersion,
    Organisation,
    Practice,
    Principle,
    Round,
    Team,
    User,
)
from ue_core.errors import NotFound
from ue_core.scoring import PracticeRating
from ue_core.services.access_facts import viewable_assessment


@dataclass(frozen=True)
class AssessmentRef:
    """The assessment a plan or report belongs to."""

    id: int
    team_id: int
    team_name: str
    organisation_id: int
    organisation_name: str
    round_label: str
    status: AssessmentStatus
    submitted_at: datetime | None
    submitted_by: str | None
    framework_title: str
    framework_edition: str
    framework_about: str

    @property
    def is_submitted(self) -> bool:
        return self.status is AssessmentStatus.SUBMITTED

    @property
    def status_label(self) -> str:
        return "Submitted" if self.is_submitted else "Draft"


@dataclass(frozen=True)
class PracticeAnswer:
    """One practice of the assessment with the team's agreed answer (if there is one)."""

    id: int
    key: str
    title: str
    principle_key: str
    principle_title: str
    level: int | None
    not_applicable: bool
    note: str
    evidence: str
    evidence_date: date | None
    evidence_strength: str | None

    def rating(self) -> PracticeRating:
        return PracticeRating(
            practice_key=self.key,
            principle_key=self.principle_key,
            level=None if self.not_applicable else self.level,
            not_applicable=self.not_applicable,
            evidence_date=self.evidence_date,
        )


def visible_assessment(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    """The assessment, if ``actor`` may see it: its team, the organisation's champion, hub staff."""
    return viewable_assessment(
        session, actor, assessment_id, "You can only see your own team's work."
    )


def assessment_ref(session: Session, assessment: Assessment) -> AssessmentRef:
    team = session.get(Team, assessment.team_id)
    round_ = session.get(Round, assessment.round_id)
    version = session.get(FrameworkVersion, assessment.framework_version_id)
    assert team is not None and round_ is not None and version is not None
    organisation = session.get(Organisation, team.organisation_id)
    submitter = (
        session.get(User, assessment.submitted_by_id) if assessment.submitted_by_id else None
    )
    return AssessmentRef(
        id=assessment.id,
        team_id=team.id,
        team_name=team.name,
        organisation_id=team.organisation_id,
        organisation_name=organisation.name if organisation else "",
        round_label=round_.label,
        status=AssessmentStatus(assessment.status),
        submitted_at=assessment.submitted_at,
        submitted_by=submitter.display_name if submitter else None,
        framework_title=version.title,
        framework_edition=version.edition,
        framework_about=str(version.content.get("about", "")),
    )


def practice_answers(session: Session, assessment: Assessment) -> list[PracticeAnswer]:
    """Every practice of the assessment's framework version, in framework order, with the
    team's agreed answer where there is one."""
    agreed = {
        row.practice_id: row
        for row in session.scalars(
            select(AgreedRating).where(AgreedRating.assessment_id == assessment.id)
        )
    }
    rows = session.execute(
        select(Practice.id, Practice.key, Practice.title, Principle.key, Principle.title)
        .join(Principle, Practice.principle_id == Principle.id)
        .where(Practice.framework_version_id == assessment.framework_version_id)
        .order_by(Principle.position, Practice.position)
    ).all()
    answers = []
    for practice_id, key, title, principle_key, principle_title in rows:
        row = agreed.get(practice_id)
        answers.append(
            PracticeAnswer(
                id=practice_id,
                key=key,
                title=title,
                principle_key=principle_key,
                principle_title=principle_title,
                level=None if row is None or row.not_applicable else row.level,
                not_applicable=bool(row and row.not_applicable),
                note=row.note if row else "",
                evidence=row.evidence if row else "",
                evidence_date=row.evidence_date if row else None,
                evidence_strength=row.evidence_strength if row else None,
            )
        )
    return answers


def practice_in(session: Session, assessment: Assessment, practice_id: int) -> Practice:
    """The practice, if it belongs to the assessment's framework version."""
    practice = session.get(Practice, practice_id)
    if practice is None or practice.framework_version_id != assessment.framework_version_id:
        raise NotFound("That practice is not part of this assessment.")
    return practice


def previous_submitted(session: Session, team_id: int, round_: Round) -> Assessment | None:
    """The team's latest submitted assessment from a round that started before ``round_``."""
    return session.scalar(
        select(Assessment)
        .join(Round, Assessment.round_id == Round.id)
        .where(
            Assessment.team_id == team_id,
            Assessment.status == AssessmentStatus.SUBMITTED.value,
            Round.starts_on < round_.starts_on,
        )
        .order_by(Round.starts_on.desc())
        .limit(1)
    )


def agreed_levels(session: Session, assessment_id: int) -> dict[str, int]:
    """Practice key to agreed level, for practices with a level (not marked not applicable)."""
    rows = session.execute(
        select(Practice.key, AgreedRating.level)
        .join(AgreedRating, AgreedRating.practice_id == Practice.id)
        .where(
            AgreedRating.assessment_id == assessment_id,
            AgreedRating.level.is_not(None),
            AgreedRating.not_applicable.is_(False),
        )
    ).all()
    return {key: int(level) for key, level in rows if level is not None}
