"""Drawing the monthly Champion Chat groups: small groups of champions who meet for 20 minutes.

Rules:

- Groups are of four. When the number of champions does not divide by four, the fewest
  groups of three or five are used: one left over makes one group of five, three left over
  one group of three, two left over two groups of three (so 6 -> 3+3, 10 -> 4+3+3). Two
  threes rather than two fives, because a 20-minute chat gives each person more time in a
  smaller group. Fewer than three champions: two make one pair, one or none make no group.
- Two champions from one organisation are never put in one group when the numbers allow it
  (checked by construction: organisations are placed largest first, each member in a
  different group with the most room left, which succeeds whenever any such drawing exists).
- Among drawings that keep organisations apart, pairs who have met before are kept as rare
  as possible, recent meetings counting more (:func:`pair_history`). A seeded greedy start is
  improved by swapping two people between groups while that lowers the cost, from several
  seeded starts; the cheapest drawing wins.
- The same champions, history and seed always give the same groups, whatever order the
  champions are given in.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from ue_core.errors import InputError

#: The cost of one pair from the same organisation in a group: far above any repeat cost.
SAME_ORGANISATION_COST: Final[float] = 1_000_000.0
#: Seeded starts tried by :func:`draw_groups`; the cheapest drawing is kept.
STARTS: Final[int] = 12
#: How much more a meeting last month counts than a meeting long ago (see pair_history).
RECENCY_BONUS: Final[float] = 1.0
#: Each month further back halves the recency bonus.
RECENCY_HALF_LIFE_MONTHS: Final[float] = 1.0

Pair = frozenset[int]
Group = tuple[int, ...]


@dataclass(frozen=True)
class ChampionRef:
    """A champion available for this month's drawing: their user id and organisation id."""

    id: int
    organisation_id: int


@dataclass(frozen=True)
class DrawSummary:
    """What the hub checks before publishing: same-organisation groups and repeat pairings."""

    groups: int
    same_organisation_groups: int
    same_organisation_pairs: int
    repeat_pairs: int
    repeat_pair_list: tuple[tuple[int, int], ...]


def group_sizes(count: int) -> list[int]:
    """The group sizes for ``count`` champions, largest first (see the module's rules)."""
    if count < 0:
        raise ValueError("the number of champions cannot be negative")
    if count < 2:
        return []
    if count < 3:
        return [count]
    fours, left = divmod(count, 4)
    if left == 0:
        return [4] * fours
    if left == 1:
        return [5] + [4] * (fours - 1)
    if left == 3:
        return [4] * fours + [3]
    return [4] * (fours - 1) + [3, 3]


def pair_history(past_months: Sequence[Iterable[Group]]) -> dict[Pair, float]:
    """Weights of pairs who met in past months, oldest month first, newest last.

    Each meeting counts 1, plus ``RECENCY_BONUS`` halved for every month further back than
    last month, so a pair who met last month costs 2 and one who met a year ago about 1.
    """
    weights: dict[Pair, float] = {}
    newest = len(past_months) - 1
    for index, groups in enumerate(past_months):
        age = newest - index
        weight = 1.0 + RECENCY_BONUS * 0.5 ** (age / RECENCY_HALF_LIFE_MONTHS)
        for group in groups:
            for a, b in itertools.combinations(group, 2):
                pair = frozenset((a, b))
                weights[pair] = weights.get(pair, 0.0) + weight
    return weights


def _as_weights(past_pairs: Mapping[Pair, float] | Collection[Pair]) -> Mapping[Pair, float]:
    if isinstance(past_pairs, Mapping):
        return past_pairs
    weights: dict[Pair, float] = {}
    for pair in past_pairs:
        weights[frozenset(pair)] = weights.get(frozenset(pair), 0.0) + 1.0
    return weights


