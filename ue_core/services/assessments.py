"""Team self-assessment: start or continue, rate, agree, check and submit.

Each team member rates every practice independently (``Rating``). The team lead sees everyone's
ratings side by side and records the team's agreed answer (``AgreedRating``), then submits. A
submitted assessment is frozen; a team lead or admin may reopen it with a reason, and what was
submitted is kept (``ue_core.services.submissions``). A later round starts from a copy of the
last submitted agreed answers: each person can keep them (marked as carried over) or change
them.

Every save checks the row's version, so two people (or two browser tabs) never overwrite each
other silently. Submitting, reopening and every save lock the assessment first (``SELECT ... FOR
UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) and check its status in the same
transaction, so nothing changes once it is submitted and no save is lost to a submit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require, require_team
from ue_core.consensus import Agreement
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    EvidenceStrength,
    Membership,
    Organisation,
    Practice,
    Principle,
    Rating,
    Role,
    Round,
    Team,
    User,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.framework import Framework
from ue_core.services.access_facts import viewable_assessment, viewable_team
from ue_core.services.frameworks import framework_for_version
from ue_core.services.rounds import current_round
from ue_core.services.submissions import record_submission

MAX_EVIDENCE = 5_000


MAX_NOTE = 2_000


class Progress(StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


@dataclass(frozen=True)
class Answer:
    """A level (or not applicable) with its evidence: one person's rating or the agreed answer."""

    level: int | None = None
    not_applicable: bool = False
    reason: str = ""  # why not applicable (ratings) or the lead's note (agreed answers)
    evidence: str = ""
    evidence_date: date | None = None
    evidence_strength: EvidenceStrength | None = None

    @property
    def is_answered(self) -> bool:
        return self.level is not None or (self.not_applicable and bool(self.reason.strip()))


@dataclass(frozen=True)
class SavedAnswer:
    answer: Answer
    version: int
    carried_over: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True)
class PracticeItem:
    """A practice as raters see it, in framework order."""

    id: int
    key: str
    title: str
    principle_key: str
    principle_title: str
    statement: str
    help: str
    levels: dict[int, str]
    code_2_1: tuple[str, ...]
    code_3_0: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class AssessmentSummary:
    id: int
    team_id: int
    team_name: str
    organisation_name: str
    round_id: int
    round_label: str
    round_ends_on: date
    status: AssessmentStatus
    framework_version_id: int
    carried_over_from_id: int | None
    carried_over_from_label: str | None
    version: int
    submitted_at: datetime | None
    submitted_by: str | None

    @property
    def is_submitted(self) -> bool:
        return self.status is AssessmentStatus.SUBMITTED


@dataclass(frozen=True)
class PrincipleProgress:
    key: str
    title: str
    answered: int
    total: int

    @property
    def status(self) -> Progress:
        if self.answered == 0:
            return Progress.NOT_STARTED
        return Progress.COMPLETED if self.answered == self.total else Progress.IN_PROGRESS


@dataclass(frozen=True)
class Rater:
    user_id: int
    name: str


@dataclass(frozen=True)
class PracticeComparison:
    """Everyone's ratings of one practice, for the lead's consensus view."""

    practice: PracticeItem
    ratings: dict[int, SavedAnswer]  # by user id
    agreement: Agreement
    agreed: SavedAnswer | None


@dataclass(frozen=True)
class SubmissionProblem:
    practice_id: int
    practice_title: str
    message: str


@dataclass
class AssessmentState:
    """Everything the assessment screens need for one person, read in one transaction."""

    summary: AssessmentSummary
    framework: Framework
    practices: list[PracticeItem]
    mine: dict[int, SavedAnswer]
    carried: dict[int, Answer]
    agreed: dict[int, SavedAnswer]
    raters: list[Rater] = field(default_factory=list)

    def principle_progress(self, answers: dict[int, SavedAnswer]) -> list[PrincipleProgress]:
        result: dict[str, PrincipleProgress] = {}
        for item in self.practices:
            done = item.id in answers and answers[item.id].answer.is_answered
            prev = result.get(item.principle_key)
            result[item.principle_key] = PrincipleProgress(
                key=item.principle_key,
                title=item.principle_title,
                answered=(prev.answered if prev else 0) + int(done),
                total=(prev.total if prev else 0) + 1,
            )
        return list(result.values())

    def my_progress(self) -> list[PrincipleProgress]:
        return self.principle_progress(self.mine)

    def agreed_progress(self) -> list[PrincipleProgress]:
        return self.principle_progress(self.agreed)

    def answers_fingerprint(self) -> str:
        """Changes whenever any agreed answer is saved: submit checks the lead saw the latest."""
        parts = sorted((pid, saved.version) for pid, saved in self.agreed.items())
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def practice(self, practice_id: int) -> PracticeItem:
        for item in self.practices:
            if item.id == practice_id:
                return item
        raise NotFound("That practice is not part of this assessment.")


