"""The notice at the top of every page in demo mode: this is a demonstration, not the service."""

from __future__ import annotations

import streamlit as st

from ue_core.config import AuthMode
from ui.context import settings

DEMO_NOTICE = (
    "This is a demonstration. The organisations, teams and people are made up, and anyone "
    "using it can act as any of them, admin included. Do not enter real information."
)


def demo_banner() -> None:
    """Show the demo notice when demo sign-in is on (the router calls this on every page)."""
    if settings().auth_mode is AuthMode.DEMO:
        st.warning(DEMO_NOTICE, icon=":material/science:")
