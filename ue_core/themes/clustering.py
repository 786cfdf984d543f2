"""Group embedded answers into themes at two levels: sub-themes, and top-level themes.

Sub-themes come from k-means started from centres found by Ward's hierarchical clustering of a
seeded sample of at most ``WARD_SAMPLE`` answers, which on labelled benchmarks matches human
groupings better than k-means++ starts. Top-level themes group whole sub-themes, by Ward's
clustering of the sub-theme centres weighted by their sizes, so the levels always nest. Every
usable answer gets a theme: there is no outlier bin. Each number is either chosen by a person
or suggested from the data by a gap criterion (see :func:`suggest_n_themes`) that grows with
the number of answers and their spread. The same texts, embeddings, numbers and seed always
give the same themes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from ue_core.themes.embedding import FloatMatrix, embed_texts, is_usable, normalise_rows
from ue_core.themes.labels import ThemeLabel, label_themes
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
#: Most sub-themes suggested (and allowed on the survey themes page).
MAX_SUB_THEMES: Final = 100
#: A suggested number of sub-themes is at most one per this many answers.
ANSWERS_PER_THEME: Final = 5
#: Most and fewest top-level themes suggested (fewer when there are few sub-themes).
MAX_TOP: Final = 15
MIN_TOP: Final = 5
#: The suggested number is the smallest whose gap is within this share of the largest gap.
GAP_SHARE: Final = 0.99


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


def _ward_tree(sample: FloatMatrix) -> npt.NDArray[np.float64]:
    """Ward's hierarchical clustering of ``sample`` (a SciPy linkage matrix)."""
    from scipy.cluster.hierarchy import linkage

    return np.asarray(linkage(np.asarray(sample, dtype=np.float64), method="ward"))


