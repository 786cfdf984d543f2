"""Errors that services raise with messages written for the person using the workbench."""

from __future__ import annotations

from typing import Any


class InputError(Exception):
    """What the person entered cannot be saved; the message says what to change."""


class NotFound(Exception):
    """The thing asked for does not exist (or is not visible to this person)."""


class ConflictError(Exception):
    """Someone else saved a change first. ``current`` holds their values, to show the person."""

    def __init__(self, message: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = current or {}
