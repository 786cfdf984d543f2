"""Rank library resources for a team's gaps or for a piece of free text. Pure: no database.

Two entry points take data rather than ids, so they can be tested and benchmarked alone:

- :func:`rank_for_gaps` takes a gap profile ``{practice_key: (current_level, target_level)}``
  (levels 1 Beginning to 5 Mastering) and ranks resources for the practices below target;
- :func:`rank_for_text` takes a support request or evidence note and ranks resources by its
  meaning and its exact words together (see "How free text is ranked" below).

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

How free text is ranked (issue 14):

1. Exact terms: BM25 (the ``bm25s`` library, Snowball-stemmed English words, stop words left
   out) over each resource's text, which includes its "use this when" lines.
2. Meaning: the cosine of the request's sentence embedding with the resource's text (which
   includes its "use this when" lines), optionally mixed with its best-matching line alone
   (``USE_WHEN_WEIGHT``).
3. Practices: the request's closeness to each framework practice's description, turned into
   shares that sum to 1 (a softmax with ``PRACTICE_TEMPERATURE``); a resource gets the shares
   of the practices it is tagged with. This reads what the request needs in the framework's
   terms, so a resource whose words differ from the request's can still be found.
4. Fusion: each signal is standardised over the catalogue (how many standard deviations a
   resource stands above the mean) and the three are added with weights (the meaning signal
   has ``1 - FUSION_BM25_WEIGHT``, BM25 ``FUSION_BM25_WEIGHT``, practices
   ``FUSION_PRACTICE_WEIGHT``), then scaled from 0 to 1. A resource with neither a shared word
   nor enough closeness in meaning gets 0. The weights were tuned on the old judged set
   (``bench/judged_cases.yaml``) and are reported on the new one
   (``bench/judged_requests.yaml``) by ``bench/recommend_eval.py``.
5. The same greedy selection as for assessments picks the top ``k`` (mix of kinds, no
   near-duplicates).

``rank_for_text(..., match="bm25")`` or ``match="semantic"`` ranks by one signal alone, for the
benchmark's side-by-side comparison.

Every result carries a plain-English reason naming the practice, its level and the target, and
what the resource shows (for free text, also the entry's "use this when" line closest to the
request). Ties are broken by catalogue order, so results are deterministic.

Resource embeddings come from the survey-themes backend (MiniLM when installed) or, without it,
a TF-IDF space fitted to the catalogue. They and the BM25 index are computed once per catalogue
content and backend and kept in a module-level cache (:func:`build_index`). Nothing is fetched
from outside: the model ships in an installed package.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

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
    "DEFAULT_FUSION",
    "DEFAULT_K",
    "DUPLICATE_SIMILARITY",
    "MIN_PER_KIND",
    "TEXT_MATCHES",
    "FusionWeights",
    "GapProfile",
    "PracticeInfo",
    "Recommendation",
    "ResourceIndex",
    "TextMatch",
    "TextScores",
    "build_index",
    "catalogue_hash",
    "clear_index_cache",
    "gap_weights",
    "rank_for_gaps",
    "rank_for_text",
    "resource_text",
    "text_scores",
    "what_it_shows",
    "without_needs",
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
# The fusion settings below were chosen on the old judged set's 22 requests from the grid in
# bench/recommend_eval.py (FUSION_GRID), before the new set was scored.
#: BM25's term-frequency saturation and length normalisation (bm25s defaults are 1.5 and 0.75).
BM25_K1: Final = 1.2
BM25_B: Final = 0.75
#: Share of a resource's meaning score that comes from its closest "use this when" line.
USE_WHEN_WEIGHT: Final = 0.0
#: Weight of the standardised BM25 score in the fusion (the meaning score has 1 minus this).
FUSION_BM25_WEIGHT: Final = 0.5
#: Weight of the standardised practice score in the fusion.
FUSION_PRACTICE_WEIGHT: Final = 0.4
#: Softmax temperature of the request's closeness to practices: lower picks fewer practices.
PRACTICE_TEMPERATURE: Final = 0.05
#: Catalogues larger than this are reduced to ``LSA_DIMENSIONS`` in the TF-IDF fallback.
LSA_ABOVE: Final = 300
LSA_DIMENSIONS: Final = 256
#: Largest number of catalogue indexes kept in memory.
CACHE_SIZE: Final = 4
#: Texts whose embeddings each index remembers (see ``ResourceIndex.embed_query``).
QUERY_CACHE_SIZE: Final = 256

#: A team's gaps: practice key to (current level, target level).
GapProfile = Mapping[str, tuple[int, int]]

#: How free text is matched: both signals fused, exact terms alone, or meaning alone.
TextMatch = Literal["fused", "bm25", "semantic"]
TEXT_MATCHES: Final[tuple[TextMatch, ...]] = ("fused", "bm25", "semantic")


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
    parts = [f"{resource.title}.", resource.summary]
    if resource.context:
        parts.append(resource.context)
    if resource.use_when:
        parts.append(f"Use this when {'; '.join(resource.use_when)}.")
    parts += [
        f"Practices: {'; '.join(practices)}.",
        f"Methods: {'; '.join(methods)}.",
    ]
    if audiences:
        parts.append(f"Audiences: {'; '.join(audiences)}.")
    return " ".join(parts)


def without_needs(resources: Sequence[Resource]) -> list[Resource]:
    """The resources without their "use this when" lines and context.

    Assessments are ranked on this text, as before issue 14: gap ranking leans on practice
    tags, and its judged figures were tuned on it. The benchmark's "today's recommender" for
    free text uses it too.
    """
    return [replace(r, use_when=(), context="") for r in resources]


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
            list(r.use_when),
            r.context,
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


class _Bm25Space:
    """A BM25 index of the resources' texts (bm25s), over Snowball-stemmed English words."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s  # type: ignore[import-untyped, unused-ignore]
        import Stemmer  # type: ignore[import-untyped, import-not-found, unused-ignore]

        self._tokenize_with = bm25s.tokenize
        # A Snowball stemmer object must not be used by two threads at once.
        self._stemmer = Stemmer.Stemmer("english")
        self._lock = threading.Lock()
        self._size = len(texts)
        self._model = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        self._model.index(self._tokens(texts), show_progress=False)
        self._vocabulary = frozenset(self._model.vocab_dict)

    def _tokens(self, texts: Sequence[str]) -> list[list[str]]:
        with self._lock:
            tokens = self._tokenize_with(
                list(texts),
                stopwords="en",
                stemmer=self._stemmer.stemWords,
                return_ids=False,
                show_progress=False,
            )
        return [list(words) for words in tokens]

    def scores(self, text: str) -> npt.NDArray[np.float64]:
        """The BM25 score of every resource for this text (0 where no word is shared)."""
        words = [w for w in self._tokens([text])[0] if w in self._vocabulary]
        if not words:
            return np.zeros(self._size, dtype=np.float64)
        return np.asarray(self._model.get_scores(words), dtype=np.float64)


