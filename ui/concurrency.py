"""Optimistic concurrency in the UI: remember the version a person saw when a form was drawn,
save against it, and show the other person's values when someone else saved first.

Streamlit reruns the whole script before a button's result is handled, so the row's current
version must not be re-read at save time: we save against the version the person was looking at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from ue_core.authz import AccessDenied
from ue_core.errors import ConflictError, InputError, NotFound
from ui.text import plain, plain_table

#: Builds the table shown under the conflict message from the other person's saved values.
ConflictTable = Callable[[Mapping[str, Any]], Mapping[str, list[str]]]


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


def their_values(current: Mapping[str, Any]) -> dict[str, list[str]]:
    """The default conflict table: each field the other person saved, and its value."""
    return {
        "Field": [str(name)[:1].upper() + str(name)[1:] for name in current],
        "Their value": ["Not set" if value is None else str(value) for value in current.values()],
    }


def save_checked(
    save: Callable[[], object],
    *,
    name: str | None,
    current_version: int | None,
    table: ConflictTable | None = their_values,
    on_conflict: Callable[[ConflictError], None] | None = None,
) -> bool:
    """Run ``save`` (which passes the version this person saw) and show what went wrong.

    On a conflict the message is shown with the other person's values (``table``; ``None`` for
    no table), and the person is taken to have seen their version (``current_version``, or the
    ``Version`` the conflict reports when that is ``None``). Bad input, a refusal or a missing
    row show their own message. ``name`` is ``None`` when the caller keeps what the person saw
    itself (``on_conflict`` then records the other person's values). Returns True when the save
    went through; the caller then says so and draws the page again.
    """
    try:
        save()
    except ConflictError as conflict:
        version = current_version
        if version is None and isinstance(conflict.current.get("Version"), int):
            version = int(conflict.current["Version"])
        if name is not None and version is not None:
            acknowledge(name, version)
        if on_conflict is not None:
            on_conflict(conflict)
        st.error(plain(conflict))
        if table is not None and conflict.current:
            st.table(plain_table(table(conflict.current)))
        return False
    except (InputError, AccessDenied, NotFound) as problem:
        st.error(plain(problem))
        return False
    if name is not None:
        saved(name)
    return True
