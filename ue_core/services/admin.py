"""Admin views: people and their roles, organisations and teams, the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, Membership, Organisation, Team, User
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


@dataclass(frozen=True)
class AuditRow:
    when: datetime
    who: str
    action: str
    entity: str
    details: dict[str, Any] | None


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


def recent_audit(db: Database, actor: Actor, limit: int = 200) -> list[AuditRow]:
    require(actor, Permission.ADMINISTER)
    with db.read() as session:
        rows = session.execute(
            select(AuditEvent, User.display_name)
            .outerjoin(User, AuditEvent.actor_user_id == User.id)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        ).all()
    return [
        AuditRow(
            when=event.created_at,
            who=name or "System",
            action=event.action.replace("_", " "),
            entity=f"{event.entity_type.replace('_', ' ')} {event.entity_id or ''}".strip(),
            details=event.after,
        )
        for event, name in rows
    ]
