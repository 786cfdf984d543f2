"""A message that says a change was saved, shown once after the page is drawn again."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from ui.text import plain


class Flash:
    """One page's "saved" message: ``done`` keeps it and reruns, ``show`` shows it once."""

    def __init__(self, page: str) -> None:
        self.key = f"{page}_flash"

    def show(self) -> None:
        message = st.session_state.pop(self.key, None)
        if isinstance(message, str):
            st.success(plain(message))

    def done(self, message: str) -> NoReturn:
        st.session_state[self.key] = message
        st.rerun()
