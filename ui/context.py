"""Shared, cached resources. They are shared by all users: nothing here depends on who asks."""

from __future__ import annotations

import streamlit as st

from ue_core.config import Settings, load_settings
from ue_core.services.database import Database, open_database


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    # The address the web server listens on: demo sign-in is refused unless it is loopback.
    return load_settings(server_address=str(st.get_option("server.address") or ""))


@st.cache_resource(show_spinner=False)
def database(url: str) -> Database:
    return open_database(url)


def db() -> Database:
    return database(settings().database_url)
