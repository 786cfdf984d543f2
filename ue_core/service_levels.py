"""Service levels: working days to a first response and to resolution.

Working days are Monday to Friday except bank holidays in England and Wales, taken from the
maintained ``holidays`` package. Counting starts the working day after a request is sent (in UK
time), so a target of 2 working days for a request sent on Thursday 24 December 2026 falls due
on Wednesday 30 December: Christmas Day, the weekend and the Boxing Day substitute on Monday
28 December do not count. A request is overdue from the day after its due date.

The targets are content, in ``data/service_levels.yaml``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final

import holidays
from pydantic import BaseModel, ConfigDict, Field

from ue_core.content import load_model
from ue_core.timefmt import UK

DEFAULT_LEVELS_PATH: Final = Path(__file__).resolve().parents[1] / "data" / "service_levels.yaml"


@functools.cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count).

    Zero days gives ``start`` itself.
    """
    if days < 0:
        raise ValueError("days must be zero or more")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def uk_date(moment: datetime) -> date:
    return moment.astimezone(UK).date()


def due_date(sent_at: datetime, days: int) -> date:
    """The day a target of ``days`` working days falls due, for a request sent at ``sent_at``."""
    return add_working_days(uk_date(sent_at), days)


def is_overdue(due: date, today: date, done_at: datetime | None = None) -> bool:
    """Past its due day and not yet done."""
    return done_at is None and today > due


def latest_overdue_send_date(today: date, days: int) -> date:
    """The last send date (UK) whose ``days``-working-day target is already past on ``today``.

    Due dates never go backwards as the send date moves on, so a request is past its target
    exactly when it was sent on or before this date; the queue filters on it in the database.
    """
    day = today - timedelta(days=1)
    while add_working_days(day, days) >= today:
        day -= timedelta(days=1)
    return day


def start_of_uk_day_after(day: date) -> datetime:
    """Midnight (UK time) at the start of the day after ``day``, as an aware datetime."""
    following = day + timedelta(days=1)
    return datetime(following.year, following.month, following.day, tzinfo=UK)


class Targets(BaseModel):
    """Working days to a first response and to resolution."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first_response_days: int = Field(ge=0, le=60)
    resolution_days: int = Field(ge=1, le=250)


class ServiceLevels(BaseModel):
    """The default targets, and any kind of help with its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Targets
    by_kind: dict[str, Targets] = Field(default_factory=dict)

    def for_kind(self, kind: str) -> Targets:
        return self.by_kind.get(kind, self.default)


def load_service_levels(path: Path | None = None) -> ServiceLevels:
    """Load and validate a service levels file; ``ContentError`` names the key and line."""
    return load_model(DEFAULT_LEVELS_PATH if path is None else path, ServiceLevels)


@functools.cache
def shipped_service_levels() -> ServiceLevels:
    """The shipped targets, loaded once per process."""
    return load_service_levels()


@dataclass(frozen=True)
class Deadlines:
    """When a request's first response and resolution fall due, and whether either is late."""

    first_response_due: date
    resolution_due: date
    first_response_overdue: bool
    resolution_overdue: bool

    @property
    def overdue(self) -> bool:
        return self.first_response_overdue or self.resolution_overdue


def deadlines(
    targets: Targets,
    sent_at: datetime,
    today: date,
    *,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
) -> Deadlines:
    """A request's due dates and overdue flags on ``today``."""
    first_due = due_date(sent_at, targets.first_response_days)
    resolution_due = due_date(sent_at, targets.resolution_days)
    return Deadlines(
        first_response_due=first_due,
        resolution_due=resolution_due,
        first_response_overdue=is_overdue(first_due, today, first_response_at or resolved_at),
        resolution_overdue=is_overdue(resolution_due, today, resolved_at),
    )