def _saved_answer(row: Rating | AgreedRating, reason: str, carried_over: bool) -> SavedAnswer:
    return SavedAnswer(
        Answer(
            level=row.level,
            not_applicable=row.not_applicable,
            reason=reason,
            evidence=row.evidence,
            evidence_date=row.evidence_date,
            evidence_strength=EvidenceStrength(row.evidence_strength)
            if row.evidence_strength
            else None,
        ),
        version=row.version,
        carried_over=carried_over,
        updated_at=row.updated_at,
    )


def _answer_from_rating(row: Rating) -> SavedAnswer:
    return _saved_answer(row, row.not_applicable_reason, row.carried_over)


def _answer_from_agreed(row: AgreedRating) -> SavedAnswer:
    """The lead's note travels in the answer's ``reason``."""
    return _saved_answer(row, row.note, carried_over=False)


def _summary(session: Session, assessment: Assessment) -> AssessmentSummary:
    team = session.get(Team, assessment.team_id)
    round_ = session.get(Round, assessment.round_id)
    assert team is not None and round_ is not None
    organisation = session.get(Organisation, team.organisation_id)
    previous_label = None
    if assessment.carried_over_from_id is not None:
        previous = session.get(Assessment, assessment.carried_over_from_id)
        previous_round = session.get(Round, previous.round_id) if previous else None
        previous_label = previous_round.label if previous_round else None
    submitter = (
        session.get(User, assessment.submitted_by_id) if assessment.submitted_by_id else None
    )
    return AssessmentSummary(
        id=assessment.id,
        team_id=team.id,
        team_name=team.name,
        organisation_name=organisation.name if organisation else "",
        round_id=round_.id,
        round_label=round_.label,
        round_ends_on=round_.ends_on,
        status=AssessmentStatus(assessment.status),
        framework_version_id=assessment.framework_version_id,
        carried_over_from_id=assessment.carried_over_from_id,
        carried_over_from_label=previous_label,
        version=assessment.version,
        submitted_at=assessment.submitted_at,
        submitted_by=submitter.display_name if submitter else None,
    )


def _practices(session: Session, framework: Framework, version_id: int) -> list[PracticeItem]:
    rows = session.execute(
        select(Practice.id, Practice.key)
        .join(Principle, Practice.principle_id == Principle.id)
        .where(Practice.framework_version_id == version_id)
        .order_by(Principle.position, Practice.position)
    ).all()
    items = []
    for practice_id, key in rows:
        practice = framework.practice(key)
        principle = framework.principle_of(key)
        items.append(
            PracticeItem(
                id=practice_id,
                key=key,
                title=practice.title,
                principle_key=principle.key,
                principle_title=principle.title,
                statement=practice.statement,
                help=practice.help,
                levels=dict(practice.levels),
                code_2_1=tuple(practice.references.code_2_1),
                code_3_0=tuple(practice.references.code_3_0),
                sources=tuple(practice.references.sources),
            )
        )
    return items


def _carried_answers(session: Session, assessment: Assessment) -> dict[int, Answer]:
    """The previous round's agreed answers, keyed by this assessment's practice ids.

    Practices are matched by key (and by the framework's ``previously`` crosswalk), so a new
    framework version still carries over what it can.
    """
    if assessment.carried_over_from_id is None:
        return {}
    previous = session.get(Assessment, assessment.carried_over_from_id)
    if previous is None:
        return {}
    old = session.execute(
        select(Practice.key, AgreedRating)
        .join(AgreedRating, AgreedRating.practice_id == Practice.id)
        .where(AgreedRating.assessment_id == previous.id)
    ).all()
    old_by_key = {key: _answer_from_agreed(row).answer for key, row in old}
    framework = framework_for_version(session, assessment.framework_version_id)
    current = session.execute(
        select(Practice.id, Practice.key).where(
            Practice.framework_version_id == assessment.framework_version_id
        )
    ).all()
    carried: dict[int, Answer] = {}
    for practice_id, key in current:
        for candidate in (key, *framework.practice(key).previously):
            if candidate in old_by_key:
                carried[practice_id] = old_by_key[candidate]
                break
    return carried


