"""Champion Chat drawing against uniformly random groups, in the same run.

``python -m bench --only chats`` simulates a year of Champion Chats: 56 champions in 35
organisations (every organisation has one champion, the other 21 go to organisations with a
Zipf-like skew, so the largest has five to ten), 12 months, each champion skipping a
month with probability 0.1. Each month both :func:`ue_core.champion_chats.draw_groups` (with
the history of its own past drawings) and :func:`ue_core.champion_chats.draw_at_random` (the
same group sizes, people shuffled) draw the champions present. Figures, over all 12 months:

- repeat pairings: pairs in a group who had already met in an earlier month of that method;
- same-organisation groups: groups holding two or more people from one organisation, and the
  months in which that could have been avoided;
- drawing time: wall time of one ``draw_groups`` call (median and slowest of 12).

The year is simulated for ``NETWORK_SEEDS`` different networks and skip patterns. Figures go
to bench/results.json under ``champion_chats``.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any, Final

from bench.report import RESULTS_PATH, Column, median, merge_results, print_table, say
from ue_core.champion_chats import (
    ChampionRef,
    Group,
    can_keep_organisations_apart,
    describe_draw,
    draw_at_random,
    draw_groups,
    pair_history,
)

CHAMPIONS: Final = 56
ORGANISATIONS: Final = 35
MONTHS: Final = 12
SKIP_CHANCE: Final = 0.1
NETWORK_SEEDS: Final = (0, 1, 2, 3, 4)

TABLE_COLUMNS: Final = (
    Column("network_seed", "Seed", "right"),
    Column("method", "Method"),
    Column("repeat_pairings", "Repeat pairings", "right"),
    Column("same_organisation_groups", "Same-organisation groups", "right"),
    Column("avoidable", "Of them avoidable", "right"),
    Column("median_ms", "Median draw ms", "right", ".1f"),
    Column("max_ms", "Slowest draw ms", "right", ".1f"),
)


def network(seed: int) -> list[ChampionRef]:
    """56 champions in 35 organisations, a few organisations much larger than the rest."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(ORGANISATIONS)]
    organisations = list(range(ORGANISATIONS))
    organisations += rng.choices(range(ORGANISATIONS), weights=weights, k=CHAMPIONS - ORGANISATIONS)
    return [ChampionRef(id=1 + i, organisation_id=org) for i, org in enumerate(organisations)]


def simulate(seed: int) -> list[dict[str, Any]]:
    """One year for one network: a row for our drawing and one for random drawing."""
    champions = network(seed)
    skips = random.Random(10_000 + seed)
    history: dict[str, list[list[Group]]] = {"ours": [], "random": []}
    totals = {
        method: {"repeat_pairings": 0, "same_organisation_groups": 0, "avoidable": 0}
        for method in history
    }
    draw_ms: list[float] = []
    largest_organisation = max(
        sum(1 for c in champions if c.organisation_id == org) for org in range(ORGANISATIONS)
    )
    for month in range(MONTHS):
        present = [champion for champion in champions if skips.random() >= SKIP_CHANCE]
        avoidable = can_keep_organisations_apart(present)
        month_seed = seed * 100 + month
        started = time.perf_counter()
        ours = draw_groups(present, pair_history(history["ours"]), month_seed)
        draw_ms.append((time.perf_counter() - started) * 1000)
        drawn = {"ours": ours, "random": draw_at_random(present, month_seed)}
        for method, groups in drawn.items():
            summary = describe_draw(groups, present, pair_history(history[method]))
            totals[method]["repeat_pairings"] += summary.repeat_pairs
            totals[method]["same_organisation_groups"] += summary.same_organisation_groups
            if avoidable:
                totals[method]["avoidable"] += summary.same_organisation_groups
            history[method].append(groups)
    rows: list[dict[str, Any]] = []
    for method, figures in totals.items():
        rows.append(
            {
                "network_seed": seed,
                "method": "draw_groups" if method == "ours" else "uniform random",
                "largest_organisation": largest_organisation,
                **figures,
                "median_ms": round(median(draw_ms), 2) if method == "ours" else None,
                "max_ms": round(max(draw_ms), 2) if method == "ours" else None,
            }
        )
    return rows


def run(results: Path = RESULTS_PATH) -> int:
    """Simulate each network, print the table, merge the figures; 1 if a target is missed."""
    rows = [row for seed in NETWORK_SEEDS for row in simulate(seed)]
    print(
        f"\nChampion Chats: {CHAMPIONS} champions in {ORGANISATIONS} organisations, "
        f"{MONTHS} months, {SKIP_CHANCE:.0%} chance of skipping a month\n"
    )
    print_table(rows, TABLE_COLUMNS)
    ours = [row for row in rows if row["method"] == "draw_groups"]
    baseline = [row for row in rows if row["method"] == "uniform random"]
    ours_repeats = sum(row["repeat_pairings"] for row in ours)
    random_repeats = sum(row["repeat_pairings"] for row in baseline)
    avoidable = sum(row["avoidable"] for row in ours)
    share = ours_repeats / random_repeats if random_repeats else None
    section = {
        "method": (
            f"{len(NETWORK_SEEDS)} simulated years of {MONTHS} months; {CHAMPIONS} champions "
            f"in {ORGANISATIONS} organisations (Zipf-like skew), each skipping a month with "
            f"probability {SKIP_CHANCE}; draw_groups against draw_at_random on the same "
            "champions each month"
        ),
        "years": rows,
        "repeat_pairings_ours": ours_repeats,
        "repeat_pairings_random": random_repeats,
        "repeat_share_of_random": None if share is None else round(share, 4),
        "avoidable_same_organisation_groups_ours": avoidable,
        "same_organisation_groups_random": sum(row["same_organisation_groups"] for row in baseline),
        "median_draw_ms": round(median([row["median_ms"] for row in ours]), 2),
        "slowest_draw_ms": round(max(row["max_ms"] for row in ours), 2),
        "meets_targets": avoidable == 0 and share is not None and share <= 0.5,
    }
    merge_results("champion_chats", section, results)
    say(
        f"Repeat pairings {ours_repeats} against {random_repeats} for random "
        f"({section['repeat_share_of_random']}); avoidable same-organisation groups {avoidable}. "
        f"Written to {results}"
    )
    return 0 if section["meets_targets"] else 1


if __name__ == "__main__":
    raise SystemExit(run())
