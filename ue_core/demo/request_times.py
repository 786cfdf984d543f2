"""When things happen to a demo request: working minutes, and a request's walk through the workflow.

Time is counted in working minutes from 9:00 (UK time) on ``FIRST_DAY``: eight hours a working
day, on working days only (weekends and bank holidays in England and Wales are skipped, as
``ue_core.service_levels`` counts them). A service-level due date is then the end of a working
day a number of working days on, whatever the calendar does in between.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from ue_core.service_levels import Targets, is_working_day
from ue_core.timefmt import UK
from ue_core.vocabulary import RequestStatus as S

__all__ = [
    "DAY",
    "DONE",
    "FIRST_DAY",
    "LAST_DAY",
    "Plan",
    "end_of_day",
    "last_minute",
    "moment",
    "plan_walk",
    "working_days",
]

#: The first and last working days of the demo's requests; nothing happens after LAST_DAY.
FIRST_DAY: Final = date(2025, 9, 1)
LAST_DAY: Final = date(2026, 10, 30)
DAY: Final = 8 * 60  # working minutes in a day, from 9:00 to 17:00
DONE: Final = frozenset({S.RESOLVED.value, S.CLOSED.value})


@functools.cache
def working_days() -> tuple[date, ...]:
    days, day = [], FIRST_DAY
    while day <= LAST_DAY:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def moment(minute: int) -> datetime:
    """The working minute ``minute`` (counted from 9:00 on FIRST_DAY) as a UTC time."""
    day = working_days()[minute // DAY]
    local = datetime.combine(day, time(9), tzinfo=UK) + timedelta(minutes=minute % DAY)
    return local.astimezone(UTC)


def end_of_day(minute: int, days_later: int = 0) -> int:
    """The last working minute of the working day ``days_later`` after ``minute``'s."""
    return (minute // DAY + days_later + 1) * DAY - 1


@dataclass
class Plan:
    """One request's walk through the workflow, in working minutes from its start."""

    statuses: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    late_first: bool = False
    late_resolution: bool = False

    def add(self, status: str, offset: int) -> None:
        self.statuses.append(status)
        self.offsets.append(offset)


def plan_walk(rng: random.Random, final: str, targets: Targets, start: int) -> Plan:
    """The statuses up to ``final`` and when each began, for a request sent at ``start``."""
    plan = Plan(late_first=rng.random() < 0.1, late_resolution=rng.random() < 0.15)
    plan.add(S.NEW.value, 0)
    order = [s.value for s in S]
    if final == S.NEW.value:
        return plan
    first_due = end_of_day(start, targets.first_response_days) - start
    if plan.late_first:
        now = first_due + rng.randint(1, 3 * DAY)
    else:
        now = rng.randint(min(20, first_due), max(20, first_due))
    plan.add(S.TRIAGED.value, now)
    loops = 0
    if final in (S.IN_PROGRESS.value, *DONE):
        loops = 1 if rng.random() < 0.35 else 0
    steps = [S.ASSIGNED.value, S.IN_PROGRESS.value]
    steps += [S.WAITING_ON_TEAM.value, S.IN_PROGRESS.value] * loops
    if final == S.WAITING_ON_TEAM.value:
        steps.append(S.WAITING_ON_TEAM.value)
    elif final in DONE:
        steps += order[order.index(S.RESOLVED.value) : order.index(final) + 1]
    elif final == S.TRIAGED.value:
        steps = []
    elif loops == 0:
        steps = steps[: steps.index(final) + 1]
    resolution_due = end_of_day(start, targets.resolution_days) - start
    for status in steps:
        if status == S.ASSIGNED.value:
            now += rng.randint(10, DAY)
        elif status == S.WAITING_ON_TEAM.value:
            now += rng.randint(4 * 60, 4 * DAY)
        elif status == S.IN_PROGRESS.value:
            previous = plan.statuses[-1]
            now += rng.randint(DAY, 6 * DAY) if previous == S.WAITING_ON_TEAM.value else 30
            now += rng.randint(0, 2 * DAY) if previous == S.ASSIGNED.value else 0
        elif status == S.RESOLVED.value:
            left = resolution_due - now
            if plan.late_resolution or left < 60:
                plan.late_resolution = True
                now += max(left, 0) + rng.randint(1, 10 * DAY)
            else:
                now += rng.randint(60, left)
        else:  # closed
            now += rng.randint(3 * DAY, 10 * DAY)
        plan.add(status, now)
    return plan


def last_minute() -> int:
    """The last working minute of ``LAST_DAY``."""
    return len(working_days()) * DAY - 1
