"""User forums: the register of theme-based user groups and forums, with search and filters,
one forum's details and its successes (recorded by the hub or the host's champions)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ue_core.authz import Permission
from ue_core.errors import InputError
from ue_core.forum_themes import shipped_forum_vocabulary
from ue_core.forums import ForumStatus
from ue_core.services import case_study_drafts, forum_successes, forums
from ue_core.timefmt import format_date, uk_today
from ui import forums as parts
from ui.auth import require_page
from ui.case_study_drafts import draft_box
from ui.context import db
from ui.downloads import render_table_download
from ui.filters import optional_choice
from ui.flash import Flash
from ui.navigation import SCREENS_BY_KEY
from ui.text import plain

flash = Flash("forums")

actor = require_page(Permission.VIEW_FORUMS)
st.title("User forums")
st.write(
    "Theme-based user groups and forums bring the people who make statistics together with "
    "the people who use them, to talk about what the statistics are for and what is missing. "
    "Find a forum on your topics and how to join it."
)
flash.show()

today = uk_today()
vocabulary = shipped_forum_vocabulary()
organisations = forums.forum_organisations(db(), actor)

st.header("Search the register")
text = st.text_input(
    "Search forums", help="Words in a forum's name, description, themes or members."
)
left, middle, right = st.columns(3)
theme = optional_choice(
    left, "Theme", list(vocabulary.theme_keys()), vocabulary.theme_label, "All themes"
)
organisation = optional_choice(
    middle, "Organisation", list(organisations), organisations.__getitem__, "All organisations"
)
status = optional_choice(right, "Status", list(ForumStatus), lambda s: s.label, "Active and lapsed")
try:
    rows = forums.forum_register(
        db(), actor, today, text=text, theme=theme, organisation_id=organisation, status=status
    )
except InputError as problem:
    st.error(plain(problem))
    st.stop()

st.write(plain(parts.count_line(rows)) if rows else "No forums match these choices.")
if rows:
    frame = parts.register_frame(rows)
    st.dataframe(frame, hide_index=True, width="stretch")
    render_table_download(frame, "Download the register (CSV)", "user-forums.csv")

    st.header("About one forum")
    names = {row.id: row.name for row in rows}
    chosen = st.selectbox("Forum", list(names), format_func=names.__getitem__)
    if chosen is not None:
        detail = forums.forum_detail(db(), actor, chosen, today)
        parts.forum_details(detail)
        if detail.can_record_success:
            message = parts.suggestion_buttons(actor, detail)
            if message:
                flash.done(message)
            if parts.success_form(actor, detail, today):
                flash.done("The success is recorded.")
        if detail.can_edit:
            screen = SCREENS_BY_KEY["forum_edit"]
            st.page_link(screen.path, label="Change forums in the register", icon=screen.icon)

if actor.can(Permission.MANAGE_FORUMS):
    st.header("Successes suggested as case studies")
    suggested = forum_successes.suggested_case_studies(db(), actor)
    if suggested:
        st.dataframe(parts.successes_frame(suggested), hide_index=True, width="stretch")
    else:
        st.write("No success is suggested as a case study at the moment.")
    if suggested and actor.can(Permission.REVIEW_CASE_STUDIES):
        st.write(
            "Turn a suggestion into a case-study draft: the hub then reviews it on the Case "
            "study drafts page before it appears in the library."
        )
        drafts = case_study_drafts.drafts_for_sources(
            db(), actor, forum_successes.SOURCE_KIND, [s.id for s in suggested]
        )
        for success in suggested:
            st.subheader(plain(f"{success.forum_name}: {format_date(success.achieved_on)}"))
            st.write(plain(success.text))
            if draft_box(
                f"success_{success.id}",
                drafts.get(success.id),
                partial(forum_successes.draft_from_success, db(), actor, success.id),
            ):
                flash.done(f"Made a case-study draft from {success.forum_name}'s success.")
