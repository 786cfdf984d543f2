"""The categories of a champion's monthly update (``data/update_categories.yaml``), and the
rules an update follows: when a month's updates close, and what a link or the text may be.

After each month's Champion Chat every champion in it sends the hub a short update on what
their organisation did for user engagement that month: one or more categories, a few words,
and links. The categories are the kinds of progress the champions reported in the strategy's
first year. Exactly one category ("A case study to share") marks an update the hub can turn
into a draft library entry.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from ue_core.champion_chats import add_months, month_label
from ue_core.content import load_model
from ue_core.errors import InputError

DEFAULT_CATEGORIES_PATH: Final = (
    Path(__file__).resolve().parents[1] / "data" / "update_categories.yaml"
)

#: A month's updates can be sent and changed until the end of the month after the Chat month,
#: so a Chat held late in its month still leaves a few weeks to write.
MONTHS_OPEN_AFTER: Final = 1
MAX_TEXT: Final = 2_000
MAX_LINKS: Final = 5
MAX_LINK_LENGTH: Final = 500


class UpdateCategory(BaseModel):
    """One category: its stored key, label, a one-line description and its source page."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    key: str = Field(pattern=r"^[a-z][a-z_]{1,38}$")
    label: str = Field(min_length=2, max_length=80)
    description: str = Field(min_length=10, max_length=200)
    case_study: bool = False
    source: HttpUrl


class UpdateCategories(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: tuple[UpdateCategory, ...] = Field(min_length=2, max_length=12)

    @model_validator(mode="after")
    def _keys_unique_and_one_case_study(self) -> UpdateCategories:
        for name in ("key", "label"):
            values = [getattr(category, name).casefold() for category in self.categories]
            if len(set(values)) != len(values):
                raise ValueError(f"each category needs its own {name}")
        if sum(1 for category in self.categories if category.case_study) != 1:
            raise ValueError("exactly one category must be marked case_study: true")
        return self

    def category_keys(self) -> tuple[str, ...]:
        return tuple(category.key for category in self.categories)

    def by_key(self) -> dict[str, UpdateCategory]:
        return {category.key: category for category in self.categories}

    def label(self, key: str) -> str:
        """The category's label; an unknown key (a category since removed) reads as the key."""
        category = self.by_key().get(key)
        return category.label if category else key

    @property
    def case_study_key(self) -> str:
        return next(category.key for category in self.categories if category.case_study)


def load_update_categories(path: Path | None = None) -> UpdateCategories:
    """Load and validate a categories file; ``ContentError`` names the key and line of a problem."""
    return load_model(DEFAULT_CATEGORIES_PATH if path is None else path, UpdateCategories)


@functools.cache
def shipped_update_categories() -> UpdateCategories:
    """The shipped categories, loaded once per process."""
    return load_update_categories()


# --- The rules of an update ---------------------------------------------------------------------


def closes_on(month: date) -> date:
    """The last day a Chat month's updates can be sent or changed."""
    return add_months(month, MONTHS_OPEN_AFTER + 1) - timedelta(days=1)


def is_open(month: date, today: date) -> bool:
    """Whether the month's Chats have started and its updates have not closed."""
    return month <= today <= closes_on(month)


def check_categories(keys: Iterable[str], categories: UpdateCategories) -> tuple[str, ...]:
    """The chosen categories in the file's order; refuses none or an unknown one."""
    chosen = set(keys)
    if not chosen:
        raise InputError("Choose at least one category for your update.")
    unknown = chosen - set(categories.category_keys())
    if unknown:
        raise InputError(f"'{sorted(unknown)[0]}' is not a category of the monthly update.")
    return tuple(key for key in categories.category_keys() if key in chosen)


def check_text(text: str) -> str:
    """The update's words, trimmed; refuses an empty or over-long text."""
    cleaned = text.strip()
    if not cleaned:
        raise InputError("Write a few words on what your organisation did this month.")
    if len(cleaned) > MAX_TEXT:
        raise InputError(f"Keep your update to {MAX_TEXT:,} characters: it has {len(cleaned):,}.")
    return cleaned


_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


def check_link(text: str) -> str:
    """One web address, as typed; refuses anything but a full http or https address."""
    link = text.strip()
    if len(link) > MAX_LINK_LENGTH:
        raise InputError(f"A link can be at most {MAX_LINK_LENGTH} characters long.")
    parts = urlsplit(link)
    if parts.scheme.lower() not in {"http", "https"} or "://" not in link[:8]:
        raise InputError(f"'{link}' is not a web address: start it with https:// (or http://).")
    if any(character.isspace() for character in link):
        raise InputError(f"'{link}' is not a web address: it has a space in it.")
    host = parts.hostname or ""
    if not _HOST.match(host) or parts.username or parts.password:
        raise InputError(f"'{link}' is not a web address: check the part after https://.")
    return link


def parse_links(text: str) -> tuple[str, ...]:
    """The links typed one a line (blank lines skipped, repeats dropped), each checked."""
    links: list[str] = []
    for line in text.splitlines():
        if line.strip():
            link = check_link(line)
            if link not in links:
                links.append(link)
    if len(links) > MAX_LINKS:
        raise InputError(f"Give at most {MAX_LINKS} links: there are {len(links)}.")
    return tuple(links)


def months_label(months: Sequence[date]) -> str:
    """'March 2027' or 'January 2027 to March 2027' for a run of months, oldest first."""
    if not months:
        return "no months"
    first, last = min(months), max(months)
    return month_label(first) if first == last else f"{month_label(first)} to {month_label(last)}"
