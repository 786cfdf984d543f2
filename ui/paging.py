"""Long lists shown a page at a time, with 'Previous' and 'Next' and where the person is."""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil
from typing import TypeVar

import streamlit as st

from ui.text import plain

T = TypeVar("T")


def page_count(total: int, size: int) -> int:
    return max(1, ceil(total / size))


def paged(items: Sequence[T], *, key: str, size: int, noun: str = "entries") -> Sequence[T]:
    """The items on the page the person is on; draws the page controls under the list.

    ``key`` names this list and what it was filtered by: a new key starts again at page 1.
    """
    pages = page_count(len(items), size)
    state = f"page::{key}"
    page = min(int(st.session_state.get(state, 1)), pages)
    start = (page - 1) * size
    shown = items[start : start + size]
    if pages > 1:
        st.write(
            f"Page {page:d} of {pages:d}: "
            + plain(f"{noun} {start + 1:d} to {start + len(shown):d} of {len(items):d}.")
        )
        back, forward, _ = st.columns([1, 1, 4])
        if back.button("Previous page", key=f"{state}::back", disabled=page == 1):
            st.session_state[state] = page - 1
            st.rerun()
        if forward.button("Next page", key=f"{state}::next", disabled=page == pages):
            st.session_state[state] = page + 1
            st.rerun()
    return shown
