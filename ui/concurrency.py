"""Optimistic concurrency in the UI: remember the version a person saw when a form was drawn.

Streamlit reruns the whole script before a button's result is handled, so the row's current
version must not be re-read at save time: we save against the version the person was looking at.
"""

from __future__ import annotations

import streamlit as st


def _key(name: str) -> str:
    return f"seen_version::{name}"


def seen_version(name: str, current: int) -> int:
    """The version this person saw first (and has not yet saved over)."""
    return int(st.session_state.setdefault(_key(name), current))


def saved(name: str) -> None:
    """After a successful save: the next drawing starts from the new version."""
    st.session_state.pop(_key(name), None)


def acknowledge(name: str, current: int) -> None:
    """After a conflict was shown: the person has now seen the other version."""
    st.session_state[_key(name)] = current
