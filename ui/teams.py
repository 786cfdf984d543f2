"""Choosing which of a person's teams a team screen is about (remembered across screens)."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor
from ue_core.vocabulary import Role
from ui.text import plain

TEAM_KEY = "assessment_team_id"


def team_choices(actor: Actor, *roles: Role) -> dict[int, str]:
    """The person's teams (as member or lead, or only ``roles``) by id, in name order."""
    wanted = set(roles) or {Role.MEMBER, Role.LEAD}
    teams = {
        m.team_id: f"{m.team_name} ({m.organisation_name})"
        for m in actor.memberships
        if m.team_id is not None and m.role in wanted
    }
    return dict(sorted(teams.items(), key=lambda item: item[1].casefold()))


def choose_team(actor: Actor, *roles: Role) -> int | None:
    """The team to work on: the only one, or the one picked in a selector (remembered)."""
    teams = team_choices(actor, *roles)
    if not teams:
        return None
    options = list(teams)
    if len(options) == 1:
        return options[0]
    remembered = st.session_state.get(TEAM_KEY)
    # The remembered team wins over any widget state left from another page.
    st.session_state["team_choice"] = remembered if remembered in options else options[0]
    chosen = st.selectbox(
        "Team",
        options=options,
        key="team_choice",
        format_func=teams.__getitem__,
        on_change=_remember_team,
    )
    st.session_state[TEAM_KEY] = chosen
    return int(chosen) if chosen is not None else options[0]


def _remember_team() -> None:
    st.session_state[TEAM_KEY] = st.session_state.get("team_choice")


def choose_any_team(actor: Actor, no_team_message: str) -> int:
    """The team picked from all of the person's teams, any role, in membership order.

    Shows ``no_team_message`` and stops the page when the person is in no team.
    """
    teams = {
        m.team_id: f"{m.team_name} ({m.organisation_name})" for m in actor.memberships if m.team_id
    }
    if not teams:
        st.info(plain(no_team_message))
        st.stop()
    team_id = st.selectbox("Team", options=list(teams), format_func=teams.__getitem__)
    assert team_id is not None
    return team_id
