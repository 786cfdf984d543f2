"""Reading an organisation's list of statistical outputs, and the coverage rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ue_core.content import ContentError
from ue_core.statistical_outputs import (
    Frequency,
    OutputStatus,
    cover,
    load_rules,
    months_before,
    output_status,
    parse_release_date,
    read_file,
    read_list,
    releases,
    shipped_rules,
)

RULES = shipped_rules()
MONTHLY = RULES.by_key()["monthly"]
WEEKLY = RULES.by_key()["weekly"]
AD_HOC = RULES.by_key()["ad_hoc"]
TODAY = date(2026, 12, 3)


def listed(text: str) -> tuple[tuple[int, str, str, str, date | None], ...]:
    found = read_list(read_file(text.encode(), "outputs.csv"), RULES)
    assert not found.problems, found.problems
    return tuple((o.row, o.title, o.team_name, o.frequency, o.next_release) for o in found.outputs)


def problems(text: str) -> list[str]:
    found = read_list(read_file(text.encode(), "outputs.csv"), RULES)
    assert not found.outputs
    return [problem.message for problem in found.problems]


def test_the_shipped_rules_load() -> None:
    assert RULES.assessment_fresh_for_months == 12
    assert RULES.reassess_weeks_after_release == 6
    assert {f.key for f in RULES.frequencies} >= {"monthly", "quarterly", "annual", "ad_hoc"}


def test_a_rules_file_that_names_one_frequency_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "assessment_fresh_for_months: 12\nreassess_weeks_after_release: 6\nfrequencies:\n"
        "  - {key: monthly, label: Monthly, months: 1}\n"
        "  - {key: annual, label: Annual, months: 12, aliases: [monthly]}\n"
    )
    with pytest.raises(ContentError, match="names both monthly and annual"):
        load_rules(path)


def test_a_frequency_gives_weeks_or_months_not_both() -> None:
    with pytest.raises(ValueError, match="weeks or months, not both"):
        Frequency(key="odd", label="Odd", weeks=2, months=1)


def test_frequencies_are_found_however_people_write_them() -> None:
    assert RULES.find("Quarterly") is RULES.by_key()["quarterly"]
    assert RULES.find("six-monthly") is RULES.by_key()["six_monthly"]
    assert RULES.find("  ANNUALLY ") is RULES.by_key()["annual"]
    assert RULES.find("Ad-hoc") is AD_HOC
    assert RULES.find("fortnightly") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-05", date(2027, 3, 5)),
        ("2027-03-05 00:00:00", date(2027, 3, 5)),
        ("05/03/2027", date(2027, 3, 5)),
        ("5.3.2027", date(2027, 3, 5)),
        ("5 March 2027", date(2027, 3, 5)),
        ("5th Mar 2027", date(2027, 3, 5)),
        ("March 2027 (provisional)", date(2027, 3, 1)),
        ("31/02/2027", None),
        ("next spring", None),
        ("5 Smarch 2027", None),
    ],
)
def test_release_dates_are_read_day_first(text: str, expected: date | None) -> None:
    assert parse_release_date(text) == expected


def test_a_list_is_read_with_its_row_numbers_and_flexible_headings() -> None:
    assert listed(
        "Output title,Producing team,Frequency,Next release date\n"
        "Housing starts,Housing team,Quarterly,19/02/2027\n"
        "Fuel poverty,Energy team,annually,\n"
    ) == (
        (2, "Housing starts", "Housing team", "quarterly", date(2027, 2, 19)),
        (3, "Fuel poverty", "Energy team", "annual", None),
    )


def test_a_list_without_its_columns_names_what_is_missing_and_what_was_found() -> None:
    [message] = problems("Name,Owner\nHousing starts,Housing team\n")
    assert message == (
        "The list needs the columns 'team', 'release frequency', 'next release'. "
        "The columns found are 'Name', 'Owner'."
    )


def test_every_bad_row_is_named_and_nothing_is_kept() -> None:
    found = problems(
        "title,team,release frequency,next release\n"
        "Housing starts,Housing team,Quarterly,19/02/2027\n"
        ",Housing team,Quarterly,\n"
        "Fuel poverty,Energy team,fortnightly,soon\n"
        "housing  starts,HOUSING TEAM,Monthly,\n"
    )
    assert found == [
        "Row 3: the title is empty.",
        "Row 4: the release frequency 'fortnightly' is not one we know (use one of: weekly, "
        "monthly, quarterly, every six months, annual, every two years, ad hoc); the next "
        "release 'soon' is not a date (write it as 5 March 2027 or 05/03/2027).",
        "Row 5: it repeats the output on row 2.",
    ]


def test_an_empty_list_says_so() -> None:
    assert problems("title,team,release frequency,next release\n") == [
        "The list has column names but no outputs."
    ]


def test_months_before_keeps_the_day_or_the_last_of_a_shorter_month() -> None:
    assert months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert months_before(date(2027, 1, 15), 3) == date(2026, 10, 15)
    assert months_before(date(2027, 1, 15), 24) == date(2025, 1, 15)


def test_the_latest_release_is_found_by_stepping_back_from_the_next() -> None:
    found = releases(MONTHLY, date(2027, 1, 15), TODAY, 6)
    assert found.last == date(2026, 11, 15)
    assert found.prompt_from == date(2026, 12, 27)
    assert found.next_prompt == date(2027, 2, 26)
    weekly = releases(WEEKLY, date(2027, 1, 7), TODAY, 0)
    assert weekly.last == date(2026, 12, 3)


def test_a_next_release_already_past_is_the_latest_and_ad_hoc_has_no_regular_prompt() -> None:
    assert releases(MONTHLY, date(2026, 10, 1), TODAY, 6).last == date(2026, 10, 1)
    ad_hoc = releases(AD_HOC, date(2027, 5, 1), TODAY, 6)
    assert (ad_hoc.last, ad_hoc.prompt_from) == (None, None)
    assert ad_hoc.next_prompt == date(2027, 6, 12)
    assert releases(MONTHLY, None, TODAY, 6).last is None


@pytest.mark.parametrize(
    ("team_found", "last_assessed", "last_release", "prompt_from", "expected"),
    [
        (False, None, None, None, OutputStatus.NO_TEAM),
        (True, None, date(2026, 10, 1), date(2026, 11, 12), OutputStatus.NEVER_ASSESSED),
        (True, date(2025, 12, 2), None, None, OutputStatus.OVERDUE),
        (True, date(2025, 12, 3), None, None, OutputStatus.UP_TO_DATE),
        (True, date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 12), OutputStatus.REASSESS),
        (True, date(2026, 10, 2), date(2026, 10, 1), date(2026, 11, 12), OutputStatus.UP_TO_DATE),
        (True, date(2026, 9, 1), date(2026, 11, 1), date(2026, 12, 13), OutputStatus.UP_TO_DATE),
    ],
)
def test_output_status_most_urgent_first(
    team_found: bool,
    last_assessed: date | None,
    last_release: date | None,
    prompt_from: date | None,
    expected: OutputStatus,
) -> None:
    assert (
        output_status(
            team_found=team_found,
            last_assessed=last_assessed,
            last_release=last_release,
            prompt_from=prompt_from,
            today=TODAY,
            fresh_for_months=12,
        )
        is expected
    )


def test_cover_puts_the_facts_together() -> None:
    covered = cover(
        title="Housing starts",
        team_name="Housing team",
        team_id=7,
        frequency_key="quarterly",
        next_release=date(2027, 1, 15),
        last_assessed=date(2026, 6, 1),
        today=TODAY,
        rules=RULES,
    )
    assert covered.releases.last == date(2026, 10, 15)
    assert covered.status is OutputStatus.REASSESS
    assert covered.prompt_now
    assert covered.frequency_label == "Quarterly"


def test_title_rows_above_the_column_names_are_passed_over() -> None:
    assert listed(
        "Statistical outputs of the Office for Test Statistics,,,\n"
        "As at 1 December 2026,,,\n"
        "title,team,release frequency,next release\n"
        "Housing starts,Housing team,Quarterly,19/02/2027\n"
    ) == ((4, "Housing starts", "Housing team", "quarterly", date(2027, 2, 19)),)
