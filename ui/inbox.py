"""The inbox's unread count, shown in the sidebar on every page.

The router draws it before the page runs; a page that marks notifications read (opening a
request's conversation) redraws it in place, so the count is right in the same run.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ue_core.authz import Actor
from ue_core.services import inbox
from ue_core.text import plural
from ui.context import db

INBOX_PAGE = "screens/inbox.py"
# The sidebar placeholder the router made in this run.
_SLOT_KEY = "inbox_unread_slot"


def _draw(slot: DeltaGenerator, actor: Actor) -> None:
    unread = inbox.unread_count(db(), actor)
    if unread:
        slot.page_link(
            INBOX_PAGE,
            label=f"Inbox: {plural(unread, 'unread notification')}",
            icon=":material/mark_email_unread:",
        )
    else:
        slot.empty()


def sidebar_unread(actor: Actor) -> None:
    """A link to the inbox saying how many notifications are unread, when any are."""
    slot = st.sidebar.empty()
    st.session_state[_SLOT_KEY] = slot
    _draw(slot, actor)


def refresh_unread(actor: Actor) -> None:
    """Redraw the sidebar's count after this run marked notifications read."""
    slot = st.session_state.get(_SLOT_KEY)
    if isinstance(slot, DeltaGenerator):
        _draw(slot, actor)
