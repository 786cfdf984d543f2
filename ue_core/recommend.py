"""Rank library resources for a team's gaps or for a piece of free text. Pure: no database.

Two entry points take data rather than ids, so they can be tested and benchmarked alone:

- :func:`rank_for_gaps` takes a gap profile ``{practice_key: (current_level, target_level)}``
  (levels 1 Beginning to 5 Mastering) and ranks resources for the practices below target;
- :func:`rank_for_text` takes a support request or evidence note and ranks resources by meaning.

``ue_core.services.library.recommendations`` binds them to the database as
``recommend_for_assessment`` and ``recommend_for_text`` (the entry points the issue names),
reading the team's agreed levels, targets and the active catalogue.

How an assessment is ranked:

1. Each practice below its principle's target is weighted by its gap (target minus current
   level). If nothing is below target, practices below Mastering get a small "go further" weight.
2. A resource's match with a practice is 1 if it is tagged with the practice, plus up to
   ``SEMANTIC_WEIGHT`` for how much closer its text is to the practice's description than other
   resources are (so a relevant resource tagged a little differently can still be found).
3. Picks are made one at a time (greedy): each pick is the resource with the most weighted match
   for the gaps not yet covered, less a penalty for being like a resource already picked (maximal
   marginal relevance); a resource almost identical to one already picked is skipped. Once a gap
   is covered its weight drops by a fifth, so several gaps get suggestions rather than one.
4. The top ``k`` holds at least ``MIN_PER_KIND`` case studies and training offers when the
   catalogue has that many relevant ones.

Every result carries a plain-English reason naming the practice, its level and the target, and
what the resource shows. Ties are broken by catalogue order, so results are deterministic.

Resource embeddings come from the survey-themes backend (MiniLM when installed) or, without it,
a TF-IDF space fitted to the catalogue. They are computed once per catalogue content and backend
and kept in a module-level cache (:func:`build_index`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped, unused-ignore]

from ue_core.catalogue import AUDIENCES, METHODS, Resource
from ue_core.scoring import MAX_LEVEL, MIN_LEVEL, level_name
from ue_core.themes.embedding import (
    TFIDF_LSA,
    choose_backend,
    embed_texts,
    is_usable,
    normalise_rows,
)

__all__ = [
    "DEFAULT_K",
    "DUPLICATE_SIMILARITY",
    "MIN_PER_KIND",
    "GapProfile",
    "PracticeInfo",
    "Recommendation",
    "ResourceIndex",
    "build_index",
    "catalogue_hash",
    "clear_index_cache",
    "gap_weights",
    "rank_for_gaps",
    "rank_for_text",
    "resource_text",
    "what_it_shows",
]

FloatMatrix = npt.NDArray[np.float32]

#: Number of recommendations given by default.
DEFAULT_K: Final = 8
#: Least number of case studies and of training offers in the top k, when available.
MIN_PER_KIND: Final = 2
#: Most extra match a resource gets for being close in meaning to a practice it is not tagged with.
SEMANTIC_WEIGHT: Final = 0.5
#: Penalty weight for likeness to a resource already picked (maximal marginal relevance).
REDUNDANCY_PENALTY: Final = 0.05
#: Resources at least this alike (cosine of their embeddings) count as near-duplicates.
DUPLICATE_SIMILARITY: Final = 0.92
#: Share of a practice's weight left once a pick covers it.
COVERED_DECAY: Final = 0.8
#: Weight per level below Mastering when no practice is below its target.
STRETCH_WEIGHT: Final = 0.25
#: Candidates considered in the greedy selection (the most relevant ones).
CANDIDATE_POOL: Final = 80
#: Least cosine similarity for a resource to be suggested for free text.
MIN_TEXT_SIMILARITY: Final = 0.05
#: Catalogues larger than this are reduced to ``LSA_DIMENSIONS`` in the TF-IDF fallback.
LSA_ABOVE: Final = 300
LSA_DIMENSIONS: Final = 256
#: Largest number of catalogue indexes kept in memory.
CACHE_SIZE: Final = 4

#: A team's gaps: practice key to (current level, target level).
GapProfile = Mapping[str, tuple[int, int]]


@dataclass(frozen=True)
class Recommendation:
    """A suggested resource, its score (higher is better) and why it is suggested."""

    resource_id: str
    score: float
    reason: str
    practice_key: str | None = None


@dataclass(frozen=True)
class PracticeInfo:
    """What the recommender needs to know about a framework practice."""

    key: str
    title: str
    description: str = ""

    @property
    def text(self) -> str:
        return f"{self.title}. {self.description}".strip()


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():  # an acronym such as "API"
        return text
    return text[:1].lower() + text[1:]


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def what_it_shows(resource: Resource, *, methods: Sequence[str] | None = None) -> str:
    """A short clause saying what a resource shows or offers, for reasons.

    ``methods`` (keys) picks the methods to name; by default the resource's first two.
    """
    chosen = list(methods) if methods else list(resource.methods[:2])
    labels = [_lower_first(METHODS.get(key, key)) for key in chosen[:2]]
    if resource.kind == "case_study":
        if labels:
            return f"this case study shows how {resource.origin} used {_join(labels)}"
        return f"this case study shows how {resource.origin} went about it"
    kind = _lower_first(resource.detail.split(" · ")[0]) if resource.detail else "offer"
    provider = "the USER hub" if resource.origin == "USER hub" else resource.origin
    example = " (an example of what to ask the hub for)" if resource.is_example else ""
    if labels:
        return f"this {kind} from {provider}{example} covers {_join(labels)}"
    return f"this {kind} from {provider}{example} can help"


def resource_text(resource: Resource, practice_titles: Mapping[str, str]) -> str:
    """The text a resource is embedded from: title, summary and its tags in words."""
    practices = [practice_titles.get(key, key.replace("-", " ")) for key in resource.practices]
    methods = [METHODS.get(key, key) for key in resource.methods]
    audiences = [AUDIENCES.get(key, key) for key in resource.audiences]
    parts = [
        f"{resource.title}.",
        resource.summary,
        f"Practices: {'; '.join(practices)}.",
        f"Methods: {'; '.join(methods)}.",
    ]
    if audiences:
        parts.append(f"Audiences: {'; '.join(audiences)}.")
    return " ".join(parts)


def catalogue_hash(
    resources: Sequence[Resource], practice_titles: Mapping[str, str] | None = None
) -> str:
    """A SHA-256 of the resources' content (and practice titles), for caching."""
    payload: list[Any] = [
        [
            r.kind,
            r.id,
            r.title,
            r.summary,
            r.origin,
            r.detail,
            list(r.principles),
            list(r.practices),
            list(r.methods),
            list(r.audiences),
            r.is_example,
        ]
        for r in resources
    ]
    payload.append(sorted((practice_titles or {}).items()))
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(data).hexdigest()


