"""Choosing which of a person's organisations a page is about."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

NOT_A_CHAMPION = (
    "You are not the champion of an organisation yet. Ask an admin to add you as your "
    "organisation's champion."
)


def choose_organisation(names: Mapping[int, str]) -> int:
    """The organisation the page shows (id to name, in order): the only one, or the one picked.

    With none, says the person is not a champion yet and stops the page.
    """
    if not names:
        st.info(NOT_A_CHAMPION)
        st.stop()
    if len(names) == 1:
        return next(iter(names))
    chosen = st.selectbox("Organisation", options=list(names), format_func=names.__getitem__)
    assert chosen is not None
    return chosen
