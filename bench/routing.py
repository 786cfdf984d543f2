"""Request routing on public intent data: CLINC150, against two baselines in the same run.

``python -m bench --only routing`` fits :class:`ue_core.triage.RequestRouter` on CLINC150's
15,000 in-scope training queries (150 intents; Larson et al., EMNLP 2019, CC BY 3.0) and
reports, beside TF-IDF + logistic regression and logistic regression on the same MiniLM
sentence embeddings:

- accuracy on the 4,500 in-scope test queries;
- out-of-scope handling: the "needs a person" threshold is chosen on the validation split
  (3,000 in-scope and 100 out-of-scope queries) as the highest confidence at which validation
  in-scope accuracy stays at least ``VALIDATION_FLOOR`` (a query sent to a person counts as
  wrong); the test figures are the share of the 1,000 out-of-scope test queries sent to a
  person and the in-scope test accuracy at that threshold;
- calibration: expected calibration error of the top confidence on in-scope test queries;
- speed: the router's fit on the training texts, including embedding them, and one
  suggestion for one query (median of ``LATENCY_RUNS``).

Sentence embeddings of the validation and test queries (and the training queries, for the
baseline) are cached in bench/out/ keyed by the texts; the router's timed fit always embeds
the training texts itself. Figures go to bench/results.json under ``routing``.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from bench.report import RESULTS_PATH, Column, median, merge_results, print_table, say
from ue_core.themes.embedding import choose_backend, embed_texts
from ue_core.triage import RequestRouter

_REPOSITORY: Final = Path(__file__).resolve().parents[1]


def _default_data_path() -> Path:
    """``UE_CLINC150_DIR``, else ``../shared/data/clinc150`` from the checkout (or its parent)."""
    given = os.environ.get("UE_CLINC150_DIR")
    if given:
        return Path(given)
    candidates = [base / "shared" / "data" / "clinc150" for base in _REPOSITORY.parents[:2]]
    return next((path for path in candidates if path.is_dir()), candidates[0])


DATA_PATH: Final = _default_data_path()
DATA_FILE: Final = "data_full.json"
CACHE_DIR: Final = Path(__file__).resolve().parent / "out"
OUT_OF_SCOPE: Final = "oos"
#: The lowest validation in-scope accuracy the "needs a person" threshold may cost.
VALIDATION_FLOOR: Final = 0.95
#: Candidate thresholds: 0.00, 0.01, ..., 1.00.
THRESHOLDS: Final = tuple(round(step / 100, 2) for step in range(101))
LATENCY_RUNS: Final = 50
CALIBRATION_BINS: Final = 15
TARGETS: Final = {
    "in_scope_accuracy": 0.965,
    "out_of_scope_to_person": 0.5,
    "in_scope_accuracy_at_threshold": 0.93,
    "fit_seconds": 120.0,
    "suggestion_ms": 100.0,
}

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Split:
    texts: list[str]
    labels: list[str]


def load_clinc150(path: Path = DATA_PATH) -> dict[str, Split]:
    """Every split of CLINC150's full version, by its key (``train``, ``oos_test``, ...)."""
    document = json.loads((path / DATA_FILE).read_text(encoding="utf-8"))
    return {
        key: Split([str(item[0]) for item in items], [str(item[1]) for item in items])
        for key, items in document.items()
    }


def cached_embeddings(texts: Sequence[str], backend: str, name: str) -> npt.NDArray[np.float32]:
    """The texts' embeddings, from bench/out when the same texts were embedded before."""
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = CACHE_DIR / f"clinc150-{name}-{backend}-{digest}.npy"
    if path.exists():
        return np.asarray(np.load(path), dtype=np.float32)
    say(f"Embedding {len(texts):,} {name} queries with {backend}")
    vectors, _ = embed_texts(list(texts), backend=backend)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def expected_calibration_error(
    confidence: Sequence[float] | npt.NDArray[np.float64],
    correct: Sequence[bool] | npt.NDArray[np.bool_],
    bins: int = CALIBRATION_BINS,
) -> float:
    """The gap between confidence and accuracy, averaged over equal-width confidence bins."""
    conf = np.asarray(confidence, dtype=np.float64)
    right = np.asarray(correct, dtype=np.float64)
    if len(conf) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for index in range(bins):
        members = which == index
        if members.any():
            total += members.sum() * abs(right[members].mean() - conf[members].mean())
    return float(total / len(conf))


