"""Admin views: people and their roles, organisations and teams."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ue_core.authz import Actor, MembershipView, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import Membership, Organisation, Team, User
from ue_core.services.accounts import LOCK_AFTER
from ue_core.vocabulary import Role


@dataclass(frozen=True)
class RoleRow:
    """One role a person holds, to show and to remove."""

    membership_id: int
    description: str


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    name: str
    email: str
    roles: str
    has_password: bool
    is_active: bool
    # Locked by wrong passwords, or waiting after them: an admin can let them try again.
    sign_in_locked: bool
    role_rows: tuple[RoleRow, ...]

    @property
    def status(self) -> str:
        if not self.is_active:
            return "Deactivated"
        return "Locked after wrong passwords" if self.sign_in_locked else "Active"


@dataclass(frozen=True)
class TeamChoice:
    team_id: int
    label: str


@dataclass(frozen=True)
class OrganisationChoice:
    organisation_id: int
    name: str


def people(db: Database, actor: Actor) -> list[PersonRow]:
    """Everyone with an account, deactivated people too (so they can be reactivated).

    Read as plain columns in two queries (people, then every role with its team and
    organisation), not as ORM objects: thousands of people at the large scale.
    """
    require(actor, Permission.ADMINISTER)
    moment = datetime.now(UTC)
    team_organisation = aliased(Organisation)
    with db.read() as session:
        roles: dict[int, list[RoleRow]] = defaultdict(list)
        for (
            membership_id,
            user_id,
            role,
            team_id,
            team,
            team_org_id,
            team_org,
            org_id,
            org,
        ) in session.execute(
            select(
                Membership.id,
                Membership.user_id,
                Membership.role,
                Team.id,
                Team.name,
                team_organisation.id,
                team_organisation.name,
                Organisation.id,
                Organisation.name,
            )
            .outerjoin(Team, Team.id == Membership.team_id)
            .outerjoin(team_organisation, team_organisation.id == Team.organisation_id)
            .outerjoin(Organisation, Organisation.id == Membership.organisation_id)
        ):
            view = MembershipView(
                role=Role(role),
                team_id=team_id,
                team_name=team,
                organisation_id=team_org_id if team_id is not None else org_id,
                organisation_name=team_org if team_id is not None else org,
            )
            roles[user_id].append(RoleRow(membership_id, view.describe()))
        users = session.execute(
            select(
                User.id,
                User.display_name,
                User.email,
                User.password_hash.is_not(None),
                User.is_active,
                User.failed_sign_ins,
                User.locked_until,
            ).order_by(User.is_active.desc(), User.display_name)
        ).all()
    found = []
    for user_id, name, email, has_password, is_active, failed, locked_until in users:
        role_rows = tuple(sorted(roles.get(user_id, ()), key=lambda r: r.description))
        found.append(
            PersonRow(
                user_id=user_id,
                name=name,
                email=email,
                roles="; ".join(r.description for r in role_rows),
                has_password=bool(has_password),
                is_active=is_active,
                sign_in_locked=failed >= LOCK_AFTER
                or (locked_until is not None and locked_until > moment),
                role_rows=role_rows,
            )
        )
    return found


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
