"""Shared, cached resources. They are shared by all users: nothing here depends on who asks."""

from __future__ import annotations

import streamlit as st

from ue_core.config import Settings, load_settings
from ue_core.services.database import Database, open_database


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def database(url: str) -> Database:
    return open_database(url)


def db() -> Database:
    return database(settings().database_url)
