"""Admin views: people and their roles, organisations and teams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import Membership, Organisation, Team, User
from ue_core.services.accounts import LOCK_AFTER, membership_view


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
    """Everyone with an account, deactivated people too (so they can be reactivated)."""
    require(actor, Permission.ADMINISTER)
    moment = datetime.now(UTC)
    with db.read() as session:
        users = session.scalars(
            select(User)
            .options(
                selectinload(User.memberships)
                .selectinload(Membership.team)
                .selectinload(Team.organisation),
                selectinload(User.memberships).selectinload(Membership.organisation),
            )
            .order_by(User.is_active.desc(), User.display_name)
        ).all()
        return [_person_row(u, moment) for u in users]


def _person_row(user: User, moment: datetime) -> PersonRow:
    role_rows = sorted(
        (RoleRow(m.id, membership_view(m).describe()) for m in user.memberships),
        key=lambda r: r.description,
    )
    return PersonRow(
        user_id=user.id,
        name=user.display_name,
        email=user.email,
        roles="; ".join(r.description for r in role_rows),
        has_password=user.password_hash is not None,
        is_active=user.is_active,
        sign_in_locked=user.failed_sign_ins >= LOCK_AFTER
        or (user.locked_until is not None and user.locked_until > moment),
        role_rows=tuple(role_rows),
    )


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
