"""Filter widgets shared by screens that narrow down a list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from streamlit.delta_generator import DeltaGenerator

from ui.text import plain

OptionT = TypeVar("OptionT")


def optional_choice(
    container: DeltaGenerator,
    label: str,
    options: Sequence[OptionT],
    format_func: Callable[[OptionT], str],
    placeholder: str,
) -> OptionT | None:
    """A select box that starts empty (showing ``placeholder``): None means "no filter"."""
    return container.selectbox(
        plain(label),
        options=options,
        format_func=format_func,
        index=None,
        placeholder=plain(placeholder),
    )
