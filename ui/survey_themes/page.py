"""What every Survey themes tab needs: the theme set shown, its version, and a way to save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ue_core.authz import Actor
from ue_core.services.surveys import views
from ui import concurrency

DONE_KEY = "survey_themes_done"
#: Most answers offered in one list, so a big survey stays quick to draw.
MAX_CHOICES = 500


@dataclass(frozen=True)
class ThemePage:
    """One question's theme set as this person sees it, and the version they saw."""

    actor: Actor
    survey: views.SurveyView
    question: views.QuestionView
    themes: views.ThemeSetView
    coded: list[views.CodedAnswer]
    seen: int

    @property
    def set_id(self) -> int:
        return self.themes.id

    @property
    def version_name(self) -> str:
        return f"theme_set_{self.themes.id}"

    @property
    def theme_ids(self) -> list[int]:
        return [t.id for t in self.themes.themes]

    @property
    def labels(self) -> dict[int, str]:
        return {t.id: t.label for t in self.themes.themes}

    @property
    def top_ids(self) -> list[int]:
        return [t.id for t in self.themes.top_themes]

    @property
    def top_labels(self) -> dict[int, str]:
        return {t.id: t.label for t in self.themes.top_themes}

    def short(self, answer_id: int) -> str:
        """An answer's text on one line, cut to 90 characters for a list."""
        texts = {a.answer_id: a.text for a in self.coded}
        text = " ".join(texts.get(answer_id, "").split())
        return text if len(text) <= 90 else text[:87] + "..."

    def edit(self, action: Callable[[], object], done: str) -> None:
        """Save one edit against the version seen; on success say so and draw the page again."""
        if concurrency.save_checked(
            action, name=self.version_name, current_version=None, table=None
        ):
            done_and_redraw(done)


def done_and_redraw(message: str) -> None:
    """Remember the success message for the next drawing, and draw the page again."""
    st.session_state[DONE_KEY] = message
    st.rerun()