@dataclass
class ResourceIndex:
    """Resources with their embeddings, built once per catalogue content (see ``build_index``)."""

    resources: tuple[Resource, ...]
    vectors: FloatMatrix
    backend: str
    content_hash: str
    practice_titles: Mapping[str, str]
    _tfidf: _TfidfSpace | None = None
    #: Embeddings of every resource's "use this when" lines, and the resource each belongs to.
    line_vectors: FloatMatrix | None = None
    line_owner: npt.NDArray[np.intp] | None = None
    _bm25: _Bm25Space | None = None
    _practice_cache: dict[str, FloatMatrix] = field(default_factory=dict)
    _query_cache: OrderedDict[str, FloatMatrix] = field(default_factory=OrderedDict)
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

    def embed_query(self, text: str) -> FloatMatrix:
        """One text's embedding; the last ``QUERY_CACHE_SIZE`` texts are remembered.

        A page showing recommendations for a request ranks the same text on every rerun.
        """
        with self._lock:
            found = self._query_cache.get(text)
            if found is not None:
                self._query_cache.move_to_end(text)
                return found
        vector: FloatMatrix = self.embed([text])[0]
        with self._lock:
            self._query_cache[text] = vector
            while len(self._query_cache) > QUERY_CACHE_SIZE:
                self._query_cache.popitem(last=False)
        return vector

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
    lines = [line for r in resources for line in r.use_when]
    owner = np.array([i for i, r in enumerate(resources) for _ in r.use_when], dtype=np.intp)
    tfidf: _TfidfSpace | None = None
    if not texts:
        vectors = np.zeros((0, 1), dtype=np.float32)
        line_vectors = np.zeros((0, 1), dtype=np.float32)
    elif name == TFIDF_LSA:
        tfidf = _TfidfSpace(texts)
        vectors = tfidf.embed(texts)
        line_vectors = tfidf.embed(lines) if lines else np.zeros((0, vectors.shape[1]), np.float32)
    else:
        both, name = embed_texts([*texts, *lines], backend=name)
        vectors, line_vectors = both[: len(texts)], both[len(texts) :]
    index = ResourceIndex(
        resources=tuple(resources),
        vectors=vectors,
        backend=name,
        content_hash=key[0],
        practice_titles=titles,
        _tfidf=tfidf,
        line_vectors=line_vectors,
        line_owner=owner,
        _bm25=_Bm25Space(texts) if texts else None,
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


@dataclass(frozen=True)
class FusionWeights:
    """How the exact-term, meaning and practice signals are combined for free text.

    Each signal is standardised over the catalogue before they are added. ``bm25_weight`` is
    BM25's weight (the meaning signal has 1 minus it); ``practice_weight`` is the practice
    signal's weight; ``practice_temperature`` is the softmax temperature that turns the request's
    closeness to practices into shares; ``use_when_weight`` is the share of a resource's meaning
    score that comes from its closest "use this when" line.
    """

    bm25_weight: float = FUSION_BM25_WEIGHT
    practice_weight: float = FUSION_PRACTICE_WEIGHT
    practice_temperature: float = PRACTICE_TEMPERATURE
    use_when_weight: float = USE_WHEN_WEIGHT

    def __post_init__(self) -> None:
        if not 0.0 <= self.bm25_weight <= 1.0:
            raise ValueError(f"bm25_weight goes from 0 to 1, not {self.bm25_weight}")
        if not 0.0 <= self.use_when_weight <= 1.0:
            raise ValueError(f"use_when_weight goes from 0 to 1, not {self.use_when_weight}")
        if self.practice_weight < 0:
            raise ValueError(f"practice_weight cannot be negative: {self.practice_weight}")
        if self.practice_temperature <= 0:
            raise ValueError(
                f"practice_temperature must be above 0, not {self.practice_temperature}"
            )


DEFAULT_FUSION: Final = FusionWeights()


@dataclass(frozen=True)
class TextScores:
    """Every resource's scores for one text, in catalogue order.

    ``bm25`` is the exact-term score (0 where no word is shared), ``semantic`` the meaning score
    (cosine, mixed with the best "use this when" line), ``practice`` the summed shares of the
    practices the resource is tagged with, ``fused`` the weighted sum of the three standardised
    signals scaled from 0 to 1 (0 for a resource with no shared word and too little closeness),
    and ``best_line`` the index in ``Resource.use_when`` of each resource's line closest to the
    text (-1 for a resource without lines).
    """

    bm25: npt.NDArray[np.float64]
    semantic: npt.NDArray[np.float64]
    practice: npt.NDArray[np.float64]
    fused: npt.NDArray[np.float64]
    best_line: npt.NDArray[np.intp]


def _standardised(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """How many standard deviations each score is above the mean (0 when all are equal)."""
    spread = float(scores.std()) if scores.size else 0.0
    if spread <= 1e-12:
        return np.zeros_like(scores)
    standardised: npt.NDArray[np.float64] = (scores - float(scores.mean())) / spread
    return standardised


def _practice_scores(
    query: FloatMatrix,
    index: ResourceIndex,
    practices: Mapping[str, PracticeInfo] | None,
    temperature: float,
) -> npt.NDArray[np.float64]:
    """Each resource's share of the practices the text is closest to (see the module doc)."""
    keys = sorted(index.tagged)
    scores = np.zeros(len(index), dtype=np.float64)
    if not keys:
        return scores
    known = practices or {}
    infos = [
        known.get(key) or PracticeInfo(key, index.practice_titles.get(key, key)) for key in keys
    ]
    closeness = (index.practice_vectors(infos) @ query).astype(np.float64)
    shares = np.exp((closeness - closeness.max()) / temperature)
    shares /= shares.sum()
    for key, share in zip(keys, shares, strict=True):
        scores[index.tagged[key]] += share
    return scores


def _semantic(
    query: FloatMatrix, index: ResourceIndex, use_when_weight: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    whole = (index.vectors @ query).astype(np.float64)
    best_line = np.full(len(index), -1, dtype=np.intp)
    if index.line_vectors is None or index.line_owner is None or index.line_owner.size == 0:
        return whole, best_line
    owner = index.line_owner  # non-decreasing: lines are stacked in catalogue order
    line_scores = (index.line_vectors @ query).astype(np.float64)
    order = np.lexsort((-line_scores, owner))  # by resource, then best line first (ties: first)
    first = np.r_[True, owner[order][1:] != owner[order][:-1]]
    top_rows, top_owners = order[first], owner[order][first]
    best = np.full(len(index), -np.inf)
    best[top_owners] = line_scores[top_rows]
    best_line[top_owners] = top_rows - np.searchsorted(owner, top_owners)
    has_lines = best_line >= 0
    mixed = whole.copy()
    mixed[has_lines] = (1 - use_when_weight) * whole[has_lines] + use_when_weight * best[has_lines]
    return mixed, best_line


def text_scores(
    text: str,
    index: ResourceIndex,
    weights: FusionWeights = DEFAULT_FUSION,
    practices: Mapping[str, PracticeInfo] | None = None,
) -> TextScores:
    """Exact-term, meaning, practice and fused scores of every resource for a text.

    ``practices`` (by key) gives the practices' descriptions for the practice signal; without
    it, practices are known by their titles alone. See the module doc.
    """
    with _one_blas_thread():
        return _text_scores(text, index, index.embed_query(text), weights, practices)


def _text_scores(
    text: str,
    index: ResourceIndex,
    query: FloatMatrix,
    weights: FusionWeights,
    practices: Mapping[str, PracticeInfo] | None,
) -> TextScores:
    bm25 = index._bm25.scores(text) if index._bm25 is not None else np.zeros(len(index))
    semantic, best_line = _semantic(query, index, weights.use_when_weight)
    practice = _practice_scores(query, index, practices, weights.practice_temperature)
    combined = (
        (1 - weights.bm25_weight) * _standardised(semantic)
        + weights.bm25_weight * _standardised(bm25)
        + weights.practice_weight * _standardised(practice)
    )
    eligible = (semantic >= MIN_TEXT_SIMILARITY) | (bm25 > 0)
    fused = np.zeros(len(index), dtype=np.float64)
    if eligible.any():
        low, high = float(combined[eligible].min()), float(combined[eligible].max())
        spread = high - low
        # The least eligible resource keeps a small positive score, so it can still be picked.
        floor = 0.01
        if spread > 1e-12:
            fused[eligible] = floor + (1 - floor) * (combined[eligible] - low) / spread
        else:
            fused[eligible] = 1.0
    return TextScores(
        bm25=bm25, semantic=semantic, practice=practice, fused=fused, best_line=best_line
    )


def rank_for_text(
    text: str,
    index: ResourceIndex,
    practices: Mapping[str, PracticeInfo] | None = None,
    k: int = DEFAULT_K,
    *,
    min_per_kind: int = MIN_PER_KIND,
    match: TextMatch = "fused",
    weights: FusionWeights = DEFAULT_FUSION,
) -> list[Recommendation]:
    """Recommendations for a support request or evidence note, by its meaning and exact words.

    ``practices`` (by key) lets each reason name the practice of the resource closest to the
    text. ``match`` chooses the signal: ``"fused"`` (the default), ``"bm25"`` or ``"semantic"``.
    A text with no letters or digits gets no recommendations.
    """
    if match not in TEXT_MATCHES:
        raise ValueError(f"match must be one of {', '.join(TEXT_MATCHES)}, not {match!r}")
    with _one_blas_thread():
        return _rank_for_text(text, index, practices, k, min_per_kind, match, weights)


def _use_when_sentence(resource: Resource, line: int) -> str:
    if 0 <= line < len(resource.use_when):
        return f" Use this when {resource.use_when[line]}."
    return ""


def _rank_for_text(
    text: str,
    index: ResourceIndex,
    practices: Mapping[str, PracticeInfo] | None,
    k: int,
    min_per_kind: int,
    match: TextMatch,
    weights: FusionWeights,
) -> list[Recommendation]:
    if not is_usable(text) or len(index) == 0:
        return []
    query = index.embed_query(text)
    scores = _text_scores(text, index, query, weights, practices)
    if match == "fused":
        column = scores.fused
    elif match == "bm25":
        top = float(scores.bm25.max())
        column = scores.bm25 / top if top > 0 else scores.bm25
    else:
        column = np.where(scores.semantic >= MIN_TEXT_SIMILARITY, scores.semantic, 0.0)
    picks = _select(index, column.astype(np.float32)[:, None], np.ones(1), k, min_per_kind)
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
        reason += _use_when_sentence(resource, int(scores.best_line[position]))
        results.append(
            Recommendation(
                resource_id=resource.id,
                score=round(max(gain, 0.0), 4),
                reason=reason[0].upper() + reason[1:],
                practice_key=practice_key,
            )
        )
    return results
