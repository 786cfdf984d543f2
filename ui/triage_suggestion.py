"""The triage suggestion shown with an open request: its practice area, or "needs a person"."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor
from ue_core.services.triage_suggestions import suggest_for_request
from ui.context import db
from ui.text import plain


def show_suggestion(actor: Actor, request_id: int) -> None:
    """Show the suggested practice area for a request, with its confidence and why.

    Plain text in a bordered box, not an alert, so the page's own messages stay the only alerts.
    """
    found = suggest_for_request(db(), actor, request_id)
    percent = f"{found.confidence:.0%}"
    label = plain(found.best_guess_label)
    with st.container(border=True):
        if found.needs_person:
            st.markdown("**Suggested practice area:** none, this request needs a person to decide.")
            st.caption(f"The closest is {label} ({percent} confident).")
            return
        st.markdown(f"**Suggested practice area:** {label} ({percent} confident)")
        if found.why:
            st.caption("It resembles these parts of the framework:")
            for text in found.why:
                st.caption(plain(text))
