"""Variants of the request router's model, side by side on CLINC150, chosen by validation.

``python -m bench.routing_candidates`` (add ``--only NAME`` to run some) fits each variant of
:class:`ue_core.triage.RequestRouter`'s linear SVM on the 15,000 in-scope training queries,
with the sentence embeddings of every split computed once and cached in bench/out/ (see
:func:`bench.routing.cached_embeddings`), so the figures compare models, not embedding runs.
A variant changes the embedding block's weight, the SVM's C, the character or word n-grams,
or adds a term: the log-probabilities of logistic regression on the embeddings (weighted).

Each variant's figures: validation accuracy (the one to choose by), the SVM's fit time (timed in
the same run as the others, so comparable on a shared machine), and the test figures of
:func:`bench.routing.evaluate`. The temperature is fitted on the validation queries here (the
router fits it on held-out training queries), which matters only for the threshold figures.
Figures go to bench/results.json under ``routing_candidates``.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from bench.report import RESULTS_PATH, Column, merge_results, print_table, say
from bench.routing import Scores, Split, cached_embeddings, evaluate, load_clinc150
from ue_core.themes.embedding import choose_backend
from ue_core.triage.router import _fit_temperature, _softmax

KEYS: Final = ("val", "oos_val", "test", "oos_test")
Embeddings = dict[str, npt.NDArray[np.float32]]


@dataclass(frozen=True)
class Candidate:
    """One variant; the defaults are the router's own settings."""

    name: str
    embedding_weight: float = 2.0
    svm_c: float = 0.5
    char_analyzer: str = "char_wb"
    char_range: tuple[int, int] = (2, 5)
    word_range: tuple[int, int] = (1, 2)
    lr_weight: float = 0.0


CANDIDATES: Final = (
    Candidate("current"),
    Candidate("embedding weight 1.5", embedding_weight=1.5),
    Candidate("embedding weight 3", embedding_weight=3.0),
    Candidate("C 0.25", svm_c=0.25),
    Candidate("C 1", svm_c=1.0),
    Candidate("characters 1-5 across words", char_analyzer="char", char_range=(1, 5)),
    Candidate("characters 2-6", char_range=(2, 6)),
    Candidate("words 1-3", word_range=(1, 3)),
    Candidate("plus 0.1 embedding LR", lr_weight=0.1),
    Candidate("plus 0.2 embedding LR", lr_weight=0.2),
)


def _matrices(
    candidate: Candidate, data: dict[str, Split], embeddings: Embeddings
) -> dict[str, sparse.csr_matrix]:
    train = data["train"].texts
    words = TfidfVectorizer(
        ngram_range=candidate.word_range, sublinear_tf=True, dtype=np.float32
    ).fit(train)
    characters = TfidfVectorizer(
        analyzer=candidate.char_analyzer,
        ngram_range=candidate.char_range,
        sublinear_tf=True,
        min_df=2,
        dtype=np.float32,
    ).fit(train)
    weight = np.float32(candidate.embedding_weight)
    return {
        key: sparse.csr_matrix(
            sparse.hstack(
                [
                    words.transform(data[key].texts),
                    characters.transform(data[key].texts),
                    sparse.csr_matrix(embeddings[key] * weight),
                ],
                format="csr",
            )
        )
        for key in ("train", *KEYS)
    }


def _embedding_log_probabilities(
    embeddings: Embeddings, label_ids: npt.NDArray[np.int64]
) -> dict[str, npt.NDArray[np.float64]]:
    model = LogisticRegression(C=10.0, max_iter=1000).fit(embeddings["train"], label_ids)
    return {key: np.asarray(model.predict_log_proba(embeddings[key])) for key in KEYS}


def measure(
    candidate: Candidate,
    data: dict[str, Split],
    embeddings: Embeddings,
    lr_terms: dict[str, npt.NDArray[np.float64]] | None,
) -> dict[str, Any]:
    """Validation accuracy, SVM fit seconds and test figures of one variant."""
    names = tuple(sorted(set(data["train"].labels)))
    label_ids = np.array([names.index(label) for label in data["train"].labels])
    matrices = _matrices(candidate, data, embeddings)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LinearSVC(C=candidate.svm_c, random_state=0).fit(matrices["train"], label_ids)
    seconds = time.perf_counter() - start
    scores = {key: np.asarray(model.decision_function(matrices[key])) for key in KEYS}
    if candidate.lr_weight and lr_terms is not None:
        scores = {key: scores[key] + candidate.lr_weight * lr_terms[key] for key in KEYS}
    truth = np.array([names.index(label) for label in data["val"].labels])
    temperature = _fit_temperature(scores["val"], truth)
    probabilities = {key: _softmax(scores[key], temperature) for key in KEYS}
    validation = float(np.mean(probabilities["val"].argmax(axis=1) == truth))
    figures = evaluate(Scores(names, *(probabilities[key] for key in KEYS)), data)
    return {"validation_accuracy": round(validation, 4), "svm_fit_seconds": round(seconds, 1)} | (
        figures
    )


COLUMNS: Final = (
    Column("name", "Variant"),
    Column("validation_accuracy", "Validation accuracy", "right", ".4f"),
    Column("in_scope_accuracy", "Test accuracy", "right", ".4f"),
    Column("out_of_scope_to_person", "Out-of-scope to a person", "right", ".3f"),
    Column("in_scope_accuracy_at_threshold", "Accuracy at threshold", "right", ".3f"),
    Column("svm_fit_seconds", "SVM fit (s)", "right", ".1f"),
)


def run(only: Sequence[str] = (), results_path: Path = RESULTS_PATH) -> int:
    """Measure the chosen variants (all by default), print them and merge the figures."""
    chosen = [item for item in CANDIDATES if not only or item.name in only]
    if not chosen:
        say(f"No variant is called {', '.join(only)}")
        return 1
    data = load_clinc150()
    backend = choose_backend()
    embeddings = {key: cached_embeddings(data[key].texts, backend, key) for key in ("train", *KEYS)}
    names = tuple(sorted(set(data["train"].labels)))
    label_ids = np.array([names.index(label) for label in data["train"].labels])
    lr_terms = (
        _embedding_log_probabilities(embeddings, label_ids)
        if any(item.lr_weight for item in chosen)
        else None
    )
    rows: list[dict[str, Any]] = []
    for candidate in chosen:
        say(f"Fitting {candidate.name}")
        rows.append(asdict(candidate) | measure(candidate, data, embeddings, lr_terms))
    print_table(rows, COLUMNS)
    best = max(rows, key=lambda row: row["validation_accuracy"])
    print(f"Best on validation: {best['name']}")
    merge_results(
        "routing_candidates",
        {"backend": backend, "chosen_by": "validation accuracy", "variants": rows},
        results_path,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.routing_candidates")
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    return run(args.only, args.results)


if __name__ == "__main__":
    sys.exit(main())
