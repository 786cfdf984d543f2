"""Tests for ue_core.scoring: example-based and property-based."""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ue_core import scoring
from ue_core.scoring import (
    HOW_SCORES_WORK,
    LEVEL_NAMES,
    PracticeRating,
    RatedPractice,
    apply_plan,
    compare_rounds,
    format_score,
    is_stale,
    level_for_score,
    level_name,
    project_scores,
    score_assessment,
    stale_cutoff,
    summary_sentences,
)

AS_OF = date(2026, 6, 1)


def rating(
    key: str,
    principle: str,
    level: int | None,
    *,
    na: bool = False,
    evidence: date | None = AS_OF,
) -> PracticeRating:
    return PracticeRating(key, principle, level, na, evidence)


# ------------------------------------------------------------------------------------------
# Strategies
# ------------------------------------------------------------------------------------------

PRINCIPLES = ("involving", "proportionate", "open", "together", "capability")


@st.composite
def rating_lists(draw: st.DrawFn, min_size: int = 1) -> list[PracticeRating]:
    count = draw(st.integers(min_value=min_size, max_value=14))
    result = []
    for index in range(count):
        principle = draw(st.sampled_from(PRINCIPLES))
        kind = draw(st.sampled_from(["rated", "rated", "rated", "na", "unanswered"]))
        level = draw(st.integers(1, 5)) if kind == "rated" else None
        evidence = draw(st.none() | st.dates(date(2023, 1, 1), date(2026, 12, 31)))
        result.append(PracticeRating(f"p{index:02d}", principle, level, kind == "na", evidence))
    return result


def scored_values(ratings: list[PracticeRating]) -> list[float]:
    scores = score_assessment(ratings, AS_OF)
    values = [p.score for p in scores.principles if p.score is not None]
    if scores.overall_score is not None:
        values.append(scores.overall_score)
    return values


# ------------------------------------------------------------------------------------------
# The rules text
# ------------------------------------------------------------------------------------------


def test_module_docstring_is_the_how_scores_work_text() -> None:
    assert scoring.__doc__ is not None
    assert inspect.cleandoc(scoring.__doc__) == inspect.cleandoc(HOW_SCORES_WORK)
    assert HOW_SCORES_WORK.startswith("## How scores work")
    assert "12 months" in HOW_SCORES_WORK


def test_level_names() -> None:
    assert LEVEL_NAMES == {
        1: "Beginning",
        2: "Emerging",
        3: "Learning",
        4: "Developing",
        5: "Mastering",
    }
    assert level_name(3) == "Learning"
    with pytest.raises(ValueError):
        level_name(0)


# ------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0, 6, -1])
def test_rating_rejects_out_of_range_level(level: int) -> None:
    with pytest.raises(ValueError, match="from 1 to 5"):
        PracticeRating("a", "open", level)


def test_rating_rejects_level_with_not_applicable() -> None:
    with pytest.raises(ValueError, match="not applicable"):
        PracticeRating("a", "open", 3, not_applicable=True)


def test_rating_rejects_bool_level() -> None:
    with pytest.raises(ValueError):
        PracticeRating("a", "open", True)


def test_rating_states() -> None:
    assert rating("a", "open", None).is_unanswered
    assert not rating("a", "open", None, na=True).is_unanswered
    assert rating("a", "open", 2).is_rated


def test_duplicate_practice_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match="twice"):
        score_assessment([rating("a", "open", 2), rating("a", "open", 3)], AS_OF)


# ------------------------------------------------------------------------------------------
# Rounding and levels
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown", "level"),
    [
        (3.0, "3.0", 3),
        (3.25, "3.3", 3),
        (Fraction(10, 3), "3.3", 3),
        (3.94, "3.9", 3),
        (3.95, "4.0", 4),
        (Fraction(79, 20), "4.0", 4),
        (1.0, "1.0", 1),
        (5.0, "5.0", 5),
    ],
)
def test_display_and_level(value: float | Fraction, shown: str, level: int) -> None:
    assert format_score(value) == shown
    assert level_for_score(value) == level