class _TfidfSpace:
    """A TF-IDF space fitted once to the catalogue (the fallback when MiniLM is not installed).

    A large catalogue's space is reduced with truncated SVD so ranking stays fast.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectoriser = TfidfVectorizer(
            lowercase=True,
            stop_words="english",
            token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b",  # noqa: S106 - a regular expression
            ngram_range=(1, 2),
            sublinear_tf=True,
            max_features=20_000,
            dtype=np.float32,
        )
        fitted = self._vectoriser.fit_transform(list(texts))
        self._svd: Any = None
        if len(texts) > LSA_ABOVE and fitted.shape[1] > LSA_DIMENSIONS:
            from sklearn.decomposition import TruncatedSVD

            self._svd = TruncatedSVD(n_components=LSA_DIMENSIONS, random_state=0).fit(fitted)

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        matrix = self._vectoriser.transform(list(texts))
        if self._svd is not None:
            return normalise_rows(np.asarray(self._svd.transform(matrix), dtype=np.float32))
        return normalise_rows(np.asarray(matrix.toarray(), dtype=np.float32))


@dataclass
class ResourceIndex:
    """Resources with their embeddings, built once per catalogue content (see ``build_index``)."""

    resources: tuple[Resource, ...]
    vectors: FloatMatrix
    backend: str
    content_hash: str
    practice_titles: Mapping[str, str]
    _tfidf: _TfidfSpace | None = None
    _practice_cache: dict[str, FloatMatrix] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.positions = {r.id: i for i, r in enumerate(self.resources)}
        self.is_case_study = np.array([r.kind == "case_study" for r in self.resources], dtype=bool)
        tagged: dict[str, list[int]] = {}
        for i, resource in enumerate(self.resources):
            for key in resource.practices:
                tagged.setdefault(key, []).append(i)
        self.tagged = {key: np.array(rows, dtype=np.intp) for key, rows in tagged.items()}

    def __len__(self) -> int:
        return len(self.resources)

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Embed texts into this index's space."""
        if self._tfidf is not None:
            return self._tfidf.embed(texts)
        vectors, _ = embed_texts(list(texts), backend=self.backend)
        return vectors

    def practice_vectors(self, practices: Sequence[PracticeInfo]) -> FloatMatrix:
        """Embeddings of practice descriptions, one row each, cached by their text."""
        texts = [p.text for p in practices]
        with self._lock:
            missing = sorted({t for t in texts if t not in self._practice_cache})
        if missing:
            vectors = self.embed(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._practice_cache[text] = vector
        if not texts:
            return np.zeros((0, self.vectors.shape[1]), dtype=np.float32)
        with self._lock:
            return np.stack([self._practice_cache[t] for t in texts]).astype(np.float32)


# The matrices here are small: one BLAS thread is much faster than several fighting for busy
# cores (a Streamlit server runs many sessions at once).
_THREADPOOLS = ThreadpoolController()


def _one_blas_thread() -> Any:
    return _THREADPOOLS.limit(limits=1, user_api="blas")


_CACHE: OrderedDict[tuple[str, str], ResourceIndex] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def clear_index_cache() -> None:
    """Forget every cached index (tests and benchmarks use this)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def build_index(
    resources: Sequence[Resource],
    practice_titles: Mapping[str, str] | None = None,
    *,
    backend: str | None = None,
) -> ResourceIndex:
    """The index for these resources, from the cache when their content was seen before.

    ``backend`` forces an embedding backend (see ``ue_core.themes.embedding``); by default the
    best installed one is used.
    """
    titles = dict(practice_titles or {})
    name = choose_backend(backend)
    key = (catalogue_hash(resources, titles), name)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    texts = [resource_text(r, titles) for r in resources]
    tfidf: _TfidfSpace | None = None
    if not texts:
        vectors = np.zeros((0, 1), dtype=np.float32)
    elif name == TFIDF_LSA:
        tfidf = _TfidfSpace(texts)
        vectors = tfidf.embed(texts)
    else:
        vectors, name = embed_texts(texts, backend=name)
    index = ResourceIndex(
        resources=tuple(resources),
        vectors=vectors,
        backend=name,
        content_hash=key[0],
        practice_titles=titles,
        _tfidf=tfidf,
    )
    with _CACHE_LOCK:
        _CACHE[key] = index
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return index


# --- Selection ------------------------------------------------------------------------------


def _semantic_boost(similarity: FloatMatrix) -> FloatMatrix:
    """How far each resource stands out for each column, from 0 (typical) to 1 (very close)."""
    if similarity.shape[0] < 2:
        return np.zeros_like(similarity)
    mean = similarity.mean(axis=0, keepdims=True)
    spread = similarity.std(axis=0, keepdims=True)
    z = (similarity - mean) / np.where(spread > 1e-6, spread, 1.0)
    boosted: FloatMatrix = np.clip((z - 1.0) / 2.0, 0.0, 1.0).astype(np.float32)
    return boosted


def _select(
    index: ResourceIndex,
    match: FloatMatrix,
    weights: npt.NDArray[np.float64],
    k: int,
    min_per_kind: int,
) -> list[tuple[int, float]]:
    """Greedy picks: (resource position, gain) in order.

    ``match`` is resources by columns (practices, or one column for free text); ``weights`` are
    the columns' weights, which decay as columns are covered.
    """
    if k <= 0 or len(index) == 0 or weights.size == 0 or float(weights.sum()) <= 0:
        return []
    total = float(weights.sum())
    relevance = (match.astype(np.float64) @ weights) / total
    eligible = np.flatnonzero(relevance > 0)
    if eligible.size == 0:
        return []
    # The most relevant candidates, ties in catalogue order (a stable sort on -relevance).
    order = eligible[np.argsort(-relevance[eligible], kind="stable")][:CANDIDATE_POOL]
    pool_vectors = index.vectors[order]
    likeness = pool_vectors @ pool_vectors.T
    pool_match = match[order].astype(np.float64)
    is_case = index.is_case_study[order]
    available = {True: int(is_case.sum()), False: int((~is_case).sum())}
    quota = {kind: min(min_per_kind, available[kind]) for kind in (True, False)}
    remaining = weights.astype(np.float64).copy()
    chosen: list[int] = []
    picked: list[tuple[int, float]] = []
    blocked = np.zeros(order.size, dtype=bool)
    while len(picked) < k:
        slots = k - len(picked)
        need = {
            kind: max(0, quota[kind] - sum(1 for c in chosen if is_case[c] == kind))
            for kind in (True, False)
        }
        allowed = ~blocked
        if slots <= need[True] + need[False]:
            allowed &= np.array([need[bool(c)] > 0 for c in is_case], dtype=bool)
        if not allowed.any():
            break
        gain = (pool_match @ remaining) / total
        if chosen:
            gain = gain - REDUNDANCY_PENALTY * likeness[:, chosen].max(axis=1)
        gain = np.where(allowed, gain, -np.inf)
        best = int(np.argmax(gain))
        if not np.isfinite(gain[best]):
            break
        chosen.append(best)
        picked.append((int(order[best]), float(gain[best])))
        blocked[best] = True
        blocked |= likeness[best] >= DUPLICATE_SIMILARITY
        remaining *= 1.0 - (1.0 - COVERED_DECAY) * np.clip(pool_match[best], 0.0, 1.0)
    return picked


# --- Assessments ----------------------------------------------------------------------------


def gap_weights(gaps: GapProfile) -> tuple[dict[str, float], bool]:
    """The weight of each practice, and whether these are "go further" (no gap) weights."""
    for key, (current, target) in gaps.items():
        for value in (current, target):
            if not MIN_LEVEL <= value <= MAX_LEVEL:
                raise ValueError(f"{key}: levels go from {MIN_LEVEL} to {MAX_LEVEL}, not {value}")
    below = {key: float(t - c) for key, (c, t) in gaps.items() if t > c}
    if below:
        return below, False
    stretch = {key: STRETCH_WEIGHT * (MAX_LEVEL - c) for key, (c, _) in gaps.items()}
    return {key: w for key, w in stretch.items() if w > 0}, True


def _gap_reason(
    resource: Resource,
    practice: PracticeInfo,
    current: int,
    target: int,
    stretch: bool,
    tagged: bool,
    also: Sequence[str],
) -> str:
    if stretch:
        start = (
            f"'{practice.title}' is at {level_name(current)}, which meets your target of "
            f"{level_name(target)}"
        )
        middle = "to go further, "
    else:
        start = (
            f"'{practice.title}' is at {level_name(current)}, your target is {level_name(target)}"
        )
        middle = ""
    shows = what_it_shows(resource)
    if not tagged:
        shows = f"a closely related example: {shows}"
    sentence = f"{start}: {middle}{shows}."
    if also:
        quoted = [f"'{title}'" for title in also]
        sentence += f" It also covers {_join(quoted)}."
    return sentence


def rank_for_gaps(
    gaps: GapProfile,
    index: ResourceIndex,
    practices: Mapping[str, PracticeInfo],
    k: int = DEFAULT_K,
    *,
    min_per_kind: int = MIN_PER_KIND,
) -> list[Recommendation]:
    """Recommendations for a gap profile ``{practice_key: (current_level, target_level)}``.

    ``practices`` describes every practice key in ``gaps`` (titles are used in reasons; a key
    missing from it is named by its key). Raises ``ValueError`` for levels outside 1 to 5.
    """
    with _one_blas_thread():
        return _rank_for_gaps(gaps, index, practices, k, min_per_kind)


def _rank_for_gaps(
    gaps: GapProfile,
    index: ResourceIndex,
    practices: Mapping[str, PracticeInfo],
    k: int,
    min_per_kind: int,
) -> list[Recommendation]:
    weights, stretch = gap_weights(gaps)
    keys = sorted(weights, key=lambda key: (-weights[key], key))
    if not keys or len(index) == 0:
        return []
    infos = [
        practices.get(key) or PracticeInfo(key, index.practice_titles.get(key, key)) for key in keys
    ]
    tags = np.zeros((len(index), len(keys)), dtype=np.float32)
    for column, key in enumerate(keys):
        rows = index.tagged.get(key)
        if rows is not None:
            tags[rows, column] = 1.0
    similarity = index.vectors @ index.practice_vectors(infos).T
    match = tags + SEMANTIC_WEIGHT * _semantic_boost(similarity)
    weight_vector = np.array([weights[key] for key in keys], dtype=np.float64)
    results = []
    for position, gain in _select(index, match, weight_vector, k, min_per_kind):
        resource = index.resources[position]
        contribution = match[position] * weight_vector
        main = int(np.argmax(contribution))
        covered = [
            infos[c].title
            for c in np.argsort(-contribution, kind="stable")
            if c != main and tags[position, c] > 0
        ][:2]
        current, target = gaps[keys[main]]
        reason = _gap_reason(
            resource,
            infos[main],
            current,
            target,
            stretch,
            tagged=bool(tags[position, main] > 0),
            also=covered,
        )
        results.append(
            Recommendation(
                resource_id=resource.id,
                score=round(max(gain, 0.0), 4),
                reason=reason,
                practice_key=keys[main],
            )
        )
    return results


# --- Free text ------------------------------------------------------------------------------


def rank_for_text(
    text: str,
    index: ResourceIndex,
    practices: Mapping[str, PracticeInfo] | None = None,
    k: int = DEFAULT_K,
    *,
    min_per_kind: int = MIN_PER_KIND,
) -> list[Recommendation]:
    """Recommendations for a support request or evidence note, by closeness in meaning.

    ``practices`` (by key) lets each reason name the practice of the resource closest to the
    text. A text with no letters or digits gets no recommendations.
    """
    with _one_blas_thread():
        return _rank_for_text(text, index, practices, k, min_per_kind)


def _rank_for_text(
    text: str,
    index: ResourceIndex,
    practices: Mapping[str, PracticeInfo] | None,
    k: int,
    min_per_kind: int,
) -> list[Recommendation]:
    if not is_usable(text) or len(index) == 0:
        return []
    query = index.embed([text])[0]
    similarity = index.vectors @ query
    column = np.where(similarity >= MIN_TEXT_SIMILARITY, similarity, 0.0).astype(np.float32)
    picks = _select(index, column[:, None], np.ones(1), k, min_per_kind)
    known = dict(practices or {})
    results = []
    for position, gain in picks:
        resource = index.resources[position]
        infos = [
            known.get(key) or PracticeInfo(key, index.practice_titles.get(key, key))
            for key in resource.practices
        ]
        practice_key: str | None = None
        if infos:
            closeness = index.practice_vectors(infos) @ query
            best = int(np.argmax(closeness))
            practice_key = infos[best].key
            reason = f"Your request is closest to '{infos[best].title}': {what_it_shows(resource)}."
        else:
            reason = f"Close to your request: {what_it_shows(resource)}."
        results.append(
            Recommendation(
                resource_id=resource.id,
                score=round(max(gain, 0.0), 4),
                reason=reason[0].upper() + reason[1:],
                practice_key=practice_key,
            )
        )
    return results