@dataclass(frozen=True)
class Scores:
    """One method's probabilities on the validation and test queries."""

    classes: tuple[str, ...]
    val: Matrix
    val_oos: Matrix
    test: Matrix
    test_oos: Matrix


def accuracy_at(
    probabilities: Matrix, classes: Sequence[str], truth: Sequence[str], t: float
) -> float:
    """Share of queries given their true label with confidence at least ``t``."""
    picked = np.asarray(classes)[probabilities.argmax(axis=1)]
    confident = probabilities.max(axis=1) >= t
    return float(np.mean((picked == np.asarray(truth)) & confident))


def to_person_share(probabilities: Matrix, t: float) -> float:
    """Share of queries whose top confidence is below ``t`` (sent to a person)."""
    return float(np.mean(probabilities.max(axis=1) < t))


def choose_threshold(
    scores: Scores, val_truth: Sequence[str], floor: float = VALIDATION_FLOOR
) -> float:
    """The highest threshold at which validation in-scope accuracy stays at least ``floor``."""
    best = 0.0
    for t in THRESHOLDS:
        if accuracy_at(scores.val, scores.classes, val_truth, t) >= floor:
            best = t
    return best


def evaluate(scores: Scores, data: dict[str, Split]) -> dict[str, Any]:
    """The figures for one method."""
    threshold = choose_threshold(scores, data["val"].labels)
    test_truth = data["test"].labels
    picked = np.asarray(scores.classes)[scores.test.argmax(axis=1)]
    correct = picked == np.asarray(test_truth)
    return {
        "in_scope_accuracy": round(float(correct.mean()), 4),
        "threshold": threshold,
        "validation_in_scope_accuracy_at_threshold": round(
            accuracy_at(scores.val, scores.classes, data["val"].labels, threshold), 4
        ),
        "validation_out_of_scope_to_person": round(to_person_share(scores.val_oos, threshold), 4),
        "out_of_scope_to_person": round(to_person_share(scores.test_oos, threshold), 4),
        "in_scope_accuracy_at_threshold": round(
            accuracy_at(scores.test, scores.classes, test_truth, threshold), 4
        ),
        "in_scope_sent_to_person": round(to_person_share(scores.test, threshold), 4),
        "expected_calibration_error": round(
            expected_calibration_error(scores.test.max(axis=1), correct), 4
        ),
    }


def _logistic(features_train: Any, labels: Sequence[str], c: float) -> Any:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features_train, list(labels))
    return model


