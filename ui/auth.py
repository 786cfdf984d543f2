"""The sign-in gate: three modes (oidc, local, demo) chosen by UE_AUTH_MODE.

Only the signed-in email is kept in session state; the Actor (and so the roles) is looked up
again from the database on every run, so a removed role stops working at once.

In local and demo modes a person stays signed in across reloads and links opened from elsewhere:
signing in binds the browser's HttpOnly cookie token (set by ``server.py``, see
``ui/session_cookie.py``) to them in a server-side session; a new page load finds the session
from the cookie. Signing out ends that session on the server, here and in every other tab.
Single sign-on (oidc) keeps its own cookie, managed by ``st.login``.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import streamlit as st

from ue_core.authz import AccessDenied, Actor, Permission, require
from ue_core.config import AuthMode, ConfigError, OidcTrust
from ue_core.services import accounts, sign_in, sign_in_sessions
from ui.context import db, settings
from ui.session_cookie import COOKIE_NAME
from ui.text import plain

_log = logging.getLogger(__name__)

EMAIL_KEY = "signed_in_email"
# The browser token this tab's sign-in is bound to, when it is (see ui/session_cookie.py).
SESSION_TOKEN_KEY = "sign_in_token"  # noqa: S105 (a session-state key, not a secret)
# The Actor the router looked up at the start of this run, so the page does not look it up again.
RUN_ACTOR_KEY = "actor_this_run"
# When this tab was last used (seconds since the epoch): a sign-in unused for longer than
# UE_SESSION_IDLE_MINUTES ends, here and on the server.
LAST_SEEN_KEY = "last_seen_at"
IDLE_NOTICE_KEY = "signed_out_idle"
# The (issuer, subject) single sign-on checked and signed in for this browser session.
SSO_IDENTITY_KEY = "single_sign_on_identity"


def _config_error_stop(error: ConfigError) -> None:
    """Visitors see that the service is unavailable; the reason goes to the server log only,
    since it names settings that are no business of the public."""
    _log.error("The workbench refused to start: %s", error)
    st.title("The workbench is not available")
    st.write(
        "Sorry, the user engagement workbench is not available at the moment. "
        "Please try again later."
    )
    st.stop()


def signed_in_actor() -> Actor | None:
    """The person using this browser session, or None if nobody has signed in."""
    try:
        config = settings()
    except ConfigError as error:
        _config_error_stop(error)
        raise
    if config.auth_mode is AuthMode.OIDC:
        if config.oidc is None:
            _config_error_stop(ConfigError("single sign-on has no trusted issuer"))
            return None
        return _single_sign_on_actor(config.oidc)
    signed_in_email = st.session_state.get(EMAIL_KEY)
    bound_token = st.session_state.get(SESSION_TOKEN_KEY)
    if signed_in_email and _idle_too_long(config.session_idle):
        _sign_out_idle(config.session_idle)
        return None
    if signed_in_email:
        # A bound session can end elsewhere (signed out in another tab) or expire.
        actor = (
            sign_in_sessions.actor_for_session(db(), str(bound_token), idle=config.session_idle)
            if bound_token
            else accounts.actor_for_email(db(), str(signed_in_email))
        )
        if actor is None:
            st.session_state.pop(EMAIL_KEY, None)
            st.session_state.pop(SESSION_TOKEN_KEY, None)
        return actor
    token = browser_token()
    if not token:
        return None
    actor = sign_in_sessions.actor_for_session(db(), token, idle=config.session_idle)
    if actor is not None:
        st.session_state[EMAIL_KEY] = actor.email
        st.session_state[SESSION_TOKEN_KEY] = token
    return actor


def _single_sign_on_actor(trust: OidcTrust) -> Actor | None:
    """The person ``st.login`` signed in, once their claims pass ``sign_in.check_claims``.

    The first run of a browser session signs in (binding or checking the account's sign-in
    identity, audited); later runs look the bound person up by that identity, so a removed role
    or deactivated account stops working at once.
    """
    if not st.user.is_logged_in:
        st.session_state.pop(SSO_IDENTITY_KEY, None)
        return None
    claims = {key: st.user.get(key) for key in ("iss", "tid", "sub", "email", "email_verified")}
    kept = st.session_state.get(SSO_IDENTITY_KEY)
    if kept == (claims["iss"], claims["sub"]):
        actor = sign_in.actor_for_identity(db(), str(claims["iss"]), str(claims["sub"]))
        if actor is not None:
            return actor
        # Deactivated or unbound since: sign in again, which says why not.
        st.session_state.pop(SSO_IDENTITY_KEY, None)
    try:
        actor = sign_in.sign_in_with_oidc(db(), claims, trust)
    except sign_in.SignInRefused as refused:
        _refused_stop(str(refused))
        raise
    if actor is None:
        email = str(claims["email"] or "an unknown account")
        _refused_stop(
            f"You signed in as {email}, but the workbench has no account for you. Ask your "
            "organisation's champion or the USER hub to add you."
        )
    st.session_state[SSO_IDENTITY_KEY] = (claims["iss"], claims["sub"])
    return actor


def _refused_stop(message: str) -> None:
    """Say why single sign-on was refused, offer to sign out, and stop the page."""
    st.title("You cannot sign in to the workbench")
    st.error(plain(message))
    st.button("Sign out", on_click=st.logout)
    st.stop()


def browser_token() -> str:
    """The token in this browser's sign-in cookie, or "" (no cookie, or not run by a browser)."""
    return str(st.context.cookies.get(COOKIE_NAME) or "")


