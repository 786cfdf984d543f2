"""The Review tab: answers imported after approval that are not a close match to any theme."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.services.surveys import refine, theme_sets
from ue_core.text import plural
from ui.context import db
from ui.survey_themes.page import ThemePage


def review_tab(page: ThemePage) -> None:
    st.header("Answers waiting for review")
    queue = sorted(
        (a for a in page.coded if a.needs_review), key=lambda a: (a.confidence or 0.0, a.answer_id)
    )
    if not queue:
        st.write(
            "No answers are waiting for review. Answers imported after the themes are approved "
            "appear here when they are not a close match to any theme."
        )
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Answer": [a.text for a in queue],
                "Suggested theme": [a.theme_label or "" for a in queue],
                "Confidence": [round(a.confidence or 0.0, 2) for a in queue],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    labels = page.labels
    with st.form(f"review_{page.set_id}", clear_on_submit=True):
        reviewed = st.multiselect("Answers", [a.answer_id for a in queue], format_func=page.short)
        target = st.selectbox("Theme to give them", page.theme_ids, format_func=labels.__getitem__)
        keep_col, give_col = st.columns(2)
        keep = keep_col.form_submit_button("Keep the suggested theme")
        give = give_col.form_submit_button("Give them this theme")
    if keep:
        page.edit(
            lambda: theme_sets.accept_review(
                db(), page.actor, page.set_id, reviewed, expected_version=page.seen
            ),
            f"{plural(len(reviewed), 'answer')} reviewed.",
        )
    if give and target is not None:
        page.edit(
            lambda: refine.move_answers(
                db(), page.actor, page.set_id, reviewed, target, expected_version=page.seen
            ),
            f"{plural(len(reviewed), 'answer')} reviewed and given '{labels[target]}'.",
        )