def tfidf_baseline(data: dict[str, Split]) -> tuple[Scores, float]:
    """TF-IDF (scikit-learn's defaults) and logistic regression (C = 1)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    vectoriser = TfidfVectorizer(sublinear_tf=True)
    model = _logistic(vectoriser.fit_transform(data["train"].texts), data["train"].labels, 1.0)
    seconds = time.perf_counter() - start

    def probabilities(key: str) -> Matrix:
        return np.asarray(model.predict_proba(vectoriser.transform(data[key].texts)), np.float64)

    classes = tuple(str(name) for name in model.classes_)
    parts = (probabilities(key) for key in ("val", "oos_val", "test", "oos_test"))
    return Scores(classes, *parts), seconds


def embedding_baseline(
    embeddings: dict[str, npt.NDArray[np.float32]], data: dict[str, Split]
) -> tuple[Scores, float]:
    """Logistic regression (C = 10) on the normalised sentence embeddings."""
    start = time.perf_counter()
    model = _logistic(embeddings["train"], data["train"].labels, 10.0)
    seconds = time.perf_counter() - start

    def probabilities(key: str) -> Matrix:
        return np.asarray(model.predict_proba(embeddings[key]), np.float64)

    classes = tuple(str(name) for name in model.classes_)
    parts = (probabilities(key) for key in ("val", "oos_val", "test", "oos_test"))
    return Scores(classes, *parts), seconds


def router_scores(
    router: RequestRouter, embeddings: dict[str, npt.NDArray[np.float32]], data: dict[str, Split]
) -> Scores:
    parts = (
        router.probabilities(data[key].texts, embeddings[key])
        for key in ("val", "oos_val", "test", "oos_test")
    )
    return Scores(router.labels, *parts)


def suggestion_latency_ms(router: RequestRouter, texts: Sequence[str]) -> list[float]:
    """Milliseconds for one ``suggest`` call on one query (embedding it included)."""
    router.suggest([texts[0]])  # warm up the model session
    runs: list[float] = []
    for text in texts[:LATENCY_RUNS]:
        start = time.perf_counter()
        router.suggest([text])
        runs.append((time.perf_counter() - start) * 1000)
    return runs


COLUMNS = (
    Column("method", "Method"),
    Column("in_scope_accuracy", "In-scope accuracy", "right", ".3f"),
    Column("threshold", "Threshold", "right", ".2f"),
    Column("out_of_scope_to_person", "Out-of-scope to a person", "right", ".3f"),
    Column("in_scope_accuracy_at_threshold", "In-scope accuracy at threshold", "right", ".3f"),
    Column("expected_calibration_error", "Calibration error", "right", ".3f"),
    Column("fit_seconds", "Fit (s)", "right", ".1f"),
)


def run(results_path: Path = RESULTS_PATH, seed: int = 0) -> int:
    """Run the routing benchmark, print its table and merge it into ``results_path``."""
    data = load_clinc150()
    backend = choose_backend()
    embeddings = {
        key: cached_embeddings(data[key].texts, backend, key)
        for key in ("train", "val", "oos_val", "test", "oos_test")
    }
    say("Fitting the request router (embedding the training queries included)")
    start = time.perf_counter()
    router = RequestRouter.fit(data["train"].texts, data["train"].labels, seed)
    fit_seconds = time.perf_counter() - start
    methods: dict[str, dict[str, Any]] = {}
    methods["request_router"] = evaluate(router_scores(router, embeddings, data), data)
    methods["request_router"]["fit_seconds"] = round(fit_seconds, 1)
    say("Fitting the baselines")
    tfidf, tfidf_seconds = tfidf_baseline(data)
    methods["tfidf_logistic_regression"] = evaluate(tfidf, data) | {
        "fit_seconds": round(tfidf_seconds, 1)
    }
    dense, dense_seconds = embedding_baseline(embeddings, data)
    methods["embedding_logistic_regression"] = evaluate(dense, data) | {
        "fit_seconds_excluding_embedding": round(dense_seconds, 1)
    }
    latency = suggestion_latency_ms(router, data["test"].texts)
    ours = methods["request_router"]
    baseline_best = max(
        methods[name]["in_scope_accuracy"]
        for name in ("tfidf_logistic_regression", "embedding_logistic_regression")
    )
    checks = {
        "ahead_of_both_baselines": ours["in_scope_accuracy"] > baseline_best,
        "in_scope_accuracy": ours["in_scope_accuracy"] >= TARGETS["in_scope_accuracy"],
        "out_of_scope_to_person": ours["out_of_scope_to_person"]
        >= TARGETS["out_of_scope_to_person"],
        "in_scope_accuracy_at_threshold": ours["in_scope_accuracy_at_threshold"]
        >= TARGETS["in_scope_accuracy_at_threshold"],
        "fit_seconds": fit_seconds < TARGETS["fit_seconds"],
        "suggestion_ms": median(latency) < TARGETS["suggestion_ms"],
    }
    section = {
        "dataset": "CLINC150 full (Larson et al., EMNLP 2019), CC BY 3.0",
        "backend": backend,
        "seed": seed,
        "threshold_rule": (
            "highest confidence threshold (steps of 0.01) at which validation in-scope accuracy, "
            f"counting a query sent to a person as wrong, stays at least {VALIDATION_FLOOR}"
        ),
        "sizes": {key: len(split.texts) for key, split in data.items()},
        "router": {"temperature": round(router.temperature, 4)},
        "methods": methods,
        "suggestion_ms_median": round(median(latency), 1),
        "suggestion_ms_max": round(max(latency), 1),
        "targets": TARGETS,
        "meets": checks,
    }
    rows = [
        {"method": name.replace("_", " ").capitalize()}
        | figures
        | {
            "fit_seconds": figures.get(
                "fit_seconds", figures.get("fit_seconds_excluding_embedding")
            )
        }
        for name, figures in methods.items()
    ]
    print("\nRequest routing on CLINC150 (threshold chosen on validation)\n")
    print_table(rows, COLUMNS)
    print(
        f"\nOne suggestion: {median(latency):.1f} ms median; router fit {fit_seconds:.1f} s "
        "including embedding 15,000 queries."
    )
    print("Targets met: " + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in checks.items()))
    merge_results("routing", section, results_path)
    say(f"Routing figures written to {results_path}")
    return 0
