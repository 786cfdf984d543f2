"""Tests for ue_core.targets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ue_core.targets import (
    CHANGE_FREQUENCY_VALUES,
    KNOWN_PRINCIPLE_KEYS,
    PUBLIC_INTEREST_VALUES,
    USER_BREADTH_VALUES,
    StatisticsProfile,
    SuggestedTarget,
    general_target,
    suggest_target,
    suggest_targets,
)

ALL_PROFILES = [
    StatisticsProfile(interest, breadth, change)  # type: ignore[arg-type]
    for interest, breadth, change in itertools.product(
        PUBLIC_INTEREST_VALUES, USER_BREADTH_VALUES, CHANGE_FREQUENCY_VALUES
    )
]
INTEREST_ORDER = {"low": 0, "medium": 1, "high": 2}
BREADTH_ORDER = {"narrow": 0, "mixed": 1, "wide": 2}


def test_baseline_profile_gives_learning_everywhere() -> None:
    profile = StatisticsProfile("medium", "mixed", "stable")
    targets = suggest_targets(profile, [*KNOWN_PRINCIPLE_KEYS, "something-else"])
    assert list(targets) == [*KNOWN_PRINCIPLE_KEYS, "something-else"]
    assert {key: t.level for key, t in targets.items()} == dict.fromkeys(targets, 3)
    assert targets["open-and-transparent"].level_name == "Learning"


def test_high_profile_wide_statistics_aim_high() -> None:
    profile = StatisticsProfile("high", "wide", "stable")
    assert general_target(profile) == 5
    assert suggest_target("open-and-transparent", profile).level == 5


def test_high_interest_adds_one_and_wide_breadth_adds_one() -> None:
    assert general_target(StatisticsProfile("high", "mixed", "stable")) == 4
    assert general_target(StatisticsProfile("medium", "wide", "stable")) == 4
    assert general_target(StatisticsProfile("low", "mixed", "stable")) == 2


def test_specialist_low_profile_statistics_get_proportionate_targets() -> None:
    profile = StatisticsProfile("low", "narrow", "stable")
    targets = suggest_targets(profile, KNOWN_PRINCIPLE_KEYS)
    assert targets["proactively-involving-users"].level == 2
    assert targets["open-and-transparent"].level == 2
    assert targets["capability-and-culture"].level == 2
    # Deciding proportionately and joining up with partners matter at any profile.
    assert targets["flexible-and-proportionate"].level == 3
    assert targets["working-together"].level == 3


def test_frequent_change_raises_open_and_involving_only() -> None:
    stable = StatisticsProfile("medium", "mixed", "stable")
    frequent = StatisticsProfile("medium", "mixed", "frequent")
    assert (
        suggest_target("open-and-transparent", frequent).level
        == suggest_target("open-and-transparent", stable).level + 1
    )
    assert suggest_target("proactively-involving-users", frequent).level == 4
    assert suggest_target("working-together", frequent).level == 3
    assert suggest_target("unknown", frequent).level == 3


def test_capability_floor_when_statistics_change() -> None:
    assert (
        suggest_target("capability-and-culture", StatisticsProfile("low", "mixed", "stable")).level
        == 2
    )
    assert (
        suggest_target(
            "capability-and-culture", StatisticsProfile("low", "mixed", "occasional")
        ).level
        == 3
    )


def test_cap_at_mastering_is_explained() -> None:
    target = suggest_target("open-and-transparent", StatisticsProfile("high", "wide", "frequent"))
    assert target.level == 5
    assert "no higher than Mastering (5)" in target.rationale


def test_rationale_names_the_profile_facts() -> None:
    target = suggest_target("open-and-transparent", StatisticsProfile("high", "narrow", "frequent"))
    assert target.rationale.startswith("Suggested target: Mastering (5). ")
    assert "Public interest in these statistics is high" in target.rationale
    assert "The user base is narrow and specialist" in target.rationale
    assert "The statistics change often" in target.rationale
    assert target.rationale.endswith(".")
    assert ".." not in target.rationale


def test_unknown_keys_get_the_general_target() -> None:
    for profile in ALL_PROFILES:
        assert suggest_target("v9-unknown", profile).level == general_target(profile)


@pytest.mark.parametrize(
    "fields",
    [
        ("very high", "wide", "stable"),
        ("high", "everyone", "stable"),
        ("high", "wide", "daily"),
    ],
)
def test_profile_rejects_unknown_values(fields: tuple[str, str, str]) -> None:
    with pytest.raises(ValueError, match="must be one of"):
        StatisticsProfile(*fields)  # type: ignore[arg-type]


def test_suggested_target_is_frozen() -> None:
    target = SuggestedTarget(3, "Because.")
    with pytest.raises(AttributeError):
        target.level = 4  # type: ignore[misc]


@given(
    st.sampled_from(ALL_PROFILES),
    st.sampled_from([*KNOWN_PRINCIPLE_KEYS, "other"]),
)
def test_targets_stay_between_emerging_and_mastering(profile: StatisticsProfile, key: str) -> None:
    target = suggest_target(key, profile)
    assert 2 <= target.level <= 5
    assert target.rationale


@given(
    st.sampled_from(ALL_PROFILES),
    st.sampled_from(ALL_PROFILES),
    st.sampled_from([*KNOWN_PRINCIPLE_KEYS, "other"]),
)
def test_higher_profile_never_lowers_a_target(
    first: StatisticsProfile, second: StatisticsProfile, key: str
) -> None:
    if (
        INTEREST_ORDER[second.public_interest] >= INTEREST_ORDER[first.public_interest]
        and BREADTH_ORDER[second.user_breadth] >= BREADTH_ORDER[first.user_breadth]
        and second.change_frequency == first.change_frequency
    ):
        assert suggest_target(key, second).level >= suggest_target(key, first).level
