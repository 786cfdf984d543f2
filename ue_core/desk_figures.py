"""The hub's desk reports as figures: demand, timeliness, satisfaction and the backlog.

Pure code over facts the service (``services/requests/hub_reports.py``) loads: one
:class:`RequestFacts` per request, with its status history. Working days and due dates come
from ``ue_core.service_levels`` (bank holidays in England and Wales; the clock stops while the
hub waits on the team), so a breach here is a request the queue showed as overdue.

Disclosure control (``ue_core.disclosure``) is applied here, before anything reaches a page or
a download: a count, median or mean worked out from the requests of fewer than 5 teams is
hidden (``None``, shown as ``[c]``), and when exactly one count of a table is hidden the next
smallest is hidden too, so it cannot be worked out from the total.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from ue_core.disclosure import SUPPRESSED, is_disclosive, suppress_by_teams
from ue_core.service_levels import (
    StatusEntry,
    Targets,
    clock_working_days,
    deadlines,
    start_of_uk_day_after,
    uk_date,
    waiting_periods,
)

#: The area of a request no consultant has confirmed practice areas for.
NOT_TRIAGED = "not_triaged"
#: Statuses of requests the hub has finished with (RequestStatus values).
DONE = frozenset({"resolved", "closed"})
#: The statuses a request can be open in, in workflow order (RequestStatus values).
OPEN_ORDER = ("new", "triaged", "assigned", "in_progress", "waiting_on_team")
RATINGS = (1, 2, 3, 4, 5)

Month = tuple[int, int]  # (year, month)
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class RequestFacts:
    """What the reports need to know about one request."""

    request_id: int
    team_id: int
    organisation_id: int
    kind: str
    areas: tuple[str, ...]  # confirmed practice areas; none until triaged
    sent_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    status: str
    rating: int | None
    targets: Targets
    history: tuple[StatusEntry, ...]  # (when, status entered)

    @property
    def sent_on(self) -> date:
        return uk_date(self.sent_at)

    @property
    def month(self) -> Month:
        day = self.sent_on
        return (day.year, day.month)


@dataclass(frozen=True)
class Figure:
    """A median or mean from the requests of ``teams`` teams; ``None`` when hidden or none."""

    value: float | None
    teams: int

    def display(self, places: int = 1) -> str:
        if is_disclosive(self.teams):
            return SUPPRESSED
        return "[x]" if self.value is None else f"{self.value:.{places}f}"


def _figure(values: Sequence[float], teams: set[int]) -> Figure:
    if not values or is_disclosive(len(teams)):
        return Figure(None, len(teams))
    return Figure(float(statistics.median(values)), len(teams))


@dataclass(frozen=True)
class MonthTimeliness:
    """One month's requests: how quickly they were answered, and how many missed a target."""

    month: Month
    requests: int | None
    median_first_response: Figure  # working days the clock ran, sending to first response
    median_resolution: Figure  # working days the clock ran, sending to resolution
    first_response_breaches: int | None
    resolution_breaches: int | None


@dataclass(frozen=True)
class DemandRow:
    """One organisation: its requests beside its teams' average gap to target by principle."""

    organisation_id: int
    requests: int | None
    mean_gaps: Mapping[str, Figure]  # principle key -> mean gap (target minus score as shown)


@dataclass(frozen=True)
class DeskFigures:
    months: tuple[Month, ...]
    total: int | None
    by_month: Mapping[Month, int | None]
    by_kind: Mapping[str, int | None]
    by_area: Mapping[str, int | None]  # a request counts under each of its areas
    median_first_response: Figure
    median_resolution: Figure
    timeliness: tuple[MonthTimeliness, ...]
    ratings: Mapping[int, int | None]
    mean_rating: Figure
    backlog: Mapping[Month, Mapping[str, int | None]]  # month end -> open status -> count
    demand: tuple[DemandRow, ...]  # requests by organisation, beside the maturity of its teams


def months_between(start: date, end: date) -> tuple[Month, ...]:
    """Every month from ``start``'s to ``end``'s, in order (none when ``end`` is earlier)."""
    found: list[Month] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(found)


