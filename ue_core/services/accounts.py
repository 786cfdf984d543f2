"""Sign-in and accounts: turning an identity into an Actor, and managing local accounts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ue_core import audit
from ue_core.authz import AccessDenied, Actor, MembershipView, Permission, require
from ue_core.config import AuthMode, Settings
from ue_core.db.engine import Database
from ue_core.db.models import Membership, Organisation, Role, Team, User
from ue_core.passwords import hash_password, verify_password
from ue_core.personas import PERSONAS, Persona


class AccountError(Exception):
    """An account could not be created or changed; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def actor_from_user(user: User) -> Actor:
    views = []
    for m in user.memberships:
        team = m.team
        organisation = team.organisation if team is not None else m.organisation
        views.append(
            MembershipView(
                role=Role(m.role),
                team_id=team.id if team else None,
                team_name=team.name if team else None,
                organisation_id=organisation.id if organisation else None,
                organisation_name=organisation.name if organisation else None,
            )
        )
    views.sort(
        key=lambda v: (list(Role).index(v.role), v.team_name or "", v.organisation_name or "")
    )
    return Actor(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        memberships=tuple(views),
    )


def _load_user(session: Session, email: str) -> User | None:
    return session.scalar(
        select(User)
        .where(User.email == normalise_email(email), User.is_active.is_(True))
        .options(
            selectinload(User.memberships)
            .selectinload(Membership.team)
            .selectinload(Team.organisation),
            selectinload(User.memberships).selectinload(Membership.organisation),
        )
    )


def actor_for_email(db: Database, email: str) -> Actor | None:
    """The active user with this email (as given by single sign-on), or None."""
    with db.read() as session:
        user = _load_user(session, email)
        return actor_from_user(user) if user else None


def authenticate(db: Database, email: str, password: str) -> Actor | None:
    """Check a local account's password. None when the email or password is wrong."""
    with db.read() as session:
        user = _load_user(session, email)
        ok = verify_password(password, user.password_hash if user else None)
        return actor_from_user(user) if user is not None and ok else None


@dataclass(frozen=True)
class PersonaChoice:
    persona: Persona
    actor: Actor


def demo_personas(db: Database, settings: Settings) -> list[PersonaChoice]:
    """The demo personas present in this database. Refused unless demo sign-in is on."""
    if settings.auth_mode is not AuthMode.DEMO or settings.is_production:
        raise AccessDenied("Demo sign-in is not available here.")
    choices = []
    for persona in PERSONAS:
        actor = actor_for_email(db, persona.email)
        if actor is not None:
            choices.append(PersonaChoice(persona, actor))
    return choices


def create_user(
    db: Database,
    actor: Actor | None,
    *,
    email: str,
    display_name: str,
    password: str | None,
    role: Role,
    team_id: int | None = None,
    organisation_id: int | None = None,
) -> int:
    """Create an account with one role. ``actor`` None means the command line (an operator)."""
    if actor is not None:
        require(actor, Permission.ADMINISTER)
    email = normalise_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AccountError(f"'{email}' is not an email address.")
    if not display_name.strip():
        raise AccountError("Enter the person's name.")
    try:
        password_hash = hash_password(password) if password else None
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    with db.transaction() as session:
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            raise AccountError(f"An account for {email} already exists.")
        user = User(email=email, display_name=display_name.strip(), password_hash=password_hash)
        session.add(user)
        session.flush()
        _add_membership(session, user, role, team_id, organisation_id)
        audit.record(session, actor, "create_user", "user", user.id, after={"email": email})
        return user.id


def add_role(
    db: Database,
    actor: Actor | None,
    *,
    user_id: int,
    role: Role,
    team_id: int | None = None,
    organisation_id: int | None = None,
) -> None:
    """Give an existing user another role."""
    if actor is not None:
        require(actor, Permission.ADMINISTER)
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise AccountError("That account no longer exists.")
        _add_membership(session, user, role, team_id, organisation_id)
        audit.record(
            session,
            actor,
            "add_role",
            "user",
            user.id,
            after={"role": role.value, "team_id": team_id, "organisation_id": organisation_id},
        )


def _add_membership(
    session: Session, user: User, role: Role, team_id: int | None, organisation_id: int | None
) -> None:
    if role in (Role.MEMBER, Role.LEAD):
        if team_id is None or session.get(Team, team_id) is None:
            raise AccountError("Choose the team this person belongs to.")
        organisation_id = None
    elif role is Role.CHAMPION:
        if organisation_id is None or session.get(Organisation, organisation_id) is None:
            raise AccountError("Choose the organisation this champion represents.")
        team_id = None
    else:
        team_id = organisation_id = None
    exists = session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.role == role.value,
            Membership.team_id.is_(None) if team_id is None else Membership.team_id == team_id,
            Membership.organisation_id.is_(None)
            if organisation_id is None
            else Membership.organisation_id == organisation_id,
        )
    )
    if exists is not None:
        raise AccountError("This person already has that role.")
    session.add(
        Membership(user=user, role=role.value, team_id=team_id, organisation_id=organisation_id)
    )
