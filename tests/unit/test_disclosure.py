"""Disclosure control: nothing about fewer than 5 teams is shown, and hidden values are not kept."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ue_core.disclosure import (
    MIN_TEAMS,
    NOT_AVAILABLE,
    SUPPRESSED,
    SUPPRESSED_NOTE,
    Aggregate,
    aggregate,
    display_count,
    is_disclosive,
    mean_over_teams,
    share_of_teams,
    suppress_counts,
)


def one_place(value: float) -> str:
    return f"{value:.1f}"


def test_the_threshold_is_five_teams_and_the_note_says_so() -> None:
    assert MIN_TEAMS == 5
    assert [is_disclosive(n) for n in range(7)] == [False, True, True, True, True, False, False]
    assert SUPPRESSED_NOTE.startswith("[c] means fewer than 5 teams")
    assert "confidentiality" in SUPPRESSED_NOTE


def test_a_negative_number_of_teams_is_an_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        is_disclosive(-1)
    with pytest.raises(ValueError, match="negative"):
        Aggregate(None, -1)


def test_a_mean_over_four_teams_is_suppressed_and_keeps_no_value() -> None:
    result = mean_over_teams([4, 4, 4, 1])
    assert result == Aggregate(None, 4)
    assert result.suppressed
    assert not result.available
    assert result.display(one_place) == SUPPRESSED


def test_a_mean_over_five_teams_is_shown() -> None:
    result = mean_over_teams([1, 2, 3, 4, Fraction(5, 2)])
    assert result.value == pytest.approx(2.5)
    assert result.team_count == 5
    assert not result.suppressed
    assert result.display(one_place) == "2.5"


def test_no_teams_means_no_figure_rather_than_a_suppressed_one() -> None:
    result = mean_over_teams([])
    assert result == Aggregate(None, 0)
    assert not result.suppressed
    assert result.display(one_place) == NOT_AVAILABLE


def test_an_aggregate_cannot_be_built_holding_a_disclosive_value() -> None:
    with pytest.raises(ValueError, match="must be suppressed"):
        Aggregate(3.0, 4)


def test_aggregate_applies_the_rule_to_a_figure_worked_out_elsewhere() -> None:
    assert aggregate(2.75, 4) == Aggregate(None, 4)
    assert aggregate(Fraction(11, 4), 5) == Aggregate(2.75, 5)
    assert aggregate(None, 12) == Aggregate(None, 12)


def test_shares_of_teams() -> None:
    assert share_of_teams(1, 4) == Aggregate(None, 4)
    assert share_of_teams(2, 8) == Aggregate(0.25, 8)
    with pytest.raises(ValueError, match="between 0"):
        share_of_teams(9, 8)


def test_small_counts_are_hidden_and_zeros_shown() -> None:
    counts = {1: 0, 2: 12, 3: 30, 4: 7, 5: 0}
    assert suppress_counts(counts) == counts
    assert suppress_counts({1: 3, 2: 12, 3: 2, 4: 7, 5: 0}) == {
        1: None,
        2: 12,
        3: None,
        4: 7,
        5: 0,
    }


def test_a_single_hidden_count_takes_the_next_smallest_with_it() -> None:
    # 2 alone would be worked out from the total, so the smallest shown count (7) goes too.
    assert suppress_counts({1: 2, 2: 12, 3: 30, 4: 7, 5: 0}) == {
        1: None,
        2: 12,
        3: 30,
        4: None,
        5: 0,
    }
    # Ties: the first of the equal counts is hidden.
    assert suppress_counts({"a": 1, "b": 9, "c": 9}) == {"a": None, "b": None, "c": 9}
    # Nothing else to hide: a row of one small count and zeros is left with one hidden cell.
    assert suppress_counts({"a": 3, "b": 0}) == {"a": None, "b": 0}


def test_counts_keep_their_order_and_reject_negatives() -> None:
    assert list(suppress_counts({5: 10, 1: 10, 3: 10})) == [5, 1, 3]
    with pytest.raises(ValueError, match="negative"):
        suppress_counts({"a": -1})


def test_display_count() -> None:
    assert display_count(None) == SUPPRESSED
    assert display_count(1234) == "1,234"


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=8))
def test_no_hidden_count_can_be_worked_out_from_the_total(values: list[int]) -> None:
    counts = dict(enumerate(values))
    result = suppress_counts(counts)
    hidden = [key for key, value in result.items() if value is None]
    for key, value in result.items():
        if value is not None:
            assert value == counts[key]
            assert not is_disclosive(value)
        else:
            assert counts[key] > 0
    # Every small count is hidden, and a hidden count never stands alone when others are shown.
    assert all(key in hidden for key, count in counts.items() if is_disclosive(count))
    if len(hidden) == 1:
        assert all(value == 0 for key, value in result.items() if key not in hidden)


@given(st.lists(st.integers(min_value=1, max_value=5), max_size=12))
def test_a_mean_is_shown_exactly_when_there_are_five_or_more_teams(levels: list[int]) -> None:
    result = mean_over_teams(levels)
    assert result.team_count == len(levels)
    assert (result.value is not None) == (len(levels) >= MIN_TEAMS)
    if result.value is not None:
        assert result.value == pytest.approx(sum(levels) / len(levels))