def _within_share(tree: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """For k = 1 .. n groups (index k - 1), the share of the total sum of squares left inside
    the groups when Ward's tree is cut into k groups (1 at k = 1, 0 at k = n)."""
    # A Ward merge's height is the square root of twice what it adds to the sum of squares.
    added = tree[:, 2] ** 2 / 2.0
    left = np.concatenate([[0.0], np.cumsum(added)])[::-1]
    total = float(left[0])
    return left / total if total > 0 else np.zeros_like(left)


def _structureless(sample: FloatMatrix, rng: np.random.Generator) -> FloatMatrix:
    """The sample with its structure removed but its spread kept: each principal component's
    values are shuffled on their own, so every component keeps its variance."""
    centred = np.asarray(sample, dtype=np.float64) - sample.mean(axis=0)
    # The components are the eigenvectors of the (small) covariance matrix: cheaper than an SVD.
    _, components = np.linalg.eigh(centred.T @ centred)
    scores = centred @ components
    for column in range(scores.shape[1]):
        scores[:, column] = scores[rng.permutation(len(scores)), column]
    return np.asarray(scores, dtype=np.float32)


def _gap_choice(
    grouped: npt.NDArray[np.float64], reference: npt.NDArray[np.float64], lowest: int, highest: int
) -> int:
    """The smallest number of groups whose gap over the reference is within ``GAP_SHARE`` of
    the largest gap, kept within ``lowest .. highest``.

    ``grouped`` and ``reference`` are :func:`_within_share` curves of the answers and of
    structureless answers with the same spread; the gap at k is how much less is left inside k
    groups of the answers than inside k groups of the reference.
    """
    gap = reference[: len(grouped)] - grouped[: len(reference)]
    if len(gap) < lowest or float(np.max(gap[lowest - 1 :])) <= 0.0:
        return lowest
    best = float(np.max(gap[lowest - 1 :]))
    chosen = lowest + int(np.argmax(gap[lowest - 1 :] >= GAP_SHARE * best))
    return max(lowest, min(chosen, highest))


def suggest_n_themes(
    embeddings: npt.ArrayLike,
    seed: int = 0,
    *,
    min_themes: int | None = None,
    max_themes: int = MAX_SUB_THEMES,
    sample_size: int = WARD_SAMPLE,
) -> int:
    """Suggest a number of (sub-)themes from the number and spread of the answers.

    On a seeded sample of at most ``sample_size`` answers, Ward's tree of the answers is compared
    with Ward's tree of structureless answers with the same spread (each principal component
    shuffled on its own, see :func:`_structureless`). At each number of groups k, the gap is
    how much less of the answers' spread is left inside k groups than of the reference's: it
    grows while the groups follow real structure and shrinks once they only split noise. The
    suggestion is the smallest k whose gap is within ``GAP_SHARE`` of the largest (a gap
    statistic in the spirit of Tibshirani, Walther and Hastie, 2001). It is never more than one
    theme per ``ANSWERS_PER_THEME`` answers, nor more than ``max_themes``, nor more than the
    number of distinct answers less one. Rows of zeros (unusable answers) are ignored.
    Deterministic for a seed.
    """
    matrix = normalise_rows(embeddings)
    matrix = matrix[np.any(matrix != 0, axis=1)]
    n_rows = len(matrix)
    sample = _seeded_sample(matrix, sample_size, seed)
    distinct = len(np.unique(sample, axis=0)) if len(sample) else 0
    if distinct <= 2:
        return max(distinct, 1)
    lowest = max(1, min_themes if min_themes is not None else 2)
    highest = min(max_themes, distinct - 1, max(2, n_rows // ANSWERS_PER_THEME))
    if highest <= lowest:
        return max(min(lowest, distinct), 1)
    rng = np.random.default_rng(seed)
    grouped = _within_share(_ward_tree(sample))
    reference = _within_share(_ward_tree(_structureless(sample, rng)))
    return _gap_choice(grouped, reference, lowest, highest)


def _weighted_ward(points: FloatMatrix, weights: npt.ArrayLike) -> list[tuple[int, int, float]]:
    """Ward's hierarchical clustering of weighted points (each sub-theme weighs its answers).

    Returns the merges in order, each as the pair of group numbers joined and what the merge
    adds to the within-group sum of squares; group ``i`` starts as point ``i`` and a merge keeps
    the smaller number. Merging the pair that adds least to the
    weighted within-group sum of squares, ties going to the lowest numbers, is deterministic.
    """
    centres = np.asarray(points, dtype=np.float64).copy()
    sizes = np.asarray(weights, dtype=np.float64).copy()
    n = len(centres)
    active = np.ones(n, dtype=bool)

    def costs(i: int) -> npt.NDArray[np.float64]:
        squared = np.sum((centres - centres[i]) ** 2, axis=1)
        out = np.asarray(sizes * sizes[i] / (sizes + sizes[i]) * squared, dtype=np.float64)
        out[~active] = np.inf
        out[i] = np.inf
        return out

    table = np.full((n, n), np.inf)
    for i in range(n):
        table[i] = costs(i)
    merges: list[tuple[int, int, float]] = []
    for _ in range(n - 1):
        flat = int(np.argmin(table))
        cost = float(table.flat[flat])
        a, b = sorted(divmod(flat, n))
        total = sizes[a] + sizes[b]
        centres[a] = (centres[a] * sizes[a] + centres[b] * sizes[b]) / total
        sizes[a] = total
        active[b] = False
        table[b, :] = np.inf
        table[:, b] = np.inf
        row = costs(a)
        table[a, :] = row
        table[:, a] = row
        merges.append((a, b, cost))
    return merges


def _cut(merges: Sequence[tuple[int, int, float]], n: int, k: int) -> IntArray:
    """Each point's group when the merges are replayed until ``k`` groups are left (0 .. k-1,
    numbered by their lowest point)."""
    owner = np.arange(n, dtype=np.int64)
    for a, b, _ in merges[: max(0, n - k)]:
        owner[owner == b] = a
    _, groups = np.unique(owner, return_inverse=True)
    return np.asarray(groups, dtype=np.int64)


def suggest_n_top_themes(
    centroids: npt.ArrayLike, sizes: npt.ArrayLike, seed: int = 0, *, max_themes: int = MAX_TOP
) -> int:
    """Suggest how many top-level themes to group sub-themes into.

    The same gap criterion as :func:`suggest_n_themes`, on Ward's tree of the sub-theme centres
    weighted by their sizes, against centres with their structure removed, between 2 and
    ``max_themes``: at most one top-level theme per two sub-themes, and at least ``MIN_TOP``
    (or one per three sub-themes when there are fewer than 15).
    """
    centres = normalise_rows(centroids)
    weights = np.asarray(sizes, dtype=np.float64)
    k = len(centres)
    if k <= 3:
        return k
    highest = min(max_themes, max(2, k // 2))
    lowest = max(2, min(MIN_TOP, k // 3))
    rng = np.random.default_rng(seed)
    grouped = _merge_shares(centres, weights)
    reference = _merge_shares(_structureless(centres, rng), weights)
    return _gap_choice(grouped, reference, lowest, highest)


def _merge_shares(points: FloatMatrix, weights: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """:func:`_within_share` for the weighted Ward tree of ``points``."""
    added = np.asarray([cost for _, _, cost in _weighted_ward(points, weights)], dtype=np.float64)
    left = np.concatenate([[0.0], np.cumsum(added)])[::-1]
    total = float(left[0])
    return left / total if total > 0 else np.zeros_like(left)


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


def _representatives(
    texts: Sequence[str], members: IntArray, similarity: npt.NDArray[np.float32]
) -> list[int]:
    """The members nearest the centre, nearest first, each distinct answer once."""
    order = np.lexsort((members, -similarity))
    chosen: list[int] = []
    seen: set[str] = set()
    for index in members[order]:
        key = " ".join(texts[int(index)].split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        chosen.append(int(index))
        if len(chosen) == REPRESENTATIVES:
            break
    return chosen


def _largest_first(groups: IntArray) -> IntArray:
    """Renumber groups 0 .. k-1 largest first; ties go to the group holding the earlier item."""
    present = sorted(
        set(groups.tolist()),
        key=lambda c: (-int(np.sum(groups == c)), int(np.argmax(groups == c))),
    )
    renumber = {old: new for new, old in enumerate(present)}
    return np.array([renumber[int(c)] for c in groups], dtype=np.int64)


def _level(
    texts: Sequence[str],
    positions: IntArray,
    owners: IntArray,
    similarity: npt.NDArray[np.float32],
    labels: Sequence[ThemeLabel],
    parents: IntArray | None,
) -> list[Theme]:
    """The themes of one level: ``owners[j]`` is the theme of usable answer ``positions[j]``."""
    themes: list[Theme] = []
    for index, label in enumerate(labels):
        chosen = owners == index
        representatives = _representatives(texts, positions[chosen], similarity[chosen])
        themes.append(
            Theme(
                index=index,
                label=label.label,
                top_terms=label.top_terms,
                size=int(chosen.sum()),
                representative_indices=tuple(representatives),
                representatives=tuple(texts[i] for i in representatives),
                parent=None if parents is None else int(parents[index]),
                description=describe(texts[representatives[0]]) if representatives else "",
            )
        )
    return themes


def group_sub_themes(
    centroids: npt.ArrayLike, sizes: npt.ArrayLike, n_top: int | None = None, seed: int = 0
) -> IntArray:
    """Each sub-theme's top-level group (0 .. n-1), from Ward's clustering of the sub-theme
    centres weighted by their sizes, so the two levels always nest. ``n_top`` None uses
    :func:`suggest_n_top_themes`. Groups are numbered by the total size of their sub-themes,
    largest first."""
    centres = normalise_rows(centroids)
    weights = np.asarray(sizes, dtype=np.float64)
    k = len(centres)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    wanted = n_top if n_top is not None else suggest_n_top_themes(centres, weights, seed)
    wanted = max(1, min(wanted, k))
    groups = _cut(_weighted_ward(centres, weights), k, wanted)
    totals = {int(g): float(weights[groups == g].sum()) for g in np.unique(groups)}
    order = sorted(totals, key=lambda g: (-totals[g], int(np.argmax(groups == g))))
    renumber = {old: new for new, old in enumerate(order)}
    return np.array([renumber[int(g)] for g in groups], dtype=np.int64)


def cluster_embeddings(
    texts: Sequence[str],
    embeddings: npt.ArrayLike,
    n_themes: int | None = None,
    seed: int = 0,
    *,
    backend: str = "unknown",
    n_top_themes: int | None = None,
) -> ThemeSet:
    """Theme texts from embeddings already made (by :func:`embed_texts`), at two levels.

    ``n_themes`` is the number of finer themes (sub-themes) and ``n_top_themes`` the number of
    top-level themes; None suggests each from the data (:func:`suggest_n_themes`,
    :func:`suggest_n_top_themes`). Use this to try other numbers without embedding again.
    ``backend`` is recorded in the result; pass the name :func:`embed_texts` returned.
    """
    if n_themes is not None and n_themes < 1:
        raise ValueError("The number of themes must be at least 1")
    if n_top_themes is not None and n_top_themes < 1:
        raise ValueError("The number of top-level themes must be at least 1")
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
            top_centroids=np.zeros((0, matrix.shape[1]), dtype=np.float32),
            n_top_themes_requested=n_top_themes,
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
    local = _largest_first(raw_labels)
    k = int(local.max()) + 1
    centroids = np.zeros((k, vectors.shape[1]), dtype=np.float32)
    for theme in range(k):
        centroids[theme] = vectors[local == theme].mean(axis=0)
    centroids = normalise_rows(centroids)
    similarity = np.einsum("ij,ij->i", vectors, centroids[local]).astype(np.float32)
    assignments[positions] = local
    confidences[positions] = np.clip(similarity, 0.0, 1.0)
    sizes = np.bincount(local, minlength=k)
    parents = group_sub_themes(centroids, sizes, n_top_themes, seed)
    top_local = parents[local]
    k_top = int(parents.max()) + 1
    top_centroids = np.zeros((k_top, vectors.shape[1]), dtype=np.float32)
    for top in range(k_top):
        top_centroids[top] = vectors[top_local == top].mean(axis=0)
    top_centroids = normalise_rows(top_centroids)
    top_similarity = np.einsum("ij,ij->i", vectors, top_centroids[top_local]).astype(np.float32)
    top_assignments = np.full(len(texts), NO_THEME, dtype=np.int64)
    top_assignments[positions] = top_local
    labels = label_themes(texts, assignments.tolist(), k)
    top_labels = label_themes(texts, top_assignments.tolist(), k_top)
    themes = _level(texts, positions, local, similarity, labels, parents)
    tops = _level(texts, positions, top_local, top_similarity, top_labels, None)
    return ThemeSet(
        themes=tuple(themes),
        assignments=tuple(int(value) for value in assignments),
        confidences=tuple(float(value) for value in confidences),
        backend=backend,
        seed=seed,
        n_themes_requested=n_themes,
        centroids=centroids,
        top_themes=tuple(tops),
        top_centroids=top_centroids,
        n_top_themes_requested=n_top_themes,
    )


def discover_themes(
    texts: Sequence[str],
    n_themes: int | None = None,
    seed: int = 0,
    *,
    backend: str | None = None,
    n_top_themes: int | None = None,
) -> ThemeSet:
    """Embed answers and group them into themes at two levels.

    ``n_themes`` is the number of finer themes (``ThemeSet.themes``, ``assignments``) and
    ``n_top_themes`` the number of top-level themes (``ThemeSet.top_themes``); None suggests
    each from the data (see :func:`cluster_embeddings`). ``backend`` forces an embedding
    backend; by default the best one installed is used and recorded in ``ThemeSet.backend``.
    """
    embeddings, used = embed_texts(texts, backend=backend)
    return cluster_embeddings(
        texts, embeddings, n_themes, seed, backend=used, n_top_themes=n_top_themes
    )
