"""The suggested priority of a request: from the date it must fit and the team's gap.

A request needed soon is high priority; one about an area where the team is far short of its
target moves up, one where the team already meets its target moves down. The rule is plain
arithmetic on two signals (see :func:`suggest_priority`); its confidence is lower when a signal
is missing or rests on an uncertain practice area, and below :data:`PRIORITY_THRESHOLD` the
suggestion says "needs a person".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from ue_core.service_levels import working_days_between
from ue_core.timefmt import format_date
from ue_core.vocabulary import RequestPriority

#: Needed within this many working days: urgent.
URGENT_DAYS: Final = 10
#: Needed within this many working days: soon.
SOON_DAYS: Final = 30
#: A mean shortfall of this many levels or more on the area is a large gap.
LARGE_GAP: Final = Decimal("1.0")
#: Below this confidence the priority needs a person.
PRIORITY_THRESHOLD: Final = 0.6


@dataclass(frozen=True)
class PrioritySuggestion:
    """A suggested priority; ``priority`` is None when it needs a person."""

    priority: RequestPriority | None
    best_guess: RequestPriority
    confidence: float
    why: tuple[str, ...]

    @property
    def needs_person(self) -> bool:
        return self.priority is None


def _date_points(needed_by: date | None, today: date) -> tuple[int, str | None]:
    if needed_by is None:
        return 0, None
    days = max(0, working_days_between(today, needed_by))
    when = f"Needed by {format_date(needed_by)}, in {days} working day{'s' if days != 1 else ''}"
    if days <= URGENT_DAYS:
        return 3, f"{when}: urgent."
    if days <= SOON_DAYS:
        return 1, f"{when}: soon."
    return 0, f"{when}: there is time."


def _gap_points(gap: Decimal | None, area_label: str) -> tuple[int, str | None]:
    if gap is None:
        return 0, None
    if gap >= LARGE_GAP:
        return 1, f"The team is {gap} levels short of its target on {area_label}: a large gap."
    if gap > 0:
        return 0, f"The team is {gap} levels short of its target on {area_label}."
    return -1, f"The team meets its targets on {area_label}."


def suggest_priority(
    needed_by: date | None,
    today: date,
    gap: Decimal | None,
    area_label: str,
    area_confidence: float,
) -> PrioritySuggestion:
    """The priority from the date the help must fit and the team's gap on the request's area.

    Points: needed within :data:`URGENT_DAYS` working days 3, within :data:`SOON_DAYS` 1; a
    large gap 1, no gap -1. Two or more is high, below zero low, otherwise normal. ``gap`` is
    the team's mean shortfall against its targets on the suggested area (None with no scores)
    and ``area_confidence`` how sure the area suggestion is.
    """
    date_points, date_why = _date_points(needed_by, today)
    gap_points, gap_why = _gap_points(gap, area_label)
    points = date_points + gap_points
    if points >= 2:
        best = RequestPriority.HIGH
    elif points < 0:
        best = RequestPriority.LOW
    else:
        best = RequestPriority.NORMAL
    why = tuple(reason for reason in (date_why, gap_why) if reason)
    if date_points == 3:
        confidence = 0.9  # an urgent date decides on its own
    else:
        known = len(why)
        confidence = (0.4, 0.7, 0.85)[known]
        if gap_why is not None:
            confidence *= 0.5 + 0.5 * area_confidence  # the gap is only as sure as its area
    if not why:
        why = ("No date to fit and no scores for the team yet.",)
    return PrioritySuggestion(
        priority=best if confidence >= PRIORITY_THRESHOLD else None,
        best_guess=best,
        confidence=confidence,
        why=why,
    )
