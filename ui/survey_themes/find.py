"""Finding themes in a question's answers: the form, with a progress bar while the work runs."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import AccessDenied, Actor
from ue_core.errors import InputError, NotFound
from ue_core.services.surveys import embeddings, theme_sets
from ui.context import db
from ui.survey_themes.page import done_and_redraw


def find_form(actor: Actor, question_id: int) -> None:
    """Choose how many themes (or let the workbench suggest a number) and find them."""
    _, backend_text = embeddings.available_backend()
    st.write(
        "Answers are grouped by meaning into themes. Every answer with words in it gets a theme. "
        "The same answers and settings always give the same themes. " + backend_text
    )
    with st.form(f"find_{question_id}"):
        how_many = st.radio(
            "Number of themes",
            options=["suggested", "chosen"],
            format_func=lambda v: (
                "Suggest a number for me" if v == "suggested" else "I will choose"
            ),
            horizontal=True,
        )
        chosen = st.number_input(
            "Themes to find (used when you choose)", min_value=2, max_value=30, value=8, step=1
        )
        find = st.form_submit_button("Find themes", type="primary")
    if not find:
        return
    bar = st.progress(0.0, text="Starting")

    def report(fraction: float, text: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    try:
        theme_sets.find_themes(
            db(),
            actor,
            question_id,
            None if how_many == "suggested" else int(chosen),
            progress=report,
        )
    except (InputError, AccessDenied, NotFound) as problem:
        st.error(str(problem))
    else:
        done_and_redraw("Themes found and saved.")
