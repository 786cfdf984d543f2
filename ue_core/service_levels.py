"""Service levels: working days to a first response and to resolution.

Working days are Monday to Friday except bank holidays in England and Wales, taken from the
maintained ``holidays`` package. Counting starts the working day after a request is sent (in UK
time), so a target of 2 working days for a request sent on Thursday 24 December 2026 falls due
on Wednesday 30 December: Christmas Day, the weekend and the Boxing Day substitute on Monday
28 December do not count. A request is overdue from the day after its due date.

The clock stops while the hub waits on the team: every working day after the day a request
entered "waiting on the team", up to and including the day it left that status (or today, while
it still waits), is paused and moves both due dates on by a day (:func:`waiting_periods`,
:func:`paused_working_days`). The status history is the ``request_status_change`` table.

The targets are content, in ``data/service_levels.yaml``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final

import holidays
from pydantic import BaseModel, ConfigDict, Field

from ue_core.content import load_model
from ue_core.timefmt import UK, uk_today

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


#: The status in which the service-level clock stops (RequestStatus.WAITING_ON_TEAM's value).
WAITING_STATUS: Final = "waiting_on_team"


@dataclass(frozen=True)
class WaitingPeriod:
    """A time the request waited on the team: from the UK day it entered "waiting on the team"
    to the UK day it left (``None`` while it still waits)."""

    started: date
    ended: date | None

    def paused_days(self, today: date) -> frozenset[date]:
        """The working days this period stops the clock: those after the day it started, up
        to and including the day it ended (``today``, for a period still open)."""
        end = today if self.ended is None else self.ended
        days: set[date] = set()
        day = self.started
        while day < end:
            day += timedelta(days=1)
            if is_working_day(day):
                days.add(day)
        return frozenset(days)


#: One entry of a request's status history: when it entered a status, and the status.
StatusEntry = tuple[datetime, str]


def waiting_periods(history: Iterable[StatusEntry]) -> tuple[WaitingPeriod, ...]:
    """The periods a request waited on the team, from each status it entered (any order)."""
    periods: list[WaitingPeriod] = []
    started: date | None = None
    for moment, status in sorted(history, key=lambda entry: entry[0]):
        if status == WAITING_STATUS:
            if started is None:
                started = uk_date(moment)
        elif started is not None:
            periods.append(WaitingPeriod(started, uk_date(moment)))
            started = None
    if started is not None:
        periods.append(WaitingPeriod(started, None))
    return tuple(periods)


def _paused(periods: Iterable[WaitingPeriod], today: date) -> frozenset[date]:
    return frozenset().union(*(period.paused_days(today) for period in periods))


def paused_working_days(periods: Iterable[WaitingPeriod], until: date) -> int:
    """How many working days up to ``until`` the clock was stopped (overlaps counted once)."""
    return sum(1 for day in _paused(periods, until) if day <= until)


def clock_working_days(
    sent_at: datetime, done_at: datetime, periods: Sequence[WaitingPeriod] = ()
) -> int:
    """Working days from sending to ``done_at`` that the clock ran: waiting days not counted."""
    start, end = uk_date(sent_at), uk_date(done_at)
    paused = sum(1 for day in _paused(periods, end) if start < day <= end)
    return max(0, working_days_between(start, end) - paused)


def due_date(
    sent_at: datetime,
    days: int,
    periods: Sequence[WaitingPeriod] = (),
    today: date | None = None,
) -> date:
    """The day a target of ``days`` working days falls due, for a request sent at ``sent_at``,
    with the clock stopped while it waited on the team (``periods``; an open period counts up
    to ``today``)."""
    start = uk_date(sent_at)
    if not periods:
        return add_working_days(start, days)
    paused = _paused(periods, today or uk_today())
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day) and day not in paused:
            counted += 1
    return day


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
    history: Iterable[StatusEntry] = (),
) -> Deadlines:
    """A request's due dates and overdue flags on ``today``; the clock stops while the request
    waited on the team, as its status ``history`` says."""
    periods = waiting_periods(history)
    first_due = due_date(sent_at, targets.first_response_days, periods, today)
    resolution_due = due_date(sent_at, targets.resolution_days, periods, today)
    return Deadlines(
        first_response_due=first_due,
        resolution_due=resolution_due,
        first_response_overdue=is_overdue(first_due, today, first_response_at or resolved_at),
        resolution_overdue=is_overdue(resolution_due, today, resolved_at),
    )
