"""The "make a case-study draft" box shared by the pages that offer case studies (champions'
updates, forums' successes): the draft it already has, or a title box and a button."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ue_core.services.case_study_drafts import DraftRef
from ui import concurrency
from ui.text import plain


def draft_box(key: str, draft: DraftRef | None, make: Callable[[str], object]) -> bool:
    """Show ``draft`` if the source has one; otherwise ask for a title and call ``make`` with it.
    Returns True when a draft was made (the caller says so and draws the page again)."""
    if draft is not None:
        st.caption(plain(f"Case-study draft {draft.id}: {draft.state.label.lower()}."))
        return False
    with st.form(f"draft_{key}"):
        title = st.text_input("Title of the case study", max_chars=120)
        made = st.form_submit_button("Make a case-study draft")
    if not made:
        return False
    return concurrency.save_checked(lambda: make(title), name=None, current_version=None)
