"""Sign-in and accounts: turning an identity into an Actor, and managing local accounts.

Local sign-in is throttled: after ``FREE_TRIES`` wrong passwords in a row each further one makes
the account wait (1, 2, 4, 8 then 16 minutes), and ``LOCK_AFTER`` wrong passwords lock it until an
admin unlocks it or the person uses a reset code. Every refusal gives the same message and does
the same work (an argon2 check, an audited write) whether or not the account exists.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session, selectinload

from ue_core import audit
from ue_core.authz import SYSTEM, AccessDenied, Actor, MembershipView, Permission, require
from ue_core.config import AuthMode, Settings
from ue_core.db.engine import Database
from ue_core.db.models import (
    Membership,
    Organisation,
    PasswordReset,
    Role,
    SignInSession,
    Team,
    User,
)
from ue_core.passwords import hash_password, verify_password
from ue_core.personas import PERSONAS, Persona
from ue_core.services._actor_read import _actor_where
from ue_core.services._champion_terms import _end_term, _start_term
from ue_core.timefmt import uk_today

#: Wrong passwords in a row allowed before the account has to wait between tries.
FREE_TRIES = 4
#: Wrong passwords in a row after which the account is locked until an admin unlocks it.
LOCK_AFTER = 10
#: The first wait; each further wrong password doubles it.
FIRST_WAIT = timedelta(minutes=1)
#: How long a password reset code works.
RESET_CODE_LIFETIME = timedelta(hours=24)

#: The one message for every refused sign-in: it never says whether the account exists.
SIGN_IN_REFUSED = (
    "The email address or password is not right, or there have been too many wrong tries. "
    "Check them and try again in a few minutes. If it keeps happening, ask your admin to "
    "reset your password."
)
#: The one message for every refused reset code.
RESET_REFUSED = (
    "That reset code does not work: it may be mistyped, already used or out of date, or the "
    "email address may not be right. Ask your admin for a new code."
)


class AccountError(Exception):
    """An account could not be created or changed; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def membership_view(membership: Membership) -> MembershipView:
    """A role as the workbench shows it: the role with its team or organisation."""
    team = membership.team
    organisation = team.organisation if team is not None else membership.organisation
    return MembershipView(
        role=Role(membership.role),
        team_id=team.id if team else None,
        team_name=team.name if team else None,
        organisation_id=organisation.id if organisation else None,
        organisation_name=organisation.name if organisation else None,
    )


def actor_from_user(user: User) -> Actor:
    views = [membership_view(m) for m in user.memberships]
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
    return _active_user(session, User.email == normalise_email(email))


def _active_user(session: Session, condition: ColumnElement[bool]) -> User | None:
    return session.scalar(
        select(User)
        .where(condition, User.is_active.is_(True))
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
        return _actor_where(session, User.email == normalise_email(email))


def actor_for_user_id(db: Database, user_id: int) -> Actor | None:
    """The active user with this id (the person who started a background job), or None."""
    with db.read() as session:
        return _actor_where(session, User.id == user_id)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _wait_after(failures: int, moment: datetime) -> datetime | None:
    """When a sign-in may next be tried after ``failures`` wrong passwords in a row."""
    if failures <= FREE_TRIES:
        return None
    return moment + FIRST_WAIT * (1 << (failures - FREE_TRIES - 1))


def _refusal_reason(user: User | None, moment: datetime) -> str | None:
    """Why this account may not sign in now whatever the password, or None if it may."""
    if user is None:
        return "unknown account"
    if not user.is_active:
        return "deactivated"
    if user.failed_sign_ins >= LOCK_AFTER:
        return "locked"
    if user.locked_until is not None and user.locked_until > moment:
        return "waiting after wrong passwords"
    return None


def authenticate(
    db: Database, email: str, password: str, *, now: datetime | None = None
) -> Actor | None:
    """Check a local account's password. None (show :data:`SIGN_IN_REFUSED`) when refused.

    Refused when the email or password is wrong, the account is deactivated, locked, or waiting
    after wrong passwords. Every attempt costs one argon2 check and one audited write, so an
    unknown email cannot be told apart from a known one by the answer or by the time it takes.
    """
    moment = _now(now)
    address = normalise_email(email)[:320]
    with db.read() as session:
        user = session.scalar(select(User).where(User.email == address))
        reason = _refusal_reason(user, moment)
        password_hash = user.password_hash if user is not None else None
        user_id = user.id if user is not None else None
    right = verify_password(password, password_hash)
    with db.transaction() as session:
        if reason is None and user_id is not None and right:
            # Sign in only if no concurrent wrong password locked the account meanwhile.
            cleared = session.scalar(
                update(User)
                .where(
                    User.id == user_id,
                    User.is_active.is_(True),
                    User.failed_sign_ins < LOCK_AFTER,
                    (User.locked_until.is_(None)) | (User.locked_until <= moment),
                )
                .values(failed_sign_ins=0, locked_until=None)
                .returning(User.id)
            )
            if cleared is not None:
                audit.record(session, SYSTEM, "sign_in", "user", user_id)
                signed_in = _load_user(session, address)
                return actor_from_user(signed_in) if signed_in is not None else None
            reason = "locked"
        if reason is None and user_id is not None:
            reason = "wrong password"
            failures = session.scalar(
                update(User)
                .where(User.id == user_id)
                .values(failed_sign_ins=User.failed_sign_ins + 1)
                .returning(User.failed_sign_ins)
            )
            if failures is not None:
                session.execute(
                    update(User)
                    .where(User.id == user_id)
                    .values(locked_until=_wait_after(failures, moment))
                )
        audit.record(
            session,
            SYSTEM,
            "sign_in_failed",
            "user",
            user_id,
            after={"email": address, "reason": reason or "unknown account"},
        )
    return None


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
    actor: Actor,
    *,
    email: str,
    display_name: str,
    password: str | None,
    role: Role,
    team_id: int | None = None,
    organisation_id: int | None = None,
) -> int:
    """Create an account with one role: admins, or ``SYSTEM`` for the command line (an operator)."""
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
        _add_membership(session, actor, user, role, team_id, organisation_id)
        audit.record(session, actor, "create_user", "user", user.id, after={"email": email})
        return user.id


