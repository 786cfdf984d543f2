"""Similar and duplicate requests: nearest neighbours by cosine similarity, with thresholds.

Pure: given row-normalised vectors of requests (dense sentence embeddings, or sparse TF-IDF
rows), :func:`nearest` finds the rows most like a query, best first, each with its cosine score,
among the rows allowed and at or above a threshold.

When the embedding backend is the ``tfidf-lsa`` fallback, requests are compared by plain TF-IDF
rows (:func:`tfidf_vectors`, fitted to every request), not LSA: a query is then one transform,
with no refitting.

Two thresholds per embedding backend (:data:`THRESHOLDS`): *similar* (worth showing as a past
request like this one) and *duplicate* (probably the same request sent again). They were chosen
from the hand-labelled pairs in ``data/similar_request_pairs.yaml`` with :func:`best_threshold`;
``python -m bench --only similar`` reports precision and recall at the shipped values.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ue_core.content import load_model
from ue_core.themes.embedding import MINILM_ONNX, MINILM_TORCH, TFIDF_LSA, embed_texts

#: A matrix of row-normalised vectors: dense (sentence embeddings) or sparse (TF-IDF).
Vectors: TypeAlias = npt.NDArray[np.float32] | sparse.csr_matrix

#: Gives a query text its vector in the space of a matrix of requests.
Encoder: TypeAlias = Callable[[str], Vectors]

PAIRS_PATH: Final = Path(__file__).resolve().parents[1] / "data" / "similar_request_pairs.yaml"


@dataclass(frozen=True)
class Thresholds:
    """Least cosine score for a request to count as similar, and as a likely duplicate."""

    similar: float
    duplicate: float


#: Chosen from the labelled pairs (bench/similar_requests.py prints the working): the similar
#: threshold best separates "duplicate or related" from "unrelated" (F1), the duplicate
#: threshold "duplicate" from the rest (F0.5). TF-IDF scores run lower than sentence embeddings'.
THRESHOLDS: Final[dict[str, Thresholds]] = {
    MINILM_ONNX: Thresholds(similar=0.3, duplicate=0.7),
    MINILM_TORCH: Thresholds(similar=0.3, duplicate=0.7),
    TFIDF_LSA: Thresholds(similar=0.05, duplicate=0.3),
}


def thresholds_for(backend: str) -> Thresholds:
    """The thresholds for vectors from ``backend`` (an embedding backend's name)."""
    return THRESHOLDS.get(backend, THRESHOLDS[TFIDF_LSA])


def request_text(subject: str, text: str) -> str:
    """The text of a request that is compared: its summary, then its words."""
    return f"{subject.strip()}. {text.strip()}"


def text_hash(text: str) -> str:
    """A short fingerprint of a text: a cached vector is reused only while this is unchanged."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def tfidf_vectors(texts: Sequence[str]) -> tuple[Vectors, Encoder]:
    """The TF-IDF fallback: rows of ``texts`` and the function giving a query its row in the
    same space (fitted to ``texts``)."""
    vectoriser = TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float32)
    try:
        matrix = sparse.csr_matrix(vectoriser.fit_transform(list(texts)))
    except ValueError:  # no texts, or nothing but stop words: nothing is alike
        empty = sparse.csr_matrix((len(texts), 1), dtype=np.float32)
        return empty, lambda _text: sparse.csr_matrix((1, 1), dtype=np.float32)
    return matrix, lambda text: sparse.csr_matrix(vectoriser.transform([text]))


def embed_requests(texts: Sequence[str], backend: str) -> Vectors:
    """Row-normalised vectors of request texts from ``backend`` (TF-IDF fitted to ``texts``)."""
    if backend == TFIDF_LSA:
        return tfidf_vectors(texts)[0]
    vectors, _ = embed_texts(list(texts), backend=backend)
    return vectors


@dataclass(frozen=True)
class Match:
    """Row ``position`` of the matrix searched, with its cosine score against the query."""

    position: int
    score: float


def cosine_scores(matrix: Vectors, query: Vectors) -> npt.NDArray[np.float32]:
    """Each row's cosine score against the query's one row (both row-normalised)."""
    if matrix.shape[0] == 0:
        return np.zeros(0, dtype=np.float32)
    if sparse.issparse(matrix) or sparse.issparse(query):
        product = sparse.csr_matrix(matrix) @ sparse.csr_matrix(query).T
        return np.asarray(product.toarray(), dtype=np.float32).ravel()
    dense = np.asarray(query, dtype=np.float32).reshape(-1)
    # einsum runs in one thread: on a busy machine a threaded BLAS call for one query is
    # several times slower than this, with threads waiting on each other.
    return np.asarray(np.einsum("ij,j->i", matrix, dense), dtype=np.float32)


def nearest(
    matrix: Vectors,
    query: Vectors,
    *,
    k: int,
    threshold: float,
    allowed: npt.NDArray[np.bool_] | None = None,
) -> list[Match]:
    """The ``k`` rows most like ``query`` scoring at least ``threshold``, best first.

    ``allowed`` (one flag per row) leaves out the rows that may not be returned. Ties go to the
    later row (the newer request, as rows are stored oldest first).
    """
    scores = cosine_scores(matrix, query)
    keep = scores >= threshold
    if allowed is not None:
        keep &= allowed
    candidates = np.flatnonzero(keep)
    if k <= 0 or candidates.size == 0:
        return []
    if candidates.size > k:
        top = np.argpartition(-scores[candidates], k - 1)[:k]
        candidates = candidates[top]
    ordered = sorted(candidates.tolist(), key=lambda i: (-float(scores[i]), -i))
    return [Match(int(i), float(scores[i])) for i in ordered]


# ---------------------------------------------------------------------------------------------
# Choosing thresholds from labelled pairs


class PairLabel(StrEnum):
    DUPLICATE = "duplicate"
    RELATED = "related"
    UNRELATED = "unrelated"


class LabelledPair(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    label: PairLabel
    first: str = Field(min_length=10)
    second: str = Field(min_length=10)


class LabelledPairs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pairs: tuple[LabelledPair, ...] = Field(min_length=4)


@functools.cache
def labelled_pairs(path: Path = PAIRS_PATH) -> LabelledPairs:
    """The hand-labelled pairs, validated."""
    return load_model(path, LabelledPairs)


def score_pairs(pairs: Sequence[LabelledPair], backend: str) -> list[float]:
    """The cosine score of each pair, with vectors from ``backend`` (TF-IDF is fitted to every
    text of the pairs, as the index fits it to every request)."""
    texts = sorted({text for pair in pairs for text in (pair.first, pair.second)})
    row = {text: i for i, text in enumerate(texts)}
    matrix = embed_requests(texts, backend)
    return [
        float(
            cosine_scores(
                matrix[row[pair.first] : row[pair.first] + 1],
                matrix[row[pair.second] : row[pair.second] + 1],
            )[0]
        )
        for pair in pairs
    ]


@dataclass(frozen=True)
class Quality:
    """How well ``score >= threshold`` picks out the positive pairs."""

    threshold: float
    precision: float
    recall: float

    def f_score(self, beta: float = 1.0) -> float:
        """The F-beta score: beta below 1 counts precision more than recall."""
        weight = beta * beta
        total = weight * self.precision + self.recall
        return 0.0 if total == 0 else (1 + weight) * self.precision * self.recall / total


def quality_at(scores: Sequence[float], positive: Sequence[bool], threshold: float) -> Quality:
    """Precision and recall of calling a pair positive when its score reaches ``threshold``."""
    flagged = [score >= threshold for score in scores]
    true_positive = sum(f and p for f, p in zip(flagged, positive, strict=True))
    flagged_count, positive_count = sum(flagged), sum(positive)
    return Quality(
        threshold,
        precision=true_positive / flagged_count if flagged_count else 1.0,
        recall=true_positive / positive_count if positive_count else 1.0,
    )


#: F-beta weights: a duplicate warning interrupts a person, so precision counts double there.
SIMILAR_BETA: Final = 1.0
DUPLICATE_BETA: Final = 0.5


def best_threshold(
    scores: Sequence[float], positive: Sequence[bool], *, beta: float = 1.0, step: float = 0.05
) -> Quality:
    """The threshold (a multiple of ``step``) with the best F-beta score; on a tie, the higher
    one, as a false flag costs a person's attention."""
    candidates = [round(step * i, 6) for i in range(1, round(1 / step))]
    found = [quality_at(scores, positive, t) for t in candidates]
    return max(found, key=lambda q: (round(q.f_score(beta), 9), q.threshold))