def test_level_is_robust_to_float_noise() -> None:
    assert level_for_score(3.9999999999999996) == 4
    assert level_for_score(4.000000000000001) == 4


# ------------------------------------------------------------------------------------------
# score_assessment: examples
# ------------------------------------------------------------------------------------------


def test_principle_and_overall_scores() -> None:
    ratings = [
        rating("o1", "open", 3),
        rating("o2", "open", 4),
        rating("o3", "open", None, na=True),
        rating("i1", "involving", 2),
        rating("i2", "involving", 2),
        rating("i3", "involving", 3),
        rating("i4", "involving", None),
    ]
    scores = score_assessment(ratings, AS_OF, {"open": 4, "involving": 2})
    open_ = scores.principle("open")
    assert open_.score == 3.5
    assert open_.level == 3
    assert open_.level_name == "Learning"
    assert (open_.practice_count, open_.applicable_count, open_.rated_count) == (3, 2, 2)
    assert open_.target == 4
    assert open_.gap == 0.5
    assert open_.meets_target is False
    involving = scores.principle("involving")
    assert involving.score == pytest.approx(7 / 3)
    assert involving.display_score == "2.3"
    assert involving.level == 2
    assert (involving.practice_count, involving.applicable_count, involving.rated_count) == (
        4,
        4,
        3,
    )
    assert involving.gap == pytest.approx(2 - 7 / 3)
    assert involving.display_gap == "-0.3"
    assert involving.meets_target is True
    # Each principle weighs the same: (3.5 + 7/3) / 2, not the mean of all five levels.
    assert scores.overall_score == pytest.approx((3.5 + 7 / 3) / 2)
    assert scores.display_overall_score == "2.9"
    assert scores.overall_level == 2
    assert scores.overall_level_name == "Emerging"
    assert scores.unanswered == ("i4",)
    assert scores.not_applicable == ("o3",)
    assert [p.principle_key for p in scores.principles] == ["open", "involving"]


def test_learning_runs_from_three_to_three_point_nine() -> None:
    three = score_assessment([rating("a", "open", 3)], AS_OF)
    assert three.overall_level == 3
    nearly_four = score_assessment(
        [rating(f"p{i}", "open", 4 if i < 9 else 3) for i in range(10)], AS_OF
    )
    assert nearly_four.overall_score == pytest.approx(3.9)
    assert nearly_four.overall_level == 3


def test_principle_with_only_not_applicable_has_no_score() -> None:
    scores = score_assessment(
        [rating("a", "open", None, na=True), rating("b", "together", 4)], AS_OF, {"open": 3}
    )
    open_ = scores.principle("open")
    assert open_.score is None
    assert open_.level is None
    assert open_.gap is None
    assert open_.display_gap is None
    assert open_.meets_target is None
    assert scores.overall_score == 4.0


def test_nothing_rated_has_no_overall_score() -> None:
    scores = score_assessment([rating("a", "open", None)], AS_OF)
    assert scores.overall_score is None
    assert scores.overall_level is None
    assert scores.display_overall_score is None
    assert scores.strongest == ()
    assert scores.weakest == ()


def test_empty_ratings() -> None:
    scores = score_assessment([], AS_OF)
    assert scores.principles == ()
    assert scores.overall_score is None


def test_unknown_principle_lookup_raises() -> None:
    with pytest.raises(KeyError):
        score_assessment([rating("a", "open", 3)], AS_OF).principle("missing")


def test_targets_for_unrated_principles_are_ignored_and_bad_targets_rejected() -> None:
    scores = score_assessment([rating("a", "open", 3)], AS_OF, {"together": 4})
    assert scores.principle("open").target is None
    with pytest.raises(ValueError, match="target"):
        score_assessment([rating("a", "open", 3)], AS_OF, {"open": 6})


