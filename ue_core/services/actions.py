"""A team's action plan: what it will do to improve, who owns it, by when, and what it should reach.

Each action is linked to one practice of an assessment and has a description, an owner, a due
date, a status (planned, in progress or done) and, optionally, the level the team means to reach
for that practice. Actions can be added to a draft or a submitted assessment: planning carries on
after submission.

An action is overdue when its due date is before today (UK time) and it is not done. Overdue
actions are listed first.

The plan also shows the principle scores the team would reach if every action in the plan
reached its intended level (``ue_core.scoring.project_scores``), next to the current scores and
the targets.

Every change checks the action's version, so two people never overwrite each other silently,
and is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require, require_team
from ue_core.db.engine import Database
from ue_core.db.models import (
    Action,
    ActionStatus,
    Assessment,
    AssessmentStatus,
    Practice,
    Principle,
    Round,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.scoring import AssessmentScores, project_scores, score_assessment
from ue_core.services.assessment_reads import (
    AssessmentRef,
    PracticeAnswer,
    assessment_ref,
    practice_answers,
    practice_in,
    visible_assessment,
)
from ue_core.services.rounds import current_round
from ue_core.services.scores_against_targets import target_levels
from ue_core.vocabulary import ACTION_STATUS_LABELS

MAX_DESCRIPTION = 2_000
MAX_OWNER = 200

WHAT_AN_ACTION_PLAN_IS = (
    "An action plan lists what your team will do to improve its user engagement. Each action "
    "is linked to one practice in your assessment and says what you will do, who owns it, when "
    "it is due and the level you want that practice to reach."
)


# --- What the screens and exports read ------------------------------------------------------


@dataclass(frozen=True)
class ActionDraft:
    """What a person enters for an action."""

    practice_id: int
    description: str
    owner: str
    due_on: date | None
    status: ActionStatus = ActionStatus.PLANNED
    intended_level: int | None = None


@dataclass(frozen=True)
class ActionView:
    id: int
    assessment_id: int
    practice_id: int
    practice_key: str
    practice_title: str
    principle_key: str
    principle_title: str
    description: str
    owner: str
    due_on: date | None
    status: ActionStatus
    intended_level: int | None
    version: int
    created_at: datetime

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS[self.status]

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.due_on, self.status, today)

    def draft(self) -> ActionDraft:
        return ActionDraft(
            practice_id=self.practice_id,
            description=self.description,
            owner=self.owner,
            due_on=self.due_on,
            status=self.status,
            intended_level=self.intended_level,
        )


@dataclass(frozen=True)
class ActionPlan:
    """Everything the action plan screen shows, read in one go."""

    assessment: AssessmentRef
    practices: list[PracticeAnswer]
    actions: list[ActionView]  # overdue first, then by due date
    targets: dict[str, int]
    current: AssessmentScores
    projected: AssessmentScores
    today: date

    @property
    def overdue(self) -> list[ActionView]:
        return [a for a in self.actions if a.is_overdue(self.today)]

    @property
    def principle_titles(self) -> dict[str, str]:
        return {p.principle_key: p.principle_title for p in self.practices}

    def practice(self, practice_id: int) -> PracticeAnswer:
        for item in self.practices:
            if item.id == practice_id:
                return item
        raise NotFound("That practice is not part of this assessment.")


@dataclass(frozen=True)
class AssessmentChoice:
    """An assessment of a team that an action plan can belong to."""

    assessment_id: int
    round_label: str
    status: AssessmentStatus

    @property
    def label(self) -> str:
        state = "submitted" if self.status is AssessmentStatus.SUBMITTED else "draft"
        return f"{self.round_label} ({state})"


def is_overdue(due_on: date | None, status: ActionStatus, today: date) -> bool:
    """True when the action is not done and its due date is before ``today``."""
    return due_on is not None and due_on < today and status is not ActionStatus.DONE


def parse_due_date(day: str, month: str, year: str) -> date | None:
    """A due date from the three boxes of a GOV.UK date input; None when all are empty.

    Raises InputError, saying what to fix, when only some boxes are filled in or the numbers
    do not make a real date.
    """
    parts = [day.strip(), month.strip(), year.strip()]
    if not any(parts):
        return None
    names = ("a day", "a month", "a year")
    missing = [name for name, part in zip(names, parts, strict=True) if not part]
    if missing:
        raise InputError(f"The due date must include {' and '.join(missing)}.")
    if not all(part.isdigit() for part in parts):
        raise InputError("Enter the due date as numbers, for example 31 3 2027.")
    number_day, number_month, number_year = (int(part) for part in parts)
    if len(parts[2]) != 4:
        raise InputError("The year of the due date must have 4 numbers, for example 2027.")
    try:
        return date(number_year, number_month, number_day)
    except ValueError:
        raise InputError("The due date must be a real date, for example 31 3 2027.") from None


def sort_actions(actions: Sequence[ActionView], today: date) -> list[ActionView]:
    """Overdue actions first (oldest due date first), then open actions by due date, then done
    ones; actions with no due date come last in their group."""

    def key(action: ActionView) -> tuple[int, int, date, int]:
        group = 0 if action.is_overdue(today) else 2 if action.status is ActionStatus.DONE else 1
        return (group, action.due_on is None, action.due_on or date.max, action.id)

    return sorted(actions, key=key)


def planned_levels(actions: Sequence[ActionView]) -> dict[str, int]:
    """The highest intended level per practice key over every action in the plan."""
    planned: dict[str, int] = {}
    for action in actions:
        if action.intended_level is not None:
            planned[action.practice_key] = max(
                action.intended_level, planned.get(action.practice_key, 0)
            )
    return planned


def action_views(session: Session, assessment_id: int) -> list[ActionView]:
    rows = session.execute(
        select(Action, Practice.key, Practice.title, Principle.key, Principle.title)
        .join(Practice, Action.practice_id == Practice.id)
        .join(Principle, Practice.principle_id == Principle.id)
        .where(Action.assessment_id == assessment_id)
        .order_by(Action.id)
    ).all()
    return [
        _view(action, key, title, principle_key, principle_title)
        for action, key, title, principle_key, principle_title in rows
    ]


def _view(
    action: Action, key: str, title: str, principle_key: str, principle_title: str
) -> ActionView:
    return ActionView(
        id=action.id,
        assessment_id=action.assessment_id,
        practice_id=action.practice_id,
        practice_key=key,
        practice_title=title,
        principle_key=principle_key,
        principle_title=principle_title,
        description=action.description,
        owner=action.owner,
        due_on=action.due_on,
        status=ActionStatus(action.status),
        intended_level=action.intended_level,
        version=action.version,
        created_at=action.created_at,
    )


def _view_of(session: Session, action: Action) -> ActionView:
    practice = session.get(Practice, action.practice_id)
    assert practice is not None
    principle = session.get(Principle, practice.principle_id)
    assert principle is not None
    return _view(action, practice.key, practice.title, principle.key, principle.title)


def action_plan(db: Database, actor: Actor, assessment_id: int, today: date) -> ActionPlan:
    """The assessment's action plan with current, projected and target principle scores."""
    with db.read() as session:
        assessment = visible_assessment(session, actor, assessment_id)
        ref = assessment_ref(session, assessment)
        practices = practice_answers(session, assessment)
        targets = target_levels(session, assessment)  # saved, else suggested
        actions = sort_actions(action_views(session, assessment.id), today)
    ratings = [p.rating() for p in practices]
    return ActionPlan(
        assessment=ref,
        practices=practices,
        actions=actions,
        targets=targets,
        current=score_assessment(ratings, today, targets),
        projected=project_scores(ratings, planned_levels(actions), as_of=today, targets=targets),
        today=today,
    )


