"""The page registry: which screens exist and which permission each needs."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ue_core.authz import Actor, Permission


@dataclass(frozen=True)
class Screen:
    key: str
    path: str
    title: str
    icon: str
    permission: Permission | None
    section: str
    description: str


SCREENS: tuple[Screen, ...] = (
    Screen(
        "home",
        "pages/home.py",
        "Home",
        ":material/home:",
        None,
        "Workbench",
        "What needs your attention and where to start.",
    ),
    Screen(
        "request_support",
        "pages/request_support.py",
        "Ask the hub for help",
        ":material/support_agent:",
        Permission.REQUEST_SUPPORT,
        "Your team",
        "Ask the USER hub for advice or support, and follow up your team's requests.",
    ),
    Screen(
        "triage",
        "pages/triage.py",
        "Support requests",
        ":material/inbox:",
        Permission.TRIAGE_REQUESTS,
        "USER hub",
        "Pick up, assign and resolve teams' requests for help.",
    ),
    Screen(
        "admin",
        "pages/admin.py",
        "Admin",
        ":material/settings:",
        Permission.ADMINISTER,
        "Admin",
        "Manage people and their roles, and load new framework versions.",
    ),
)

SCREENS_BY_KEY = {screen.key: screen for screen in SCREENS}


def screens_for(actor: Actor) -> list[Screen]:
    return [s for s in SCREENS if s.permission is None or actor.can(s.permission)]


def pages_for(actor: Actor) -> dict[str, list[StreamlitPage]]:
    """st.navigation input: the actor's screens grouped by section, Home first."""
    sections: dict[str, list[StreamlitPage]] = {}
    for screen in screens_for(actor):
        page = st.Page(
            screen.path,
            title=screen.title,
            icon=screen.icon,
            url_path=screen.key,
            default=screen.key == "home",
        )
        sections.setdefault(screen.section, []).append(page)
    return sections