def add_role(
    db: Database,
    actor: Actor,
    *,
    user_id: int,
    role: Role,
    team_id: int | None = None,
    organisation_id: int | None = None,
) -> None:
    """Give an existing user another role."""
    require(actor, Permission.ADMINISTER)
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise AccountError("That account no longer exists.")
        _add_membership(session, actor, user, role, team_id, organisation_id)
        audit.record(
            session,
            actor,
            "add_role",
            "user",
            user.id,
            after={"role": role.value, "team_id": team_id, "organisation_id": organisation_id},
        )


def _add_membership(
    session: Session,
    actor: Actor,
    user: User,
    role: Role,
    team_id: int | None,
    organisation_id: int | None,
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
    if role is Role.CHAMPION and organisation_id is not None:
        _start_term(session, actor, user.id, organisation_id, uk_today())


# --- Withdrawing and restoring access ------------------------------------------------------


def _account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountError("That account no longer exists.")
    return user


def _end_sign_in_sessions(session: Session, user_id: int, moment: datetime) -> int:
    """End every open sign-in session of this person (their cookies stop working); how many."""
    ended = session.scalars(
        update(SignInSession)
        .where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None))
        .values(ended_at=moment)
        .returning(SignInSession.id)
    ).all()
    return len(ended)


def deactivate_user(
    db: Database, actor: Actor, *, user_id: int, now: datetime | None = None
) -> None:
    """Withdraw all of a person's access (admins only). Their sign-in sessions end, and any open
    tab is refused on its next run, which looks the person up again and finds no active account.
    """
    require(actor, Permission.ADMINISTER)
    if user_id == actor.user_id:
        raise AccountError("You cannot deactivate your own account. Ask another admin.")
    with db.transaction() as session:
        user = _account(session, user_id)
        if not user.is_active:
            raise AccountError(f"{user.display_name}'s account is already deactivated.")
        user.is_active = False
        ended = _end_sign_in_sessions(session, user.id, _now(now))
        audit.record(
            session,
            actor,
            "deactivate_user",
            "user",
            user.id,
            before={"is_active": True},
            after={"is_active": False, "sign_in_sessions_ended": ended},
        )


def reactivate_user(db: Database, actor: Actor, *, user_id: int) -> None:
    """Give a deactivated person their access back, with the roles they still hold."""
    require(actor, Permission.ADMINISTER)
    with db.transaction() as session:
        user = _account(session, user_id)
        if user.is_active:
            raise AccountError(f"{user.display_name}'s account is already active.")
        user.is_active = True
        audit.record(
            session,
            actor,
            "reactivate_user",
            "user",
            user.id,
            before={"is_active": False},
            after={"is_active": True},
        )


def remove_role(db: Database, actor: Actor, *, membership_id: int) -> None:
    """Take one role (a team, organisation or hub membership) away from a person."""
    require(actor, Permission.ADMINISTER)
    with db.transaction() as session:
        membership = session.get(Membership, membership_id)
        if membership is None:
            raise AccountError("That role has already been removed.")
        if membership.user_id == actor.user_id and membership.role == Role.ADMIN.value:
            raise AccountError("You cannot remove your own admin role. Ask another admin.")
        before = {
            "role": membership.role,
            "team_id": membership.team_id,
            "organisation_id": membership.organisation_id,
        }
        user_id = membership.user_id
        if membership.role == Role.CHAMPION.value and membership.organisation_id is not None:
            _end_term(session, actor, user_id, membership.organisation_id, uk_today())
        session.delete(membership)
        audit.record(session, actor, "remove_role", "user", user_id, before=before)


