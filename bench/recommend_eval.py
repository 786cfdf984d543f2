"""Evaluate the library recommender against a hub consultant's picks, and time it.

Run from the repository root::

    python -m bench.recommend_eval              # best installed embedding backend
    python -m bench.recommend_eval --backend tfidf-lsa

Quality, on the judged set ``bench/judged_cases.yaml`` (gap profiles and support requests, each
with the resources a consultant would pick; relevance is binary):

- precision at 5: the share of the top 5 that the consultant picked;
- nDCG at 10: normalised discounted cumulative gain of the top 10;
- catalogue coverage: the share of the catalogue that appears in any case's top 10.

The recommender and a baseline that ranks by tag overlap alone (practice tags shared with the
gaps; for text, tag labels sharing a word with the request) are scored in the same run.

Free text, side by side in the same run (issue 14, item 4), on the new judged set
``bench/judged_requests.yaml`` (66 requests written as teams write them, judged from the
catalogue's content and committed before any ranking was run on them) and on the old set's 22
support requests:

- "today's recommender": embedding closeness alone over the resources' text without their
  "use this when" lines, exactly as the free-text recommender ranked before issue 14;
- "BM25 alone", "embeddings alone" (with the "use this when" lines) and "fused" (the shipped
  recommender: the standardised BM25, meaning and practice signals added with weights), all
  through ``rank_for_text``.

Each gets precision at 5, the share of requests whose top result is relevant, and nDCG at 10.
The fusion weights are chosen on the OLD set's requests from ``FUSION_GRID`` (``tune_fusion``);
the shipped ``DEFAULT_FUSION`` must be that choice, and the new set is only scored. The spread
of the new set's figures over the whole grid is reported too, to show how much the choice
matters. Precision at 5 cannot reach 1 on a request with fewer than five relevant entries; the
best reachable value on each set is reported as ``precision_at_5_ceiling``.

The judged set was written before the recommender's weights were tuned; the weights were then
tuned on it. ``held_out_check`` shows how much of the gain holds on unseen cases: weights chosen
on half the cases from the same grid, scored on the other half (two folds).

Speed: a synthetic catalogue of 1,000 resources is made from the real one (entries recombined
with a fixed seed); its index is built once (reported separately), then ``rank_for_gaps`` and
``rank_for_text`` are timed over many calls. Figures go to the "recommendations" section of
``bench/results.json``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Final

import yaml

from bench.report import median, merge_results, percentile
from ue_core import recommend
from ue_core.catalogue import AUDIENCES, METHODS, PRINCIPLES, Resource, load_catalogue
from ue_core.framework import load_framework
from ue_core.recommend import (
    DEFAULT_FUSION,
    FusionWeights,
    PracticeInfo,
    ResourceIndex,
    TextMatch,
    build_index,
    rank_for_gaps,
    rank_for_text,
    without_needs,
)
from ue_core.themes.embedding import TFIDF_LSA

CASES_PATH = Path(__file__).resolve().parent / "judged_cases.yaml"
REQUESTS_PATH = Path(__file__).resolve().parent / "judged_requests.yaml"
#: Issue 14's targets for the fused recommender on the new judged set.
TARGET_PRECISION_AT_5 = 0.6
TARGET_RELEVANT_TOP = 0.8
TOP = 10
SYNTHETIC_SIZE = 1_000
TIMING_CALLS = 200
TARGET_GAIN = 0.20

_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "do",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "is",
        "it",
        "its",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "we",
        "what",
        "when",
        "where",
        "who",
        "why",
        "with",
        "you",
        "your",
    ]
)


@dataclass(frozen=True)
class Case:
    id: str
    gaps: Mapping[str, tuple[int, int]] | None
    text: str | None
    relevant: frozenset[str]


def load_cases(path: Path = CASES_PATH) -> list[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    cases = []
    for entry in raw:
        gaps = entry.get("gaps")
        cases.append(
            Case(
                id=entry["id"],
                gaps={k: (int(v[0]), int(v[1])) for k, v in gaps.items()} if gaps else None,
                text=entry.get("text"),
                relevant=frozenset(entry["relevant"]),
            )
        )
    return cases


def load_requests(path: Path = REQUESTS_PATH) -> list[Case]:
    """The new judged set: support requests only, each with its relevant entries."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["requests"]
    return [
        Case(id=entry["id"], gaps=None, text=entry["text"], relevant=frozenset(entry["relevant"]))
        for entry in raw
    ]


