"""The web server: the Streamlit app (``app.py``) behind the sign-in cookie middleware.

Run it with ``streamlit run server.py`` (``make run`` does). ``app.py`` is still the script
Streamlit runs for every page; this wrapper only adds what a script cannot do itself: an
HttpOnly sign-in cookie on each page load (see ``ui/session_cookie.py``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ui.session_cookie import SessionCookieMiddleware

app = st.App(
    Path(__file__).resolve().parent / "app.py",
    middleware=[Middleware(SessionCookieMiddleware)],
)
