"""The similarity index's pure part: nearest neighbours, thresholds chosen from labelled pairs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from ue_core.similar_requests import (
    DUPLICATE_BETA,
    SIMILAR_BETA,
    THRESHOLDS,
    Match,
    PairLabel,
    Quality,
    best_threshold,
    labelled_pairs,
    nearest,
    quality_at,
    request_text,
    score_pairs,
    text_hash,
    tfidf_vectors,
    thresholds_for,
)
from ue_core.themes import MINILM_ONNX, TFIDF_LSA, backend_status
from ue_core.themes.embedding import normalise_rows

ROWS = normalise_rows(np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]]))


def test_nearest_ranks_rows_by_cosine_score_above_the_threshold() -> None:
    query = normalise_rows(np.array([[1, 0.2, 0]]))[0]
    found = nearest(ROWS, query, k=3, threshold=0.5)
    # Rows 1 and 4 are the same vector: the later (newer) row comes first.
    assert [m.position for m in found] == [0, 4, 1]
    assert found[0].score == pytest.approx(float(ROWS[0] @ query))
    assert all(m.score >= 0.5 for m in found)
    assert nearest(ROWS, query, k=3, threshold=0.99) == []


def test_nearest_leaves_out_rows_not_allowed_and_keeps_k() -> None:
    query = ROWS[1]
    allowed = np.array([True, False, True, True, False])
    found = nearest(ROWS, query, k=5, threshold=0.0, allowed=allowed)
    assert [m.position for m in found] == [2, 0, 3]  # 0 and 2 tie: the later first
    assert len(nearest(ROWS, query, k=1, threshold=0.0)) == 1
    assert nearest(ROWS, query, k=0, threshold=0.0) == []
    assert nearest(np.zeros((0, 3), dtype=np.float32), query, k=3, threshold=0.0) == []


def test_nearest_works_on_sparse_tfidf_rows() -> None:
    texts = [
        "Setting up a user group for our house price statistics",
        "Accessible charts for people with low vision",
        "Who should we invite to a user group?",
    ]
    matrix, encode = tfidf_vectors(texts)
    assert sparse.issparse(matrix)
    found = nearest(matrix, encode("starting a user group"), k=2, threshold=0.05)
    assert {m.position for m in found} == {0, 2}
    assert nearest(matrix, encode("nothing in common whatsoever"), k=2, threshold=0.05) == []


def test_tfidf_of_nothing_but_stop_words_finds_nothing() -> None:
    matrix, encode = tfidf_vectors(["the and of", "it is"])
    assert nearest(matrix, encode("the"), k=2, threshold=0.0) == [
        Match(1, 0.0),
        Match(0, 0.0),
    ]


def test_a_request_is_compared_by_its_summary_and_words_and_fingerprinted() -> None:
    assert request_text(" User group ", " Who to invite? ") == "User group. Who to invite?"
    assert text_hash("a") == text_hash("a") != text_hash("b")
    assert len(text_hash("a")) == 32


def test_quality_and_best_threshold() -> None:
    scores = [0.9, 0.8, 0.6, 0.4, 0.2]
    positive = [True, True, False, True, False]
    assert quality_at(scores, positive, 0.7) == Quality(0.7, 1.0, 2 / 3)
    assert quality_at(scores, positive, 0.95) == Quality(0.95, 1.0, 0.0)
    assert quality_at(scores, positive, 0.3).f_score() == pytest.approx(6 / 7)
    # F1 prefers catching all three (0.4 or below); F0.5 prefers being right (0.7 to 0.8).
    assert best_threshold(scores, positive).threshold == 0.4
    assert best_threshold(scores, positive, beta=0.5).threshold == 0.8


def test_the_labelled_pairs_cover_each_label() -> None:
    pairs = labelled_pairs().pairs
    counts = {label: sum(p.label is label for p in pairs) for label in PairLabel}
    assert all(count >= 10 for count in counts.values()), counts


def _chosen(backend: str) -> tuple[Quality, Quality]:
    pairs = labelled_pairs().pairs
    scores = score_pairs(pairs, backend)
    similar = best_threshold(
        scores, [p.label is not PairLabel.UNRELATED for p in pairs], beta=SIMILAR_BETA
    )
    duplicate = best_threshold(
        scores, [p.label is PairLabel.DUPLICATE for p in pairs], beta=DUPLICATE_BETA
    )
    return similar, duplicate


@pytest.mark.parametrize(
    "backend",
    [
        TFIDF_LSA,
        pytest.param(
            MINILM_ONNX,
            marks=pytest.mark.skipif(
                backend_status()[MINILM_ONNX] is not None, reason="MiniLM is not installed"
            ),
        ),
    ],
)
def test_shipped_thresholds_are_the_ones_the_labelled_pairs_choose(backend: str) -> None:
    similar, duplicate = _chosen(backend)
    assert THRESHOLDS[backend].similar == pytest.approx(similar.threshold)
    assert THRESHOLDS[backend].duplicate == pytest.approx(duplicate.threshold)
    assert similar.precision >= 0.9 and similar.recall >= 0.9
    assert duplicate.precision >= 0.75 and duplicate.recall >= 0.7
    assert thresholds_for(backend) == THRESHOLDS[backend]