class _Costs:
    """Pair costs for one drawing (same organisation first, then past meetings), by position."""

    def __init__(self, champions: Sequence[ChampionRef], past: Mapping[Pair, float]) -> None:
        self.ids = [champion.id for champion in champions]
        self.matrix = [
            [
                0.0
                if a is b
                else past.get(frozenset((a.id, b.id)), 0.0)
                + (SAME_ORGANISATION_COST if a.organisation_id == b.organisation_id else 0.0)
                for b in champions
            ]
            for a in champions
        ]

    def joining(self, person: int, group: Iterable[int]) -> float:
        row = self.matrix[person]
        return sum(row[other] for other in group)

    def group(self, members: Sequence[int]) -> float:
        return sum(self.matrix[a][b] for a, b in itertools.combinations(members, 2))


def _greedy_start(
    champions: Sequence[ChampionRef], sizes: Sequence[int], costs: _Costs, rng: random.Random
) -> list[list[int]]:
    """Organisations largest first, each member into a different group with the most room.

    Ties on room go to the group where the person has met the fewest people before, then
    at random. An organisation with more members than there are groups spills over into
    groups it is already in, once every group holds one of them. Groups hold positions in
    ``champions``.
    """
    by_organisation: dict[int, list[int]] = {}
    for position, champion in enumerate(champions):
        by_organisation.setdefault(champion.organisation_id, []).append(position)
    organisations = list(by_organisation.items())
    rng.shuffle(organisations)
    organisations.sort(key=lambda item: -len(item[1]))
    groups: list[list[int]] = [[] for _ in sizes]
    for _, members in organisations:
        rng.shuffle(members)
        used: set[int] = set()
        for person in members:
            open_groups = [i for i in range(len(groups)) if len(groups[i]) < sizes[i]]
            fresh = [i for i in open_groups if i not in used] or open_groups
            rng.shuffle(fresh)
            best = min(
                fresh,
                key=lambda i: (len(groups[i]) - sizes[i], costs.joining(person, groups[i])),
            )
            groups[best].append(person)
            used.add(best)
    return groups


def _improve(groups: list[list[int]], costs: _Costs, rng: random.Random) -> None:
    """Swap two people between groups while some swap lowers the total cost.

    ``link[p][g]`` is the cost of person ``p`` with everyone in group ``g``, kept up to date
    after each swap, so weighing a swap takes constant time.
    """
    matrix = costs.matrix
    count = len(matrix)
    where = [0] * count
    for g, members in enumerate(groups):
        for person in members:
            where[person] = g
    link = [[costs.joining(p, members) for members in groups] for p in range(count)]
    people = list(range(count))
    improved = True
    while improved:
        improved = False
        rng.shuffle(people)
        for a, b in itertools.combinations(people, 2):
            g, h = where[a], where[b]
            if g == h:
                continue
            delta = link[b][g] - link[a][g] + link[a][h] - link[b][h] - 2 * matrix[a][b]
            if delta < -1e-9:
                groups[g][groups[g].index(a)] = b
                groups[h][groups[h].index(b)] = a
                where[a], where[b] = h, g
                for p in range(count):
                    change = matrix[p][b] - matrix[p][a]
                    link[p][g] += change
                    link[p][h] -= change
                improved = True


def _canonical(groups: Iterable[Iterable[int]]) -> list[Group]:
    """Members in id order within each group, groups ordered by their first member."""
    return sorted((tuple(sorted(group)) for group in groups), key=lambda group: group[0])


def _check_champions(champions: Sequence[ChampionRef]) -> list[ChampionRef]:
    ids = [champion.id for champion in champions]
    if len(set(ids)) != len(ids):
        raise ValueError("each champion can be in the drawing only once")
    return sorted(champions, key=lambda champion: champion.id)


