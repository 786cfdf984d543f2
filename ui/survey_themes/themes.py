"""The Themes tab: each theme with its size, a one-line description (its most typical answer),
top terms and typical answers; approving them."""

from __future__ import annotations

import streamlit as st

from ue_core.services.surveys import theme_jobs, views
from ue_core.text import plural
from ue_core.themes.phrases import describe
from ui import concurrency
from ui.context import db
from ui.survey_themes.find import watch_job
from ui.survey_themes.page import ThemePage
from ui.text import plain


def _typical(texts: tuple[str, ...]) -> None:
    if texts:
        st.markdown(
            "Typical answers:\n\n"
            + "\n".join(f"- {plain(' '.join(text.split()))}" for text in texts)
        )


def themes_tab(page: ThemePage) -> None:
    st.header("Themes")
    view = page.themes
    st.write(
        f"{plural(len(view.top_themes), 'top-level theme')}, holding "
        f"{plural(len(view.themes), 'sub-theme')}. Open a top-level theme to see its sub-themes."
    )
    by_id = {theme.id: theme for theme in view.themes}
    for number, top in enumerate(view.top_themes, start=1):
        st.subheader(f"{number:d}. {plain(top.label)} ({plural(top.size, 'answer')})")
        if top.representatives:
            st.caption(plain(describe(top.representatives[0])))
        st.markdown("Top terms: " + plain(", ".join(top.top_terms) or "none"))
        _typical(top.representatives[:3])
        with st.expander(
            plain(f"Sub-themes of {top.label} ({plural(len(top.theme_ids), 'sub-theme')})")
        ):
            for sub_number, theme_id in enumerate(top.theme_ids, start=1):
                theme = by_id[theme_id]
                st.markdown(
                    f"**{number:d}.{sub_number:d} {plain(theme.label)}** "
                    f"({plural(theme.size, 'answer')})"
                )
                if theme.representatives:
                    st.caption(plain(describe(theme.representatives[0])))
                st.markdown("Top terms: " + plain(", ".join(theme.top_terms) or "none"))
                _typical(theme.representatives)
    if page.themes.status == views.APPROVED:
        return
    st.subheader("Approve these themes")
    st.write(
        "When the themes are right, approve them. Answers imported since the themes were found, "
        "and any imported later, are then given the nearest approved theme, and the least "
        "typical wait for your review. Approving runs in the background: you can leave the page."
    )
    running = theme_jobs.theme_job(db(), page.actor, page.question.id)
    if running is not None and running.is_active:
        st.write("A job is running on this question's themes; approve them once it has finished.")
        return
    if st.button("Approve themes", key=f"approve_{page.set_id}"):

        def start() -> None:
            job = theme_jobs.start_approving(
                db(), page.actor, page.set_id, expected_version=page.seen
            )
            watch_job(page.question.id, job.id)

        name = page.version_name
        if concurrency.save_checked(start, name=name, current_version=None, table=None):
            st.rerun()
