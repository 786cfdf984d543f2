"""Group embedded answers into themes with k-means.

k-means starts from centres found by Ward's hierarchical clustering of a seeded sample of at
most ``WARD_SAMPLE`` answers, which on labelled benchmarks matches human groupings better than
k-means++ starts. Every usable answer gets a theme: there is no outlier bin. The number of
themes is either chosen by a person or suggested from the silhouette score over a small range,
measured on a seeded sample. The same texts, embeddings, number of themes and seed always give
the same themes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from ue_core.themes.embedding import FloatMatrix, embed_texts, is_usable, normalise_rows
from ue_core.themes.labels import label_themes
from ue_core.themes.model import NO_THEME, Theme, ThemeSet
from ue_core.themes.phrases import describe
from ue_core.themes.stance import stance_adjusted

IntArray = npt.NDArray[np.int64]

#: Above this many answers, mini-batch k-means is used so re-clustering stays fast.
MINIBATCH_FROM: Final = 30_000
#: How many answers the suggested number of themes is measured on.
SUGGEST_SAMPLE: Final = 2_000
#: How many answers the starting theme centres are found on, by Ward's hierarchical clustering.
WARD_SAMPLE: Final = 2_000
#: Most representative answers per theme.
REPRESENTATIVES: Final = 5


def _seeded_sample(matrix: FloatMatrix, size: int, seed: int) -> FloatMatrix:
    """At most ``size`` rows, chosen with ``seed`` and kept in their original order."""
    if len(matrix) <= size:
        return matrix
    rng = np.random.default_rng(seed)
    return matrix[np.sort(rng.choice(len(matrix), size=size, replace=False))]


def _ward_centres(matrix: FloatMatrix, n_clusters: int, seed: int) -> FloatMatrix | None:
    """Starting centres from Ward's hierarchical clustering of a seeded sample.

    Ward merges the pair of groups that adds least to the within-group sum of squares, the same
    quantity k-means lowers, but it builds groups from the bottom up, so it does not depend on
    where random starting centres happen to land. Returns ``None`` when the sample holds fewer
    distinct rows than ``n_clusters``, so the caller falls back to k-means++ starts.
    """
    from sklearn.cluster import AgglomerativeClustering

    sample = _seeded_sample(matrix, WARD_SAMPLE, seed)
    if len(np.unique(sample, axis=0)) < n_clusters:
        return None
    groups = AgglomerativeClustering(n_clusters=n_clusters, linkage="ward").fit_predict(sample)
    return np.stack([sample[groups == c].mean(axis=0) for c in range(n_clusters)]).astype(
        np.float32
    )


def _restarts(n_rows: int) -> int:
    """How many k-means++ starts to try: fewer for big surveys, so re-clustering stays fast."""
    if n_rows < 5_000:
        return 3
    return 2 if n_rows < 15_000 else 1


def _kmeans_labels(
    matrix: FloatMatrix, n_clusters: int, seed: int, *, quick: bool = False
) -> tuple[IntArray, FloatMatrix]:
    """Cluster rows; returns each row's cluster and the cluster centres.

    Unless ``quick``, k-means starts from centres found by Ward's clustering of a seeded sample
    (see :func:`_ward_centres`); ``quick`` (used to suggest a number of themes) and samples with
    too few distinct rows start from k-means++ instead.
    """
    from sklearn.cluster import KMeans, MiniBatchKMeans

    centres = None if quick else _ward_centres(matrix, n_clusters, seed)
    model: KMeans | MiniBatchKMeans
    if len(matrix) >= MINIBATCH_FROM:
        model = MiniBatchKMeans(
            n_clusters=n_clusters,
            init="k-means++" if centres is None else centres,
            random_state=seed,
            n_init=3 if centres is None else 1,
            batch_size=4096,
            max_iter=100,
            reassignment_ratio=0.01,
        )
    elif centres is not None:
        model = KMeans(
            n_clusters=n_clusters, init=centres, n_init=1, random_state=seed, max_iter=150
        )
    else:
        model = KMeans(
            n_clusters=n_clusters,
            random_state=seed,
            n_init=1 if quick else _restarts(len(matrix)),
            max_iter=150,
        )
    labels = np.asarray(model.fit_predict(matrix), dtype=np.int64)
    return labels, np.asarray(model.cluster_centers_, dtype=np.float32)


def suggest_n_themes(
    embeddings: npt.ArrayLike,
    seed: int = 0,
    *,
    min_themes: int | None = None,
    max_themes: int = 12,
    sample_size: int = SUGGEST_SAMPLE,
) -> int:
    """Suggest a number of themes: the one with the best silhouette score over a small range.

    Rows of zeros (unusable answers) are ignored. The range starts at 2 for small surveys and at 3
    from 60 answers, and never goes past the number of distinct answers less one. Measured on a
    seeded sample of at most ``sample_size`` rows, so the answer is deterministic and fast.
    """
    from sklearn.metrics import silhouette_score

    matrix = normalise_rows(embeddings)
    matrix = matrix[np.any(matrix != 0, axis=1)]
    if len(matrix) > sample_size:
        rng = np.random.default_rng(seed)
        chosen = np.sort(rng.choice(len(matrix), size=sample_size, replace=False))
        matrix = matrix[chosen]
    distinct = len(np.unique(matrix, axis=0)) if len(matrix) else 0
    if distinct <= 2:
        return max(distinct, 1)
    lowest = min_themes if min_themes is not None else (3 if len(matrix) >= 60 else 2)
    highest = min(max_themes, distinct - 1)
    if highest < lowest:
        return max(min(lowest, distinct), 1)
    best_k, best_score = lowest, -2.0
    for k in range(lowest, highest + 1):
        labels, _ = _kmeans_labels(matrix, k, seed, quick=True)
        if len(set(labels.tolist())) < 2:
            continue
        score = round(float(silhouette_score(matrix, labels, metric="euclidean")), 4)
        if score > best_score:
            best_k, best_score = k, score
    return best_k


def assign_to_themes(
    embeddings_new: npt.ArrayLike, theme_centroids: npt.ArrayLike
) -> tuple[IntArray, npt.NDArray[np.float32]]:
    """Give answers imported later the theme whose centre is nearest (by cosine similarity).

    Returns each answer's theme index and its confidence, the cosine similarity to that centre
    clipped to 0..1. A row of zeros (an unusable answer) gets ``-1`` and confidence 0.
    """
    matrix = normalise_rows(embeddings_new)
    centres = normalise_rows(theme_centroids)
    if matrix.ndim != 2 or centres.ndim != 2 or matrix.shape[1] != centres.shape[1]:
        raise ValueError(
            "The new embeddings and the theme centres have different sizes: embed the new "
            "answers with the backend that built the themes"
        )
    if len(centres) == 0:
        return (
            np.full(len(matrix), NO_THEME, dtype=np.int64),
            np.zeros(len(matrix), dtype=np.float32),
        )
    similarity = matrix @ centres.T
    indices = np.argmax(similarity, axis=1).astype(np.int64)
    confidence = np.clip(similarity[np.arange(len(matrix)), indices], 0.0, 1.0)
    empty = ~np.any(matrix != 0, axis=1)
    indices[empty] = NO_THEME
    confidence[empty] = 0.0
    return indices, confidence.astype(np.float32)


def cluster_embeddings(
    texts: Sequence[str],
    embeddings: npt.ArrayLike,
    n_themes: int | None = None,
    seed: int = 0,
    *,
    backend: str = "unknown",
) -> ThemeSet:
    """Theme texts from embeddings already made (by :func:`embed_texts`).

    Use this to try another number of themes without embedding again. ``backend`` is recorded in
    the result; pass the name :func:`embed_texts` returned.
    """
    if n_themes is not None and n_themes < 1:
        raise ValueError("The number of themes must be at least 1")
    matrix = normalise_rows(embeddings)
    if matrix.ndim != 2 or len(matrix) != len(texts):
        raise ValueError("There must be one embedding row per text")
    usable = np.array([is_usable(text) for text in texts], dtype=bool)
    positions = np.flatnonzero(usable)
    assignments = np.full(len(texts), NO_THEME, dtype=np.int64)
    confidences = np.zeros(len(texts), dtype=np.float32)
    if len(positions) == 0:
        return ThemeSet(
            themes=(),
            assignments=tuple(assignments.tolist()),
            confidences=tuple(confidences.tolist()),
            backend=backend,
            seed=seed,
            n_themes_requested=n_themes,
            centroids=np.zeros((0, matrix.shape[1]), dtype=np.float32),
        )
    # Answers saying "none" move towards each other (measured: python -m bench --only theme_stance).
    vectors = stance_adjusted([texts[int(i)] for i in positions], matrix[positions])
    distinct_texts = len({" ".join(texts[int(i)].split()).casefold() for i in positions})
    distinct_rows = len(np.unique(vectors, axis=0))
    wanted = n_themes if n_themes is not None else suggest_n_themes(vectors, seed)
    k = max(1, min(wanted, distinct_texts, distinct_rows))
    if k == 1:
        raw_labels = np.zeros(len(vectors), dtype=np.int64)
    else:
        raw_labels, _ = _kmeans_labels(vectors, k, seed)
    # Number themes largest first; ties go to the theme holding the earlier answer.
    present = sorted(
        set(raw_labels.tolist()),
        key=lambda c: (-int(np.sum(raw_labels == c)), int(np.argmax(raw_labels == c))),
    )
    renumber = {old: new for new, old in enumerate(present)}
    local = np.array([renumber[int(c)] for c in raw_labels], dtype=np.int64)
    k = len(present)
    centroids = np.zeros((k, vectors.shape[1]), dtype=np.float32)
    for theme in range(k):
        centroids[theme] = vectors[local == theme].mean(axis=0)
    centroids = normalise_rows(centroids)
    similarity = np.einsum("ij,ij->i", vectors, centroids[local]).astype(np.float32)
    assignments[positions] = local
    confidences[positions] = np.clip(similarity, 0.0, 1.0)
    labels = label_themes(texts, assignments.tolist(), k)
    themes: list[Theme] = []
    for theme in range(k):
        members = positions[local == theme]
        member_similarity = similarity[local == theme]
        order = np.lexsort((members, -member_similarity))
        representatives: list[int] = []
        seen: set[str] = set()
        for index in members[order]:
            key = " ".join(texts[int(index)].split()).casefold()
            if key in seen:
                continue
            seen.add(key)
            representatives.append(int(index))
            if len(representatives) == REPRESENTATIVES:
                break
        themes.append(
            Theme(
                index=theme,
                label=labels[theme].label,
                top_terms=labels[theme].top_terms,
                size=len(members),
                representative_indices=tuple(representatives),
                representatives=tuple(texts[i] for i in representatives),
                description=describe(texts[representatives[0]]) if representatives else "",
            )
        )
    return ThemeSet(
        themes=tuple(themes),
        assignments=tuple(int(value) for value in assignments),
        confidences=tuple(float(value) for value in confidences),
        backend=backend,
        seed=seed,
        n_themes_requested=n_themes,
        centroids=centroids,
    )


def discover_themes(
    texts: Sequence[str],
    n_themes: int | None = None,
    seed: int = 0,
    *,
    backend: str | None = None,
) -> ThemeSet:
    """Embed answers and group them into themes.

    ``n_themes`` is the number of themes to make, or ``None`` to use a suggested number (see
    :func:`suggest_n_themes`). ``backend`` forces an embedding backend; by default the best one
    installed is used and recorded in ``ThemeSet.backend``.
    """
    embeddings, used = embed_texts(texts, backend=backend)
    return cluster_embeddings(texts, embeddings, n_themes, seed, backend=used)