def test_strongest_and_weakest_ties_broken_by_key() -> None:
    ratings = [
        rating("d", "open", 5),
        rating("b", "open", 5),
        rating("c", "together", 1),
        rating("a", "together", 1),
        rating("e", "open", 3),
        rating("f", "open", 5),
        rating("g", "open", None, na=True),
    ]
    scores = score_assessment(ratings, AS_OF)
    assert scores.strongest == (
        RatedPractice("b", "open", 5),
        RatedPractice("d", "open", 5),
        RatedPractice("f", "open", 5),
    )
    assert scores.weakest == (
        RatedPractice("a", "together", 1),
        RatedPractice("c", "together", 1),
        RatedPractice("e", "open", 3),
    )
    assert scores.strongest[0].level_name == "Mastering"
    shuffled = score_assessment(list(reversed(ratings)), AS_OF)
    assert shuffled.strongest == scores.strongest
    assert shuffled.weakest == scores.weakest


def test_highlights_are_limited_and_never_overlap() -> None:
    ratings = [rating(f"p{i}", "open", level) for i, level in enumerate([1, 2, 3, 4, 5, 5, 4])]
    scores = score_assessment(ratings, AS_OF, highlight_count=2)
    assert [p.practice_key for p in scores.strongest] == ["p4", "p5"]
    assert [p.practice_key for p in scores.weakest] == ["p0", "p1"]
    three = score_assessment(ratings[:3], AS_OF)
    assert [p.level for p in three.strongest] == [3]
    assert [p.level for p in three.weakest] == [1]
    with pytest.raises(ValueError):
        score_assessment(ratings, AS_OF, highlight_count=-1)


def test_same_level_everywhere_has_no_strongest_or_weakest() -> None:
    scores = score_assessment([rating(f"p{i}", "open", 3) for i in range(4)], AS_OF)
    assert scores.strongest == ()
    assert scores.weakest == ()


# ------------------------------------------------------------------------------------------
# Evidence dates
# ------------------------------------------------------------------------------------------


def test_stale_boundary_is_twelve_months_exactly() -> None:
    exactly = date(2025, 6, 1)
    one_day_more = date(2025, 5, 31)
    assert stale_cutoff(AS_OF) == exactly
    assert not is_stale(exactly, AS_OF)
    assert is_stale(one_day_more, AS_OF)
    scores = score_assessment(
        [
            rating("exact", "open", 3, evidence=exactly),
            rating("over", "open", 4, evidence=one_day_more),
            rating("undated", "open", 2, evidence=None),
            rating("recent", "open", 2, evidence=date(2026, 5, 1)),
        ],
        AS_OF,
    )
    assert scores.stale == ("over",)
    assert scores.undated == ("undated",)
    # Stale evidence still counts towards the score.
    assert scores.principle("open").score == pytest.approx(11 / 4)


@pytest.mark.parametrize(
    ("as_of", "cutoff"),
    [
        (date(2024, 2, 29), date(2023, 2, 28)),
        (date(2025, 3, 31), date(2024, 3, 31)),
        (date(2026, 1, 1), date(2025, 1, 1)),
        (date(2025, 2, 28), date(2024, 2, 28)),
    ],
)
def test_stale_cutoff_calendar_edges(as_of: date, cutoff: date) -> None:
    assert stale_cutoff(as_of) == cutoff


def test_stale_cutoff_for_short_months() -> None:
    assert stale_cutoff(date(2026, 3, 31), months=1) == date(2026, 2, 28)


def test_evidence_flags_ignore_unrated_and_not_applicable() -> None:
    scores = score_assessment(
        [
            rating("na", "open", None, na=True, evidence=None),
            rating("blank", "open", None, evidence=date(2020, 1, 1)),
        ],
        AS_OF,
    )
    assert scores.stale == ()
    assert scores.undated == ()


@given(st.dates(date(2001, 1, 1), date(2099, 12, 31)))
def test_stale_boundary_property(as_of: date) -> None:
    cutoff = stale_cutoff(as_of)
    assert not is_stale(cutoff, as_of)
    assert is_stale(cutoff - timedelta(days=1), as_of)
    assert 365 <= (as_of - cutoff).days <= 366


# ------------------------------------------------------------------------------------------
# Projection
# ------------------------------------------------------------------------------------------


