"""Free-text recommendations that read the request: BM25 and embeddings fused (issue 14)."""

from __future__ import annotations

import numpy as np
import pytest

from ue_core.catalogue import load_catalogue
from ue_core.framework import load_framework
from ue_core.recommend import (
    DEFAULT_FUSION,
    TEXT_MATCHES,
    FusionWeights,
    PracticeInfo,
    ResourceIndex,
    build_index,
    clear_index_cache,
    rank_for_text,
    text_scores,
)
from ue_core.themes.embedding import TFIDF_LSA

# A request naming a rare exact term (the award the COVID-19 dashboard won), and one whose
# words hardly appear in the right entry (it says "charts" and "accessible", not "graphs" or
# "colour blindness").
EXACT_TERM = "TQV award"
EXACT_TERM_ENTRY = "covid-dashboard-voluntary-code"
PARAPHRASE = "our graphs are hard to read for people with colour blindness"
PARAPHRASE_ENTRY = "af-data-visualisation-elearning"
# Embeddings alone put a social-media entry first here; the exact words "members of the
# public" and "reach" bring the citizen panels up in the fusion.
NEEDS_BOTH = "We want to hear from members of the public who are hard to reach"
NEEDS_BOTH_ENTRY = "hub-citizen-panels"


@pytest.fixture(scope="module")
def practices() -> dict[str, PracticeInfo]:
    return {p.key: PracticeInfo(p.key, p.title, p.statement) for p in load_framework().practices()}


def _real_index(practices: dict[str, PracticeInfo], backend: str | None = None) -> ResourceIndex:
    catalogue = load_catalogue(practice_keys=load_framework().practice_keys())
    titles = {key: info.title for key, info in practices.items()}
    return build_index(catalogue.resources(), titles, backend=backend)


@pytest.fixture(scope="module")
def index(practices: dict[str, PracticeInfo]) -> ResourceIndex:
    """The real catalogue with the best installed backend, as the app ranks free text."""
    return _real_index(practices)


def _top(text: str, index: ResourceIndex, practices: dict[str, PracticeInfo], **kw: str) -> str:
    return rank_for_text(text, index, practices, 5, **kw)[0].resource_id  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", [None, TFIDF_LSA])
def test_a_known_exact_term_request_ranks_its_entry_first(
    practices: dict[str, PracticeInfo], backend: str | None
) -> None:
    index = _real_index(practices, backend)
    assert _top(EXACT_TERM, index, practices) == EXACT_TERM_ENTRY
    assert _top(EXACT_TERM, index, practices, match="bm25") == EXACT_TERM_ENTRY


def test_a_known_paraphrase_finds_its_entry_where_exact_terms_do_not(
    index: ResourceIndex, practices: dict[str, PracticeInfo]
) -> None:
    if index.backend == TFIDF_LSA:
        pytest.skip("a paraphrase needs the sentence-embedding model, which is not installed")
    fused = [r.resource_id for r in rank_for_text(PARAPHRASE, index, practices, 5)]
    assert PARAPHRASE_ENTRY in fused[:2]
    # BM25 alone misses it: the request shares almost no words with the entry.
    bm25 = [r.resource_id for r in rank_for_text(PARAPHRASE, index, practices, 5, match="bm25")]
    assert PARAPHRASE_ENTRY not in bm25


def test_the_fusion_recovers_what_one_signal_misses(
    index: ResourceIndex, practices: dict[str, PracticeInfo]
) -> None:
    if index.backend == TFIDF_LSA:
        pytest.skip("the sentence-embedding model is not installed")
    assert _top(NEEDS_BOTH, index, practices, match="semantic") != NEEDS_BOTH_ENTRY
    assert _top(NEEDS_BOTH, index, practices) == NEEDS_BOTH_ENTRY


def test_fused_ranking_is_deterministic_across_calls_and_rebuilds(
    practices: dict[str, PracticeInfo],
) -> None:
    text = "Who outside government uses our prison statistics?"
    first = rank_for_text(text, _real_index(practices, TFIDF_LSA), practices)
    again = rank_for_text(text, _real_index(practices, TFIDF_LSA), practices)
    clear_index_cache()
    rebuilt = rank_for_text(text, _real_index(practices, TFIDF_LSA), practices)
    assert first == again == rebuilt
    assert len(first) == 8 and len({r.resource_id for r in first}) == 8


