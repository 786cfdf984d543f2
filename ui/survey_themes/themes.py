"""The Themes tab: each theme with its size, a one-line description (its most typical answer),
top terms and typical answers; approving them."""

from __future__ import annotations

import streamlit as st

from ue_core.services.surveys import theme_sets, views
from ue_core.text import plural
from ue_core.themes.phrases import describe
from ui.context import db
from ui.survey_themes.page import ThemePage
from ui.text import plain


def themes_tab(page: ThemePage) -> None:
    st.header("Themes")
    for number, theme in enumerate(page.themes.themes, start=1):
        st.subheader(f"{number:d}. {plain(theme.label)} ({plural(theme.size, 'answer')})")
        if theme.representatives:
            st.caption(plain(describe(theme.representatives[0])))
        st.markdown("Top terms: " + plain(", ".join(theme.top_terms) or "none"))
        if theme.representatives:
            st.markdown(
                "Typical answers:\n\n"
                + "\n".join(f"- {plain(' '.join(text.split()))}" for text in theme.representatives)
            )
    if page.themes.status == views.APPROVED:
        return
    st.subheader("Approve these themes")
    st.write(
        "When the themes are right, approve them. Answers imported later are then given the "
        "nearest approved theme, and the least typical wait for your review."
    )
    if st.button("Approve themes", key=f"approve_{page.set_id}"):
        page.edit(
            lambda: theme_sets.approve(db(), page.actor, page.set_id, expected_version=page.seen),
            "Themes approved.",
        )
