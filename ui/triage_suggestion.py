"""The triage suggestion shown with an open request: its practice area, or "needs a person"."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor
from ue_core.services.triage_suggestions import suggest_for_request
from ui.context import db
from ui.text import plain


def show_suggestion(actor: Actor, request_id: int) -> None:
    """Show the suggested practice area for a request, with its confidence and why."""
    found = suggest_for_request(db(), actor, request_id)
    percent = f"{found.confidence:.0%}"
    if found.needs_person:
        st.info(
            "Suggested practice area: none, this request needs a person to decide. "
            f"The closest is {plain(found.best_guess_label)} ({percent} confident)."
        )
        return
    with st.container(border=True):
        st.markdown(
            f"**Suggested practice area:** {plain(found.best_guess_label)} ({percent} confident)"
        )
        if found.why:
            st.caption("It resembles these parts of the framework:")
            for text in found.why:
                st.caption(plain(text))
