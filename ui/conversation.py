"""A request's conversation on a page: the messages, shown literally, and a reply form.

Hub staff (those who triage) also choose to write an internal note, which the team never sees.
Showing the conversation marks the person's notifications about the request read.
"""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor, can_see_internal_notes
from ue_core.errors import InputError
from ue_core.services import conversation, inbox
from ue_core.services.conversation import MessageView
from ue_core.timefmt import format_datetime
from ui.context import db
from ui.inbox import refresh_unread
from ui.text import plain

REPLY = "reply"
NOTE = "note"
SEND_AS = {REPLY: "Reply to the team", NOTE: "Internal note"}
NOTES_WARNING = "Only hub staff see notes. The team never sees them."


def _message(message: MessageView) -> None:
    side = "USER hub" if message.from_hub else "Team"
    with st.container(border=True):
        if message.is_internal:
            st.markdown(f"**Internal note** ({NOTES_WARNING})")
        st.caption(plain(f"{message.author_name} ({side}), {format_datetime(message.created_at)}"))
        st.markdown(plain(message.body))


def request_conversation(actor: Actor, request_id: int) -> None:
    """The conversation on one request, for its team or the hub, with a form to reply."""
    if inbox.mark_request_read(db(), actor, request_id):
        refresh_unread(actor)
    st.subheader("Conversation", anchor=False)
    thread = st.container()
    for_hub = can_see_internal_notes(actor)
    with st.form(f"conversation_{request_id}", clear_on_submit=True):
        send_as = REPLY
        if for_hub:
            send_as = (
                st.radio(
                    "Send as",
                    options=list(SEND_AS),
                    format_func=SEND_AS.__getitem__,
                    horizontal=True,
                    key=f"send_as_{request_id}",
                    help=NOTES_WARNING,
                )
                or REPLY
            )
            st.caption(NOTES_WARNING)
        body = st.text_area(
            "Your message",
            max_chars=conversation.MAX_MESSAGE,
            key=f"message_{request_id}",
        )
        sent = st.form_submit_button("Send", type="primary")
    if sent:
        try:
            if send_as == NOTE:
                conversation.post_note(db(), actor, request_id, body)
                st.success("Note added. Only hub staff see it.")
            else:
                conversation.post_reply(db(), actor, request_id, body)
                st.success("Reply sent.")
        except InputError as problem:
            st.error(plain(problem))
    shown = conversation.conversation(db(), actor, request_id)
    with thread:
        if not shown.messages:
            st.write("No replies yet.")
        for message in shown.messages:
            _message(message)