def test_projection_raises_only() -> None:
    ratings = [
        rating("a", "open", 2),
        rating("b", "open", 4),
        rating("c", "open", None),
        rating("d", "open", None, na=True),
    ]
    projected = apply_plan(ratings, {"a": 4, "b": 3, "c": 5, "d": 5})
    assert [r.level for r in projected] == [4, 4, None, None]
    assert projected[3].not_applicable
    scores = project_scores(ratings, {"a": 4, "b": 3}, as_of=AS_OF, targets={"open": 4})
    assert scores.principle("open").score == 4.0
    assert scores.principle("open").gap == 0.0


def test_projection_rejects_unknown_practice_and_bad_level() -> None:
    ratings = [rating("a", "open", 2)]
    with pytest.raises(ValueError, match="unknown practice"):
        apply_plan(ratings, {"z": 3})
    with pytest.raises(ValueError):
        apply_plan(ratings, {"a": 9})


@given(rating_lists(), st.data())
def test_projection_never_lowers(ratings: list[PracticeRating], data: st.DataObject) -> None:
    keys = [r.practice_key for r in ratings]
    planned = data.draw(st.dictionaries(st.sampled_from(keys), st.integers(1, 5)))
    before = score_assessment(ratings, AS_OF)
    after = project_scores(ratings, planned, as_of=AS_OF)
    for old, new in zip(before.principles, after.principles, strict=True):
        assert (old.score is None) == (new.score is None)
        if old.score is not None and new.score is not None:
            assert new.score >= old.score
    if before.overall_score is not None:
        assert after.overall_score is not None
        assert after.overall_score >= before.overall_score
    for old_rating, new_rating in zip(ratings, apply_plan(ratings, planned), strict=True):
        if old_rating.level is not None:
            assert new_rating.level is not None
            assert new_rating.level >= old_rating.level


# ------------------------------------------------------------------------------------------
# Properties of scoring
# ------------------------------------------------------------------------------------------


@given(rating_lists(min_size=0))
def test_scores_and_levels_stay_within_one_to_five(ratings: list[PracticeRating]) -> None:
    scores = score_assessment(ratings, AS_OF)
    for value in scored_values(ratings):
        assert 1.0 <= value <= 5.0
    for principle in scores.principles:
        if principle.level is not None:
            assert 1 <= principle.level <= 5
    if scores.overall_level is not None:
        assert 1 <= scores.overall_level <= 5


@given(rating_lists(), st.data())
def test_raising_a_rating_never_lowers_scores(
    ratings: list[PracticeRating], data: st.DataObject
) -> None:
    rated = [i for i, r in enumerate(ratings) if r.level is not None and r.level < 5]
    if not rated:
        return
    index = data.draw(st.sampled_from(rated))
    old_level = ratings[index].level
    assert old_level is not None
    new_level = data.draw(st.integers(old_level + 1, 5))
    raised = list(ratings)
    raised[index] = replace(ratings[index], level=new_level)
    before = score_assessment(ratings, AS_OF)
    after = score_assessment(raised, AS_OF)
    principle = ratings[index].principle_key
    old_score = before.principle(principle).score
    new_score = after.principle(principle).score
    assert old_score is not None and new_score is not None
    assert new_score > old_score
    assert before.overall_score is not None and after.overall_score is not None
    assert after.overall_score > before.overall_score
    old_level_reached = before.overall_level
    new_level_reached = after.overall_level
    assert old_level_reached is not None and new_level_reached is not None
    assert new_level_reached >= old_level_reached


@given(rating_lists(), st.sampled_from(PRINCIPLES), st.integers(1, 5))
def test_adding_a_rating_at_or_above_the_score_never_lowers_it(
    ratings: list[PracticeRating], principle: str, level: int
) -> None:
    before = score_assessment(ratings, AS_OF)
    existing = [p for p in before.principles if p.principle_key == principle]
    current = existing[0].score if existing else None
    if current is not None and level < current:
        return
    after = score_assessment([*ratings, rating("new", principle, level)], AS_OF)
    new_score = after.principle(principle).score
    assert new_score is not None
    if current is not None:
        assert new_score >= current
    else:
        assert new_score == level


