"""Similar and duplicate requests: search speed at 5,000 requests, and threshold quality.

``python -m bench --only similar`` (about two minutes with MiniLM, most of it the cold build):

- **Speed.** A fresh SQLite database with 5,000 requests from 40 teams (the demo's request
  texts, each about one of 60 sets of statistics, so nearly all texts differ). It times the
  first search (the cold build: every request embedded), then warm calls of
  :func:`ue_core.services.requests.similar.search_by_meaning` (a new query text each time),
  :func:`~ue_core.services.requests.similar.similar_requests` (a request's panel) and
  :func:`~ue_core.services.requests.similar.open_duplicate` (the team's check before sending),
  and the first search after one new request (only its text is embedded). Target: warm calls
  under 100 ms.
- **Thresholds.** Precision and recall on the hand-labelled pairs of
  ``data/similar_request_pairs.yaml``, at the shipped thresholds and at the thresholds the pairs
  choose, for the installed backend and the TF-IDF fallback.

Figures go to bench/results.json under ``similar_requests``.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from sqlalchemy import insert

from bench.report import RESULTS_PATH, Column, median, merge_results, percentile, print_table, say
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.db.models import Organisation, SupportRequest, Team
from ue_core.demo.request_text import shipped_request_texts
from ue_core.services.requests import similar
from ue_core.similar_requests import (
    DUPLICATE_BETA,
    SIMILAR_BETA,
    PairLabel,
    best_threshold,
    labelled_pairs,
    quality_at,
    score_pairs,
    thresholds_for,
)
from ue_core.themes.embedding import BACKEND_ENV_VAR, TFIDF_LSA, choose_backend

REQUESTS: Final = 5_000
TEAMS: Final = 40
WARM_CALLS: Final = 30
TARGET_MS: Final = 100.0
TOPICS: Final = tuple(
    f"{area} {kind}"
    for area in (
        "housing",
        "crime",
        "health",
        "trade",
        "energy",
        "transport",
        "farming",
        "schools",
        "wages",
        "migration",
        "tourism",
        "water",
    )
    for kind in ("statistics", "survey", "index", "estimates", "accounts")
)
QUERIES: Final = (
    "help running a user group",
    "how to review survey questions",
    "summarising free-text comments from a consultation",
    "finding users outside government",
    "a template for an engagement plan",
    "how long a consultation should run",
    "very few responses to our survey",
    "permission to post on social media",
)

SPEED_COLUMNS: Final = (
    Column("call", "Call"),
    Column("median_ms", "Median ms", "right", ".1f"),
    Column("p95_ms", "95th percentile ms", "right", ".1f"),
    Column("meets_target", "Under 100 ms"),
)
QUALITY_COLUMNS: Final = (
    Column("backend", "Backend"),
    Column("threshold_kind", "Threshold"),
    Column("shipped", "Shipped", "right", ".2f"),
    Column("precision", "Precision", "right", ".2f"),
    Column("recall", "Recall", "right", ".2f"),
    Column("chosen", "Chosen by the pairs", "right", ".2f"),
)


def build_database(folder: Path, requests: int = REQUESTS, seed: int = 0) -> Database:
    """A database of ``requests`` requests from ``TEAMS`` teams, oldest first."""
    url = f"sqlite:///{folder / 'similar.db'}"
    upgrade(url)
    db = Database(url)
    rng = random.Random(seed)
    start = datetime(2025, 1, 6, 9, tzinfo=UTC)
    statuses = ("new", "assigned", "in_progress", "resolved", "closed")
    with db.transaction() as session:
        organisation = Organisation(name="Office for Bench Statistics", kind="department")
        session.add(organisation)
        session.flush()
        teams = [Team(organisation_id=organisation.id, name=f"Team {i}") for i in range(TEAMS)]
        session.add_all(teams)
        session.flush()
        texts = shipped_request_texts()
        rows: list[dict[str, Any]] = []
        for number in range(requests):
            example = rng.choice(texts.requests)
            names = {"team": "Team", "first_name": "Sam", "consultant": "Ruth", "needed_by": "June"}
            subject, body = example.subject, example.text.format(**names)
            status = rng.choice(statuses)
            done = status in {"resolved", "closed"}
            resolution = rng.choice(texts.by_kind[example.kind].resolutions)
            created = start + timedelta(hours=number * 2)
            rows.append(
                {
                    "team_id": rng.choice(teams).id,
                    "subject": subject,
                    "text": f"{body} It is about our {rng.choice(TOPICS)} (case {number}).",
                    "status": status,
                    "resolution": resolution.format(**names) if done else "",
                    "created_at": created,
                    "updated_at": created,
                    "version": 1,
                    "kind": example.kind,
                }
            )
        session.execute(insert(SupportRequest), rows)
    return db


def _timed_ms(call: Any) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _speed_row(call: str, times: list[float]) -> dict[str, Any]:
    middle = median(times)
    return {
        "call": call,
        "median_ms": middle,
        "p95_ms": percentile(times, 95),
        "meets_target": middle < TARGET_MS,
    }


def measure_speed(db: Database) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Warm call times, and the cold build and one-new-request refresh in milliseconds."""
    cold = _timed_ms(lambda: similar.search_by_meaning(db, SYSTEM, "user engagement"))
    queries = [f"{QUERIES[i % len(QUERIES)]} for {TOPICS[i]}" for i in range(WARM_CALLS)]
    search = [_timed_ms(lambda q=q: similar.search_by_meaning(db, SYSTEM, q)) for q in queries]
    ids = [1 + (i * 97) % REQUESTS for i in range(WARM_CALLS)]
    panel = [_timed_ms(lambda i=i: similar.similar_requests(db, SYSTEM, i)) for i in ids]
    duplicate = [
        _timed_ms(lambda q=q: similar.open_duplicate(db, SYSTEM, 1, "A request", q))
        for q in queries
    ]
    with db.transaction() as session:
        session.add(
            SupportRequest(
                team_id=1,
                subject="A brand new request",
                text="Help planning a panel of users for our energy data.",
            )
        )
    refresh = _timed_ms(lambda: similar.search_by_meaning(db, SYSTEM, "user panel"))
    rows = [
        _speed_row("Search by meaning (new query)", search),
        _speed_row("Similar requests panel", panel),
        _speed_row("Duplicate check before sending", duplicate),
    ]
    return rows, {"cold_build_ms": cold, "refresh_after_new_request_ms": refresh}