def draw_groups(
    champions: Sequence[ChampionRef],
    past_pairs: Mapping[Pair, float] | Collection[Pair],
    seed: int,
) -> list[Group]:
    """This month's groups: organisations kept apart, then repeat pairings as rare as possible.

    ``past_pairs`` maps pairs who met before to a weight (see :func:`pair_history`), or lists
    them (each listing counts 1). The result depends only on the champions, the history and
    the seed.
    """
    ordered = _check_champions(champions)
    sizes = group_sizes(len(ordered))
    if not sizes:
        return []
    costs = _Costs(ordered, _as_weights(past_pairs))
    rng = random.Random(seed)
    best: list[list[int]] | None = None
    best_cost = float("inf")
    for _ in range(STARTS):
        groups = _greedy_start(ordered, sizes, costs, rng)
        _improve(groups, costs, rng)
        total = sum(costs.group(group) for group in groups)
        if total < best_cost - 1e-9:
            best, best_cost = groups, total
    assert best is not None
    return _canonical([costs.ids[position] for position in group] for group in best)


def draw_at_random(champions: Sequence[ChampionRef], seed: int) -> list[Group]:
    """The baseline: the same group sizes, people shuffled uniformly at random."""
    ordered = [champion.id for champion in _check_champions(champions)]
    random.Random(seed).shuffle(ordered)
    groups: list[list[int]] = []
    start = 0
    for size in group_sizes(len(ordered)):
        groups.append(ordered[start : start + size])
        start += size
    return _canonical(groups)


def swap(groups: Sequence[Group], a: int, b: int) -> list[Group]:
    """The groups with champions ``a`` and ``b`` exchanged (the hub's manual change)."""
    where = {person: index for index, group in enumerate(groups) for person in group}
    if a not in where or b not in where:
        raise InputError("Choose two people who are in this month's groups.")
    if where[a] == where[b]:
        raise InputError(
            "These two people are already in the same group: choose people from two groups."
        )
    swapped = [list(group) for group in groups]
    swapped[where[a]][swapped[where[a]].index(a)] = b
    swapped[where[b]][swapped[where[b]].index(b)] = a
    return [tuple(group) for group in swapped]


def describe_draw(
    groups: Sequence[Group],
    champions: Sequence[ChampionRef],
    past_pairs: Mapping[Pair, float] | Collection[Pair],
) -> DrawSummary:
    """Counts of same-organisation groups and pairs, and pairs who have met before."""
    organisation = {champion.id: champion.organisation_id for champion in champions}
    met = _as_weights(past_pairs)
    same_groups = 0
    same_pairs = 0
    repeats: list[tuple[int, int]] = []
    for group in groups:
        pairs = list(itertools.combinations(sorted(group), 2))
        clashes = sum(1 for a, b in pairs if organisation[a] == organisation[b])
        same_pairs += clashes
        same_groups += 1 if clashes else 0
        repeats.extend((a, b) for a, b in pairs if met.get(frozenset((a, b)), 0.0) > 0)
    return DrawSummary(
        groups=len(groups),
        same_organisation_groups=same_groups,
        same_organisation_pairs=same_pairs,
        repeat_pairs=len(repeats),
        repeat_pair_list=tuple(repeats),
    )


def can_keep_organisations_apart(
    champions: Sequence[ChampionRef], sizes: Sequence[int] | None = None
) -> bool:
    """Whether the champions can be drawn with no two from one organisation in a group."""
    chosen = list(sizes) if sizes is not None else group_sizes(len(champions))
    counts: dict[int, int] = {}
    for champion in champions:
        counts[champion.organisation_id] = counts.get(champion.organisation_id, 0) + 1
    room = sorted(chosen, reverse=True)
    for count in sorted(counts.values(), reverse=True):
        if count > len(room) or room[count - 1] == 0:
            return False
        order = sorted(range(len(room)), key=lambda i: -room[i])
        for i in order[:count]:
            room[i] -= 1
        room.sort(reverse=True)
    return True


def month_of(day: date) -> date:
    """The month a day falls in, as its first day (how a month's Chats are stored)."""
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    """The first day of the month ``months`` after (or before, when negative) ``month``."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_label(month: date) -> str:
    """'March 2027'."""
    return month.strftime("%B %Y")


def months_to_choose(today: date, back: int = 12, ahead: int = 3) -> list[date]:
    """The months the hub's page offers, newest first: a few ahead and a year back."""
    current = month_of(today)
    return [add_months(current, offset) for offset in range(ahead, -back - 1, -1)]