def month_end(month: Month) -> date:
    year, number = month
    following = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _counted(
    groups: Iterable[tuple[K, RequestFacts]], keys: Sequence[K]
) -> dict[K, tuple[int, int]]:
    requests: dict[K, int] = dict.fromkeys(keys, 0)
    teams: dict[K, set[int]] = defaultdict(set)
    for key, facts in groups:
        requests[key] = requests.get(key, 0) + 1
        teams[key].add(facts.team_id)
    return {key: (count, len(teams[key])) for key, count in requests.items()}


def _suppressed(
    requests: Sequence[RequestFacts],
    key: Callable[[RequestFacts], Iterable[K]],
    keys: Sequence[K] = (),
) -> dict[K, int | None]:
    """Requests counted under each of their keys, from fewer than 5 teams hidden."""
    return suppress_by_teams(_counted(((k, r) for r in requests for k in key(r)), keys))


def first_response_days(facts: RequestFacts) -> int | None:
    """Working days the clock ran from sending to the first response (None: none yet)."""
    done = facts.first_response_at or facts.resolved_at
    if done is None:
        return None
    return clock_working_days(facts.sent_at, done, waiting_periods(facts.history))


def resolution_days(facts: RequestFacts) -> int | None:
    """Working days the clock ran from sending to resolution (None: not resolved)."""
    if facts.resolved_at is None:
        return None
    return clock_working_days(facts.sent_at, facts.resolved_at, waiting_periods(facts.history))


def breaches(facts: RequestFacts, today: date) -> tuple[bool, bool]:
    """Whether the request missed its first-response and its resolution target: answered
    after the due date, or still not answered after it on ``today``."""
    found = deadlines(
        facts.targets,
        facts.sent_at,
        today,
        first_response_at=facts.first_response_at,
        resolved_at=facts.resolved_at,
        history=facts.history,
    )
    responded = facts.first_response_at or facts.resolved_at
    first = (
        found.first_response_overdue
        if responded is None
        else uk_date(responded) > found.first_response_due
    )
    resolved = (
        found.resolution_overdue
        if facts.resolved_at is None
        else uk_date(facts.resolved_at) > found.resolution_due
    )
    return first, resolved


def status_at(facts: RequestFacts, moment: datetime) -> str | None:
    """The request's status just before ``moment`` (None when it was not yet sent)."""
    if facts.sent_at >= moment:
        return None
    status = "new"
    for changed_at, entered in sorted(facts.history, key=lambda entry: entry[0]):
        if changed_at >= moment:
            break
        status = entered
    return status


def _timeliness(
    requests: Sequence[RequestFacts], months: Sequence[Month], today: date
) -> tuple[MonthTimeliness, ...]:
    in_month: dict[Month, list[RequestFacts]] = defaultdict(list)
    for facts in requests:
        in_month[facts.month].append(facts)
    missed = {facts.request_id: breaches(facts, today) for facts in requests}
    counts = {
        "requests": _suppressed(requests, lambda r: [r.month], months),
        "first": _suppressed(
            [r for r in requests if missed[r.request_id][0]], lambda r: [r.month], months
        ),
        "resolution": _suppressed(
            [r for r in requests if missed[r.request_id][1]], lambda r: [r.month], months
        ),
    }
    rows = []
    for month in months:
        items = in_month.get(month, [])
        rows.append(
            MonthTimeliness(
                month=month,
                requests=counts["requests"][month],
                median_first_response=_median(items, first_response_days),
                median_resolution=_median(items, resolution_days),
                first_response_breaches=counts["first"][month],
                resolution_breaches=counts["resolution"][month],
            )
        )
    return tuple(rows)


def _median(items: Iterable[RequestFacts], days: Callable[[RequestFacts], int | None]) -> Figure:
    values: list[float] = []
    teams: set[int] = set()
    for facts in items:
        found = days(facts)
        if found is not None:
            values.append(found)
            teams.add(facts.team_id)
    return _figure(values, teams)


