"""Survey themes as evidence for a team's rating (issue 14, item 5).

A hub consultant attaches an approved theme (a sub-theme, which answers are coded to) to a
team's rating of a practice that accepts it (``data/theme_evidence.yaml``), in the team's
assessment while it is a draft. What is saved is a snapshot of the theme (``ThemeEvidence``
rows): later edits to the themes leave it as the team saw it. Attaching and removing are for
those who analyse surveys (``authz.require_attach_theme_evidence``); the evidence is seen by
whoever may see the assessment (its team, the organisation's champion, hub staff).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, require_attach_theme_evidence
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    AssessmentStatus,
    Organisation,
    Practice,
    Principle,
    Round,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    Team,
    Theme,
    ThemeAssignment,
    ThemeSet,
    TopTheme,
    User,
)
from ue_core.db.models import ThemeEvidence as EvidenceRow
from ue_core.errors import InputError, NotFound
from ue_core.services.access_facts import viewable_assessment
from ue_core.services.frameworks import current_version_id
from ue_core.services.rounds import current_round
from ue_core.survey_import import tidy_header
from ue_core.theme_evidence import (
    ThemeEvidence,
    check_practice,
    select_quotes,
    shipped_theme_evidence_rules,
)

APPROVED = "approved"
REPLACED = "replaced"


@dataclass(frozen=True)
class AcceptingPractice:
    """A practice of the current framework that takes survey themes as evidence."""

    key: str
    title: str
    principle_title: str
    why: str


@dataclass(frozen=True)
class EvidenceTeam:
    """A team a consultant can attach evidence for, with its assessment in the current round."""

    team_id: int
    team_name: str
    organisation_name: str
    round_label: str | None
    assessment_id: int | None
    status: AssessmentStatus | None

    @property
    def label(self) -> str:
        """'Team (Organisation): 2026 to 2027 in draft', as the consultant chooses it."""
        if self.round_label is None:
            return f"{self.team_name} ({self.organisation_name}): no assessment round is open"
        if self.assessment_id is None:
            state = "not started"
        elif self.status is AssessmentStatus.SUBMITTED:
            state = "submitted"
        else:
            state = "in draft"
        return f"{self.team_name} ({self.organisation_name}): {self.round_label} {state}"


def accepting_practices(db: Database, actor: Actor) -> list[AcceptingPractice]:
    """Hub consultants: the practices of the current framework that accept theme evidence."""
    require_attach_theme_evidence(actor)
    rules = shipped_theme_evidence_rules()
    with db.read() as session:
        version_id = current_version_id(session)
        rows = session.execute(
            select(Practice.key, Practice.title, Principle.title)
            .join(Principle, Principle.id == Practice.principle_id)
            .where(Practice.framework_version_id == version_id)
            .order_by(Principle.position, Practice.position)
        ).all()
    return [
        AcceptingPractice(key, title, principle, rules.why(key))
        for key, title, principle in rows
        if rules.accepts(key)
    ]


def evidence_teams(db: Database, actor: Actor, today: date) -> list[EvidenceTeam]:
    """Hub consultants: every team, with its assessment in the round open on ``today``."""
    require_attach_theme_evidence(actor)
    with db.read() as session:
        round_ = current_round(session, today)
        assessments: dict[int, tuple[int, str]] = {}
        if round_ is not None:
            assessments = {
                team_id: (assessment_id, status)
                for assessment_id, team_id, status in session.execute(
                    select(Assessment.id, Assessment.team_id, Assessment.status).where(
                        Assessment.round_id == round_.id
                    )
                )
            }
        teams = session.execute(
            select(Team.id, Team.name, Organisation.name)
            .join(Organisation, Organisation.id == Team.organisation_id)
            .order_by(Organisation.name, Team.name)
        ).all()
        label = round_.label if round_ is not None else None
    found = []
    for team_id, name, organisation in teams:
        assessment = assessments.get(team_id)
        found.append(
            EvidenceTeam(
                team_id=team_id,
                team_name=name,
                organisation_name=organisation,
                round_label=label,
                assessment_id=assessment[0] if assessment else None,
                status=AssessmentStatus(assessment[1]) if assessment else None,
            )
        )
    return found


def _practice(session: Session, assessment: Assessment, practice_key: str) -> Practice:
    practice = session.scalar(
        select(Practice).where(
            Practice.framework_version_id == assessment.framework_version_id,
            Practice.key == practice_key,
        )
    )
    if practice is None:
        raise InputError("That practice is not part of this team's assessment. Choose another.")
    return practice


def _approved_theme(session: Session, theme_id: int) -> tuple[Theme, ThemeSet]:
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound("That theme no longer exists. Reload the page and choose another.")
    theme_set = session.get(ThemeSet, theme.theme_set_id)
    assert theme_set is not None
    if theme_set.status == REPLACED:
        raise InputError(
            "These themes have been replaced by a newer approved set. Choose a theme from the "
            "approved themes."
        )
    if theme_set.status != APPROVED:
        raise InputError(
            "These themes are a draft. Approve them on the Themes tab before attaching one as "
            "evidence, so the team sees themes the hub stands behind."
        )
    return theme, theme_set


def _snapshot(session: Session, theme: Theme) -> tuple[int, tuple[str, ...]]:
    """The theme's size (answers coded to it, not marked not relevant) and its quotes."""
    members = [
        (float(confidence or 0.0), answer_id, text)
        for confidence, answer_id, text in session.execute(
            select(ThemeAssignment.confidence, SurveyAnswer.id, SurveyAnswer.text)
            .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
            .where(
                ThemeAssignment.theme_set_id == theme.theme_set_id,
                ThemeAssignment.theme_id == theme.id,
                ThemeAssignment.not_relevant.is_(False),
            )
        )
    ]
    return len(members), select_quotes(members)