@given(rating_lists(), st.sampled_from(PRINCIPLES), st.none() | st.dates())
def test_not_applicable_practices_do_not_change_scores(
    ratings: list[PracticeRating], principle: str, evidence: date | None
) -> None:
    before = score_assessment(ratings, AS_OF)
    after = score_assessment(
        [*ratings, rating("extra", principle, None, na=True, evidence=evidence)], AS_OF
    )
    assert after.overall_score == before.overall_score
    assert after.overall_level == before.overall_level
    assert after.stale == before.stale
    assert after.undated == before.undated
    for item in before.principles:
        assert after.principle(item.principle_key).score == item.score
        assert after.principle(item.principle_key).level == item.level


@settings(max_examples=50)
@given(rating_lists())
def test_order_of_ratings_does_not_change_scores(ratings: list[PracticeRating]) -> None:
    forward = score_assessment(ratings, AS_OF)
    backward = score_assessment(list(reversed(ratings)), AS_OF)
    assert forward.overall_score == backward.overall_score
    assert forward.strongest == backward.strongest
    assert forward.weakest == backward.weakest
    for item in forward.principles:
        assert backward.principle(item.principle_key).score == item.score


# ------------------------------------------------------------------------------------------
# Comparing rounds
# ------------------------------------------------------------------------------------------


def test_compare_rounds_same_keys_without_crosswalk() -> None:
    previous = [rating("a", "open", 2), rating("b", "open", 3), rating("c", "together", 4)]
    current = [rating("a", "open", 3), rating("b", "open", 4), rating("c", "together", 3)]
    comparison = compare_rounds(previous, current, {})
    assert [p.change for p in comparison.practices] == [1, 1, -1]
    assert all(p.comparable for p in comparison.practices)
    assert comparison.principle("open").change == 1.0
    assert comparison.principle("together").change == -1.0
    assert comparison.overall_change == 0.0
    assert comparison.not_comparable == ()
    assert comparison.removed == ()
    assert comparison.compared_count == 3


def test_compare_rounds_with_crosswalk_and_new_practices() -> None:
    previous = [
        rating("old-a", "open", 2),
        rating("b", "open", 1),
        rating("gone", "open", 5),
        rating("same-key-new-meaning", "open", 1),
    ]
    current = [
        rating("new-a", "open", 4),
        rating("b", "open", 3),
        rating("brand-new", "open", 5),
        rating("same-key-new-meaning", "open", 5),
    ]
    comparison = compare_rounds(previous, current, {"new-a": "old-a", "same-key-new-meaning": None})
    by_key = {p.practice_key: p for p in comparison.practices}
    assert by_key["new-a"].previous_practice_key == "old-a"
    assert by_key["new-a"].change == 2
    assert by_key["brand-new"].comparable is False
    assert by_key["brand-new"].change is None
    assert by_key["brand-new"].previous_level is None
    assert by_key["same-key-new-meaning"].comparable is False
    assert comparison.not_comparable == ("brand-new", "same-key-new-meaning")
    assert comparison.removed == ("gone", "same-key-new-meaning")
    open_ = comparison.principle("open")
    # Only new-a (2 -> 4) and b (1 -> 3) are compared.
    assert open_.compared_count == 2
    assert open_.previous_score == 1.5
    assert open_.current_score == 3.5
    assert open_.change == 2.0
    assert open_.not_comparable == ("brand-new", "same-key-new-meaning")


def test_compare_rounds_counterpart_without_level() -> None:
    previous = [rating("a", "open", None, na=True), rating("b", "open", None)]
    current = [rating("a", "open", 3), rating("b", "open", 2)]
    comparison = compare_rounds(previous, current)
    assert all(p.comparable for p in comparison.practices)
    assert all(p.change is None for p in comparison.practices)
    assert comparison.principle("open").change is None
    assert comparison.overall_change is None
    with pytest.raises(KeyError):
        comparison.principle("missing")


