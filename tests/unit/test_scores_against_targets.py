"""Scores against targets as shown: which target counts, how it is labelled, the sentences."""

from __future__ import annotations

from datetime import date

from ue_core.scoring import PracticeRating, score_assessment
from ue_core.services.scores_against_targets import (
    TargetBasis,
    TargetView,
    score_figures,
)

TITLES = {"a": "Alpha", "b": "Beta", "c": "Gamma"}


def target(key: str, level: int | None, suggested: int | None, reason: str = "") -> TargetView:
    return TargetView(key, TITLES[key], suggested, "", level, reason, saved=bool(reason))


def figures(targets: list[TargetView]):
    ratings = [
        PracticeRating("a1", "a", 2),
        PracticeRating("a2", "a", 3),  # 2.5
        PracticeRating("b1", "b", 4),
        PracticeRating("c1", "c", 3),
    ]
    levels = {t.principle_key: t.level for t in targets if t.level is not None}
    scores = score_assessment(ratings, date(2026, 5, 1), levels)
    return score_figures(scores, TITLES, targets)


def test_a_suggestion_counts_and_says_so_until_the_team_sets_its_own() -> None:
    shown = figures([target("a", 3, 3), target("b", 3, 4, "We are small"), target("c", None, None)])
    a, b, c = shown.principles
    assert a.target_basis is TargetBasis.SUGGESTED and a.label == "2.5 (target 3, suggested)"
    assert b.target_basis is TargetBasis.SET_BY_TEAM and b.label == "4.0 (target 3)"
    assert c.target_basis is TargetBasis.NONE and c.label == "3.0"
    assert str(a.gap) == "0.5" and a.short_of_target and not b.short_of_target
    assert shown.target_sentence() == "You are short of your target on 1 of 2 principles."
    assert shown.basis_sentence() == (
        "1 target is suggested from the profile of your statistics and 1 was set by the team."
    )
    table = shown.table()
    assert list(table["Target source"])[:2] == ["Suggested from the profile", "Set by the team"]
    assert table["Target source"].isna().tolist() == [False, False, True, True]
    assert list(table["Principle"]) == ["Alpha", "Beta", "Gamma", "Overall"]
    assert table.loc[0, "Gap to target"] == 0.5


def test_with_no_profile_there_are_no_targets_and_the_sentences_say_so() -> None:
    shown = figures([target(k, None, None) for k in TITLES])
    assert shown.target_sentence().startswith("No targets are set yet")
    assert shown.basis_sentence() == ""
    assert "orange line" in shown.description()
    assert shown.table()["Target level"].isna().all()


def test_every_suggested_target_met_is_said_plainly() -> None:
    shown = figures([target(k, 2, 2) for k in TITLES])
    assert shown.target_sentence() == (
        "You have reached your target on every principle that has one."
    )
    assert shown.basis_sentence().startswith("All 3 targets are the levels suggested")
