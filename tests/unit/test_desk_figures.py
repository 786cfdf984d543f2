"""The desk reports' figures: counts, medians, breaches, satisfaction, backlog and demand
against maturity, with [c] wherever a figure comes from fewer than 5 teams."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

import pytest

from ue_core.desk_figures import (
    NOT_TRIAGED,
    DeskFigures,
    Figure,
    RequestFacts,
    assumed_history,
    breaches,
    desk_figures,
    month_end,
    months_between,
    status_at,
)
from ue_core.disclosure import suppress_by_teams
from ue_core.service_levels import StatusEntry, Targets
from ue_core.services.requests.hub_reports import DeskFilters, default_filters

ADVICE = Targets(first_response_days=2, resolution_days=5)
TODAY = date(2027, 2, 15)


def at(day: int, month: int = 12, year: int = 2026, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


FIRST_OF_DECEMBER = at(1)


def facts(
    request_id: int,
    team_id: int,
    *,
    sent: datetime = FIRST_OF_DECEMBER,
    organisation_id: int = 1,
    kind: str = "advice",
    areas: tuple[str, ...] = (),
    first: datetime | None = None,
    resolved: datetime | None = None,
    status: str | None = None,
    rating: int | None = None,
    history: Sequence[StatusEntry] = (),
) -> RequestFacts:
    return RequestFacts(
        request_id=request_id,
        team_id=team_id,
        organisation_id=organisation_id,
        kind=kind,
        areas=areas,
        sent_at=sent,
        first_response_at=first,
        resolved_at=resolved,
        status=status or ("resolved" if resolved else "new"),
        rating=rating,
        targets=ADVICE,
        history=tuple(history) or ((sent, "new"),),
    )


def figures(
    requests: Sequence[RequestFacts], gaps: Mapping[int, Mapping[int, Mapping[str, float]]] = {}
) -> DeskFigures:
    return desk_figures(
        requests,
        start=date(2026, 12, 1),
        end=date(2027, 1, 31),
        today=TODAY,
        kinds=["advice", "training"],
        areas=["listen", "act"],
        organisation_ids=[1, 2],
        gaps=gaps,
        principle_keys=["p1"],
    )


def test_months_and_month_ends() -> None:
    assert months_between(date(2026, 11, 20), date(2027, 1, 3)) == (
        (2026, 11),
        (2026, 12),
        (2027, 1),
    )
    assert months_between(date(2027, 1, 3), date(2026, 11, 20)) == ()
    assert month_end((2026, 12)) == date(2026, 12, 31)
    assert month_end((2028, 2)) == date(2028, 2, 29)


def test_working_days_leave_out_the_waiting_and_bank_holidays() -> None:
    waited = facts(
        1,
        1,
        sent=at(22),
        first=at(23),
        resolved=at(5, 1, 2027),
        history=[(at(22), "new"), (at(23, hour=15), "waiting_on_team"), (at(29), "in_progress")],
    )
    assert waited.first_response_days == 1
    # 23, 24, 29, 30, 31 December, 4 and 5 January; the 24th and 29th were paused.
    assert waited.resolution_days == 5
    assert breaches(waited, TODAY) == (False, False)  # due on 5 January because of the pause
    assert facts(2, 1).resolution_days is None


def test_breaches_are_late_answers_or_still_unanswered_after_the_due_date() -> None:
    answered_late = facts(1, 1, sent=at(1), first=at(7), resolved=at(9))
    assert breaches(answered_late, TODAY) == (True, True)  # due 3 and 8 December
    unanswered = facts(2, 1, sent=at(1))
    assert breaches(unanswered, date(2026, 12, 3)) == (False, False)
    assert breaches(unanswered, date(2026, 12, 4)) == (True, False)
    assert breaches(unanswered, date(2026, 12, 9)) == (True, True)


def test_a_request_with_no_recorded_history_gets_one_from_its_times() -> None:
    assert assumed_history(at(1), "new", None, None) == ((at(1), "new"),)
    assert assumed_history(at(1), "closed", at(2), at(3)) == (
        (at(1), "new"),
        (at(2), "in_progress"),
        (at(3), "closed"),
    )
    assert assumed_history(at(1), "waiting_on_team", at(2), None)[-1] == (
        at(2),
        "waiting_on_team",
    )


def test_status_at_a_moment_follows_the_history() -> None:
    request = facts(
        1, 1, sent=at(1), history=[(at(1), "new"), (at(3), "in_progress"), (at(5), "resolved")]
    )
    assert status_at(request, at(1, hour=9)) is None  # not sent yet
    assert status_at(request, at(2)) == "new"
    assert status_at(request, at(4)) == "in_progress"
    assert status_at(request, at(6)) == "resolved"


def test_counts_from_fewer_than_five_teams_are_hidden_with_a_second_to_protect_them() -> None:
    # December: 6 requests from 6 teams. January: 3 requests from 2 teams.
    december = [facts(n, n, sent=at(2), areas=("listen",)) for n in range(1, 7)]
    january = [facts(10 + n, 1 + n % 2, sent=at(5, 1, 2027), kind="training") for n in range(3)]
    found = figures([*december, *january])
    assert found.total == 9
    # January is hidden; only one hidden in the row, so December (the smallest shown) is too.
    assert found.by_month == {(2026, 12): None, (2027, 1): None}
    assert found.by_kind == {"advice": None, "training": None}
    by_area = found.by_area
    # "Not triaged" (January's 2 teams) is hidden, and then the smallest shown count too.
    assert by_area == {"listen": None, "act": 0, NOT_TRIAGED: None}
    assert suppress_by_teams({"a": (7, 7), "b": (0, 0)}) == {"a": 7, "b": 0}


def test_medians_breaches_and_satisfaction_need_five_teams() -> None:
    resolved = [
        facts(n, n, sent=at(1), first=at(2), resolved=at(1 + n + 2), rating=n % 5 + 1)
        for n in range(1, 6)
    ]
    found = figures(resolved)
    assert found.median_first_response == Figure(1.0, 5)
    # Sent on Tuesday 1 December, resolved on the 4th to the 8th: 3, 3, 3 (a weekend), 4
    # and 5 working days.
    assert found.median_resolution.value == 3.0
    december = found.timeliness[0]
    assert (december.requests, december.first_response_breaches) == (5, 0)
    assert december.resolution_breaches == 0  # all due on the 8th
    assert found.ratings == {1: None, 2: None, 3: None, 4: None, 5: None}
    assert found.mean_rating == Figure(3.0, 5)
    few = figures(resolved[:4])
    assert few.median_resolution.display() == "[c]"
    assert few.mean_rating.value is None


def test_backlog_counts_open_requests_at_each_month_end_by_status() -> None:
    requests = [
        facts(
            n,
            n,
            sent=at(1),
            history=[(at(1), "new"), (at(3), "in_progress"), (at(10, 1, 2027), "resolved")],
            resolved=at(10, 1, 2027),
        )
        for n in range(1, 6)
    ]
    found = figures(requests)
    backlog = found.backlog
    assert backlog[(2026, 12)]["in_progress"] == 5
    assert backlog[(2026, 12)]["new"] == 0
    assert backlog[(2027, 1)]["in_progress"] == 0


def test_demand_sets_requests_beside_the_average_gap_of_the_organisations_teams() -> None:
    requests = [facts(n, n, organisation_id=1) for n in range(1, 6)]
    gaps = {1: {n: {"p1": 0.5 * n} for n in range(1, 6)}, 2: {9: {"p1": 1.0}}}
    found = figures(requests, gaps=gaps)
    first, second = found.demand
    assert first.requests == 5
    assert first.mean_gaps["p1"] == Figure(1.5, 5)
    assert second.requests == 0
    assert second.mean_gaps["p1"].display() == "[c]"  # one team's gap


def test_the_date_range_picks_requests_by_their_uk_send_date() -> None:
    # 23:30 UTC on 30 November 2026 is still 30 November in the UK (GMT).
    late_november = facts(1, 1, sent=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    assert figures([late_november]).total == 0
    with pytest.raises(ValueError):
        suppress_by_teams({"a": (-1, 0)})


def test_the_default_period_is_the_twelve_months_up_to_today() -> None:
    assert default_filters(date(2026, 12, 3)) == DeskFilters(date(2026, 1, 1), date(2026, 12, 3))
    assert default_filters(date(2026, 11, 30)) == DeskFilters(date(2025, 12, 1), date(2026, 11, 30))
