"""The inbox's unread count, shown in the sidebar on every page."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor
from ue_core.services import inbox
from ue_core.text import plural
from ui.context import db

INBOX_PAGE = "screens/inbox.py"


def sidebar_unread(actor: Actor) -> None:
    """A link to the inbox saying how many notifications are unread, when any are."""
    unread = inbox.unread_count(db(), actor)
    if unread:
        st.sidebar.page_link(
            INBOX_PAGE,
            label=f"Inbox: {plural(unread, 'unread notification')}",
            icon=":material/mark_email_unread:",
        )