def test_scores_are_scaled_and_bm25_is_zero_without_shared_words(
    index: ResourceIndex,
) -> None:
    scores = text_scores("TQV award", index)
    assert scores.fused.max() == pytest.approx(1.0)
    assert np.all(scores.fused >= 0)
    position = [r.id for r in index.resources].index(EXACT_TERM_ENTRY)
    assert scores.bm25[position] > 0
    assert int(np.count_nonzero(scores.bm25)) == 1  # no other entry mentions the TQV award


def test_reason_names_the_closest_use_when_line(
    index: ResourceIndex, practices: dict[str, PracticeInfo]
) -> None:
    top = rank_for_text("live Q&A on Twitter on release day", index, practices)[0]
    assert top.resource_id == "orr-twitter-qa"
    assert top.reason.startswith("Your request is closest to '")
    assert "Use this when you want to take users' questions live" in top.reason


def test_every_match_works_and_an_unknown_one_is_refused(
    index: ResourceIndex, practices: dict[str, PracticeInfo]
) -> None:
    for match in TEXT_MATCHES:
        assert rank_for_text("user survey tips", index, practices, match=match)
    with pytest.raises(ValueError, match="match must be one of"):
        rank_for_text("user survey tips", index, practices, match="magic")  # type: ignore[arg-type]
    assert rank_for_text("  ?! ", index, practices) == []


def test_weights_change_the_fusion_but_not_the_single_signals(index: ResourceIndex) -> None:
    text = "How do we announce a change of method to users?"
    shipped = text_scores(text, index)
    bm25_only = text_scores(text, index, FusionWeights(bm25_weight=1.0, practice_weight=0.0))
    assert FusionWeights() == DEFAULT_FUSION
    assert np.array_equal(shipped.bm25, bm25_only.bm25)
    assert np.array_equal(shipped.semantic, bm25_only.semantic)
    best_bm25 = int(np.argmax(shipped.bm25))
    assert int(np.argmax(bm25_only.fused)) == best_bm25


def test_the_practice_signal_follows_the_practice_the_request_is_closest_to(
    index: ResourceIndex, practices: dict[str, PracticeInfo]
) -> None:
    key = "accessible-to-all"
    scores = text_scores(practices[key].text, index, practices=practices)
    # Each resource gets the summed shares of its practices; the shares sum to 1.
    assert np.all(scores.practice >= 0) and scores.practice.max() <= 1 + 1e-9
    tagged = np.array([key in r.practices for r in index.resources])
    assert scores.practice[tagged].min() > scores.practice[~tagged].max()
    # With a heavy practice weight the fused top entry is one tagged with that practice.
    heavy = text_scores(
        practices[key].text, index, FusionWeights(practice_weight=5.0), practices=practices
    )
    assert tagged[int(np.argmax(heavy.fused))]


def test_without_bm25_and_practices_the_fusion_keeps_the_meaning_order(
    index: ResourceIndex, practices: dict[str, PracticeInfo]
) -> None:
    text = "We want to reach charities and community groups who never hear about our figures"
    only_meaning = FusionWeights(bm25_weight=0.0, practice_weight=0.0)
    scores = text_scores(text, index, only_meaning, practices=practices)
    eligible = np.flatnonzero(scores.fused > 0)
    by_fused = eligible[np.argsort(-scores.fused[eligible], kind="stable")]
    by_meaning = eligible[np.argsort(-scores.semantic[eligible], kind="stable")]
    assert list(by_fused) == list(by_meaning)
    assert scores.fused.max() == pytest.approx(1.0)


def test_a_one_entry_catalogue_still_gets_a_score(practices: dict[str, PracticeInfo]) -> None:
    catalogue = load_catalogue(practice_keys=load_framework().practice_keys())
    one = [r for r in catalogue.resources() if r.id == "orr-twitter-qa"]
    titles = {key: info.title for key, info in practices.items()}
    index = build_index(one, titles, backend=TFIDF_LSA)
    scores = text_scores("questions on Twitter on release day", index, practices=practices)
    assert scores.fused.tolist() == [1.0]  # nothing to standardise against: the one entry scores 1
    ranked = rank_for_text("questions on Twitter on release day", index, practices)
    assert [r.resource_id for r in ranked] == ["orr-twitter-qa"]


@pytest.mark.parametrize(
    ("weights", "fragment"),
    [
        ({"bm25_weight": 1.5}, "bm25_weight goes from 0 to 1"),
        ({"use_when_weight": -0.1}, "use_when_weight goes from 0 to 1"),
        ({"practice_weight": -1.0}, "practice_weight cannot be negative"),
        ({"practice_temperature": 0.0}, "practice_temperature must be above 0"),
    ],
)
def test_fusion_weights_out_of_range_are_refused(weights: dict[str, float], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        FusionWeights(**weights)
