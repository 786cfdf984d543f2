"""The signed-in person as an Actor, read in one query of plain columns.

Every page's sign-in check reads the Actor on every rerun, so ``accounts.actor_for_email``
uses this rather than loading the user, their memberships, teams and organisations as ORM
objects (four queries). It gives the same Actor as ``accounts.actor_from_user``.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from ue_core.authz import Actor, MembershipView
from ue_core.db.models import Membership, Organisation, Role, Team, User


def _actor_where(session: Session, condition: ColumnElement[bool]) -> Actor | None:
    """The active user matching ``condition`` as an Actor, read in one query of plain columns
    (every page's sign-in check runs this on every rerun); the same Actor as
    ``actor_from_user`` gives."""
    team_organisation = aliased(Organisation)
    rows = session.execute(
        select(
            User.id,
            User.email,
            User.display_name,
            Membership.role,
            Team.id,
            Team.name,
            team_organisation.id,
            team_organisation.name,
            Organisation.id,
            Organisation.name,
        )
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Team, Team.id == Membership.team_id)
        .outerjoin(team_organisation, team_organisation.id == Team.organisation_id)
        .outerjoin(Organisation, Organisation.id == Membership.organisation_id)
        .where(condition, User.is_active.is_(True))
    ).all()
    if not rows:
        return None
    views = [
        MembershipView(
            role=Role(role),
            team_id=team_id,
            team_name=team_name,
            organisation_id=team_org_id if team_id is not None else org_id,
            organisation_name=team_org_name if team_id is not None else org_name,
        )
        for _, _, _, role, team_id, team_name, team_org_id, team_org_name, org_id, org_name in rows
        if role is not None
    ]
    views.sort(
        key=lambda v: (list(Role).index(v.role), v.team_name or "", v.organisation_name or "")
    )
    user_id, email, display_name = rows[0][:3]
    return Actor(user_id=user_id, email=email, display_name=display_name, memberships=tuple(views))
