"""The facts the access policy (``ue_core.authz``) needs, loaded inside a service's session.

The policy is pure; these helpers fetch what it decides on (a team's organisation) and refuse
with the policy's answer. They run inside the transaction the calling service has opened.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ue_core.authz import OWN_TEAM_WORK, Actor, TeamRef, require_view_team
from ue_core.db.models import Assessment, Team
from ue_core.errors import NotFound


def team_ref(team: Team) -> TeamRef:
    return TeamRef(team_id=team.id, organisation_id=team.organisation_id)


def viewable_team(
    session: Session, actor: Actor, team_id: int, message: str = OWN_TEAM_WORK
) -> Team:
    """The team, if ``actor`` may see its work (see ``authz.can_view_team``)."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound("That team does not exist.")
    require_view_team(actor, team_ref(team), message)
    return team


def viewable_assessment(
    session: Session,
    actor: Actor,
    assessment_id: int,
    message: str = OWN_TEAM_WORK,
    *,
    lock: bool = False,
) -> Assessment:
    """The assessment, if ``actor`` may see its team's work (see ``authz.can_view_team``);
    ``lock`` holds its row until the transaction ends."""
    assessment = (
        session.get(Assessment, assessment_id, with_for_update=True, populate_existing=True)
        if lock
        else session.get(Assessment, assessment_id)
    )
    if assessment is None:
        raise NotFound("That assessment does not exist.")
    team = session.get(Team, assessment.team_id)
    if team is None:
        raise NotFound("That team does not exist.")
    require_view_team(actor, team_ref(team), message)
    return assessment
