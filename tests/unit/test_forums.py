"""The forum register's pure rules: status, activity in a period, the overlap score and its
reason, a team's topics from its own words, and weak working-together practices."""

from __future__ import annotations

from datetime import date

import pytest

from ue_core.errors import InputError
from ue_core.forums import (
    ForumFacts,
    ForumStatus,
    active_in_period,
    check_web_address,
    derived_status,
    forum_status,
    jaccard,
    overlap,
    overlapping_pairs,
    themes_in_text,
    weak_practices,
)

TODAY = date(2026, 12, 1)


def facts(forum_id: int, name: str, themes: set[str], organisations: set[int]) -> ForumFacts:
    return ForumFacts(forum_id, name, frozenset(themes), frozenset(organisations))


def test_a_forum_lapses_when_it_has_not_met_within_its_allowance() -> None:
    assert derived_status(date(2026, 9, 1), 92, TODAY) is ForumStatus.ACTIVE  # 91 days
    assert derived_status(date(2026, 8, 31), 92, TODAY) is ForumStatus.ACTIVE  # 92 days
    assert derived_status(date(2026, 8, 30), 92, TODAY) is ForumStatus.LAPSED
    assert derived_status(None, 92, TODAY) is ForumStatus.LAPSED  # never met


def test_closed_beats_a_status_set_by_hand_which_beats_the_meetings() -> None:
    recent, old = date(2026, 11, 1), date(2020, 1, 1)
    common = {"lapses_after_days": 92, "today": TODAY}
    assert forum_status(closed_on=None, status_set=None, last_met=recent, **common) is (
        ForumStatus.ACTIVE
    )
    assert forum_status(closed_on=None, status_set=ForumStatus.ACTIVE, last_met=old, **common) is (
        ForumStatus.ACTIVE
    )
    assert forum_status(
        closed_on=None, status_set=ForumStatus.LAPSED, last_met=recent, **common
    ) is (ForumStatus.LAPSED)
    assert forum_status(
        closed_on=date(2026, 11, 2), status_set=ForumStatus.ACTIVE, last_met=recent, **common
    ) is (ForumStatus.CLOSED)
    # Closing from a later day does not close it yet.
    assert forum_status(closed_on=date(2027, 1, 1), status_set=None, last_met=recent, **common) is (
        ForumStatus.ACTIVE
    )


@pytest.mark.parametrize(
    ("meetings", "closed_on", "active"),
    [
        ([date(2026, 5, 1)], None, True),  # met in the period
        ([date(2026, 2, 1)], None, True),  # met before it, not lapsed by the start (59 days)
        ([date(2025, 12, 1)], None, False),  # lapsed before the period began
        ([date(2026, 10, 1)], None, False),  # met only after the period
        ([], None, False),
        ([date(2026, 5, 1)], date(2026, 3, 31), False),  # closed before the period
        ([date(2026, 5, 1)], date(2026, 6, 1), True),  # closed during it: it was active
    ],
)
def test_active_in_a_period(meetings: list[date], closed_on: date | None, active: bool) -> None:
    assert active_in_period(meetings, 92, closed_on, date(2026, 4, 1), date(2026, 9, 30)) is active


def test_jaccard() -> None:
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == pytest.approx(1 / 3)
    assert jaccard(frozenset({"a"}), frozenset({"a"})) == 1.0
    assert jaccard(frozenset(), frozenset()) == 0.0
    assert jaccard(frozenset({1}), frozenset({2})) == 0.0


def test_the_score_weighs_themes_and_organisations() -> None:
    housing = facts(1, "Housing users", {"housing", "population"}, {10, 11})
    same_themes = facts(2, "Homes forum", {"housing", "population"}, {12})
    same_orgs = facts(3, "Roads", {"transport"}, {10, 11})
    assert overlap(housing, same_themes).score == pytest.approx(0.6)
    assert overlap(housing, same_orgs).score == pytest.approx(0.4)
    half = overlap(housing, facts(4, "Mixed", {"housing"}, {10}))
    assert half.theme_overlap == pytest.approx(0.5)
    assert half.organisation_overlap == pytest.approx(0.5)
    assert half.score == pytest.approx(0.5)
    assert overlap(housing, housing).score == pytest.approx(1.0)


def test_the_reason_names_what_is_shared() -> None:
    found = overlap(
        facts(1, "A", {"housing", "population", "health"}, {10, 11}),
        facts(2, "B", {"population", "housing"}, {11}),
    )
    labels = {"housing": "Housing", "population": "Population", "health": "Health"}
    assert found.reason(labels, {11: "Office B"}) == (
        "Both cover Housing and Population; both include Office B."
    )
    only_orgs = overlap(facts(1, "A", {"x"}, {10}), facts(2, "B", {"y"}, {10}))
    assert only_orgs.reason({}, {10: "Office A"}) == "Both include Office A."


def test_pairs_come_highest_first_and_share_something() -> None:
    forums = [
        facts(1, "Alpha", {"housing"}, {1}),
        facts(2, "Beta", {"housing"}, {1}),  # the same as Alpha: 1.0
        facts(3, "Gamma", {"housing", "health"}, {2}),  # themes half Alpha's: 0.3
        facts(4, "Delta", {"transport"}, {3}),  # shares nothing
    ]
    pairs = overlapping_pairs(forums)
    assert [(p.first.name, p.second.name) for p in pairs] == [
        ("Alpha", "Beta"),
        ("Alpha", "Gamma"),
        ("Beta", "Gamma"),
    ]
    assert pairs[0].score == pytest.approx(1.0)
    assert all("Delta" not in (p.first.name, p.second.name) for p in pairs)
    assert len(overlapping_pairs(forums, min_score=0.5)) == 1
    assert len(overlapping_pairs(forums, limit=2)) == 2


def test_themes_found_in_a_teams_own_words() -> None:
    keywords = {"housing": ["housing", "homes"], "transport": ["road"], "crime": ["court"]}
    found = themes_in_text(
        ["Housing and communities statistics", "Quarterly figures on new HOMES"], keywords
    )
    assert found == {"housing": ("housing", "homes")}
    # Whole words only: "railroad" and "courtyard" are not "road" or "court".
    assert themes_in_text(["Railroad courtyard counts"], keywords) == {}
    assert themes_in_text(["Road traffic"], keywords) == {"transport": ("road",)}


def test_weak_practices_use_the_principles_target_minus_the_level() -> None:
    levels = {"a": 2, "b": 3, "c": None, "d": 1}
    principle_of = {"a": "p", "b": "p", "c": "p", "d": "q"}
    titles = {"a": "A", "b": "B", "c": "C", "d": "D"}
    weak = weak_practices(levels, principle_of, {"p": 3, "q": None}, titles, ["a", "b", "c", "d"])
    assert [(w.practice_key, w.level, w.target, w.gap) for w in weak] == [("a", 2, 3, 1)]
    # At the target is not weak; with no target nothing is called weak.
    assert weak_practices(levels, principle_of, {}, titles, ["a", "b", "d"]) == []


@pytest.mark.parametrize(
    "address",
    ["www.example.org", "http://example.org", "https://example", "https://exa mple.org"],
)
def test_web_addresses_must_be_full_https_ones(address: str) -> None:
    with pytest.raises(InputError, match="starting https://"):
        check_web_address(address)


def test_a_good_web_address_is_tidied_and_empty_stays_empty() -> None:
    assert check_web_address("  https://www.statsusernet.org.uk/housing ") == (
        "https://www.statsusernet.org.uk/housing"
    )
    assert check_web_address("  ") == ""