@given(rating_lists(), rating_lists())
def test_principle_change_is_mean_of_compared_practice_changes(
    previous: list[PracticeRating], current: list[PracticeRating]
) -> None:
    comparison = compare_rounds(previous, current, {})
    for principle in comparison.principles:
        changes = [
            p.change
            for p in comparison.practices
            if p.principle_key == principle.principle_key and p.change is not None
        ]
        assert principle.compared_count == len(changes)
        if changes:
            assert principle.change == pytest.approx(sum(changes) / len(changes))
        else:
            assert principle.change is None


# ------------------------------------------------------------------------------------------
# Summary sentences
# ------------------------------------------------------------------------------------------

TITLES = {"open": "Open and transparent", "involving": "Proactively involving users"}


def test_summary_sentences() -> None:
    ratings = [
        rating("o1", "open", 2, evidence=date(2024, 1, 1)),
        rating("o2", "open", 3, evidence=None),
        rating("i1", "involving", 4),
        rating("i2", "involving", None),
    ]
    scores = score_assessment(ratings, AS_OF, {"open": 4, "involving": 4})
    sentences = summary_sentences(scores, principle_titles=TITLES)
    assert sentences == [
        "Your overall level is Learning (3.3).",
        "Your strongest principle is Proactively involving users (4.0) and your weakest is "
        "Open and transparent (2.5).",
        "You are furthest from your target on Open and transparent: 1.5 below Developing (4).",
        "1 practice has evidence more than 12 months old. Check it is still true.",
        "1 practice has no evidence date.",
        "1 practice has not been rated yet.",
    ]


def test_summary_when_targets_met_and_several_short() -> None:
    met = score_assessment([rating("a", "open", 4)], AS_OF, {"open": 3})
    assert "You have reached your target on every principle that has one." in (
        summary_sentences(met)
    )
    short = score_assessment(
        [rating("a", "open", 2), rating("b", "involving", 3), rating("c", "together", 1)],
        AS_OF,
        {"open": 3, "involving": 4, "together": 3},
    )
    sentences = summary_sentences(short, principle_titles=TITLES)
    assert "You are furthest from your target on together: 2.0 below Learning (3)." in sentences
    assert "In all, you are short of your target on 3 principles." in sentences


def test_summary_with_nothing_rated() -> None:
    scores = score_assessment([rating("a", "open", None), rating("b", "open", None)], AS_OF)
    assert summary_sentences(scores) == [
        "No practices have a level yet, so there is no overall level.",
        "2 practices have not been rated yet.",
    ]


def test_summary_with_comparison() -> None:
    previous = [rating("o1", "open", 2), rating("i1", "involving", 4)]
    current = [
        rating("o1", "open", 4),
        rating("i1", "involving", 3),
        rating("i9", "involving", 5),
    ]
    scores = score_assessment(current, AS_OF)
    comparison = compare_rounds(previous, current, {})
    sentences = summary_sentences(scores, comparison, TITLES)
    assert (
        "Since the last round your overall score has risen by 0.5, comparing the 2 practices "
        "rated in both rounds." in sentences
    )
    assert "Open and transparent improved the most, by 2.0." in sentences
    assert "Proactively involving users fell the most, by 1.0." in sentences
    assert (
        "1 practice is new or changed since the last round, so it is not part of the comparison."
        in sentences
    )


def test_summary_with_nothing_comparable() -> None:
    current = [rating("x", "open", 3)]
    comparison = compare_rounds([rating("y", "open", 2)], current, {})
    sentences = summary_sentences(score_assessment(current, AS_OF), comparison)
    assert "No practices can be compared with the last round." in sentences
    assert (
        "1 practice is new or changed since the last round, so it is not part of the comparison."
        in sentences
    )


def test_summary_with_no_change() -> None:
    same = [rating("a", "open", 3)]
    sentences = summary_sentences(score_assessment(same, AS_OF), compare_rounds(same, same))
    assert (
        "Since the last round your overall score has stayed the same, comparing the 1 practice "
        "rated in both rounds." in sentences
    )