def _backlog(
    requests: Sequence[RequestFacts], months: Sequence[Month], today: date
) -> dict[Month, dict[str, int | None]]:
    """Open requests at the end of each month (up to today), by the status they were in."""
    result: dict[Month, dict[str, int | None]] = {}
    for month in months:
        end = min(month_end(month), today)
        moment = start_of_uk_day_after(end)
        cells: dict[str, list[int]] = {status: [] for status in OPEN_ORDER}
        for facts in requests:
            status = status_at(facts, moment)
            if status is not None and status not in DONE:
                cells.setdefault(status, []).append(facts.team_id)
        result[month] = suppress_by_teams(
            {status: (len(teams), len(set(teams))) for status, teams in cells.items()}
        )
    return result


def _ratings(requests: Sequence[RequestFacts]) -> tuple[dict[int, int | None], Figure]:
    rated = [r for r in requests if r.rating is not None and r.status in DONE]
    counts = _suppressed(rated, lambda r: [r.rating or 0], RATINGS)
    teams = {r.team_id for r in rated}
    values = [float(r.rating or 0) for r in rated]
    mean = (
        Figure(statistics.fmean(values), len(teams))
        if values and not is_disclosive(len(teams))
        else Figure(None, len(teams))
    )
    return counts, mean


def _demand(
    requests: Sequence[RequestFacts],
    organisation_ids: Sequence[int],
    gaps: Mapping[int, Mapping[int, Mapping[str, float]]],
    principle_keys: Sequence[str],
) -> tuple[DemandRow, ...]:
    """``gaps``: organisation -> team -> principle key -> gap of its latest submitted scores."""
    counts = _suppressed(requests, lambda r: [r.organisation_id], organisation_ids)
    rows = []
    for org_id in organisation_ids:
        teams = gaps.get(org_id, {})
        mean_gaps = {}
        for key in principle_keys:
            values = [team[key] for team in teams.values() if key in team]
            mean_gaps[key] = (
                Figure(statistics.fmean(values), len(values))
                if values and not is_disclosive(len(values))
                else Figure(None, len(values))
            )
        rows.append(
            DemandRow(
                organisation_id=org_id,
                requests=counts[org_id],
                mean_gaps=mean_gaps,
            )
        )
    return tuple(rows)


def desk_figures(
    requests: Sequence[RequestFacts],
    *,
    start: date,
    end: date,
    today: date,
    kinds: Sequence[str],
    areas: Sequence[str],
    organisation_ids: Sequence[int],
    gaps: Mapping[int, Mapping[int, Mapping[str, float]]],
    principle_keys: Sequence[str],
) -> DeskFigures:
    """Every figure of the desk reports for requests sent from ``start`` to ``end`` (UK dates).

    ``kinds``, ``areas`` and ``organisation_ids`` are the rows each table lists even with no
    requests; ``gaps`` and ``principle_keys`` feed the demand against maturity table.
    """
    chosen = [r for r in requests if start <= r.sent_on <= end]
    months = months_between(start, min(end, today))
    totals = suppress_by_teams({"all": (len(chosen), len({r.team_id for r in chosen}))})
    by_kind = _suppressed(chosen, lambda r: [r.kind], kinds)
    by_area = _suppressed(chosen, lambda r: r.areas or (NOT_TRIAGED,), [*areas, NOT_TRIAGED])
    ratings, mean_rating = _ratings(chosen)
    return DeskFigures(
        months=months,
        total=totals["all"],
        by_month=_suppressed(chosen, lambda r: [r.month], months),
        by_kind=by_kind,
        by_area=by_area,
        median_first_response=_median(chosen, first_response_days),
        median_resolution=_median(chosen, resolution_days),
        timeliness=_timeliness(chosen, months, today),
        ratings=ratings,
        mean_rating=mean_rating,
        backlog=_backlog([r for r in requests if r.sent_on <= end], months, today),
        demand=_demand(chosen, organisation_ids, gaps, principle_keys),
    )
