"""Inbox: the replies, notes and status changes on requests the person follows.

Opening a notification marks it read and shows the request's conversation here, with a link to
the request's own page. E-mailed links land here too (``?request=<id>``).
"""

from __future__ import annotations

import streamlit as st

from ue_core.authz import AccessDenied, acts_for_hub
from ue_core.errors import NotFound
from ue_core.services import conversation, inbox, support, update_reminders
from ue_core.text import plural
from ue_core.timefmt import format_datetime
from ui.auth import require_page
from ui.context import db
from ui.conversation import request_conversation
from ui.text import plain

REQUEST_PARAM = "request"

actor = require_page(None)

st.title("Inbox")
unread = inbox.unread_count(db(), actor)
st.write(
    f"You have {plural(unread, 'unread notification')}."
    if unread
    else "You have no unread notifications."
)

asked = st.query_params.get(REQUEST_PARAM, "")
if asked.isdecimal():
    try:
        opened = conversation.conversation(db(), actor, int(asked))
    except (AccessDenied, NotFound) as problem:
        st.error(plain(problem))
    else:
        with st.container(border=True):
            st.header(plain(f"Request {opened.request_id}: {opened.subject}"), anchor=False)
            st.caption(
                plain(f"{opened.team_name}. Status: {support.STATUS_LABELS[opened.status]}.")
            )
            if acts_for_hub(actor):
                st.page_link("screens/triage.py", label="Go to support requests")
            else:
                st.page_link("screens/request_support.py", label="Go to your team's requests")
            request_conversation(actor, opened.request_id)

reminders = update_reminders.your_reminders(db(), actor)
if reminders:
    st.header("Reminders", anchor=False)
    for reminder in reminders:
        with st.container(border=True):
            st.markdown(f"**{plain(reminder.label)}**")
            state = "Unread" if not reminder.read else "Read"
            st.caption(
                plain(f"{state}. From the USER hub, {format_datetime(reminder.created_at)}.")
            )
            if st.button(
                "Open your monthly update",
                key=f"open_reminder_{reminder.id}",
                type="primary" if not reminder.read else "secondary",
            ):
                update_reminders.mark_reminder_read(db(), actor, reminder.id)
                st.switch_page("screens/your_update.py")

st.header("Notifications", anchor=False)
items = inbox.notifications(db(), actor)
if not items:
    st.write("Nothing yet. You will be told here of replies and changes on your requests.")
for item in items:
    with st.container(border=True):
        state = "Unread" if not item.read else "Read"
        st.markdown(
            f"**{plain(item.kind_label)}** on request {item.request_id:d}: "
            f"{plain(item.request_subject)}"
        )
        st.caption(plain(f"{state}. {item.team_name}, {format_datetime(item.created_at)}."))
        if st.button(
            f"Open request {item.request_id:d}",
            key=f"open_notification_{item.id}",
            type="primary" if not item.read else "secondary",
        ):
            inbox.mark_read(db(), actor, item.id)
            st.query_params[REQUEST_PARAM] = str(item.request_id)
            st.rerun()