def attach_theme(
    db: Database, actor: Actor, theme_id: int, assessment_id: int, practice_key: str
) -> ThemeEvidence:
    """Hub consultants: attach an approved theme to a team's rating of an accepting practice.

    Refused, with nothing saved, for a draft or replaced theme set, a practice that does not
    accept themes, a submitted assessment, a theme with no answers or one attached already.
    """
    require_attach_theme_evidence(actor)
    rules = shipped_theme_evidence_rules()
    with db.transaction(locking=True) as session:
        assessment = viewable_assessment(session, actor, assessment_id, lock=True)
        team = session.get(Team, assessment.team_id)
        assert team is not None
        if assessment.status == AssessmentStatus.SUBMITTED.value:
            raise InputError(
                f"{team.name}'s assessment is submitted, so nothing can be added to it. Its "
                "team lead can reopen it, or attach the theme to the next round's assessment."
            )
        practice = _practice(session, assessment, practice_key)
        check_practice(rules, practice.key, practice.title)
        theme, theme_set = _approved_theme(session, theme_id)
        already = session.scalar(
            select(func.count())
            .select_from(EvidenceRow)
            .where(
                EvidenceRow.assessment_id == assessment.id,
                EvidenceRow.practice_id == practice.id,
                EvidenceRow.theme_id == theme.id,
            )
        )
        if already:
            raise InputError(
                f"'{theme.label}' is already evidence for {team.name}'s rating of "
                f"'{practice.title}'."
            )
        size, quotes = _snapshot(session, theme)
        if size == 0:
            raise InputError(f"'{theme.label}' has no answers, so there is nothing to show.")
        question = session.get(SurveyQuestion, theme_set.question_id)
        assert question is not None
        survey = session.get(Survey, question.survey_id)
        assert survey is not None
        top = session.get(TopTheme, theme.top_theme_id) if theme.top_theme_id else None
        row = EvidenceRow(
            assessment_id=assessment.id,
            practice_id=practice.id,
            survey_id=survey.id,
            theme_set_id=theme_set.id,
            theme_id=theme.id,
            theme_label=theme.label,
            top_theme_label=top.label if top is not None else "",
            answer_count=size,
            quotes=list(quotes),
            survey_title=survey.title,
            question=question.wording or tidy_header(question.column_name),
            attached_by_id=None if actor.is_system else actor.user_id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "attach_theme_evidence",
            "assessment",
            assessment.id,
            None,
            {
                "practice": practice.key,
                "theme_id": theme.id,
                "theme": theme.label,
                "answers": size,
                "quotes": len(quotes),
            },
        )
        return _views(session, [row])[0]