def _team_raters(session: Session, team_id: int) -> list[Rater]:
    rows = session.execute(
        select(User.id, User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.team_id == team_id,
            Membership.role.in_([Role.MEMBER.value, Role.LEAD.value]),
            User.is_active.is_(True),
        )
        .distinct()
        .order_by(User.display_name)
    ).all()
    return [Rater(user_id, name) for user_id, name in rows]


def load_state(db: Database, actor: Actor, assessment_id: int) -> AssessmentState:
    """The assessment as ``actor`` sees it: their own ratings, carried-over and agreed answers."""
    with db.read() as session:
        return _state_in(session, actor, viewable_assessment(session, actor, assessment_id))


def _state_in(session: Session, actor: Actor, assessment: Assessment) -> AssessmentState:
    framework = framework_for_version(session, assessment.framework_version_id)
    mine = {
        row.practice_id: _answer_from_rating(row)
        for row in session.scalars(
            select(Rating).where(
                Rating.assessment_id == assessment.id, Rating.user_id == actor.user_id
            )
        )
    }
    agreed = {
        row.practice_id: _answer_from_agreed(row)
        for row in session.scalars(
            select(AgreedRating).where(AgreedRating.assessment_id == assessment.id)
        )
    }
    return AssessmentState(
        summary=_summary(session, assessment),
        framework=framework,
        practices=_practices(session, framework, assessment.framework_version_id),
        mine=mine,
        carried=_carried_answers(session, assessment),
        agreed=agreed,
        raters=_team_raters(session, assessment.team_id),
    )


def current_assessment_id(db: Database, actor: Actor, team_id: int, today: date) -> int | None:
    """The team's assessment for the current round, if one has been started."""
    require(actor, Permission.VIEW_TEAM_RESULTS)
    require_team(actor, team_id)
    with db.read() as session:
        round_ = current_round(session, today)
        if round_ is None:
            return None
        return session.scalar(
            select(Assessment.id).where(
                Assessment.team_id == team_id, Assessment.round_id == round_.id
            )
        )


@dataclass(frozen=True)
class RoundInfo:
    round_id: int
    label: str
    assessment_id: int | None
    status: AssessmentStatus | None


def team_rounds(db: Database, actor: Actor, team_id: int) -> list[RoundInfo]:
    """Every round up to now, newest first, with the team's assessment in each (if any)."""
    with db.read() as session:
        viewable_team(session, actor, team_id, "You can only see your own team's assessments.")
        rows = session.execute(
            select(Round.id, Round.label, Assessment.id, Assessment.status)
            .outerjoin(
                Assessment, (Assessment.round_id == Round.id) & (Assessment.team_id == team_id)
            )
            .order_by(Round.starts_on.desc())
        ).all()
    return [
        RoundInfo(rid, label, aid, AssessmentStatus(status) if status else None)
        for rid, label, aid, status in rows
    ]


def _check_answer(answer: Answer, today: date, note_label: str) -> None:
    if answer.level is not None and not 1 <= answer.level <= 5:
        raise InputError("Choose a level from 1 (Beginning) to 5 (Mastering).")
    if answer.level is not None and answer.not_applicable:
        raise InputError("Choose a level or 'not applicable', not both.")
    if len(answer.evidence) > MAX_EVIDENCE:
        raise InputError(f"Evidence must be {MAX_EVIDENCE} characters or fewer.")
    if len(answer.reason) > MAX_NOTE:
        raise InputError(f"The {note_label} must be {MAX_NOTE} characters or fewer.")
    if answer.evidence_date is not None and answer.evidence_date > today:
        raise InputError("The evidence date must be today or in the past.")


