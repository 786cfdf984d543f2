"""Sign-in sessions for local and demo sign-in: staying signed in across reloads and links.

The browser holds a random token in an HttpOnly cookie (set by the web server, never readable by
page scripts, never in a URL). Signing in binds the token to the person in ``sign_in_session``;
only the token's SHA-256 hash is stored, so a copy of the database signs nobody in. Signing out
ends the session on the server, so the old cookie no longer works; every session also expires
after ``SESSION_LIFETIME``. A token is bound once: a signed-out or expired token is replaced by
the web server with a fresh one on the next page load, never reused.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.db.models import SignInSession, User
from ue_core.services.accounts import actor_for_email

#: How long a sign-in lasts, however busy the person is: a working day.
SESSION_LIFETIME = timedelta(hours=8)
#: Tokens shorter than this were not made by :func:`new_token` and are never looked up.
_MIN_TOKEN_LENGTH = 32


def new_token() -> str:
    """A fresh, unguessable browser token (256 bits), for the web server to put in a cookie."""
    return secrets.token_urlsafe(32)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _usable(token: str) -> bool:
    return _MIN_TOKEN_LENGTH <= len(token) <= 200


def start_session(
    db: Database, actor: Actor, token: str, *, now: datetime | None = None
) -> datetime | None:
    """Bind the browser's token to the person who has just signed in; return when it expires.

    None when the token cannot be bound (too short, or used before by a session that has since
    ended): the person is signed in for this tab only, until the next page load brings a fresh
    token. ``actor`` is the person whose identity was just proved (password or demo persona).
    """
    if not _usable(token):
        return None
    moment = now or datetime.now(UTC)
    digest = _hash(token)
    with db.transaction() as session:
        if session.scalar(select(SignInSession.id).where(SignInSession.token_hash == digest)):
            return None
        expires = moment + SESSION_LIFETIME
        session.add(
            SignInSession(
                token_hash=digest, user_id=actor.user_id, created_at=moment, expires_at=expires
            )
        )
    return expires


def _live_email(db: Database, token: str, moment: datetime) -> str | None:
    if not _usable(token):
        return None
    with db.read() as session:
        row = session.execute(
            select(User.email, SignInSession.expires_at, SignInSession.ended_at)
            .join(User, User.id == SignInSession.user_id)
            .where(SignInSession.token_hash == _hash(token), User.is_active.is_(True))
        ).first()
    if row is None:
        return None
    email, expires_at, ended_at = row
    if ended_at is not None or expires_at <= moment:
        return None
    return str(email)


def actor_for_session(db: Database, token: str, *, now: datetime | None = None) -> Actor | None:
    """The person this browser token signs in, or None if it is unknown, ended or expired.

    The Actor (and so the roles) is read afresh, so a removed role stops working at once.
    """
    email = _live_email(db, token, now or datetime.now(UTC))
    return actor_for_email(db, email) if email else None


def is_live(db: Database, token: str, *, now: datetime | None = None) -> bool:
    """Whether this token belongs to a session that has not ended or expired (the web server
    keeps such a cookie and replaces any other)."""
    return _live_email(db, token, now or datetime.now(UTC)) is not None


def end_session(db: Database, token: str, *, now: datetime | None = None) -> None:
    """Sign this browser out on the server: its token stops working at once, everywhere."""
    if not _usable(token):
        return
    moment = now or datetime.now(UTC)
    with db.transaction() as session:
        row = session.scalar(select(SignInSession).where(SignInSession.token_hash == _hash(token)))
        if row is not None and row.ended_at is None:
            row.ended_at = moment