def plan_choices(
    db: Database, actor: Actor, team_id: int, today: date
) -> tuple[list[AssessmentChoice], int | None]:
    """The team's assessments, newest round first, and the one to show first.

    The one to show first is the team's assessment in the current round if it has one, and
    otherwise its latest submitted assessment (None if it has neither).
    """
    require(actor, Permission.VIEW_TEAM_RESULTS)
    require_team(actor, team_id)
    with db.read() as session:
        rows = session.execute(
            select(Assessment.id, Round.id, Round.label, Assessment.status)
            .join(Round, Assessment.round_id == Round.id)
            .where(Assessment.team_id == team_id)
            .order_by(Round.starts_on.desc())
        ).all()
        round_ = current_round(session, today)
    choices = [
        AssessmentChoice(assessment_id, label, AssessmentStatus(status))
        for assessment_id, _round_id, label, status in rows
    ]
    default = next(
        (aid for aid, round_id, _label, _status in rows if round_ and round_id == round_.id),
        None,
    )
    if default is None:
        default = next(
            (c.assessment_id for c in choices if c.status is AssessmentStatus.SUBMITTED), None
        )
    return choices, default


# --- Changing -------------------------------------------------------------------------------


def _check_draft(draft: ActionDraft) -> None:
    if not draft.description.strip():
        raise InputError("Enter what the action is.")
    if len(draft.description) > MAX_DESCRIPTION:
        raise InputError(f"The action must be {MAX_DESCRIPTION} characters or fewer.")
    if not draft.owner.strip():
        raise InputError("Enter who owns the action.")
    if len(draft.owner) > MAX_OWNER:
        raise InputError(f"The owner must be {MAX_OWNER} characters or fewer.")
    if draft.intended_level is not None and not 1 <= draft.intended_level <= 5:
        raise InputError("Choose an intended level from 1 (Beginning) to 5 (Mastering).")
    if not isinstance(draft.status, ActionStatus):
        raise InputError("Choose a status: planned, in progress or done.")


