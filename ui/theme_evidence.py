"""Showing survey themes the hub attached as evidence under a rating (issue 14, item 5)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ue_core.theme_evidence import ThemeEvidence
from ue_core.timefmt import format_date
from ui.text import plain


def show_theme_evidence(evidence: Sequence[ThemeEvidence]) -> None:
    """Each attached theme: its name, how many answers it has, where from, and its quotes.

    Everything comes from a survey or a consultant, so all of it is shown literally.
    """
    if not evidence:
        return
    with st.container(border=True):
        st.markdown("**Evidence from user surveys, attached by the USER hub**")
        for item in evidence:
            st.markdown(
                f"**{plain(item.label)}**: {plain(item.size_text)} to "
                f"'{plain(item.question)}' in {plain(item.survey_title)}"
            )
            if item.quotes:
                st.markdown(
                    "What users said:\n\n"
                    + "\n".join(f"- \u201c{plain(quote)}\u201d" for quote in item.quotes)
                )
            st.caption(
                plain(f"Attached by {item.attached_by} on {format_date(item.attached_at.date())}.")
            )