def _editable(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    """The assessment, locked for this transaction, if it is still a draft ``actor`` may change."""
    assessment = viewable_assessment(session, actor, assessment_id, lock=True)
    require_team(actor, assessment.team_id)
    if assessment.status == AssessmentStatus.SUBMITTED.value:
        raise InputError("This assessment has been submitted, so it can no longer be changed.")
    return assessment


def _apply_answer(row: Rating | AgreedRating, answer: Answer) -> None:
    """Copy an answer's level and evidence onto a person's rating or the team's agreed answer."""
    row.level = answer.level
    row.not_applicable = answer.not_applicable
    row.evidence = answer.evidence.strip()
    row.evidence_date = answer.evidence_date
    row.evidence_strength = answer.evidence_strength.value if answer.evidence_strength else None


def _conflict_values(answer: Answer) -> dict[str, object]:
    return {
        "level": answer.level,
        "not_applicable": answer.not_applicable,
        "reason": answer.reason,
        "evidence": answer.evidence,
        "evidence_date": answer.evidence_date.isoformat() if answer.evidence_date else None,
        "evidence_strength": answer.evidence_strength.value if answer.evidence_strength else None,
    }


def _saved_agreed(db: Database, assessment_id: int, practice_id: int) -> SavedAnswer | None:
    with db.read() as session:
        row = session.scalar(
            select(AgreedRating).where(
                AgreedRating.assessment_id == assessment_id,
                AgreedRating.practice_id == practice_id,
            )
        )
        return _answer_from_agreed(row) if row else None


@contextmanager
def _races_as_conflicts(message: str) -> Iterator[None]:
    """Two sessions saving the same row at the same moment: the loser gets a ConflictError.

    The version check in the services catches a save against an old version. Two transactions
    that both pass it at once are caught by the database: the second UPDATE finds the version
    moved on (StaleDataError, which ``Database.transaction`` turns into ConflictError) or the
    second INSERT breaks the unique constraint (IntegrityError).
    """
    try:
        yield
    except IntegrityError:
        raise ConflictError(message) from None


def _with_current(conflict: ConflictError, saved: SavedAnswer | None) -> ConflictError:
    if conflict.current or saved is None:
        return conflict
    return ConflictError(str(conflict), current=_conflict_values(saved.answer))


def submission_problems(state: AssessmentState) -> list[SubmissionProblem]:
    """What stops the agreed answers being submitted, practice by practice, in order."""
    problems = []
    for item in state.practices:
        saved = state.agreed.get(item.id)
        if saved is None or (saved.answer.level is None and not saved.answer.not_applicable):
            problems.append(
                SubmissionProblem(item.id, item.title, f"Agree a level for '{item.title}'")
            )
        elif saved.answer.not_applicable and not saved.answer.reason.strip():
            problems.append(
                SubmissionProblem(item.id, item.title, f"Say why '{item.title}' is not applicable")
            )
    return problems


def submit(
    db: Database,
    actor: Actor,
    assessment_id: int,
    *,
    expected_version: int,
    expected_answers: str | None = None,
) -> None:
    """The lead submits the agreed answers. The assessment is then frozen.

    ``expected_answers`` is the ``answers_fingerprint()`` of the answers the lead checked: if
    another lead changed an agreed answer since, nothing is submitted. The check and the write
    happen in one transaction holding the assessment's lock, so no save can slip in between;
    the answers submitted are kept as a submission record.
    """
    require(actor, Permission.AGREE)
    with db.transaction(locking=True) as session:
        assessment = _editable(session, actor, assessment_id)
        require_team(actor, assessment.team_id, Role.LEAD)
        if assessment.version != expected_version:
            raise ConflictError(
                "The assessment changed after you opened this page. Check it again, then submit."
            )
        state = _state_in(session, actor, assessment)
        if expected_answers is not None and expected_answers != state.answers_fingerprint():
            raise ConflictError(
                "Someone changed an agreed answer after you opened this page. Check the answers "
                "again, then submit."
            )
        problems = submission_problems(state)
        if problems:
            raise InputError(
                f"{len(problems)} practice{'s' if len(problems) != 1 else ''} still "
                f"need{'s' if len(problems) == 1 else ''} an agreed answer before you can submit."
            )
        now = datetime.now(UTC)
        assessment.status = AssessmentStatus.SUBMITTED.value
        assessment.submitted_at = now
        assessment.submitted_by_id = actor.user_id
        submission = record_submission(session, assessment, actor.user_id, now)
        session.flush()
        audit.record(
            session,
            actor,
            "submit_assessment",
            "assessment",
            assessment.id,
            before={"status": AssessmentStatus.DRAFT.value},
            after={"status": AssessmentStatus.SUBMITTED.value, "submission": submission.number},
        )


def practice_ids_in_order(practices: Sequence[PracticeItem]) -> list[int]:
    return [p.id for p in practices]
