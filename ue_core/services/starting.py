"""Starting a team's assessment for the open round, carrying answers over from the last one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ue_core import audit
from ue_core.authz import Actor, Permission, require, require_team
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    Round,
)
from ue_core.errors import InputError
from ue_core.services.assessment_reads import previous_submitted
from ue_core.services.assessments import current_assessment_id
from ue_core.services.frameworks import current_version_id
from ue_core.services.rounds import current_round


@dataclass(frozen=True)
class StartPreview:
    """What starting the team's assessment now would do, to explain it before the button."""

    round_label: str
    carried_over_from_label: str | None


def start_preview(db: Database, actor: Actor, team_id: int, today: date) -> StartPreview | None:
    """The round a new assessment would be for and the round it would carry answers over from.

    None when no round is open.
    """
    require(actor, Permission.ASSESS)
    require_team(actor, team_id)
    with db.read() as session:
        round_ = current_round(session, today)
        if round_ is None:
            return None
        previous = previous_submitted(session, team_id, round_)
        previous_round = session.get(Round, previous.round_id) if previous else None
        return StartPreview(round_.label, previous_round.label if previous_round else None)


def start_assessment(db: Database, actor: Actor, team_id: int, today: date) -> int:
    """Start the team's assessment for the current round (or return the one already started).

    It uses the newest framework version and carries over the last submitted agreed answers.
    When two people in the team start it at the same moment, both get the same assessment.
    """
    require(actor, Permission.ASSESS)
    require_team(actor, team_id)
    try:
        return _start_in(db, actor, team_id, today)
    except IntegrityError:
        existing = current_assessment_id(db, actor, team_id, today)
        if existing is None:
            raise
        return existing


def _start_in(db: Database, actor: Actor, team_id: int, today: date) -> int:
    with db.transaction() as session:
        round_ = current_round(session, today)
        if round_ is None:
            raise InputError("No assessment round is open. Ask the USER hub to open one.")
        existing = session.scalar(
            select(Assessment.id).where(
                Assessment.team_id == team_id, Assessment.round_id == round_.id
            )
        )
        if existing is not None:
            return existing
        version_id = current_version_id(session)
        if version_id is None:
            raise InputError("The framework has not been loaded yet. Ask an admin to load it.")
        previous = previous_submitted(session, team_id, round_)
        assessment = Assessment(
            team_id=team_id,
            round_id=round_.id,
            framework_version_id=version_id,
            carried_over_from_id=previous.id if previous else None,
            public_interest=previous.public_interest if previous else None,
            user_breadth=previous.user_breadth if previous else None,
            change_frequency=previous.change_frequency if previous else None,
        )
        session.add(assessment)
        session.flush()
        audit.record(
            session,
            actor,
            "start_assessment",
            "assessment",
            assessment.id,
            after={"round": round_.label, "carried_over_from": assessment.carried_over_from_id},
        )
        return assessment.id
