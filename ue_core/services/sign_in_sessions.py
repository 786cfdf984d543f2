"""Sign-in sessions for local and demo sign-in: staying signed in across reloads and links.

The browser holds a random token in an HttpOnly cookie (set by the web server, never readable by
page scripts, never in a URL). Signing in binds the token to the person in ``sign_in_session``;
only the token's SHA-256 hash is stored, so a copy of the database signs nobody in. Signing out
ends the session on the server, so the old cookie no longer works; every session also expires
after ``SESSION_LIFETIME``, and sooner once it goes unused for the idle time
(``UE_SESSION_IDLE_MINUTES``). A token is bound once: a signed-out or expired token is replaced by
the web server with a fresh one on the next page load, never reused.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from ue_core.authz import Actor
from ue_core.config import DEFAULT_SESSION_IDLE_MINUTES
from ue_core.db.engine import Database
from ue_core.db.models import SignInSession, User
from ue_core.services.accounts import actor_for_email

#: How long a sign-in lasts, however busy the person is: a working day.
SESSION_LIFETIME = timedelta(hours=8)
#: How long a session may go unused, unless the settings say otherwise.
DEFAULT_IDLE = timedelta(minutes=DEFAULT_SESSION_IDLE_MINUTES)
#: A session's last use is written at most this often (not on every click).
_TOUCH_EVERY = timedelta(minutes=1)
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
                token_hash=digest,
                user_id=actor.user_id,
                created_at=moment,
                expires_at=expires,
                last_seen_at=moment,
            )
        )
    return expires


def _live_session(db: Database, token: str, moment: datetime, idle: timedelta) -> _Live | None:
    if not _usable(token):
        return None
    with db.read() as session:
        row = session.execute(
            select(
                SignInSession.id,
                User.email,
                SignInSession.created_at,
                SignInSession.last_seen_at,
                SignInSession.expires_at,
                SignInSession.ended_at,
            )
            .join(User, User.id == SignInSession.user_id)
            .where(SignInSession.token_hash == _hash(token), User.is_active.is_(True))
        ).first()
    if row is None:
        return None
    session_id, email, created_at, last_seen_at, expires_at, ended_at = row
    last_used = last_seen_at or created_at
    if ended_at is not None or expires_at <= moment or last_used + idle <= moment:
        return None
    return _Live(session_id, str(email), last_used)


@dataclass(frozen=True)
class _Live:
    session_id: int
    email: str
    last_used: datetime


def actor_for_session(
    db: Database, token: str, *, idle: timedelta = DEFAULT_IDLE, now: datetime | None = None
) -> Actor | None:
    """The person this browser token signs in, or None if it is unknown, ended or expired, or
    has gone unused for ``idle``. Using it counts as use.

    The Actor (and so the roles) is read afresh, so a removed role stops working at once.
    """
    moment = now or datetime.now(UTC)
    live = _live_session(db, token, moment, idle)
    if live is None:
        return None
    if moment - live.last_used >= _TOUCH_EVERY:
        with db.transaction() as session:
            session.execute(
                update(SignInSession)
                .where(SignInSession.id == live.session_id)
                .values(last_seen_at=moment)
            )
    return actor_for_email(db, live.email)


def is_live(
    db: Database, token: str, *, idle: timedelta = DEFAULT_IDLE, now: datetime | None = None
) -> bool:
    """Whether this token belongs to a session that has not ended, expired or gone unused (the
    web server keeps such a cookie and replaces any other)."""
    return _live_session(db, token, now or datetime.now(UTC), idle) is not None


def end_session(db: Database, token: str, *, now: datetime | None = None) -> None:
    """Sign this browser out on the server: its token stops working at once, everywhere."""
    if not _usable(token):
        return
    moment = now or datetime.now(UTC)
    with db.transaction() as session:
        row = session.scalar(select(SignInSession).where(SignInSession.token_hash == _hash(token)))
        if row is not None and row.ended_at is None:
            row.ended_at = moment
