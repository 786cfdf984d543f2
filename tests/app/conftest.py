"""AppTest helpers: a seeded world, the app's settings pointed at it, and caches cleared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from tests.factories import World, build_world
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.services.frameworks import sync_framework
from ui.auth import EMAIL_KEY

TIMEOUT = 60
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    sync_framework(db, SYSTEM)
    built = build_world(db)
    monkeypatch.setenv("UE_DATABASE_URL", db.url)
    monkeypatch.setenv("UE_AUTH_MODE", "local")
    monkeypatch.setenv("UE_ENV", "test")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield built
    st.cache_resource.clear()
    st.cache_data.clear()


def app_as(world: World, who: str | None, script: str = "app.py") -> AppTest:
    """The app (or one page script run directly) as ``who``, not yet run."""
    at = AppTest.from_file(str(REPO / script), default_timeout=TIMEOUT)
    if who is not None:
        at.session_state[EMAIL_KEY] = world.actor(who).email
    return at


@pytest.fixture
def loopback_server() -> Iterator[None]:
    """The app as `make run` serves it: listening on 127.0.0.1 only (demo sign-in needs it)."""
    before = streamlit_config.get_option("server.address")
    streamlit_config.set_option("server.address", "127.0.0.1")
    st.cache_resource.clear()
    yield
    streamlit_config.set_option("server.address", before)
    st.cache_resource.clear()
