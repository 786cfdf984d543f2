"""Champion Chats (hub staff): draw a month's groups, check and change them, then publish."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Permission
from ue_core.champion_chats import month_label, month_of, months_to_choose
from ue_core.services import champion_chats
from ue_core.timefmt import format_datetime, uk_today
from ue_core.vocabulary import CHAT_ROUND_STATE_LABELS
from ui import concurrency
from ui.auth import require_page
from ui.champion_chats import describe_summary, groups_frame, history_frame, mix_frame
from ui.context import db
from ui.flash import Flash
from ui.text import plain

flash = Flash("champion_chats")

actor = require_page(Permission.RUN_CHAMPION_CHATS)
st.title("Champion Chats")
st.write(
    "Each month, champions meet in small groups for a 20-minute Chat. Draw the month's groups "
    "from the champions taking part, check that organisations are mixed and few people meet "
    "again, swap people if you need to, then publish: each champion then sees their group "
    "and how to reach the others."
)

today = uk_today()
months = months_to_choose(today)
month = st.selectbox("Month", months, index=months.index(month_of(today)), format_func=month_label)
flash.show()


view = champion_chats.chat_round(db(), actor, month)
if view is None:
    st.header(plain(f"Chats of {month_label(month)}"))
    if month < month_of(today):
        st.write("No Chats were drawn for this month.")
    else:
        st.write("The groups for this month have not been drawn yet.")
        if st.button("Draw the groups", type="primary") and concurrency.save_checked(
            lambda: champion_chats.draw_round(db(), actor, month, today),
            name=None,
            current_version=None,
        ):
            flash.done(f"Drew the Chats of {month_label(month)}. Check them, then publish.")
else:
    st.header(plain(f"Chats of {view.label}"))
    st.caption(
        plain(
            f"{CHAT_ROUND_STATE_LABELS[view.state]}. Drawn by {view.drawn_by} on "
            f"{format_datetime(view.drawn_at)} with seed {view.seed}"
            + (
                f"; published on {format_datetime(view.published_at)}."
                if view.published_at
                else "."
            )
        )
    )
    summary = view.summary
    st.write(
        plain(
            describe_summary(
                summary.groups,
                len(view.people()),
                summary.repeat_pairs,
                summary.same_organisation_groups,
            )
        )
    )
    if view.skipping:
        st.write(plain("Not taking part this month: " + ", ".join(view.skipping) + "."))
    st.subheader("Groups")
    st.dataframe(mix_frame(view.groups), hide_index=True, width="stretch")
    st.subheader("Who is in each group")
    st.dataframe(groups_frame(view.groups), hide_index=True, width="stretch")

    if not view.is_published:
        round_id = view.round_id
        name = f"chat_round_{round_id}"
        seen = concurrency.seen_version(name, view.version)
        people = view.people()
        group_of = {p.user_id: g.number for g in view.groups for p in g.members}
        labels = {
            p.user_id: f"{p.name}, {p.organisation} (group {group_of[p.user_id]})" for p in people
        }
        st.subheader("Swap two champions")
        with st.form("swap_champions"):
            first = st.selectbox("Champion", list(labels), format_func=lambda i: plain(labels[i]))
            second = st.selectbox(
                "Swap with",
                list(labels),
                index=min(1, len(labels) - 1),
                format_func=lambda i: plain(labels[i]),
            )
            swap = st.form_submit_button("Swap them")
        if swap and concurrency.save_checked(
            lambda: champion_chats.swap_champions(db(), actor, round_id, first, second, seen),
            name=name,
            current_version=view.version,
            table=None,
        ):
            names = {p.user_id: p.name for p in people}
            flash.done(f"Swapped {names[first]} and {names[second]} between their groups.")
        st.subheader("Publish or draw again")
        st.write(
            "Publishing shows each champion their group; after that the groups cannot change. "
            "Drawing again uses a new seed and whoever is taking part now."
        )
        publish_column, redraw_column = st.columns(2)
        if publish_column.button("Publish the Chats", type="primary") and concurrency.save_checked(
            lambda: champion_chats.publish_round(db(), actor, round_id, seen),
            name=name,
            current_version=view.version,
            table=None,
        ):
            flash.done(f"Published the Chats of {view.label}: champions can now see their groups.")
        if redraw_column.button("Draw again") and concurrency.save_checked(
            lambda: champion_chats.redraw_round(db(), actor, round_id, seen),
            name=name,
            current_version=view.version,
            table=None,
        ):
            flash.done(f"Drew the Chats of {view.label} again with a new seed.")

st.subheader("Months drawn so far")
history = champion_chats.chat_history(db(), actor)
if history:
    st.dataframe(history_frame(history), hide_index=True, width="stretch")
else:
    st.write("No Chats have been drawn yet.")
