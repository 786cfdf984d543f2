"""Survey themes as evidence for a team's rating (issue 14, item 5): the plain rules.

A hub consultant can attach an approved survey theme to a team's rating of a practice about
listening to users, understanding them or acting on what they say (the practices listed in
``data/theme_evidence.yaml``). What is attached is a snapshot: the theme's name (and its
top-level theme's), how many answers it had and up to three short quotes from its most typical
answers, so later edits to the themes do not change evidence a team has already seen.

This module holds the content file, the evidence value, choosing the quotes and the words an
export uses; ``ue_core.services.theme_evidence`` saves and reads it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ue_core.content import load_model
from ue_core.errors import InputError
from ue_core.text import plural

DEFAULT_PATH: Final = Path(__file__).resolve().parents[1] / "data" / "theme_evidence.yaml"

#: Most quotes attached with a theme.
MAX_QUOTES: Final = 3
#: Longest quote kept whole; a longer answer is cut at a word and ends with "...".
MAX_QUOTE_CHARS: Final = 160
#: Answers shorter than this say too little to quote ("No", "n/a").
MIN_QUOTE_CHARS: Final = 12


class AcceptingPractice(BaseModel):
    """A framework practice whose rating accepts a survey theme as evidence, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    key: str = Field(pattern=r"^[a-z][a-z-]{1,78}$")
    why: str = Field(min_length=10, max_length=200)


class ThemeEvidenceRules(BaseModel):
    """The whole file: the practices that accept theme evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    practices: tuple[AcceptingPractice, ...] = Field(min_length=1, max_length=29)

    @model_validator(mode="after")
    def _keys_unique(self) -> ThemeEvidenceRules:
        keys = [practice.key for practice in self.practices]
        if len(set(keys)) != len(keys):
            raise ValueError("each practice may be listed only once")
        return self

    def practice_keys(self) -> tuple[str, ...]:
        return tuple(practice.key for practice in self.practices)

    def accepts(self, practice_key: str) -> bool:
        return practice_key in self.practice_keys()

    def why(self, practice_key: str) -> str:
        return next((p.why for p in self.practices if p.key == practice_key), "")


def load_theme_evidence_rules(path: Path | None = None) -> ThemeEvidenceRules:
    """Load and validate the file; ``ContentError`` names the key and line of a problem."""
    return load_model(DEFAULT_PATH if path is None else path, ThemeEvidenceRules)


@functools.cache
def shipped_theme_evidence_rules() -> ThemeEvidenceRules:
    """The shipped file, loaded once per process."""
    return load_theme_evidence_rules()


def check_practice(rules: ThemeEvidenceRules, practice_key: str, practice_title: str) -> None:
    """Refuse a practice that does not accept survey themes as evidence, saying which do."""
    if not rules.accepts(practice_key):
        raise InputError(
            f"'{practice_title}' does not take survey themes as evidence. Choose a practice "
            "about listening to users, understanding them or acting on their feedback."
        )


# --- The evidence ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeEvidence:
    """One theme attached to a team's rating of one practice, as it was when attached."""

    id: int
    assessment_id: int
    practice_key: str
    practice_title: str
    theme_label: str
    top_theme_label: str
    answer_count: int
    quotes: tuple[str, ...]
    survey_title: str
    question: str
    attached_by: str
    attached_at: datetime

    @property
    def label(self) -> str:
        """The theme's name, under its top-level theme's when that differs."""
        return joined_label(self.top_theme_label, self.theme_label)

    @property
    def size_text(self) -> str:
        return plural(self.answer_count, "answer")

    def summary(self) -> str:
        """One line: the theme, its size and where it comes from."""
        return (
            f"Survey theme '{self.label}' ({self.size_text} to '{self.question}' in "
            f"{self.survey_title})"
        )

    def export_text(self) -> str:
        """The evidence as one cell of an export: the summary, then the quotes."""
        quotes = "; ".join(f'"{quote}"' for quote in self.quotes)
        return f"{self.summary()}: {quotes}" if quotes else self.summary()


def joined_label(top_theme_label: str, theme_label: str) -> str:
    """'Top-level theme: sub-theme', or the sub-theme alone when the two names are the same."""
    top = top_theme_label.strip()
    if top and top.casefold() != theme_label.strip().casefold():
        return f"{top}: {theme_label}"
    return theme_label


def export_cell(evidence: Iterable[ThemeEvidence]) -> str:
    """Every theme attached to one practice's rating, as one export cell ("" for none)."""
    return " | ".join(item.export_text() for item in evidence)


def shorten(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """``text`` on one line, cut at a word to at most ``limit`` characters (with "...")."""
    tidy = " ".join(text.split())
    if len(tidy) <= limit:
        return tidy
    cut = tidy[: limit - 3].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return f"{cut}..."


def select_quotes(
    members: Sequence[tuple[float, int, str]],
    limit: int = MAX_QUOTES,
    max_chars: int = MAX_QUOTE_CHARS,
) -> tuple[str, ...]:
    """Up to ``limit`` short quotes from a theme's answers, the most typical first.

    ``members`` are (confidence, answer id, text): the higher the confidence, the closer the
    answer is to the theme's centre. Answers too short to say anything are left out, as is an
    answer that repeats one already chosen; answers that fit whole are preferred to ones that
    would be cut, among the most typical half of the theme.
    """
    ordered = sorted(members, key=lambda item: (-item[0], item[1]))
    usable = [text for _, _, text in ordered if len(" ".join(text.split())) >= MIN_QUOTE_CHARS]
    typical = usable[: max(limit, (len(usable) + 1) // 2)]
    preferred = [t for t in typical if len(" ".join(t.split())) <= max_chars]
    candidates = preferred + [t for t in usable if t not in preferred]
    chosen: list[str] = []
    seen: set[str] = set()
    for text in candidates:
        key = " ".join(text.split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        chosen.append(shorten(text, max_chars))
        if len(chosen) == limit:
            break
    return tuple(chosen)
