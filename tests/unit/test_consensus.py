"""Tests for ue_core.consensus."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ue_core.consensus import Agreement, compare_ratings, median_rounded_down


def test_says_how_many_members_rated_when_not_everyone_has() -> None:
    one = compare_ratings({"asha": 3}, member_count=4)
    assert one.reason == "1 of 4 members rated: Learning (3)."
    assert one.all_agree and not one.everyone_rated
    assert compare_ratings({"asha": 3, "ben": 3}, member_count=4).reason == (
        "2 of 4 members rated: both gave Learning (3)."
    )
    assert compare_ratings({"asha": 3, "ben": 3, "cai": 3}, member_count=4).reason == (
        "3 of 4 members rated: all gave Learning (3)."
    )
    assert compare_ratings({"asha": None}, member_count=4).reason == (
        "1 of 4 members rated: not applicable."
    )
    assert compare_ratings({"asha": 1, "ben": 4}, member_count=3).reason.startswith(
        "2 of 3 members rated: levels range from 1 to 4, a spread of 3"
    )
    everyone = compare_ratings({"asha": 3, "ben": 3}, member_count=2)
    assert everyone.everyone_rated and everyone.reason == "Everyone gave Learning (3)."
    assert compare_ratings({}, member_count=4).reason == "Nobody has rated this practice yet."


def test_everyone_agrees() -> None:
    agreement = compare_ratings({"asha": 3, "ben": 3, "cai": 3})
    assert agreement == Agreement(
        levels=(3, 3, 3),
        not_applicable=(),
        rater_count=3,
        spread=0,
        needs_discussion=False,
        suggested_level=3,
        all_agree=True,
        member_count=3,
        reason="Everyone gave Learning (3).",
    )
    assert agreement.suggested_level_name == "Learning"
    assert not agreement.suggests_not_applicable


def test_close_levels_do_not_need_discussion() -> None:
    agreement = compare_ratings({"asha": 3, "ben": 4})
    assert agreement.spread == 1
    assert not agreement.needs_discussion
    assert not agreement.all_agree
    # The median of 3 and 4 is 3.5, rounded down.
    assert agreement.suggested_level == 3
    assert agreement.reason == (
        "Levels are close, from 3 to 4. The suggested starting level is Learning (3)."
    )


def test_spread_of_two_needs_discussion() -> None:
    agreement = compare_ratings({"asha": 2, "ben": 4, "cai": 4, "dev": 5})
    assert agreement.levels == (2, 4, 4, 5)
    assert agreement.spread == 3
    assert agreement.needs_discussion
    assert agreement.suggested_level == 4
    assert agreement.reason.startswith("Levels range from 2 to 5, a spread of 3, so discuss them")
    assert compare_ratings({"asha": 1, "ben": 3}).needs_discussion
    assert compare_ratings({"asha": 1, "ben": 3}).suggested_level == 2


def test_mixed_not_applicable_and_levels_needs_discussion() -> None:
    agreement = compare_ratings({"ben": None, "asha": 3, "cai": 3})
    assert agreement.needs_discussion
    assert not agreement.all_agree
    assert agreement.spread == 0
    assert agreement.levels == (3, 3)
    assert agreement.not_applicable == ("ben",)
    assert agreement.suggested_level == 3
    assert agreement.reason == (
        "1 person says this practice is not applicable and others gave a level, "
        "so discuss whether it applies."
    )
    two = compare_ratings({"ben": None, "dev": None, "asha": 3})
    assert two.not_applicable == ("ben", "dev")
    assert two.reason.startswith("2 people say")


def test_everyone_says_not_applicable() -> None:
    agreement = compare_ratings({"asha": None, "ben": None})
    assert agreement.all_agree
    assert not agreement.needs_discussion
    assert agreement.suggested_level is None
    assert agreement.suggested_level_name is None
    assert agreement.suggests_not_applicable
    assert agreement.reason == "Everyone says this practice is not applicable."


def test_nobody_has_rated() -> None:
    agreement = compare_ratings({})
    assert agreement.rater_count == 0
    assert not agreement.all_agree
    assert not agreement.needs_discussion
    assert agreement.suggested_level is None
    assert not agreement.suggests_not_applicable
    assert agreement.reason == "Nobody has rated this practice yet."


def test_single_rater() -> None:
    agreement = compare_ratings({"asha": 2})
    assert agreement.all_agree
    assert agreement.suggested_level == 2
    assert agreement.spread == 0


@pytest.mark.parametrize("bad", [0, 6])
def test_rejects_levels_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match="asha"):
        compare_ratings({"asha": bad})


def test_median_needs_a_level() -> None:
    with pytest.raises(ValueError):
        median_rounded_down(())
    assert median_rounded_down((5, 1, 3)) == 3
    assert median_rounded_down((2, 5)) == 3


ratings_maps = st.dictionaries(
    st.text(min_size=1, max_size=5), st.none() | st.integers(1, 5), max_size=8
)


@given(ratings_maps)
def test_agreement_properties(ratings: dict[str, int | None]) -> None:
    agreement = compare_ratings(ratings)
    levels = [level for level in ratings.values() if level is not None]
    assert agreement.rater_count == len(ratings)
    assert len(agreement.levels) + len(agreement.not_applicable) == len(ratings)
    if levels:
        assert agreement.suggested_level is not None
        assert min(levels) <= agreement.suggested_level <= max(levels)
        assert agreement.spread == max(levels) - min(levels)
    else:
        assert agreement.suggested_level is None
        assert agreement.spread == 0
    mixed = bool(levels) and len(levels) < len(ratings)
    assert agreement.needs_discussion == (mixed or agreement.spread >= 2)
    if agreement.all_agree:
        assert not agreement.needs_discussion
    assert agreement.reason.endswith(".")


@given(ratings_maps)
def test_agreement_does_not_depend_on_order(ratings: dict[str, int | None]) -> None:
    reordered = dict(reversed(list(ratings.items())))
    assert compare_ratings(reordered) == compare_ratings(ratings)
