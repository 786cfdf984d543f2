"""Working days, due dates and overdue requests, counting bank holidays in England and Wales."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from ue_core.content import ContentError
from ue_core.request_kinds import load_request_kinds, shipped_request_kinds
from ue_core.service_levels import (
    Targets,
    add_working_days,
    deadlines,
    due_date,
    is_working_day,
    latest_overdue_send_date,
    load_service_levels,
    shipped_service_levels,
    working_days_between,
)


def test_christmas_boxing_day_and_its_substitute_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day, Friday
    assert not is_working_day(date(2026, 12, 26))  # Boxing Day, Saturday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day's substitute, Monday
    assert is_working_day(date(2026, 12, 29))


def test_two_working_days_from_christmas_eve_2026_is_the_thirtieth() -> None:
    sent = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)  # Thursday
    assert due_date(sent, 2) == date(2026, 12, 30)
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 30)) == 2


def test_a_request_sent_late_on_a_friday_evening_in_summer_counts_from_its_uk_date() -> None:
    # 23:30 UTC on Friday 5 June 2026 is already Saturday in British Summer Time.
    sent = datetime(2026, 6, 5, 23, 30, tzinfo=UTC)
    assert due_date(sent, 1) == date(2026, 6, 8)


def test_weekends_do_not_count_and_zero_days_is_the_same_day() -> None:
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Friday to Monday
    assert add_working_days(date(2026, 12, 4), 0) == date(2026, 12, 4)
    assert working_days_between(date(2026, 12, 7), date(2026, 12, 4)) == 0
    with pytest.raises(ValueError):
        add_working_days(date(2026, 12, 4), -1)


def test_overdue_from_the_day_after_the_due_date_unless_done() -> None:
    targets = Targets(first_response_days=2, resolution_days=5)
    sent = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    on_due = deadlines(targets, sent, date(2026, 12, 30), first_response_at=None, resolved_at=None)
    assert not on_due.overdue
    after = deadlines(targets, sent, date(2026, 12, 31), first_response_at=None, resolved_at=None)
    assert after.first_response_overdue and not after.resolution_overdue
    answered = deadlines(
        targets, sent, date(2026, 12, 31), first_response_at=sent, resolved_at=None
    )
    assert not answered.overdue
    # Five working days: 29, 30, 31 December, then 2 January 2027 is a Saturday and the 1st a
    # bank holiday, so 4 and 5 January.
    assert after.resolution_due == date(2027, 1, 5)


@pytest.mark.parametrize("days", [0, 1, 2, 5, 15])
@pytest.mark.parametrize("today", [date(2026, 12, 29), date(2027, 1, 4), date(2026, 6, 1)])
def test_the_send_date_cutoff_agrees_with_the_due_dates(days: int, today: date) -> None:
    cutoff = latest_overdue_send_date(today, days)
    assert add_working_days(cutoff, days) < today
    assert add_working_days(cutoff + timedelta(days=1), days) >= today


def test_the_shipped_files_load_and_every_targeted_kind_exists() -> None:
    kinds = shipped_request_kinds().by_key()
    assert "other" in kinds and "survey_design" in kinds
    levels = shipped_service_levels()
    assert set(levels.by_kind) <= set(kinds)
    assert levels.for_kind("advice").resolution_days == 5
    assert levels.for_kind("other") == levels.default


def test_a_bad_service_levels_file_names_the_key_and_line(tmp_path: Path) -> None:
    path = tmp_path / "levels.yaml"
    path.write_text("default:\n  first_response_days: 2\n  resolution_days: 0\n")
    with pytest.raises(ContentError) as raised:
        load_service_levels(path)
    assert "default.resolution_days (line 3)" in str(raised.value)


def test_kinds_need_their_own_keys_and_an_other(tmp_path: Path) -> None:
    path = tmp_path / "kinds.yaml"
    path.write_text(
        "kinds:\n"
        "  - {key: advice, label: Advice, hint: A quick steer.}\n"
        "  - {key: advice, label: Again, hint: The same key.}\n"
    )
    with pytest.raises(ContentError, match="each kind needs its own key"):
        load_request_kinds(path)
