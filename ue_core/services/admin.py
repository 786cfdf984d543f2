"""Admin views: people and their roles, organisations and teams."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import Membership, Organisation, Team, User
from ue_core.services.accounts import actor_from_user


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    name: str
    email: str
    roles: str
    has_password: bool


@dataclass(frozen=True)
class TeamChoice:
    team_id: int
    label: str


@dataclass(frozen=True)
class OrganisationChoice:
    organisation_id: int
    name: str


def people(db: Database, actor: Actor) -> list[PersonRow]:
    require(actor, Permission.ADMINISTER)
    with db.read() as session:
        users = session.scalars(
            select(User)
            .where(User.is_active.is_(True))
            .options(
                selectinload(User.memberships)
                .selectinload(Membership.team)
                .selectinload(Team.organisation),
                selectinload(User.memberships).selectinload(Membership.organisation),
            )
            .order_by(User.display_name)
        ).all()
        return [
            PersonRow(
                user_id=u.id,
                name=u.display_name,
                email=u.email,
                roles="; ".join(m.describe() for m in actor_from_user(u).memberships),
                has_password=u.password_hash is not None,
            )
            for u in users
        ]


def team_choices(db: Database, actor: Actor) -> list[TeamChoice]:
    require(actor, Permission.ADMINISTER)
    with db.read() as session:
        rows = session.execute(
            select(Team.id, Team.name, Organisation.name)
            .join(Organisation)
            .order_by(Organisation.name, Team.name)
        ).all()
    return [TeamChoice(team_id, f"{team} ({org})") for team_id, team, org in rows]


def organisation_choices(db: Database, actor: Actor) -> list[OrganisationChoice]:
    require(actor, Permission.ADMINISTER)
    with db.read() as session:
        rows = session.execute(
            select(Organisation.id, Organisation.name).order_by(Organisation.name)
        ).all()
    return [OrganisationChoice(org_id, name) for org_id, name in rows]