def _signed_in(actor: Actor) -> None:
    """Remember who proved who they are, in this tab and, through the cookie, in the browser."""
    st.session_state[EMAIL_KEY] = actor.email
    token = browser_token()
    if token and sign_in_sessions.start_session(db(), actor, token) is not None:
        st.session_state[SESSION_TOKEN_KEY] = token
    st.rerun()


def _idle_too_long(limit: timedelta) -> bool:
    """Whether this tab has gone unused for longer than ``limit``; marks it used now if not."""
    now = time.time()
    last = st.session_state.get(LAST_SEEN_KEY)
    if isinstance(last, float) and now - last > limit.total_seconds():
        return True
    st.session_state[LAST_SEEN_KEY] = now
    return False


def _sign_out_idle(limit: timedelta) -> None:
    """End the sign-in (on the server too) and say why on the sign-in page."""
    sign_out()
    minutes = int(limit.total_seconds() // 60)
    st.session_state[IDLE_NOTICE_KEY] = (
        f"You were signed out because the workbench was not used for {minutes} minutes. "
        "Sign in again to carry on."
    )


def sign_out() -> None:
    if settings().auth_mode is AuthMode.OIDC:
        st.logout()
    else:
        token = str(st.session_state.get(SESSION_TOKEN_KEY) or browser_token())
        if token:
            sign_in_sessions.end_session(db(), token)
    st.session_state.clear()


def sign_in_page() -> None:
    """The page shown to anyone not signed in."""
    config = settings()
    st.title("Sign in to the user engagement workbench")
    notice = st.session_state.pop(IDLE_NOTICE_KEY, None)
    if notice:
        st.info(plain(str(notice)))
    st.write(
        "The USER hub's workbench helps statistics teams understand and improve how they "
        "engage with the people who use their statistics."
    )
    if config.auth_mode is AuthMode.OIDC:
        st.write("Sign in with your organisation's account.")
        if st.button("Sign in", type="primary"):
            st.login()
    elif config.auth_mode is AuthMode.LOCAL:
        _local_form()
    else:
        _persona_picker()


def _local_form() -> None:
    with st.form("sign_in"):
        email = st.text_input("Email address", autocomplete="email")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        actor = accounts.authenticate(db(), email, password)
        if actor is None:
            st.error(accounts.SIGN_IN_REFUSED)
        else:
            _signed_in(actor)
    with st.expander("Set a new password with a reset code"):
        st.write("Your admin can give you a reset code if you have forgotten your password.")
        with st.form("reset_password", clear_on_submit=True):
            reset_email = st.text_input("Your email address", autocomplete="email")
            code = st.text_input("Reset code", autocomplete="one-time-code")
            new_password = st.text_input(
                "New password", type="password", autocomplete="new-password"
            )
            again = st.text_input(
                "New password again", type="password", autocomplete="new-password"
            )
            reset = st.form_submit_button("Set the new password")
        if reset:
            if new_password != again:
                st.error("The two new passwords are not the same. Type them again.")
            else:
                try:
                    accounts.redeem_password_reset(
                        db(), email=reset_email, code=code, new_password=new_password
                    )
                except accounts.AccountError as problem:
                    st.error(plain(problem))
                else:
                    st.success("Your new password is set. Sign in with it above.")


def _persona_picker() -> None:
    try:
        choices = accounts.demo_personas(db(), settings())
    except AccessDenied as denied:
        st.error(plain(denied))
        return
    st.info(
        "This is a demonstration with made-up organisations, teams and people. "
        "Choose who you want to be."
    )
    if not choices:
        st.warning("No demo people found. Run `make run` to load the demo data.")
        return
    for choice in choices:
        with st.container(border=True):
            st.subheader(plain(choice.persona.display_name), anchor=False)
            st.write(plain(choice.persona.description))
            st.caption(plain("; ".join(m.describe() for m in choice.actor.memberships)))
            if st.button(
                plain(f"Continue as {choice.persona.display_name}"),
                key=f"persona_{choice.persona.email}",
            ):
                _signed_in(choice.actor)


def sidebar(actor: Actor) -> None:
    with st.sidebar:
        st.write(f"Signed in as **{plain(actor.display_name)}**")
        for membership in actor.memberships:
            st.caption(plain(membership.describe()))
        st.button("Sign out", on_click=sign_out)
        if settings().auth_mode is AuthMode.LOCAL:
            _change_password_form(actor)


def _change_password_form(actor: Actor) -> None:
    with st.expander("Change your password"), st.form("change_password", clear_on_submit=True):
        current = st.text_input(
            "Current password", type="password", autocomplete="current-password"
        )
        new_password = st.text_input("New password", type="password", autocomplete="new-password")
        again = st.text_input("New password again", type="password", autocomplete="new-password")
        change = st.form_submit_button("Change password")
    if change:
        if new_password != again:
            st.error("The two new passwords are not the same. Type them again.")
            return
        try:
            accounts.change_password(
                db(), actor, current_password=current, new_password=new_password
            )
        except accounts.AccountError as problem:
            st.error(plain(problem))
        else:
            st.success("Your password is changed. Use the new one next time you sign in.")


def start_run() -> Actor | None:
    """The router calls this once per run: look the person up and keep them for the page."""
    actor = signed_in_actor()
    if actor is None:
        st.session_state.pop(RUN_ACTOR_KEY, None)
    else:
        st.session_state[RUN_ACTOR_KEY] = actor
    return actor


def require_page(permission: Permission | None) -> Actor:
    """Every page calls this first: the page's own access check, whatever the menu shows.

    It uses the person the router looked up in this run; a page script run on its own (as in
    tests) looks them up itself.
    """
    kept = st.session_state.get(RUN_ACTOR_KEY)
    actor = kept if isinstance(kept, Actor) else signed_in_actor()
    try:
        actor = require(actor, permission) if permission else require_signed_in(actor)
    except AccessDenied as denied:
        st.error(plain(denied))
        st.stop()
        raise
    return actor


def require_signed_in(actor: Actor | None) -> Actor:
    if actor is None:
        raise AccessDenied("Sign in to use the workbench.")
    return actor
