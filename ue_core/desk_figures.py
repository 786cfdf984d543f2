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
from functools import cached_property
from typing import TypeVar

from ue_core.disclosure import SUPPRESSED, is_disclosive, suppress_by_teams
from ue_core.service_levels import (
    StatusEntry,
    Targets,
    WaitingPeriod,
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

    # Worked out once for each request (the service keeps the facts between pages).

    @cached_property
    def sent_on(self) -> date:
        return uk_date(self.sent_at)

    @cached_property
    def month(self) -> Month:
        return (self.sent_on.year, self.sent_on.month)

    @cached_property
    def timeline(self) -> tuple[StatusEntry, ...]:
        """The status history in time order."""
        return tuple(sorted(self.history, key=lambda entry: entry[0]))

    @cached_property
    def periods(self) -> tuple[WaitingPeriod, ...]:
        return waiting_periods(self.timeline)

    @cached_property
    def first_response_days(self) -> int | None:
        """Working days the clock ran from sending to the first response (None: none yet)."""
        done = self.first_response_at or self.resolved_at
        return None if done is None else clock_working_days(self.sent_at, done, self.periods)

    @cached_property
    def resolution_days(self) -> int | None:
        """Working days the clock ran from sending to resolution (None: not resolved)."""
        if self.resolved_at is None:
            return None
        return clock_working_days(self.sent_at, self.resolved_at, self.periods)

    @cached_property
    def _due_dates(self) -> tuple[date, date]:
        return self._due_on(date.max)

    def _due_on(self, today: date) -> tuple[date, date]:
        found = deadlines(
            self.targets,
            self.sent_at,
            today,
            first_response_at=self.first_response_at,
            resolved_at=self.resolved_at,
            history=self.timeline,
        )
        return found.first_response_due, found.resolution_due

    @cached_property
    def _due_by_day(self) -> dict[date, tuple[date, date]]:
        return {}

    def due_dates(self, today: date) -> tuple[date, date]:
        """When the first response and the resolution fall due, as on ``today`` (which only
        matters while the request still waits on the team)."""
        if not self.periods or self.periods[-1].ended is not None:
            return self._due_dates
        if today not in self._due_by_day:
            self._due_by_day[today] = self._due_on(today)
        return self._due_by_day[today]


def assumed_history(
    sent_at: datetime,
    status: str,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
) -> tuple[StatusEntry, ...]:
    """A history for a request with none recorded (sent before statuses were kept): new when
    sent, its status now from its first response (or when sent), and resolved when resolved."""
    history: list[StatusEntry] = [(sent_at, "new")]
    if status in DONE and resolved_at is not None:
        if first_response_at is not None and first_response_at < resolved_at:
            history.append((first_response_at, "in_progress"))
        history.append((resolved_at, status))
    elif status != "new":
        history.append((first_response_at or sent_at, status))
    return tuple(history)


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


def breaches(facts: RequestFacts, today: date) -> tuple[bool, bool]:
    """Whether the request missed its first-response and its resolution target: answered
    after the due date, or still not answered after it on ``today``."""
    first_due, resolution_due = facts.due_dates(today)
    responded = facts.first_response_at or facts.resolved_at
    first = today > first_due if responded is None else uk_date(responded) > first_due
    resolved = (
        today > resolution_due
        if facts.resolved_at is None
        else uk_date(facts.resolved_at) > resolution_due
    )
    return first, resolved


def status_at(facts: RequestFacts, moment: datetime) -> str | None:
    """The request's status just before ``moment`` (None when it was not yet sent)."""
    return statuses_at(facts, [moment])[0]


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
                median_first_response=_median(items, _to_first_response),
                median_resolution=_median(items, _to_resolution),
                first_response_breaches=counts["first"][month],
                resolution_breaches=counts["resolution"][month],
            )
        )
    return tuple(rows)


def _to_first_response(facts: RequestFacts) -> int | None:
    return facts.first_response_days


def _to_resolution(facts: RequestFacts) -> int | None:
    return facts.resolution_days


def _median(items: Iterable[RequestFacts], days: Callable[[RequestFacts], int | None]) -> Figure:
    values: list[float] = []
    teams: set[int] = set()
    for facts in items:
        found = days(facts)
        if found is not None:
            values.append(found)
            teams.add(facts.team_id)
    return _figure(values, teams)


def statuses_at(facts: RequestFacts, moments: Sequence[datetime]) -> list[str | None]:
    """The request's status just before each of ``moments`` (in time order), in one pass."""
    found: list[str | None] = []
    timeline, index, status = facts.timeline, 0, "new"
    for moment in moments:
        if facts.sent_at >= moment:
            found.append(None)
            continue
        while index < len(timeline) and timeline[index][0] < moment:
            status = timeline[index][1]
            index += 1
        found.append(status)
    return found


def _backlog(
    requests: Sequence[RequestFacts], months: Sequence[Month], today: date
) -> dict[Month, dict[str, int | None]]:
    """Open requests at the end of each month (up to today), by the status they were in."""
    moments = [start_of_uk_day_after(min(month_end(month), today)) for month in months]
    cells: list[dict[str, list[int]]] = [{status: [] for status in OPEN_ORDER} for _ in months]
    for facts in requests:
        for column, status in zip(cells, statuses_at(facts, moments), strict=True):
            if status is not None and status not in DONE:
                column.setdefault(status, []).append(facts.team_id)
    return {
        month: suppress_by_teams(
            {status: (len(teams), len(set(teams))) for status, teams in column.items()}
        )
        for month, column in zip(months, cells, strict=True)
    }


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
        median_first_response=_median(chosen, _to_first_response),
        median_resolution=_median(chosen, _to_resolution),
        timeliness=_timeliness(chosen, months, today),
        ratings=ratings,
        mean_rating=mean_rating,
        backlog=_backlog([r for r in requests if r.sent_on <= end], months, today),
        demand=_demand(chosen, organisation_ids, gaps, principle_keys),
    )