def detach_theme(db: Database, actor: Actor, evidence_id: int) -> None:
    """Hub consultants: remove a theme from a rating, while the assessment is a draft."""
    require_attach_theme_evidence(actor)
    with db.transaction(locking=True) as session:
        row = session.get(EvidenceRow, evidence_id)
        if row is None:
            raise NotFound("That evidence has already been removed. Reload the page.")
        assessment = viewable_assessment(session, actor, row.assessment_id, lock=True)
        if assessment.status == AssessmentStatus.SUBMITTED.value:
            raise InputError(
                "The assessment is submitted, so its evidence stays as it was submitted."
            )
        before = {"practice_id": row.practice_id, "theme": row.theme_label}
        session.delete(row)
        audit.record(
            session, actor, "detach_theme_evidence", "assessment", assessment.id, before, None
        )


def evidence_in(session: Session, assessment_id: int) -> dict[str, list[ThemeEvidence]]:
    """An assessment's theme evidence by practice key, oldest first (inside a service's session,
    after its access check)."""
    rows = list(
        session.scalars(
            select(EvidenceRow)
            .where(EvidenceRow.assessment_id == assessment_id)
            .order_by(EvidenceRow.attached_at, EvidenceRow.id)
        )
    )
    found: dict[str, list[ThemeEvidence]] = {}
    for view in _views(session, rows):
        found.setdefault(view.practice_key, []).append(view)
    return found


def assessment_evidence(
    db: Database, actor: Actor, assessment_id: int
) -> dict[str, list[ThemeEvidence]]:
    """The themes attached to an assessment's ratings, by practice key: for whoever may see
    the assessment (its team, the organisation's champion, hub staff)."""
    with db.read() as session:
        viewable_assessment(session, actor, assessment_id, "You can only see your own team's work.")
        return evidence_in(session, assessment_id)


@dataclass(frozen=True)
class AttachedEvidence:
    """A theme of a survey attached to one team's rating, for the consultant's list."""

    evidence: ThemeEvidence
    team_name: str
    round_label: str
    submitted: bool


def survey_evidence(db: Database, actor: Actor, survey_id: int) -> list[AttachedEvidence]:
    """Hub consultants: every theme of a survey attached as evidence, newest first."""
    require_attach_theme_evidence(actor)
    with db.read() as session:
        rows = list(
            session.scalars(
                select(EvidenceRow)
                .where(EvidenceRow.survey_id == survey_id)
                .order_by(EvidenceRow.attached_at.desc(), EvidenceRow.id.desc())
            )
        )
        context = {
            assessment_id: (team, round_label, status)
            for assessment_id, team, round_label, status in session.execute(
                select(Assessment.id, Team.name, Round.label, Assessment.status)
                .join(Team, Team.id == Assessment.team_id)
                .join(Round, Round.id == Assessment.round_id)
                .where(Assessment.id.in_({row.assessment_id for row in rows}))
            )
        }
        views = _views(session, rows)
    return [
        AttachedEvidence(
            evidence=view,
            team_name=context[view.assessment_id][0],
            round_label=context[view.assessment_id][1],
            submitted=context[view.assessment_id][2] == AssessmentStatus.SUBMITTED.value,
        )
        for view in views
    ]


def _views(session: Session, rows: list[EvidenceRow]) -> list[ThemeEvidence]:
    practices = {
        pid: (key, title)
        for pid, key, title in session.execute(
            select(Practice.id, Practice.key, Practice.title).where(
                Practice.id.in_({row.practice_id for row in rows})
            )
        )
    }
    people = dict(
        session.execute(
            select(User.id, User.display_name).where(
                User.id.in_({row.attached_by_id for row in rows if row.attached_by_id})
            )
        ).all()
    )
    return [
        ThemeEvidence(
            id=row.id,
            assessment_id=row.assessment_id,
            practice_key=practices[row.practice_id][0],
            practice_title=practices[row.practice_id][1],
            theme_label=row.theme_label,
            top_theme_label=row.top_theme_label,
            answer_count=row.answer_count,
            quotes=tuple(str(quote) for quote in row.quotes),
            survey_title=row.survey_title,
            question=row.question,
            attached_by=people.get(row.attached_by_id, "the USER hub")
            if row.attached_by_id
            else "the USER hub",
            attached_at=row.attached_at,
        )
        for row in rows
    ]