def _values(view: ActionView) -> dict[str, Any]:
    """An action's values as shown to a person whose save clashed, and as audited."""
    return {
        "practice": view.practice_title,
        "action": view.description,
        "owner": view.owner,
        "due date": view.due_on.isoformat() if view.due_on else None,
        "status": view.status_label,
        "intended level": view.intended_level,
    }


def _team_assessment(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    assessment = visible_assessment(session, actor, assessment_id)
    require_team(actor, assessment.team_id)
    return assessment


def _action_for_change(
    session: Session, actor: Actor, action_id: int, expected_version: int
) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise ConflictError(
            "Someone deleted this action after you opened it, so your change was not saved."
        )
    _team_assessment(session, actor, action.assessment_id)
    if action.version != expected_version:
        raise ConflictError(
            "Someone else changed this action after you opened it, so your change was not "
            "saved. Their version is shown; check it and make your change again.",
            current=_values(_view_of(session, action)),
        )
    return action


def add_action(db: Database, actor: Actor, assessment_id: int, draft: ActionDraft) -> ActionView:
    """Add an action to the plan of the actor's own team's assessment (draft or submitted)."""
    require(actor, Permission.ASSESS)
    _check_draft(draft)
    with db.transaction() as session:
        assessment = _team_assessment(session, actor, assessment_id)
        practice_in(session, assessment, draft.practice_id)
        action = Action(
            assessment_id=assessment.id,
            practice_id=draft.practice_id,
            description=draft.description.strip(),
            owner=draft.owner.strip(),
            due_on=draft.due_on,
            status=draft.status.value,
            intended_level=draft.intended_level,
        )
        session.add(action)
        session.flush()
        view = _view_of(session, action)
        audit.record(session, actor, "add_action", "action", action.id, after=_values(view))
        return view


def update_action(
    db: Database, actor: Actor, action_id: int, draft: ActionDraft, *, expected_version: int
) -> ActionView:
    """Change an action. ``expected_version`` is the version the person was looking at."""
    require(actor, Permission.ASSESS)
    _check_draft(draft)
    with db.transaction() as session:
        action = _action_for_change(session, actor, action_id, expected_version)
        assessment = session.get(Assessment, action.assessment_id)
        assert assessment is not None
        practice_in(session, assessment, draft.practice_id)
        before = _values(_view_of(session, action))
        action.practice_id = draft.practice_id
        action.description = draft.description.strip()
        action.owner = draft.owner.strip()
        action.due_on = draft.due_on
        action.status = draft.status.value
        action.intended_level = draft.intended_level
        session.flush()
        view = _view_of(session, action)
        audit.record(
            session, actor, "update_action", "action", action.id, before=before, after=_values(view)
        )
        return view


def change_status(
    db: Database, actor: Actor, action_id: int, status: ActionStatus, *, expected_version: int
) -> ActionView:
    """Move an action to planned, in progress or done."""
    require(actor, Permission.ASSESS)
    with db.transaction() as session:
        action = _action_for_change(session, actor, action_id, expected_version)
        before = ACTION_STATUS_LABELS[ActionStatus(action.status)]
        action.status = ActionStatus(status).value
        session.flush()
        audit.record(
            session,
            actor,
            "change_action_status",
            "action",
            action.id,
            before={"status": before},
            after={"status": ACTION_STATUS_LABELS[ActionStatus(status)]},
        )
        return _view_of(session, action)


def delete_action(db: Database, actor: Actor, action_id: int, *, expected_version: int) -> None:
    """Delete an action, unless someone changed it since the person looked at it."""
    require(actor, Permission.ASSESS)
    with db.transaction() as session:
        action = _action_for_change(session, actor, action_id, expected_version)
        before = _values(_view_of(session, action))
        session.delete(action)
        session.flush()
        audit.record(session, actor, "delete_action", "action", action_id, before=before)