# --- Metrics --------------------------------------------------------------------------------


def precision_at(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    return sum(1 for r in ranked[:k] if r in relevant) / k


def ndcg_at(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, r in enumerate(ranked[:k]) if r in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


# --- Baseline -------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def baseline_gaps(gaps: Mapping[str, tuple[int, int]], resources: Sequence[Resource]) -> list[str]:
    """Rank by the number of practice tags shared with the practices below target."""
    wanted = {key for key, (current, target) in gaps.items() if target > current}
    scored = [(-len(wanted & set(r.practices)), i, r.id) for i, r in enumerate(resources)]
    return [rid for score, _, rid in sorted(scored) if score < 0][:TOP]


def baseline_text(
    text: str, resources: Sequence[Resource], practice_titles: Mapping[str, str]
) -> list[str]:
    """Rank by the number of tags whose label shares a word with the text."""
    words = _words(text)
    scored = []
    for i, r in enumerate(resources):
        labels = [
            *(practice_titles.get(k, k) for k in r.practices),
            *(METHODS[k] for k in r.methods),
            *(AUDIENCES[k] for k in r.audiences),
            *(PRINCIPLES[k] for k in r.principles),
        ]
        overlap = sum(1 for label in labels if words & _words(label))
        scored.append((-overlap, i, r.id))
    return [rid for score, _, rid in sorted(scored) if score < 0][:TOP]


# --- Evaluation -----------------------------------------------------------------------------


def evaluate(
    cases: Sequence[Case],
    gap_index: ResourceIndex,
    text_index: ResourceIndex,
    practices: Mapping[str, PracticeInfo],
    practice_titles: Mapping[str, str],
) -> dict[str, Any]:
    """Score the recommender (gap profiles on ``gap_index``, requests on ``text_index``)."""
    rankings: dict[str, dict[str, list[str]]] = {"recommender": {}, "tag_overlap_baseline": {}}
    resources = gap_index.resources
    for case in cases:
        if case.gaps is not None:
            ours = [r.resource_id for r in rank_for_gaps(case.gaps, gap_index, practices, TOP)]
            base = baseline_gaps(case.gaps, resources)
        else:
            assert case.text is not None
            found = rank_for_text(case.text, text_index, practices, TOP)
            ours = [r.resource_id for r in found]
            base = baseline_text(case.text, resources, practice_titles)
        rankings["recommender"][case.id] = ours
        rankings["tag_overlap_baseline"][case.id] = base
    summary: dict[str, Any] = {}
    for system, ranked in rankings.items():
        for subset, chosen in (
            ("all", cases),
            ("gap_profiles", [c for c in cases if c.gaps is not None]),
            ("support_requests", [c for c in cases if c.gaps is None]),
        ):
            p5 = [precision_at(ranked[c.id], c.relevant, 5) for c in chosen]
            n10 = [ndcg_at(ranked[c.id], c.relevant, TOP) for c in chosen]
            shown = {rid for c in chosen for rid in ranked[c.id]}
            summary.setdefault(system, {})[subset] = {
                "cases": len(chosen),
                "precision_at_5": round(sum(p5) / len(p5), 4),
                "ndcg_at_10": round(sum(n10) / len(n10), 4),
                "catalogue_coverage": round(len(shown) / len(resources), 4),
            }
    ours = summary["recommender"]["all"]["ndcg_at_10"]
    base = summary["tag_overlap_baseline"]["all"]["ndcg_at_10"]
    gain = (ours - base) / base if base else None
    summary["ndcg_at_10_gain_over_baseline"] = None if gain is None else round(gain, 4)
    summary["target_gain"] = TARGET_GAIN
    summary["meets_target"] = gain is not None and gain >= TARGET_GAIN
    return summary


# --- Free text: methods side by side ---------------------------------------------------------

#: The free-text methods compared, in the order they are printed.
TEXT_METHODS: Final = ("today", "bm25", "semantic", "fused")
TEXT_METHOD_LABELS: Final = {
    "today": "today's recommender",
    "bm25": "BM25 alone",
    "semantic": "embeddings alone",
    "fused": "fused (shipped)",
}

#: Fusion weights searched on the old judged set: BM25 weight, practice weight, practice softmax
#: temperature, use-when share.
FUSION_GRID: Final = tuple(
    FusionWeights(bm25_weight=w, practice_weight=p, practice_temperature=t, use_when_weight=u)
    for w, p, t, u in itertools.product(
        (0.2, 0.3, 0.4, 0.5, 0.6),
        (0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
        (0.02, 0.05, 0.1),
        (0.0, 0.25, 0.5),
    )
)


def text_rankings(
    requests: Sequence[Case],
    index: ResourceIndex,
    today_index: ResourceIndex,
    practices: Mapping[str, PracticeInfo],
    weights: FusionWeights = DEFAULT_FUSION,
    methods: Sequence[str] = TEXT_METHODS,
) -> dict[str, dict[str, list[str]]]:
    """Each method's top ``TOP`` resource ids for each request."""
    found: dict[str, dict[str, list[str]]] = {}
    for method in methods:
        match: TextMatch = "semantic" if method == "today" else method  # type: ignore[assignment]
        used = today_index if method == "today" else index
        found[method] = {}
        for case in requests:
            assert case.text is not None
            ranked = rank_for_text(case.text, used, practices, TOP, match=match, weights=weights)
            found[method][case.id] = [r.resource_id for r in ranked]
    return found


def text_summary(requests: Sequence[Case], ranked: Mapping[str, list[str]]) -> dict[str, Any]:
    p5 = [precision_at(ranked[c.id], c.relevant, 5) for c in requests]
    top = [1.0 if ranked[c.id][:1] and ranked[c.id][0] in c.relevant else 0.0 for c in requests]
    n10 = [ndcg_at(ranked[c.id], c.relevant, TOP) for c in requests]
    return {
        "requests": len(requests),
        "precision_at_5": round(sum(p5) / len(p5), 4),
        "relevant_top_share": round(sum(top) / len(top), 4),
        "relevant_top_count": int(sum(top)),
        "ndcg_at_10": round(sum(n10) / len(n10), 4),
    }


def _objective(summary: Mapping[str, Any]) -> tuple[float, float, float]:
    return (summary["precision_at_5"], summary["relevant_top_share"], summary["ndcg_at_10"])


def tune_fusion(
    requests: Sequence[Case], index: ResourceIndex, practices: Mapping[str, PracticeInfo]
) -> tuple[FusionWeights, list[tuple[FusionWeights, dict[str, Any]]]]:
    """The grid's best weights on these requests (precision at 5, then top share, then nDCG).

    Ties go to the earlier grid entry. Also returns every grid entry's summary.
    """
    scored = []
    for weights in FUSION_GRID:
        ranked = text_rankings(requests, index, index, practices, weights, methods=("fused",))
        scored.append((weights, text_summary(requests, ranked["fused"])))
    best = max(scored, key=lambda pair: _objective(pair[1]))[0]
    return best, scored


def compare_text_methods(
    old_requests: Sequence[Case],
    new_requests: Sequence[Case],
    index: ResourceIndex,
    today_index: ResourceIndex,
    practices: Mapping[str, PracticeInfo],
) -> dict[str, Any]:
    """Today's recommender, BM25, embeddings and the fusion on both judged sets, in one run."""
    tuned, _ = tune_fusion(old_requests, index, practices)
    report: dict[str, Any] = {
        "fusion_weights_shipped": asdict(DEFAULT_FUSION),
        "fusion_weights_tuned_on_old_set": asdict(tuned),
        "shipped_weights_are_the_tuned_ones": tuned == DEFAULT_FUSION,
        "fusion_grid_size": len(FUSION_GRID),
    }
    for name, requests in (("new_set", new_requests), ("old_set", old_requests)):
        ranked = text_rankings(requests, index, today_index, practices)
        section: dict[str, Any] = {
            method: text_summary(requests, ranked[method]) for method in TEXT_METHODS
        }
        ceiling = [min(len(c.relevant), 5) / 5 for c in requests]
        section["precision_at_5_ceiling"] = round(sum(ceiling) / len(ceiling), 4)
        report[name] = section
    new = report["new_set"]
    fused = new["fused"]
    report["targets"] = {
        "precision_at_5": TARGET_PRECISION_AT_5,
        "relevant_top_share": TARGET_RELEVANT_TOP,
    }
    report["meets_targets"] = {
        "precision_at_5": fused["precision_at_5"] >= TARGET_PRECISION_AT_5,
        "relevant_top_share": fused["relevant_top_share"] >= TARGET_RELEVANT_TOP,
        "ahead_of_today": fused["precision_at_5"] > new["today"]["precision_at_5"]
        and fused["relevant_top_share"] >= new["today"]["relevant_top_share"],
        "ahead_of_bm25": fused["precision_at_5"] > new["bm25"]["precision_at_5"],
    }
    # How much the choice of weights matters on the new set: its figures over the whole grid,
    # and a two-fold check (weights chosen on half the new requests, scored on the other half).
    grid = [
        (weights, text_rankings(new_requests, index, index, practices, weights, ("fused",)))
        for weights in FUSION_GRID
    ]
    whole = [text_summary(new_requests, ranked["fused"]) for _, ranked in grid]
    p5 = sorted(summary["precision_at_5"] for summary in whole)
    tops = sorted(summary["relevant_top_share"] for summary in whole)
    report["new_set_over_fusion_grid"] = {
        "precision_at_5": {"min": p5[0], "median": median(p5), "max": p5[-1]},
        "relevant_top_share": {"min": tops[0], "median": median(tops), "max": tops[-1]},
    }
    folds = [list(new_requests[0::2]), list(new_requests[1::2])]
    held_out = []
    for number, (train, test) in enumerate(((folds[0], folds[1]), (folds[1], folds[0]))):
        best = max(grid, key=lambda pair: _objective(text_summary(train, pair[1]["fused"])))
        held_out.append(
            {
                "fold": number + 1,
                "weights": asdict(best[0]),
                **text_summary(test, best[1]["fused"]),
            }
        )
    report["new_set_two_fold_check"] = held_out
    return report


# --- Tuning check -------------------------------------------------------------------------

#: The weights searched when they were tuned: semantic weight, redundancy penalty, covered decay.
TUNING_GRID: Final = tuple(
    itertools.product((0.0, 0.25, 0.5, 1.0), (0.0, 0.05, 0.1, 0.2), (0.3, 0.5, 0.8))
)
_TUNED = ("SEMANTIC_WEIGHT", "REDUNDANCY_PENALTY", "COVERED_DECAY")


def held_out_check(
    cases: Sequence[Case],
    gap_index: ResourceIndex,
    text_index: ResourceIndex,
    practices: Mapping[str, PracticeInfo],
    practice_titles: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Two-fold check of the tuning: pick weights on half the cases, score the other half.

    The shipped weights were tuned on all judged cases; this shows how much of the gain over
    the baseline holds on cases the tuning did not see.
    """
    saved = {name: getattr(recommend, name) for name in _TUNED}

    def ndcg(subset: Sequence[Case], weights: tuple[float, ...]) -> tuple[float, float]:
        for name, value in zip(_TUNED, weights, strict=True):
            setattr(recommend, name, value)
        result = evaluate(subset, gap_index, text_index, practices, practice_titles)
        return (
            result["recommender"]["all"]["ndcg_at_10"],
            result["tag_overlap_baseline"]["all"]["ndcg_at_10"],
        )

    folds = [list(cases[0::2]), list(cases[1::2])]
    report = []
    try:
        for number, (train, test) in enumerate(((folds[0], folds[1]), (folds[1], folds[0]))):
            best = max(TUNING_GRID, key=lambda weights: ndcg(train, weights)[0])
            ours, base = ndcg(test, best)
            report.append(
                {
                    "fold": number + 1,
                    "tuned_on_cases": len(train),
                    "scored_on_cases": len(test),
                    "weights": dict(zip(_TUNED, best, strict=True)),
                    "recommender_ndcg_at_10": round(ours, 4),
                    "baseline_ndcg_at_10": round(base, 4),
                    "gain": round((ours - base) / base, 4) if base else None,
                }
            )
    finally:
        for name, value in saved.items():
            setattr(recommend, name, value)
    return report


# --- Speed ----------------------------------------------------------------------------------


def synthetic_catalogue(resources: Sequence[Resource], size: int, seed: int = 7) -> list[Resource]:
    """``size`` resources recombined from the real ones: text, tags and kinds mixed."""
    rng = random.Random(seed)
    places = ["North East", "Wales", "Scotland", "Northern Ireland", "London", "the Midlands"]
    made = []
    for i in range(size):
        base = resources[i % len(resources)]
        other = resources[rng.randrange(len(resources))]
        practices = tuple(dict.fromkeys([*base.practices, *rng.sample(other.practices, 1)]))
        methods = tuple(dict.fromkeys([*base.methods, *rng.sample(other.methods, 1)]))
        made.append(
            replace(
                base,
                id=f"{base.id}-{i}",
                title=f"{base.title} in {rng.choice(places)} ({i})",
                summary=f"{base.summary} {other.summary.split('. ')[0]}.",
                practices=practices,
                methods=methods,
            )
        )
    return made


def timings(
    gap_index: ResourceIndex,
    text_index: ResourceIndex,
    practices: Mapping[str, PracticeInfo],
    cases: Sequence[Case],
    calls: int = TIMING_CALLS,
) -> dict[str, Any]:
    rng = random.Random(11)
    keys = sorted(practices)
    profiles = [
        {key: (rng.randint(1, 3), rng.randint(3, 5)) for key in keys if rng.random() < 0.7}
        for _ in range(calls)
    ]
    texts = [c.text for c in cases if c.text is not None]
    rank_for_gaps(profiles[0], gap_index, practices)  # warm the practice embeddings
    rank_for_text(texts[0], text_index, practices)
    gap_ms = []
    for profile in profiles:
        start = time.perf_counter()
        rank_for_gaps(profile, gap_index, practices)
        gap_ms.append((time.perf_counter() - start) * 1000)
    text_ms = []
    for i in range(calls):
        start = time.perf_counter()
        rank_for_text(f"{texts[i % len(texts)]} ({i})", text_index, practices)
        text_ms.append((time.perf_counter() - start) * 1000)
    return {
        "catalogue_size": len(gap_index),
        "calls": calls,
        "recommend_for_assessment_ms": {
            "median": round(median(gap_ms), 2),
            "p95": round(percentile(gap_ms, 95), 2),
            "target_median": 50,
        },
        "recommend_for_text_ms": {
            "median": round(median(text_ms), 2),
            "p95": round(percentile(text_ms, 95), 2),
            "target_median": 100,
        },
    }


def text_methods_table(report: Mapping[str, Any]) -> str:
    """The free-text comparison as a Markdown table (for the READMEs)."""
    lines = [
        "| Method | New set P@5 | New set relevant top | New set nDCG@10 | Old set P@5 | "
        "Old set relevant top | Old set nDCG@10 |",
        "|---|---|---|---|---|---|---|",
    ]
    new, old = report["new_set"], report["old_set"]
    for method in TEXT_METHODS:
        cells = []
        for section in (new, old):
            row = section[method]
            cells += [
                f"{row['precision_at_5']:.3f}",
                f"{row['relevant_top_count']} of {row['requests']} "
                f"({row['relevant_top_share']:.0%})",
                f"{row['ndcg_at_10']:.3f}",
            ]
        lines.append(f"| {TEXT_METHOD_LABELS[method]} | {' | '.join(cells)} |")
    return "\n".join(lines)


def print_text_methods(report: Mapping[str, Any]) -> None:
    print(
        "Free text, side by side (P@5 ceiling: new set "
        f"{report['new_set']['precision_at_5_ceiling']}, old set "
        f"{report['old_set']['precision_at_5_ceiling']})"
    )
    print(text_methods_table(report))
    print(
        f"Fusion weights tuned on the old set: {report['fusion_weights_tuned_on_old_set']} "
        f"(shipped weights are these: {report['shipped_weights_are_the_tuned_ones']})"
    )
    spread = report["new_set_over_fusion_grid"]
    print(
        f"New set over the {report['fusion_grid_size']}-entry fusion grid: P@5 "
        f"{spread['precision_at_5']}, relevant top {spread['relevant_top_share']}"
    )
    for fold in report["new_set_two_fold_check"]:
        print(
            f"New set, fold {fold['fold']} held out ({fold['requests']} requests): P@5 "
            f"{fold['precision_at_5']}, relevant top {fold['relevant_top_share']} with weights "
            f"{fold['weights']} chosen on the other half"
        )
    print(f"Targets met on the new set: {report['meets_targets']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", help="force an embedding backend (see ue_core.themes)")
    parser.add_argument("--size", type=int, default=SYNTHETIC_SIZE, help="synthetic catalogue")
    parser.add_argument("--no-write", action="store_true", help="do not write results.json")
    args = parser.parse_args(argv)

    framework = load_framework()
    catalogue = load_catalogue(practice_keys=framework.practice_keys())
    practices = {p.key: PracticeInfo(p.key, p.title, p.statement) for p in framework.practices()}
    titles = {key: info.title for key, info in practices.items()}
    cases = load_cases()

    # As ue_core.services.library does: gap profiles in the catalogue's TF-IDF space, free text
    # with the best installed backend (or the one forced with --backend for both).
    gap_backend = args.backend or TFIDF_LSA
    start = time.perf_counter()
    gap_index = build_index(without_needs(catalogue.resources()), titles, backend=gap_backend)
    text_index = build_index(catalogue.resources(), titles, backend=args.backend)
    real_build = time.perf_counter() - start
    today_index = build_index(without_needs(catalogue.resources()), titles, backend=args.backend)
    quality = evaluate(cases, gap_index, text_index, practices, titles)
    quality["held_out_check"] = held_out_check(cases, gap_index, text_index, practices, titles)
    old_requests = [c for c in cases if c.text is not None]
    free_text = compare_text_methods(
        old_requests, load_requests(), text_index, today_index, practices
    )

    synthetic = synthetic_catalogue(catalogue.resources(), args.size)
    start = time.perf_counter()
    big_gaps = build_index(without_needs(synthetic), titles, backend=gap_backend)
    big_text = build_index(synthetic, titles, backend=args.backend)
    big_build = time.perf_counter() - start
    speed = timings(big_gaps, big_text, practices, cases)
    # The machine is shared: the load average when the timings ended goes with them.
    speed["load_average_1_5_15_min"] = [round(load, 2) for load in os.getloadavg()]
    speed["index_build_seconds"] = round(big_build, 2)

    data = {
        "backend": {"gap_profiles": gap_index.backend, "support_requests": text_index.backend},
        "judged_cases": len(cases),
        "catalogue_size": len(gap_index),
        "index_build_seconds": round(real_build, 2),
        "quality": quality,
        "free_text_methods": free_text,
        "latency": speed,
    }
    rows = [
        ("recommender", quality["recommender"]["all"]),
        ("tag overlap baseline", quality["tag_overlap_baseline"]["all"]),
    ]
    print(
        f"Backends: {gap_index.backend} (gap profiles), {text_index.backend} (requests); "
        f"{len(cases)} judged cases; {len(gap_index)} resources"
    )
    print(f"{'system':<22}{'P@5':>8}{'nDCG@10':>10}{'coverage':>10}")
    for name, row in rows:
        print(
            f"{name:<22}{row['precision_at_5']:>8.3f}{row['ndcg_at_10']:>10.3f}"
            f"{row['catalogue_coverage']:>10.3f}"
        )
    print(f"nDCG@10 gain over baseline: {quality['ndcg_at_10_gain_over_baseline']}")
    for fold in quality["held_out_check"]:
        print(
            f"Held-out fold {fold['fold']}: nDCG@10 {fold['recommender_ndcg_at_10']} against "
            f"{fold['baseline_ndcg_at_10']} (gain {fold['gain']}) with weights tuned on the "
            "other half"
        )
    print_text_methods(free_text)
    for name in ("recommend_for_assessment_ms", "recommend_for_text_ms"):
        figures = speed[name]
        print(
            f"{name} with {speed['catalogue_size']} resources: median {figures['median']} ms, "
            f"p95 {figures['p95']} ms (target median {figures['target_median']} ms)"
        )
    if not args.no_write:
        merge_results("recommendations", data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
