"""Single sign-on: which identities the workbench accepts, and binding each person to one.

The sign-in service's claims are checked before any account is looked up: the issuer (and
tenant, when configured) must be the one trusted, the email must be verified by that service and,
when configured, in an allowed domain. On a person's first single sign-on their account is bound
to the service's issuer and account identifier (``sub``); afterwards a different ``sub`` for the
same email is refused, so a reused or re-registered email address cannot take over an account.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update

from ue_core import audit
from ue_core.authz import SYSTEM, Actor
from ue_core.config import OidcTrust
from ue_core.db.engine import Database
from ue_core.db.models import User
from ue_core.services.accounts import _load_user, actor_from_user, normalise_email

_log = logging.getLogger(__name__)

#: Shown when the email is not verified by the sign-in service.
UNVERIFIED_EMAIL = (
    "Your email address has not been verified by your organisation's sign-in service. "
    "Ask your IT team."
)
#: Shown when the issuer or tenant is not the one configured.
UNTRUSTED_SERVICE = "This sign-in service is not the one this workbench trusts."
#: Shown when the service gave no usable account identifier or email address.
INCOMPLETE_IDENTITY = (
    "Your organisation's sign-in service did not say who you are (no account identifier or "
    "email address). Ask your IT team."
)
#: Shown when the email's domain is not allowed.
DOMAIN_NOT_ALLOWED = (
    "This workbench does not accept sign-in with this email address. Sign in with your work "
    "account, or ask the USER hub."
)
#: Shown when the email's account is bound to a different sign-in account.
ALREADY_LINKED = (
    "This email address is already linked to a different sign-in account. Ask an admin."
)
#: Shown when the sign-in account is bound to a different person's account.
ACCOUNT_TAKEN = "This sign-in account is already linked to a different email address. Ask an admin."


class SignInRefused(Exception):
    """Single sign-on was refused. ``str()`` is for the person; ``detail`` is for the log."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True)
class Identity:
    """Who the sign-in service says this is, after the checks."""

    issuer: str
    subject: str
    email: str


def _same_issuer(claimed: str, trusted: str) -> bool:
    return claimed.rstrip("/") == trusted.rstrip("/")


def _text(claims: Mapping[str, object], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def check_claims(claims: Mapping[str, object], trust: OidcTrust) -> Identity:
    """The identity in a sign-in service's claims, or :class:`SignInRefused` saying why not."""
    issuer = _text(claims, "iss")
    if not _same_issuer(issuer, trust.issuer):
        raise SignInRefused(
            UNTRUSTED_SERVICE, f"issuer {issuer!r} is not the trusted {trust.issuer!r}"
        )
    tenant = _text(claims, "tid")
    if trust.tenant and tenant != trust.tenant:
        raise SignInRefused(
            UNTRUSTED_SERVICE, f"tenant {tenant!r} is not the trusted {trust.tenant!r}"
        )
    subject = _text(claims, "sub")
    email = normalise_email(_text(claims, "email"))
    local, _, domain = email.rpartition("@")
    if not subject or not local or not domain:
        raise SignInRefused(
            INCOMPLETE_IDENTITY, f"sub {subject!r} or email {email!r} missing or malformed"
        )
    verified = claims.get("email_verified")
    # Some services send the JSON string "true" rather than the boolean.
    if verified is not True and verified != "true":
        raise SignInRefused(UNVERIFIED_EMAIL, f"email_verified is {verified!r} for {email}")
    if trust.allowed_domains and domain not in trust.allowed_domains:
        raise SignInRefused(DOMAIN_NOT_ALLOWED, f"domain {domain!r} of {email} is not allowed")
    return Identity(issuer=issuer, subject=subject, email=email)


def sign_in_with_oidc(db: Database, claims: Mapping[str, object], trust: OidcTrust) -> Actor | None:
    """The person these claims sign in, or None if no active account has their email.

    Raises :class:`SignInRefused` if the claims fail :func:`check_claims` or the account is
    bound to a different sign-in account. Binds the account on its first single sign-on. Every
    outcome is audited.
    """
    try:
        identity = check_claims(claims, trust)
    except SignInRefused as refused:
        _refused(db, None, _text(claims, "email"), refused.detail)
        raise
    with db.transaction() as session:
        user = _load_user(session, identity.email)
        if user is None:
            audit.record(
                session,
                SYSTEM,
                "sign_in_failed",
                "user",
                None,
                after={"email": identity.email, "reason": "no account for single sign-on"},
            )
            return None
        user_id = user.id
        holder = session.scalar(
            select(User.email).where(
                User.oidc_issuer == identity.issuer,
                User.oidc_subject == identity.subject,
                User.id != user_id,
            )
        )
        if user.oidc_subject is None and holder is None:
            # Bind only if nobody bound it meanwhile (a concurrent first sign-in).
            bound = session.scalar(
                update(User)
                .where(User.id == user.id, User.oidc_subject.is_(None))
                .values(oidc_issuer=identity.issuer, oidc_subject=identity.subject)
                .returning(User.id)
            )
            session.refresh(user)
            if bound is not None:
                audit.record(
                    session,
                    SYSTEM,
                    "link_single_sign_on",
                    "user",
                    user.id,
                    after={"issuer": identity.issuer, "subject": identity.subject},
                )
        if (user.oidc_issuer, user.oidc_subject) == (identity.issuer, identity.subject):
            audit.record(session, SYSTEM, "sign_in", "user", user_id)
            return actor_from_user(user)
        if user.oidc_subject is None:
            message = ACCOUNT_TAKEN
            detail = f"{identity.issuer!r} sub {identity.subject!r} is bound to {holder}"
        else:
            message = ALREADY_LINKED
            detail = (
                f"{identity.email} is bound to {user.oidc_issuer!r} sub {user.oidc_subject!r}, "
                f"not {identity.issuer!r} sub {identity.subject!r}"
            )
    _refused(db, user_id, identity.email, detail)
    raise SignInRefused(message, detail)


def _refused(db: Database, user_id: int | None, email: str, detail: str) -> None:
    _log.warning("Single sign-on refused: %s", detail)
    with db.transaction() as session:
        audit.record(
            session,
            SYSTEM,
            "sign_in_failed",
            "user",
            user_id,
            after={"email": normalise_email(email)[:320], "reason": detail[:500]},
        )


def actor_for_identity(db: Database, issuer: str, subject: str) -> Actor | None:
    """The active person bound to this sign-in service account, or None."""
    with db.read() as session:
        email = session.scalar(
            select(User.email).where(
                User.oidc_issuer == issuer, User.oidc_subject == subject, User.is_active.is_(True)
            )
        )
        user = _load_user(session, email) if email is not None else None
        return actor_from_user(user) if user is not None else None
