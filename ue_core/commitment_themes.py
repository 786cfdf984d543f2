"""The themes of an organisation's commitment to the strategy (``data/commitment_themes.yaml``).

Every planned action of a commitment belongs to one theme. The six themes are the ones the
organisations' first commitments fell under, a year after the strategy was launched.
"""

from __future__ import annotations

import functools
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from ue_core.content import load_model

DEFAULT_THEMES_PATH: Final = Path(__file__).resolve().parents[1] / "data" / "commitment_themes.yaml"


class CommitmentTheme(BaseModel):
    """One theme: its stored key, its label, a one-line description and its source page."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    key: str = Field(pattern=r"^[a-z][a-z_]{1,38}$")
    label: str = Field(min_length=2, max_length=80)
    description: str = Field(min_length=10, max_length=200)
    source: HttpUrl


class CommitmentThemes(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    themes: tuple[CommitmentTheme, ...] = Field(min_length=1, max_length=6)

    @model_validator(mode="after")
    def _keys_and_labels_unique(self) -> CommitmentThemes:
        for name in ("key", "label"):
            values = [getattr(theme, name).casefold() for theme in self.themes]
            if len(set(values)) != len(values):
                raise ValueError(f"each theme needs its own {name}")
        return self

    def theme_keys(self) -> tuple[str, ...]:
        return tuple(theme.key for theme in self.themes)

    def by_key(self) -> dict[str, CommitmentTheme]:
        return {theme.key: theme for theme in self.themes}

    def label(self, key: str) -> str:
        """The theme's label; an unknown key (a theme since removed) reads as the key itself."""
        theme = self.by_key().get(key)
        return theme.label if theme else key


def load_commitment_themes(path: Path | None = None) -> CommitmentThemes:
    """Load and validate a themes file; ``ContentError`` names the key and line of a problem."""
    return load_model(DEFAULT_THEMES_PATH if path is None else path, CommitmentThemes)


@functools.cache
def shipped_commitment_themes() -> CommitmentThemes:
    """The shipped themes, loaded once per process."""
    return load_commitment_themes()


class CommitmentStatus(StrEnum):
    """Where a planned action of a commitment stands."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


def is_overdue(due_on: date, status: CommitmentStatus, today: date) -> bool:
    """An action is overdue when its due date has passed and it is neither done nor dropped."""
    return due_on < today and status not in {CommitmentStatus.DONE, CommitmentStatus.DROPPED}
