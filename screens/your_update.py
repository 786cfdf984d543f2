"""Your monthly update (champions): what your organisation did, sent after each Champion Chat."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Permission
from ue_core.champion_chats import month_label
from ue_core.services import champion_updates
from ue_core.services.champion_updates import YourMonth
from ue_core.timefmt import format_date, uk_today
from ue_core.update_categories import MAX_LINKS, shipped_update_categories
from ui import concurrency
from ui.auth import require_page
from ui.champion_updates import show_update
from ui.context import db
from ui.flash import Flash
from ui.text import plain

flash = Flash("your_update")

actor = require_page(Permission.JOIN_CHAMPION_CHATS)
st.title("Your monthly update")
st.write(
    "After each month's Champion Chat, tell the USER hub in a few words what your organisation "
    "did for user engagement that month. Only you and hub staff see your update; the hub adds "
    "them up to report the network's progress."
)
flash.show()

today = uk_today()
categories = shipped_update_categories()
months = champion_updates.your_months(db(), actor, today)
open_months = [month for month in months if month.open]


def _choice_label(month: YourMonth) -> str:
    state = "sent, you can change it" if month.update else "not sent yet"
    return f"{month.label} ({state})"


def _form(month: YourMonth) -> None:
    current = month.update
    name = f"champion_update_{month.month.isoformat()}"
    seen = None if current is None else concurrency.seen_version(name, current.version)
    with st.form(f"update_form_{month.month.isoformat()}"):
        chosen = st.multiselect(
            "Categories",
            categories.category_keys(),
            default=list(current.categories) if current else [],
            format_func=categories.label,
            help="Choose every category your update is about.",
        )
        text = st.text_area(
            "What your organisation did",
            value=current.text if current else "",
            max_chars=2_000,
            help="A few sentences are enough.",
        )
        links = st.text_area(
            "Links (optional)",
            value="\n".join(current.links) if current else "",
            help=f"Web addresses starting with https://, one a line, at most {MAX_LINKS}.",
        )
        label = "Save changes" if current else "Send your update"
        submitted = st.form_submit_button(label, type="primary")
    if submitted and concurrency.save_checked(
        lambda: champion_updates.send_update(
            db(),
            actor,
            month.month,
            categories=chosen,
            text=text,
            links=links,
            today=today,
            expected_version=seen,
        ),
        name=name,
        current_version=None,
        table=None,
    ):
        flash.done(
            f"Changed your update for {month.label}."
            if current
            else f"Sent your update for {month.label}. Thank you."
        )


if not months:
    st.header("No Chats yet")
    st.write(
        "You have not been in a published Champion Chat yet. After your first Chat, send your "
        "update here."
    )
elif not open_months:
    st.header("Nothing to send now")
    st.write(
        "Updates for your past Chats have closed. When the hub publishes your next Chat, send "
        "your update here."
    )
else:
    waiting = [month for month in open_months if month.update is None]
    default = open_months.index(waiting[-1] if waiting else open_months[0])
    chosen_month = st.selectbox(
        "Month of your Chat", open_months, index=default, format_func=_choice_label
    )
    st.header(plain(f"Your update for {chosen_month.label}"))
    st.write(
        plain(
            f"You can send or change it until {format_date(chosen_month.closes_on)}. "
            "One update per month."
        )
    )
    with st.expander("What each category means"):
        for category in categories.categories:
            st.markdown(f"**{plain(category.label)}**: {plain(category.description)}")
    _form(chosen_month)

sent = [month.update for month in months if month.update is not None]
st.header("Your updates so far")
if not sent:
    st.write("You have not sent an update yet.")
for update in sent:
    show_update(update, heading=month_label(update.month))
