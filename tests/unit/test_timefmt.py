from __future__ import annotations

from datetime import UTC, date, datetime

from ue_core.timefmt import format_date, format_datetime, uk_today


def test_dates_follow_govuk_style() -> None:
    assert format_date(date(2026, 11, 1)) == "1 November 2026"
    assert format_date(None) == ""


def test_times_are_shown_in_uk_local_time() -> None:
    summer = datetime(2026, 7, 1, 12, 5, tzinfo=UTC)  # BST: 1:05pm
    winter = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # GMT: 12:30am
    assert format_datetime(summer) == "1 July 2026, 1:05pm"
    assert format_datetime(winter) == "1 December 2026, 12:30am"


def test_uk_today_crosses_midnight_in_summer() -> None:
    assert uk_today(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
