"""The forum register's rules, pure: a forum's status, how much two forums overlap, which
themes a team's statistics are on, and whether a team's working-together practices are weak.

Status. A forum is *closed* once the hub has closed it (kept in the register's history). Else
the hub may set it *active* or *lapsed* by hand (a forum that runs mostly online, or one the hub
knows has stopped); otherwise it is *lapsed* when its last meeting is longer ago than its
meeting frequency allows (``data/forum_themes.yaml``), or it has never met, and *active*
otherwise.

Overlap. Two forums overlap by the Jaccard index of their themes and of their organisations
(host and members together): the number shared over the number in either. The join-up score
weighs themes 0.6 and organisations 0.4, since forums on the same topics duplicate each
other's work even when different organisations run them: a pair with the same themes and
no organisation in common scores 0.6; with the same organisations and no theme in common,
0.4.

Weak working together. For each working-together practice the team rated, the gap is the
target of the practice's principle minus the practice's level, the same "target minus the
score as shown" rule the Results page uses for principles; a gap above 0 is weak. Without a
target there is no gap, so nothing is called weak.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import combinations
from typing import Final

from ue_core.errors import InputError

MAX_URL: Final = 500

THEME_WEIGHT: Final = 0.6
ORGANISATION_WEIGHT: Final = 0.4


class ForumStatus(StrEnum):
    ACTIVE = "active"
    LAPSED = "lapsed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


#: The statuses the hub may set by hand (closing is its own action).
SETTABLE: Final = (ForumStatus.ACTIVE, ForumStatus.LAPSED)


def derived_status(last_met: date | None, lapses_after_days: int, today: date) -> ForumStatus:
    """Active if the forum met within ``lapses_after_days`` of ``today``; else lapsed."""
    if last_met is None or (today - last_met).days > lapses_after_days:
        return ForumStatus.LAPSED
    return ForumStatus.ACTIVE


def forum_status(
    *,
    closed_on: date | None,
    status_set: ForumStatus | None,
    last_met: date | None,
    lapses_after_days: int,
    today: date,
) -> ForumStatus:
    """The status shown: closed, else the one the hub set, else derived from the last meeting."""
    if closed_on is not None and closed_on <= today:
        return ForumStatus.CLOSED
    if status_set is not None:
        return status_set
    return derived_status(last_met, lapses_after_days, today)


def active_in_period(
    meetings: Iterable[date],
    lapses_after_days: int,
    closed_on: date | None,
    start: date,
    end: date,
) -> bool:
    """Whether a forum was active at some time from ``start`` to ``end`` (both included).

    It was, when it met in the period, or met recently enough before it that it had not lapsed
    by ``start``; a forum closed before ``start`` was not. (A status the hub set by hand is
    not dated, so it counts only for the status shown today.)
    """
    if closed_on is not None and closed_on < start:
        return False
    earliest = start - timedelta(days=lapses_after_days)
    return any(earliest <= met <= end for met in meetings)


def check_web_address(url: str) -> str:
    """A web address as entered, tidied; empty stays empty. InputError says what to change."""
    address = url.strip()
    if not address:
        return ""
    if len(address) > MAX_URL:
        raise InputError(f"The web address must be {MAX_URL} characters or fewer.")
    host = address.removeprefix("https://").split("/", 1)[0]
    if not address.startswith("https://") or "." not in host or any(c.isspace() for c in address):
        raise InputError(
            "Enter the web address in full, starting https://, like https://www.statsusernet.org.uk"
        )
    return address


# --- Overlap between forums ------------------------------------------------------------------


def jaccard(a: frozenset[str] | frozenset[int], b: frozenset[str] | frozenset[int]) -> float:
    """Shared over either: 1 for the same non-empty sets, 0 when nothing is shared."""
    either = a | b
    return len(a & b) / len(either) if either else 0.0


@dataclass(frozen=True)
class ForumFacts:
    """What the overlap score looks at: a forum's themes and organisations (host and members)."""

    forum_id: int
    name: str
    themes: frozenset[str]
    organisations: frozenset[int]


@dataclass(frozen=True)
class Overlap:
    """Two forums, what they share and their join-up score (0 to 1)."""

    first: ForumFacts
    second: ForumFacts
    shared_themes: frozenset[str]
    shared_organisations: frozenset[int]
    theme_overlap: float
    organisation_overlap: float

    @property
    def score(self) -> float:
        return THEME_WEIGHT * self.theme_overlap + ORGANISATION_WEIGHT * self.organisation_overlap

    def reason(self, theme_label: Mapping[str, str], organisation_name: Mapping[int, str]) -> str:
        """Why the pair is listed, in words: the themes and organisations they share."""
        parts = []
        if self.shared_themes:
            labels = sorted(theme_label.get(k, k) for k in self.shared_themes)
            parts.append(f"Both cover {_and_list(labels)}")
        if self.shared_organisations:
            names = sorted(organisation_name.get(i, str(i)) for i in self.shared_organisations)
            parts.append(f"both include {_and_list(names)}")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "." if text else "Nothing shared."


def _and_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def overlap(first: ForumFacts, second: ForumFacts) -> Overlap:
    return Overlap(
        first=first,
        second=second,
        shared_themes=first.themes & second.themes,
        shared_organisations=first.organisations & second.organisations,
        theme_overlap=jaccard(first.themes, second.themes),
        organisation_overlap=jaccard(first.organisations, second.organisations),
    )


def overlapping_pairs(
    forums: Iterable[ForumFacts], *, min_score: float = 0.0, limit: int | None = None
) -> list[Overlap]:
    """Every pair of forums sharing something and scoring at least ``min_score``, highest
    first (ties by the forums' names), at most ``limit`` of them."""
    ordered = sorted(forums, key=lambda f: (f.name.casefold(), f.forum_id))
    pairs = [
        found
        for a, b in combinations(ordered, 2)
        if (found := overlap(a, b)).score > 0 and found.score >= min_score
    ]
    pairs.sort(
        key=lambda p: (-round(p.score, 9), p.first.name.casefold(), p.second.name.casefold())
    )
    return pairs if limit is None else pairs[:limit]


# --- A team's topics and its working-together practices --------------------------------------


def _pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(keyword) + r"(?![a-z0-9])")


def themes_in_text(
    texts: Iterable[str], keywords: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    """Which themes the texts are on: theme key -> the keywords found (whole words, any case)."""
    joined = "\n".join(texts).casefold()
    found: dict[str, tuple[str, ...]] = {}
    for theme, words in keywords.items():
        hits = tuple(word for word in words if _pattern(word.casefold()).search(joined))
        if hits:
            found[theme] = hits
    return found


@dataclass(frozen=True)
class PracticeGap:
    """A working-together practice rated below its principle's target."""

    practice_key: str
    title: str
    level: int
    target: int

    @property
    def gap(self) -> int:
        return self.target - self.level


def weak_practices(
    levels: Mapping[str, int | None],
    principle_of: Mapping[str, str],
    targets: Mapping[str, int | None],
    titles: Mapping[str, str],
    practice_keys: Sequence[str],
) -> list[PracticeGap]:
    """The practices of ``practice_keys`` rated below their principle's target, in order.

    ``levels`` holds each practice's agreed level (None when not rated or not applicable),
    ``principle_of`` each practice's principle and ``targets`` each principle's target level.
    """
    weak = []
    for key in practice_keys:
        level = levels.get(key)
        target = targets.get(principle_of.get(key, ""))
        if level is not None and target is not None and target - level > 0:
            weak.append(PracticeGap(key, titles.get(key, key), level, target))
    return weak