def unlock_sign_in(db: Database, actor: Actor, *, user_id: int) -> None:
    """Let a person locked out by wrong passwords try again at once."""
    require(actor, Permission.ADMINISTER)
    with db.transaction() as session:
        user = _account(session, user_id)
        before = {
            "failed_sign_ins": user.failed_sign_ins,
            "locked_until": user.locked_until.isoformat() if user.locked_until else None,
        }
        user.failed_sign_ins = 0
        user.locked_until = None
        audit.record(session, actor, "unlock_sign_in", "user", user.id, before=before)


# --- Passwords -------------------------------------------------------------------------------


def change_password(
    db: Database, actor: Actor, *, current_password: str, new_password: str
) -> None:
    """The signed-in person changes their own password, proving they know the current one."""
    with db.read() as session:
        user = session.get(User, actor.user_id)
        current_hash = user.password_hash if user is not None and user.is_active else None
    if user is None or not user.is_active:
        raise AccessDenied("Sign in to use the workbench.")
    if current_hash is None:
        raise AccountError(
            "Your account has no password here: you sign in with your organisation's account."
        )
    if not verify_password(current_password, current_hash):
        raise AccountError("Your current password is not right. Check it and try again.")
    if new_password == current_password:
        raise AccountError("Choose a new password that is different from your current one.")
    new_hash = _new_hash(new_password)
    with db.transaction() as session:
        account = _account(session, actor.user_id)
        account.password_hash = new_hash
        audit.record(session, actor, "change_password", "user", account.id)


def _new_hash(password: str) -> str:
    try:
        return hash_password(password)
    except ValueError as exc:
        raise AccountError(str(exc)) from None


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ResetCode:
    """A password reset code, shown once to the admin who issued it."""

    code: str
    expires_at: datetime


def issue_password_reset(
    db: Database, actor: Actor, *, user_id: int, now: datetime | None = None
) -> ResetCode:
    """A one-time code for a person to set a new password (admins only).

    The code works once, for ``RESET_CODE_LIFETIME``; issuing a new one cancels any earlier one.
    Only its hash is stored, so the admin passes the code on; the person's password is unchanged
    until they use it.
    """
    require(actor, Permission.ADMINISTER)
    moment = _now(now)
    code = secrets.token_urlsafe(12)
    with db.transaction() as session:
        user = _account(session, user_id)
        if not user.is_active:
            raise AccountError(
                f"{user.display_name}'s account is deactivated. Reactivate it first."
            )
        session.execute(
            update(PasswordReset)
            .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
            .values(expires_at=moment)
        )
        expires = moment + RESET_CODE_LIFETIME
        session.add(
            PasswordReset(
                user_id=user.id,
                code_hash=_code_hash(code),
                issued_by_id=actor.user_id,
                created_at=moment,
                expires_at=expires,
            )
        )
        audit.record(
            session,
            actor,
            "issue_password_reset",
            "user",
            user.id,
            after={"expires_at": expires.isoformat()},
        )
    return ResetCode(code=code, expires_at=expires)


def redeem_password_reset(
    db: Database, *, email: str, code: str, new_password: str, now: datetime | None = None
) -> None:
    """Set a new password with a reset code an admin issued (nobody is signed in yet).

    The code works once: the password is changed and the code used up in one transaction, so two
    tries with the same code cannot both succeed. It also clears any sign-in lock and ends the
    person's sign-in sessions. Refusals
    raise AccountError with :data:`RESET_REFUSED` and are audited.
    """
    moment = _now(now)
    new_hash = _new_hash(new_password)
    address = normalise_email(email)[:320]
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == address))
        reset = None
        if user is not None and user.is_active:
            reset = session.scalar(
                select(PasswordReset).where(
                    PasswordReset.user_id == user.id,
                    PasswordReset.code_hash == _code_hash(code),
                )
            )
        used = None
        if reset is not None and reset.expires_at > moment:
            used = session.scalar(
                update(PasswordReset)
                .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
                .values(used_at=moment)
                .returning(PasswordReset.id)
            )
        if user is None or used is None:
            reason = "expired or used" if reset is not None else "no such code for this email"
            failed: dict[str, str] = {"email": address, "reason": reason}
            user_id = user.id if user is not None else None
            audit.record(session, SYSTEM, "password_reset_failed", "user", user_id, after=failed)
        else:
            user.password_hash = new_hash
            user.failed_sign_ins = 0
            user.locked_until = None
            # Whoever was signed in with the old password is signed out.
            ended = _end_sign_in_sessions(session, user.id, moment)
            audit.record(
                session,
                SYSTEM,
                "redeem_password_reset",
                "user",
                user.id,
                after={"sign_in_sessions_ended": ended},
            )
            return
    raise AccountError(RESET_REFUSED)
