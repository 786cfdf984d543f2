"""The service-level clock stops while a request waits on the team, bank holidays and all."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ue_core.service_levels import (
    Targets,
    WaitingPeriod,
    clock_working_days,
    deadlines,
    due_date,
    paused_working_days,
    waiting_periods,
)

ADVICE = Targets(first_response_days=2, resolution_days=5)
SENT = datetime(2026, 12, 22, 10, 0, tzinfo=UTC)  # Tuesday


def at(day: int, month: int = 12, year: int = 2026, hour: int = 11) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


# Waits from Wednesday 23 to Tuesday 29 December 2026: Christmas Day, the weekend and the
# Boxing Day substitute (Monday 28th) are not working days, so only the 24th and 29th pause.
OVER_CHRISTMAS = [
    (SENT, "new"),
    (at(23), "in_progress"),
    (at(23, hour=15), "waiting_on_team"),
    (at(29), "in_progress"),
]


def test_waiting_periods_come_from_the_status_history_in_time_order() -> None:
    shuffled = [OVER_CHRISTMAS[3], OVER_CHRISTMAS[0], OVER_CHRISTMAS[2], OVER_CHRISTMAS[1]]
    assert waiting_periods(shuffled) == (WaitingPeriod(date(2026, 12, 23), date(2026, 12, 29)),)
    assert waiting_periods([(SENT, "new")]) == ()
    # Waiting again later, and still waiting: an open period.
    again = [*OVER_CHRISTMAS, (at(4, 1, 2027), "waiting_on_team")]
    assert waiting_periods(again)[-1] == WaitingPeriod(date(2027, 1, 4), None)
    # Entering "waiting" twice in a row is one period.
    twice = [(at(23), "waiting_on_team"), (at(24), "waiting_on_team"), (at(29), "resolved")]
    assert waiting_periods(twice) == (WaitingPeriod(date(2026, 12, 23), date(2026, 12, 29)),)


def test_bank_holidays_in_the_pause_are_not_paused_days() -> None:
    periods = waiting_periods(OVER_CHRISTMAS)
    assert paused_working_days(periods, date(2027, 1, 31)) == 2  # the 24th and the 29th
    assert paused_working_days(periods, date(2026, 12, 24)) == 1  # only up to the day given
    # An open period pauses up to today; overlapping periods count each day once.
    open_period = (WaitingPeriod(date(2026, 12, 23), None),)
    assert paused_working_days(open_period, date(2026, 12, 30)) == 3  # 24th, 29th, 30th
    overlapping = (*periods, WaitingPeriod(date(2026, 12, 22), date(2026, 12, 24)))
    assert paused_working_days(overlapping, date(2027, 1, 31)) == 3  # 23rd, 24th, 29th


def test_waiting_moves_the_due_dates_on_by_the_paused_working_days() -> None:
    # Without the pause: 23, 24, 29, 30 and 31 December.
    assert due_date(SENT, 5) == date(2026, 12, 31)
    # With it the 24th and 29th do not count: 23, 30, 31 December, then the 1 January bank
    # holiday and the weekend, so 4 and 5 January 2027.
    assert due_date(SENT, 5, waiting_periods(OVER_CHRISTMAS)) == date(2027, 1, 5)
    late = deadlines(
        ADVICE,
        SENT,
        date(2027, 1, 4),
        first_response_at=at(23),
        resolved_at=None,
        history=OVER_CHRISTMAS,
    )
    assert late.resolution_due == date(2027, 1, 5)
    assert not late.overdue
    # Without the history the same request is already overdue.
    assert deadlines(
        ADVICE, SENT, date(2027, 1, 4), first_response_at=at(23), resolved_at=None
    ).resolution_overdue


def test_a_request_still_waiting_is_never_late_while_it_waits() -> None:
    waiting = [(SENT, "new"), (at(22, hour=14), "waiting_on_team")]
    for today in (date(2027, 1, 4), date(2027, 3, 1)):
        found = deadlines(
            ADVICE, SENT, today, first_response_at=at(22), resolved_at=None, history=waiting
        )
        assert not found.overdue
        assert found.resolution_due > today


def test_waiting_after_the_due_date_does_not_excuse_the_lateness() -> None:
    history = [(SENT, "new"), (at(4, 1, 2027), "waiting_on_team")]
    found = deadlines(
        ADVICE,
        SENT,
        date(2027, 1, 6),
        first_response_at=at(22),
        resolved_at=None,
        history=history,
    )
    # Due on 31 December: the clock stopped on 4 January, after the due date had passed.
    assert found.resolution_due == date(2026, 12, 31)
    assert found.resolution_overdue


def test_working_days_the_clock_ran_leave_out_the_waiting() -> None:
    periods = waiting_periods(OVER_CHRISTMAS)
    resolved = at(5, 1, 2027)
    # 23, 24, 29, 30, 31 December, 4 and 5 January: 7 working days, 2 of them paused.
    assert clock_working_days(SENT, resolved) == 7
    assert clock_working_days(SENT, resolved, periods) == 5
    assert clock_working_days(SENT, SENT, periods) == 0