def measure_quality(backend: str) -> list[dict[str, Any]]:
    """Precision and recall on the labelled pairs at the shipped and the chosen thresholds."""
    pairs = labelled_pairs().pairs
    scores = score_pairs(pairs, backend)
    shipped = thresholds_for(backend)
    kinds = (
        ("similar", shipped.similar, [p.label is not PairLabel.UNRELATED for p in pairs]),
        ("duplicate", shipped.duplicate, [p.label is PairLabel.DUPLICATE for p in pairs]),
    )
    betas = {"similar": SIMILAR_BETA, "duplicate": DUPLICATE_BETA}
    rows = []
    for kind, threshold, positive in kinds:
        at = quality_at(scores, positive, threshold)
        rows.append(
            {
                "backend": backend,
                "threshold_kind": kind,
                "shipped": threshold,
                "precision": at.precision,
                "recall": at.recall,
                "chosen": best_threshold(scores, positive, beta=betas[kind]).threshold,
            }
        )
    return rows


def run(results: Path = RESULTS_PATH) -> int:
    backend = choose_backend()
    say(f"Similar requests: {REQUESTS:,} requests, embedding backend {backend}")
    with tempfile.TemporaryDirectory() as folder:
        db = build_database(Path(folder))
        try:
            speed, once = measure_speed(db)
        finally:
            db.dispose()
    backends = [backend] if backend == TFIDF_LSA else [backend, TFIDF_LSA]
    quality = [row for name in backends for row in measure_quality(name)]
    print(f"\nSimilar requests at {REQUESTS:,} requests ({backend}), warm calls\n")
    print_table(speed, SPEED_COLUMNS)
    print(
        f"\nCold build (every request embedded): {once['cold_build_ms'] / 1000:,.1f} s. "
        f"First search after one new request: {once['refresh_after_new_request_ms']:,.0f} ms.\n"
    )
    print("Thresholds on the labelled pairs\n")
    print_table(quality, QUALITY_COLUMNS)
    merge_results(
        "similar_requests",
        {
            "requests": REQUESTS,
            "backend": backend,
            "target_ms": TARGET_MS,
            "speed": speed,
            **once,
            "pairs": len(labelled_pairs().pairs),
            "thresholds": quality,
        },
        results,
    )
    say(f"Similar-request figures written to {results}")
    return 0 if all(row["meets_target"] for row in speed) else 1


if __name__ == "__main__":
    os.environ.pop(BACKEND_ENV_VAR, None)
    raise SystemExit(run())
