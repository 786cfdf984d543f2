"""The words of the forum register (``data/forum_themes.yaml``): themes, who attends, how often
forums meet, and the framework practices about working together.

Loaded and validated like every content file; ``ContentError`` names the key and line of a
problem. Keys are stored with forums, so a key in use is never changed.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from ue_core.content import load_model

DEFAULT_PATH: Final = Path(__file__).resolve().parents[1] / "data" / "forum_themes.yaml"

_KEY = r"^[a-z][a-z_]{1,38}$"


class Side(StrEnum):
    """Whether people who attend make the statistics or use them."""

    PRODUCER = "producer"
    USER = "user"


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    key: str = Field(pattern=_KEY)
    label: str = Field(min_length=2, max_length=80)
    description: str = Field(min_length=10, max_length=200)


class ForumTheme(_Item):
    """A theme forums cover, with the words that say a team's statistics are on it."""

    keywords: tuple[str, ...] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _keywords_lower_case(self) -> ForumTheme:
        for word in self.keywords:
            if not word.strip() or word != word.strip().casefold():
                raise ValueError(f"keyword {word!r} must be lower case, with no spaces around it")
        return self


class AttendeeType(_Item):
    """One kind of person who takes part in forums: a producer or a user of statistics."""

    side: Side


class MeetingFrequency(_Item):
    """How often a forum meets, and how long without a meeting before it counts as lapsed."""

    lapses_after_days: int = Field(ge=30, le=1_000)


def _unique(items: tuple[_Item, ...], what: str) -> None:
    for name in ("key", "label"):
        values = [getattr(item, name).casefold() for item in items]
        if len(set(values)) != len(values):
            raise ValueError(f"each of the {what} needs its own {name}")


def _label_of(items: tuple[_Item, ...], key: str) -> str:
    """An item's label; an unknown key (one since removed) reads as the key itself."""
    return next((item.label for item in items if item.key == key), key)


class ForumVocabulary(BaseModel):
    """The whole file: every list the register's forms and filters offer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: HttpUrl
    themes: tuple[ForumTheme, ...] = Field(min_length=1, max_length=40)
    attendees: tuple[AttendeeType, ...] = Field(min_length=1, max_length=20)
    frequencies: tuple[MeetingFrequency, ...] = Field(min_length=1, max_length=12)
    working_together_practices: tuple[str, ...] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _keys_and_labels_unique(self) -> ForumVocabulary:
        _unique(self.themes, "themes")
        _unique(self.attendees, "attendees")
        _unique(self.frequencies, "frequencies")
        if not any(a.side is Side.PRODUCER for a in self.attendees):
            raise ValueError("list at least one kind of producer among the attendees")
        if not any(a.side is Side.USER for a in self.attendees):
            raise ValueError("list at least one kind of user among the attendees")
        return self

    def theme_keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.themes)

    def attendee_keys(self) -> tuple[str, ...]:
        return tuple(a.key for a in self.attendees)

    def frequency_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.frequencies)

    def theme_label(self, key: str) -> str:
        return _label_of(self.themes, key)

    def attendee_label(self, key: str) -> str:
        return _label_of(self.attendees, key)

    def frequency_label(self, key: str) -> str:
        return _label_of(self.frequencies, key)

    def lapses_after_days(self, frequency: str) -> int:
        """Days without a meeting before a forum of this frequency is lapsed (a year if unknown)."""
        found = next((f for f in self.frequencies if f.key == frequency), None)
        return found.lapses_after_days if found else 365

    def keywords(self) -> dict[str, tuple[str, ...]]:
        """Each theme's keywords, by theme key."""
        return {t.key: t.keywords for t in self.themes}


def load_forum_vocabulary(path: Path | None = None) -> ForumVocabulary:
    """Load and validate a forum vocabulary file (the shipped one by default)."""
    return load_model(DEFAULT_PATH if path is None else path, ForumVocabulary)


@functools.cache
def shipped_forum_vocabulary() -> ForumVocabulary:
    """The shipped file, loaded once per process."""
    return load_forum_vocabulary()
