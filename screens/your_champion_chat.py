"""Your Champion Chat (champions): this month's group, how to reach them, skipping a month."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Permission
from ue_core.champion_chats import month_label, month_of
from ue_core.services import your_champion_chat
from ue_core.timefmt import uk_today
from ui import concurrency
from ui.auth import require_page
from ui.champion_chats import contacts_frame
from ui.context import db
from ui.flash import Flash
from ui.text import plain

flash = Flash("your_champion_chat")

actor = require_page(Permission.JOIN_CHAMPION_CHATS)
st.title("Your Champion Chat")
st.write(
    "Each month the USER hub puts champions from different organisations into small groups "
    "for a 20-minute Chat: a chance to meet, support one another and share ideas. One of you "
    "sets up the call; after it, the hub asks each of you for a short update."
)
flash.show()

today = uk_today()
chat = your_champion_chat.your_chat(db(), actor, today)
if chat.month is None:
    st.header("Your group")
    st.write("You have not been in a published Chat yet. The hub publishes each month's groups.")
else:
    when = "this month" if chat.month == month_of(today) else "your latest Chat"
    st.header(plain(f"Your group for {month_label(chat.month)}"))
    st.write(
        plain(f"Group {chat.group_number}, {when}. Get in touch with the others to agree a time.")
    )
    st.dataframe(contacts_frame(chat.others), hide_index=True, width="stretch")

st.header(plain(f"Taking part in {month_label(chat.next_month)}"))


if chat.next_month_drawn:
    st.write(
        plain(
            f"The groups for {month_label(chat.next_month)} have been drawn. If you cannot "
            "take part, tell the hub so they can change your group."
        )
    )
elif chat.skipping_next_month:
    st.write(plain(f"You have said you cannot take part in {month_label(chat.next_month)}."))
    if st.button("I can take part after all") and concurrency.save_checked(
        lambda: your_champion_chat.unskip_month(db(), actor, chat.next_month, today),
        name=None,
        current_version=None,
    ):
        flash.done(f"You are back in the drawing for {month_label(chat.next_month)}.")
else:
    st.write(
        plain(
            f"You will be in the drawing for {month_label(chat.next_month)}. If you cannot "
            "take part that month, say so before the hub draws the groups."
        )
    )
    if st.button(plain(f"Skip {month_label(chat.next_month)}")) and concurrency.save_checked(
        lambda: your_champion_chat.skip_month(db(), actor, chat.next_month, today),
        name=None,
        current_version=None,
    ):
        flash.done(f"You will not be in the drawing for {month_label(chat.next_month)}.")

later = [m for m in chat.skipped_months if m != chat.next_month]
if later:
    st.write(plain("You are also skipping " + ", ".join(month_label(m) for m in later) + "."))
