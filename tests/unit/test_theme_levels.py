"""Themes at two levels (issue 14): sub-themes nest in top-level themes, the numbers at each
level come from the data (and grow with it), and everything is deterministic with the seed."""

import numpy as np
import pytest

from ue_core.themes import NO_THEME, cluster_embeddings, discover_themes, suggest_n_themes
from ue_core.themes import clustering as clustering_module
from ue_core.themes.clustering import (
    MAX_SUB_THEMES,
    group_sub_themes,
    suggest_n_top_themes,
)
from ue_core.themes.embedding import TFIDF_LSA


def _nested_groups(
    n_top: int, subs_per_top: int, per_sub: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points in ``n_top`` far-apart regions, each holding ``subs_per_top`` nearer groups."""
    rng = np.random.default_rng(seed)
    tops = rng.normal(size=(n_top, 48)) * 12
    subs = np.repeat(tops, subs_per_top, axis=0) + rng.normal(size=(n_top * subs_per_top, 48)) * 4
    sub_truth = np.repeat(np.arange(len(subs)), per_sub)
    points = subs[sub_truth] + rng.normal(size=(len(sub_truth), 48)) * 0.6
    return points.astype(np.float32), sub_truth, sub_truth // subs_per_top


def _texts(n: int) -> list[str]:
    return [f"answer number {i} about topic {i % 7}" for i in range(n)]


def test_every_sub_theme_has_a_valid_parent_and_levels_agree() -> None:
    points, _, _ = _nested_groups(3, 4, 25)
    result = cluster_embeddings(_texts(len(points)), points, None, 0, backend="test")
    assert result.top_themes and result.themes
    assert all(
        theme.parent is not None and 0 <= theme.parent < result.n_top_themes
        for theme in result.themes
    )
    # Every top-level theme holds at least one sub-theme, and its size is theirs summed.
    for top in result.top_themes:
        children = result.children(top.index)
        assert children
        assert top.size == sum(child.size for child in children)
        assert top.parent is None
    # An answer's top-level theme is its sub-theme's parent.
    for sub, top in zip(result.assignments, result.top_assignments, strict=True):
        assert top == (NO_THEME if sub < 0 else result.themes[sub].parent)
    assert result.top_centroids is not None
    assert result.top_centroids.shape == (result.n_top_themes, points.shape[1])
    sizes = [top.size for top in result.top_themes]
    assert sizes == sorted(sizes, reverse=True)


def test_the_top_level_groups_sub_themes_as_the_data_nests_them() -> None:
    points, sub_truth, top_truth = _nested_groups(3, 4, 25)
    result = cluster_embeddings(_texts(len(points)), points, 12, 0, backend="test", n_top_themes=3)
    pairs = set(zip(result.assignments, sub_truth.tolist(), strict=True))
    assert result.n_themes == 12 and len(pairs) == 12
    tops = set(zip(result.top_assignments, top_truth.tolist(), strict=True))
    assert len(tops) == len(set(top_truth.tolist()))


def test_both_numbers_can_be_chosen() -> None:
    points, _, _ = _nested_groups(3, 4, 25)
    result = cluster_embeddings(_texts(len(points)), points, 6, 0, backend="test", n_top_themes=2)
    assert (result.n_themes, result.n_top_themes) == (6, 2)
    assert (result.n_themes_requested, result.n_top_themes_requested) == (6, 2)
    assert {theme.parent for theme in result.themes} == {0, 1}
    with pytest.raises(ValueError, match="top-level"):
        cluster_embeddings(_texts(len(points)), points, 6, 0, n_top_themes=0)


def test_more_top_level_themes_than_sub_themes_gives_one_each() -> None:
    points, _, _ = _nested_groups(2, 2, 20)
    result = cluster_embeddings(_texts(len(points)), points, 3, 0, n_top_themes=9)
    assert result.n_top_themes == 3
    assert sorted(theme.parent for theme in result.themes) == [0, 1, 2]


def test_deterministic_with_the_seed() -> None:
    points, _, _ = _nested_groups(3, 3, 30)
    texts = _texts(len(points))
    first = cluster_embeddings(texts, points, None, 5, backend="test")
    again = cluster_embeddings(texts, points, None, 5, backend="test")
    assert first == again
    np.testing.assert_array_equal(first.centroids, again.centroids)
    assert first.top_centroids is not None and again.top_centroids is not None
    np.testing.assert_array_equal(first.top_centroids, again.top_centroids)
    assert suggest_n_themes(points, 5) == suggest_n_themes(points, 5)


def test_discover_themes_keeps_its_signature_and_gives_two_levels() -> None:
    texts = [
        f"{start} {end}"
        for start in ("website search", "regional data", "helpline staff", "release dates")
        for end in ("is slow", "was helpful", "needs work", "matters to us", "is unclear")
    ]
    result = discover_themes(texts, None, 0, backend=TFIDF_LSA)
    assert result.n_themes >= result.n_top_themes >= 1
    assert all(theme.parent is not None for theme in result.themes)
    assert discover_themes(texts, None, 0, backend=TFIDF_LSA) == result


def test_the_suggested_number_grows_with_the_answers() -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(60, 48)) * 6
    counts = []
    for n in (60, 300, 1500):
        truth = np.arange(n) % 60
        points = centres[truth] + rng.normal(size=(n, 48))
        counts.append(suggest_n_themes(points.astype(np.float32), seed=0))
    # Few answers cannot carry 60 themes (one per five answers at most); more answers can.
    assert counts[0] <= 60 // 5
    assert counts[0] < counts[1] <= counts[2]
    assert counts[2] >= 55


def test_no_fixed_ceiling_of_twelve_but_at_most_the_page_limit() -> None:
    rng = np.random.default_rng(2)
    centres = rng.normal(size=(40, 32)) * 10
    truth = np.arange(800) % 40
    points = (centres[truth] + rng.normal(size=(800, 32))).astype(np.float32)
    assert suggest_n_themes(points, seed=0) == 40
    assert suggest_n_themes(points, seed=0, max_themes=25) == 25
    assert MAX_SUB_THEMES == 100


def test_the_count_follows_the_spread() -> None:
    """The same number of answers in tight groups and in one cloud: the cloud gets fewer."""
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(20, 32)) * 10
    truth = np.arange(400) % 20
    grouped = (centres[truth] + rng.normal(size=(400, 32))).astype(np.float32)
    cloud = rng.normal(size=(400, 32)).astype(np.float32)
    assert 18 <= suggest_n_themes(grouped, seed=0) <= 20
    assert suggest_n_themes(cloud, seed=0) < 20


def test_top_level_grouping_is_weighted_ward_on_centres() -> None:
    rng = np.random.default_rng(4)
    far = rng.normal(size=(3, 16)) * 20
    centres = np.repeat(far, 3, axis=0) + rng.normal(size=(9, 16))
    sizes = np.array([50, 5, 5, 40, 4, 4, 30, 3, 3])
    groups = group_sub_themes(centres, sizes, 3, 0)
    assert groups.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert suggest_n_top_themes(centres, sizes, 0) == 3
    assert group_sub_themes(centres, sizes, 1, 0).tolist() == [0] * 9


def test_weighted_ward_merges_add_up_to_the_total_spread() -> None:
    rng = np.random.default_rng(5)
    points = rng.normal(size=(12, 8)).astype(np.float32)
    weights = rng.integers(1, 9, size=12).astype(np.float64)
    merges = clustering_module._weighted_ward(points, weights)
    centre = (points * weights[:, None]).sum(axis=0) / weights.sum()
    total = float((weights * ((points - centre) ** 2).sum(axis=1)).sum())
    assert sum(cost for _, _, cost in merges) == pytest.approx(total, rel=1e-6)
