"""The browser's sign-in cookie, set by the web server: HttpOnly, SameSite=Lax, never in a URL.

A Streamlit script talks to the browser over a websocket and cannot set an HttpOnly cookie, so
``server.py`` runs the app with this ASGI middleware in front of it. On every page load it makes
sure the browser holds a token: it keeps one that belongs to a live sign-in session and replaces
any other (missing, unknown, signed out or expired) with a fresh random one. The script reads the
token from ``st.context.cookies`` and binds it to the person when they sign in
(``ue_core.services.sign_in_sessions``); signing out ends the session on the server.

The cookie has no Max-Age, so it goes when the browser closes; the server's session expires
after ``SESSION_LIFETIME`` in any case.
"""

from __future__ import annotations

from functools import cache

import anyio.to_thread
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ue_core.config import ConfigError, load_settings
from ue_core.services import sign_in_sessions
from ue_core.services.database import Database, open_database

COOKIE_NAME = "ue_session"
#: Streamlit's own routes (websocket, health, static files, media, components): not page loads.
_NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/")


@cache
def _database(url: str) -> Database:
    return open_database(url)


def cookie_header(token: str, *, secure: bool) -> str:
    """The Set-Cookie value: HttpOnly (no page script can read it), sent only to this site."""
    parts = [f"{COOKIE_NAME}={token}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def _is_page_load(scope: Scope) -> bool:
    path = str(scope.get("path", "/"))
    return (
        scope["type"] == "http"
        and scope.get("method") == "GET"
        and not any(path.startswith(prefix) for prefix in _NOT_PAGES)
        and not path.rsplit("/", 1)[-1].count(".")  # files such as favicon.png or manifest.json
    )


def _token_is_live(token: str) -> bool:
    try:
        settings = load_settings()
    except ConfigError:
        return False  # the app shows "not available" and logs why; nobody is signed in
    return sign_in_sessions.is_live(
        _database(settings.database_url), token, idle=settings.session_idle
    )


class SessionCookieMiddleware:
    """Give every page load a sign-in token cookie, keeping one only while its session lives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_page_load(scope):
            await self.app(scope, receive, send)
            return
        token = Request(scope).cookies.get(COOKIE_NAME, "")
        live: bool = bool(token) and await anyio.to_thread.run_sync(_token_is_live, token)
        if live:
            await self.app(scope, receive, send)
            return
        header = cookie_header(sign_in_sessions.new_token(), secure=scope.get("scheme") == "https")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", header)
            await send(message)

        await self.app(scope, receive, send_with_cookie)
