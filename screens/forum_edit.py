"""Manage forums: hub staff add a forum to the register, change one, or close it."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Permission
from ue_core.forum_themes import shipped_forum_vocabulary
from ue_core.forums import ForumStatus
from ue_core.services import forum_edits, forums
from ue_core.timefmt import format_date, uk_today
from ui import concurrency
from ui import forums as parts
from ui.auth import require_page
from ui.context import db
from ui.flash import Flash
from ui.text import plain

flash = Flash("forum_edit")
NEW = 0

actor = require_page(Permission.MANAGE_FORUMS)
st.title("Manage forums")
st.write(
    "Add the user groups and forums you find to the register, keep their details and the date "
    "they last met up to date, and close those that have stopped. A forum is lapsed when it has "
    "not met for longer than its meeting frequency allows, unless you set its status yourself."
)
flash.show()

today = uk_today()
vocabulary = shipped_forum_vocabulary()
organisations = forums.forum_organisations(db(), actor)
existing = {row.id: row for row in forum_edits.forum_edit_choices(db(), actor, today)}


def label(forum_id: int) -> str:
    if forum_id == NEW:
        return "Add a new forum"
    row = existing[forum_id]
    return f"{row.name} (closed)" if row.status is ForumStatus.CLOSED else row.name


chosen = st.selectbox("Forum to change", [NEW, *existing], format_func=label, key="forum_to_change")
if chosen is None or chosen == NEW:
    st.header("Add a forum")
    with st.form("add_forum"):
        read = parts.forum_fields("new", vocabulary, organisations, None)
        submitted = st.form_submit_button("Add the forum", type="primary")
    if submitted and concurrency.save_checked(
        lambda: forum_edits.add_forum(db(), actor, read(), today), name=None, current_version=None
    ):
        flash.done("The forum is added to the register.")
    st.stop()

row = existing[chosen]
name = f"forum_{row.id}"
seen = concurrency.seen_version(name, row.version)
st.header(plain(f"Change {row.name}"))
st.caption(plain(f"Status now: {row.status.label}."))
with st.form(f"edit_forum_{row.id}"):
    read = parts.forum_fields(f"edit_{row.id}_{seen}", vocabulary, organisations, row.draft())
    submitted = st.form_submit_button("Save the changes", type="primary")
if submitted and concurrency.save_checked(
    lambda: forum_edits.update_forum(db(), actor, row.id, read(), today, expected_version=seen),
    name=name,
    current_version=row.version,
):
    flash.done(f"{row.name} is saved.")

if row.closed_on is None:
    st.subheader("Close the forum")
    st.write("Close a forum that has stopped meeting for good. It stays in the register's history.")
    if st.button("Close the forum") and concurrency.save_checked(
        lambda: forum_edits.close_forum(db(), actor, row.id, today, expected_version=seen),
        name=name,
        current_version=row.version,
    ):
        flash.done(f"{row.name} is closed.")
else:
    st.subheader("Reopen the forum")
    st.write(plain(f"Closed on {format_date(row.closed_on)}."))
    if st.button("Reopen the forum") and concurrency.save_checked(
        lambda: forum_edits.reopen_forum(db(), actor, row.id, expected_version=seen),
        name=name,
        current_version=row.version,
    ):
        flash.done(f"{row.name} is back on the register.")
