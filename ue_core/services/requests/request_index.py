"""The in-memory similarity index of support requests, kept in step with the database.

Each request is one vector of its summary and words (never its conversation, so internal notes
are never searched). The index is rebuilt whenever the requests' data version changes (their
count, highest id and the sum of their row versions, which every edit increases), so a new or
edited request is found at once. Rebuilding is cheap: with a sentence-embedding backend each
request's vector is cached by request id and text hash, so only new or edited texts are
embedded again. The TF-IDF fallback's space depends on every text, so it is refitted when any
text changes (still quick: no model runs).

Callers check access first; the index itself knows nothing of who asks.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select

from ue_core.db.engine import Database
from ue_core.db.models import SupportRequest
from ue_core.similar_requests import (
    Encoder,
    Match,
    Thresholds,
    Vectors,
    nearest,
    request_text,
    text_hash,
    tfidf_vectors,
    thresholds_for,
)
from ue_core.themes.embedding import TFIDF_LSA, choose_backend, embed_texts
from ue_core.vocabulary import RequestStatus

#: Databases whose index is kept (the app has one; tests make many).
KEPT_DATABASES: Final = 8
#: Query texts whose sentence embedding is kept, for repeated searches.
KEPT_QUERIES: Final = 512

_DONE = frozenset({RequestStatus.RESOLVED.value, RequestStatus.CLOSED.value})
DataVersion = tuple[int, int, int]


class _SentenceSpace:
    """Sentence embeddings, cached per request id while its text hash is unchanged."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self._vectors: dict[int, tuple[str, npt.NDArray[np.float32]]] = {}

    def matrix(
        self, ids: list[int], hashes: list[str], texts: list[str]
    ) -> tuple[Vectors, Encoder]:
        missing = [
            i
            for i, (rid, h) in enumerate(zip(ids, hashes, strict=True))
            if self._vectors.get(rid, ("", None))[0] != h
        ]
        if missing:
            embedded, _ = embed_texts([texts[i] for i in missing], backend=self.backend)
            for row, i in enumerate(missing):
                self._vectors[ids[i]] = (hashes[i], embedded[row])
        kept = set(ids)
        for gone in [rid for rid in self._vectors if rid not in kept]:
            del self._vectors[gone]
        encode = functools.partial(_embed_query, self.backend)
        if not ids:
            return np.zeros((0, 1), dtype=np.float32), encode
        return np.vstack([self._vectors[rid][1] for rid in ids]).astype(np.float32), encode


@functools.lru_cache(maxsize=KEPT_QUERIES)
def _embed_query(backend: str, text: str) -> npt.NDArray[np.float32]:
    vectors, _ = embed_texts([text], backend=backend)
    row: npt.NDArray[np.float32] = vectors[0]
    row.setflags(write=False)
    return row


class _TfidfSpace:
    """TF-IDF over every request's words, refitted when any text changes."""

    backend = TFIDF_LSA

    def __init__(self) -> None:
        self._corpus_key = ""
        self._fitted: tuple[Vectors, Encoder] = tfidf_vectors([])

    def matrix(
        self, ids: list[int], hashes: list[str], texts: list[str]
    ) -> tuple[Vectors, Encoder]:
        key = text_hash("\x00".join(f"{rid}:{h}" for rid, h in zip(ids, hashes, strict=True)))
        if key != self._corpus_key:
            self._fitted = tfidf_vectors(texts)
            self._corpus_key = key
        return self._fitted


@dataclass(frozen=True)
class RequestIndex:
    """Every request's vector (oldest first) with the facts results are filtered on."""

    version: DataVersion
    backend: str
    ids: npt.NDArray[np.int64]
    team_ids: npt.NDArray[np.int64]
    open: npt.NDArray[np.bool_]
    answered: npt.NDArray[np.bool_]
    subjects: tuple[str, ...]
    created_at: tuple[datetime, ...]
    matrix: Vectors
    encode: Encoder

    @property
    def thresholds(self) -> Thresholds:
        return thresholds_for(self.backend)

    def position(self, request_id: int) -> int | None:
        found = np.flatnonzero(self.ids == request_id)
        return int(found[0]) if found.size else None

    def query_vector(self, text: str) -> Vectors:
        """A text's vector in this index's space."""
        return self.encode(text)

    def row(self, position: int) -> Vectors:
        return self.matrix[position : position + 1]

    def search(
        self,
        query: Vectors,
        *,
        k: int,
        threshold: float,
        allowed: npt.NDArray[np.bool_] | None = None,
    ) -> list[tuple[int, float]]:
        """(request id, cosine score) of the ``k`` requests most like ``query``, best first."""
        found: list[Match] = nearest(self.matrix, query, k=k, threshold=threshold, allowed=allowed)
        return [(int(self.ids[m.position]), m.score) for m in found]


_indexes: OrderedDict[tuple[str, str], RequestIndex] = OrderedDict()
_spaces: dict[tuple[str, str], _SentenceSpace | _TfidfSpace] = {}
_lock = threading.Lock()


def _data_version(db: Database) -> DataVersion:
    with db.read() as session:
        count, highest, versions = session.execute(
            select(
                func.count(SupportRequest.id),
                func.max(SupportRequest.id),
                func.sum(SupportRequest.version),
            )
        ).one()
    return int(count or 0), int(highest or 0), int(versions or 0)


def index_for(db: Database) -> RequestIndex:
    """The index of ``db``'s requests as they are now (rebuilt only when they changed)."""
    backend = choose_backend()
    key = (db.url, backend)
    version = _data_version(db)
    with _lock:
        index = _indexes.get(key)
        if index is not None and index.version == version:
            _indexes.move_to_end(key)
            return index
        space = _spaces.get(key)
        if space is None:
            space = _TfidfSpace() if backend == TFIDF_LSA else _SentenceSpace(backend)
            _spaces[key] = space
        index = _build(db, version, space)
        _indexes[key] = index
        while len(_indexes) > KEPT_DATABASES:
            dropped, _ = _indexes.popitem(last=False)
            _spaces.pop(dropped, None)
        return index


def _build(db: Database, version: DataVersion, space: _SentenceSpace | _TfidfSpace) -> RequestIndex:
    with db.read() as session:
        rows = session.execute(
            select(
                SupportRequest.id,
                SupportRequest.team_id,
                SupportRequest.status,
                SupportRequest.subject,
                SupportRequest.text,
                SupportRequest.resolution != "",
                SupportRequest.created_at,
            ).order_by(SupportRequest.id)
        ).all()
    ids = [int(r[0]) for r in rows]
    texts = [request_text(r[3], r[4]) for r in rows]
    matrix, encode = space.matrix(ids, [text_hash(t) for t in texts], texts)
    return RequestIndex(
        version=version,
        backend=space.backend,
        ids=np.array(ids, dtype=np.int64),
        team_ids=np.array([int(r[1]) for r in rows], dtype=np.int64),
        open=np.array([r[2] not in _DONE for r in rows], dtype=np.bool_),
        answered=np.array([r[2] in _DONE and bool(r[5]) for r in rows], dtype=np.bool_),
        subjects=tuple(str(r[3]) for r in rows),
        created_at=tuple(r[6] for r in rows),
        matrix=matrix,
        encode=encode,
    )
