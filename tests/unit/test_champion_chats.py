"""The Champion Chat drawing: group sizes, organisations apart, seeds, fewer repeats."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from ue_core.champion_chats import (
    ChampionRef,
    Group,
    can_keep_organisations_apart,
    describe_draw,
    draw_at_random,
    draw_groups,
    group_sizes,
    pair_history,
    swap,
)
from ue_core.errors import InputError


def _network(count: int, organisations: int, seed: int = 0) -> list[ChampionRef]:
    """``count`` champions spread over ``organisations``, a few organisations much larger."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(organisations)]
    chosen = list(range(organisations))  # every organisation has at least one champion
    chosen += rng.choices(range(organisations), weights=weights, k=count - organisations)
    return [ChampionRef(id=100 + i, organisation_id=org) for i, org in enumerate(chosen)]


def _members(groups: list[Group]) -> list[int]:
    return sorted(person for group in groups for person in group)


@pytest.mark.parametrize(
    ("count", "sizes"),
    [
        (0, []),
        (1, []),
        (2, [2]),
        (3, [3]),
        (4, [4]),
        (5, [5]),
        (6, [3, 3]),
        (7, [4, 3]),
        (8, [4, 4]),
        (9, [5, 4]),
        (10, [4, 3, 3]),
        (11, [4, 4, 3]),
        (14, [4, 4, 3, 3]),
    ],
)
def test_group_sizes_for_small_numbers(count: int, sizes: list[int]) -> None:
    assert group_sizes(count) == sizes


@pytest.mark.parametrize("count", range(3, 61))
def test_group_sizes_are_fours_with_the_fewest_threes_or_fives(count: int) -> None:
    sizes = group_sizes(count)
    assert sum(sizes) == count
    assert set(sizes) <= {3, 4, 5}
    odd = sum(1 for size in sizes if size != 4)
    assert odd == {0: 0, 1: 1, 2: 2, 3: 1}[count % 4]


@pytest.mark.parametrize("count", [3, 5, 6, 7, 9, 10, 13, 23, 56])
def test_drawing_uses_those_sizes_and_everyone_once(count: int) -> None:
    champions = _network(count, max(1, count // 2), seed=count)
    groups = draw_groups(champions, {}, seed=1)
    assert sorted(len(group) for group in groups) == sorted(group_sizes(count))
    assert _members(groups) == sorted(champion.id for champion in champions)


def test_one_or_no_champion_makes_no_group() -> None:
    assert draw_groups([], {}, seed=1) == []
    assert draw_groups([ChampionRef(1, 1)], {}, seed=1) == []


def test_no_same_organisation_group_when_avoidable() -> None:
    for seed in range(5):
        champions = _network(56, 35, seed=seed)
        assert can_keep_organisations_apart(champions)
        groups = draw_groups(champions, {}, seed=seed)
        assert describe_draw(groups, champions, {}).same_organisation_groups == 0


def test_one_big_organisation_with_a_quarter_of_the_champions_is_spread_one_per_group() -> None:
    big = [ChampionRef(id=i, organisation_id=0) for i in range(14)]
    others = [ChampionRef(id=100 + i, organisation_id=1 + i % 20) for i in range(42)]
    champions = big + others
    assert can_keep_organisations_apart(champions)
    groups = draw_groups(champions, {}, seed=3)
    assert describe_draw(groups, champions, {}).same_organisation_groups == 0
    assert all(sum(1 for person in group if person < 14) == 1 for group in groups)


def test_when_it_cannot_be_avoided_the_clashes_are_as_few_as_possible() -> None:
    # Nine champions, two groups (5 and 4); one organisation has three of them.
    champions = [ChampionRef(id=i, organisation_id=0) for i in range(3)] + [
        ChampionRef(id=10 + i, organisation_id=1 + i) for i in range(6)
    ]
    assert not can_keep_organisations_apart(champions)
    summary = describe_draw(draw_groups(champions, {}, seed=0), champions, {})
    assert summary.same_organisation_pairs == 1
    assert summary.same_organisation_groups == 1


def test_same_seed_gives_the_same_groups_whatever_the_order() -> None:
    champions = _network(56, 35)
    history = pair_history([draw_at_random(champions, seed=9)])
    first = draw_groups(champions, history, seed=42)
    shuffled = list(champions)
    random.Random(5).shuffle(shuffled)
    assert draw_groups(shuffled, history, seed=42) == first
    assert draw_groups(champions, history, seed=43) != first


def test_over_twelve_months_far_fewer_repeats_than_random() -> None:
    champions = _network(56, 35, seed=7)
    skip = random.Random(11)
    ours: list[list[Group]] = []
    baseline: list[list[Group]] = []
    repeats = Counter[str]()
    for month in range(12):
        present = [champion for champion in champions if skip.random() >= 0.1]
        drawn = draw_groups(present, pair_history(ours), seed=month)
        shuffled = draw_at_random(present, seed=month)
        repeats["ours"] += describe_draw(drawn, present, pair_history(ours)).repeat_pairs
        repeats["random"] += describe_draw(shuffled, present, pair_history(baseline)).repeat_pairs
        assert describe_draw(drawn, present, {}).same_organisation_groups == 0
        ours.append(drawn)
        baseline.append(shuffled)
    assert repeats["random"] > 0
    assert repeats["ours"] * 2 <= repeats["random"]


def test_recent_meetings_weigh_more() -> None:
    history = pair_history([[(1, 2)], [(1, 3)]])
    assert history[frozenset((1, 3))] > history[frozenset((1, 2))] >= 1.0
    assert pair_history([[(1, 2)], [(1, 2)]])[frozenset((1, 2))] > 2.0


def test_a_listed_pair_who_met_is_avoided() -> None:
    # Twelve champions make three groups; the three who all met each other can be split up.
    champions = [ChampionRef(id=i, organisation_id=i) for i in range(12)]
    met = [frozenset((a, b)) for a in range(3) for b in range(a + 1, 3)]
    groups = draw_groups(champions, met, seed=0)
    assert describe_draw(groups, champions, met).repeat_pairs == 0


def test_swap_exchanges_two_people_between_groups() -> None:
    groups: list[Group] = [(1, 2, 3), (4, 5, 6)]
    assert swap(groups, 2, 6) == [(1, 6, 3), (4, 5, 2)]
    with pytest.raises(InputError, match="same group"):
        swap(groups, 1, 2)
    with pytest.raises(InputError, match="in this month's groups"):
        swap(groups, 1, 99)


def test_describe_draw_names_the_repeat_pairs_and_clashes() -> None:
    champions = [ChampionRef(1, 1), ChampionRef(2, 1), ChampionRef(3, 2), ChampionRef(4, 3)]
    summary = describe_draw([(1, 2, 3, 4)], champions, [frozenset((3, 4))])
    assert summary.same_organisation_groups == 1
    assert summary.same_organisation_pairs == 1
    assert summary.repeat_pair_list == ((3, 4),)


def test_a_champion_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="only once"):
        draw_groups([ChampionRef(1, 1), ChampionRef(1, 2), ChampionRef(3, 3)], {}, seed=0)


def _fewest_clashes_by_trying_every_order(champions: list[ChampionRef]) -> int:
    organisation = {champion.id: champion.organisation_id for champion in champions}
    sizes = group_sizes(len(champions))
    fewest = len(champions) ** 2
    for order in itertools.permutations(organisation):
        start, clashes = 0, 0
        for size in sizes:
            group = order[start : start + size]
            start += size
            clashes += sum(
                1 for a, b in itertools.combinations(group, 2) if organisation[a] == organisation[b]
            )
        fewest = min(fewest, clashes)
    return fewest


def test_small_networks_match_trying_every_order() -> None:
    rng = random.Random(0)
    for case in range(40):
        count = rng.randint(3, 7)
        organisations = rng.randint(1, count)
        champions = [
            ChampionRef(id=i, organisation_id=rng.randrange(organisations)) for i in range(count)
        ]
        fewest = _fewest_clashes_by_trying_every_order(champions)
        drawn = describe_draw(draw_groups(champions, {}, seed=case), champions, {})
        assert drawn.same_organisation_pairs == fewest
        assert can_keep_organisations_apart(champions) == (fewest == 0)
