"""Ranking rules of the library recommender: gap weighting, mix, de-duplication, reasons."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ue_core.catalogue import Resource, load_catalogue
from ue_core.framework import load_framework
from ue_core.recommend import (
    PracticeInfo,
    ResourceIndex,
    build_index,
    clear_index_cache,
    gap_weights,
    rank_for_gaps,
    rank_for_text,
)

BACKEND = "tfidf-lsa"

PRACTICES = {
    "close-feedback-loop": PracticeInfo(
        "close-feedback-loop", "Show what happened to feedback", "Publish what you did."
    ),
    "user-groups": PracticeInfo("user-groups", "Take part in user groups and forums", ""),
    "accessible-to-all": PracticeInfo(
        "accessible-to-all", "Make statistics accessible to everyone", ""
    ),
}


def _resource(
    rid: str, kind: str, practices: tuple[str, ...], text: str, methods: tuple[str, ...] = ()
) -> Resource:
    return Resource(
        kind="case_study" if kind == "case" else "training",
        id=rid,
        title=f"{text.capitalize()} {rid}",
        summary=f"A team worked on {text}. They learned a lot about {rid.replace('-', ' ')}.",
        origin="Office for Testing",
        detail="2024" if kind == "case" else "Guidance · online · introductory",
        principles=("open-and-transparent",),
        practices=practices,
        methods=methods or ("published-response",),
        audiences=("general-public",),
        source_urls=("https://example.org/source",),
        is_example=False,
    )


def _catalogue() -> list[Resource]:
    return [
        _resource("feedback-log", "case", ("close-feedback-loop",), "a you said we did log"),
        _resource("feedback-report", "case", ("close-feedback-loop",), "a feedback report"),
        _resource("forum-story", "case", ("user-groups",), "a user forum for housing"),
        _resource("forum-guide", "training", ("user-groups",), "running user forums"),
        _resource("feedback-course", "training", ("close-feedback-loop",), "replying to users"),
        _resource("access-checklist", "training", ("accessible-to-all",), "accessible tables"),
        _resource("access-story", "case", ("accessible-to-all",), "screen reader testing"),
    ]


def _index(resources: list[Resource] | None = None) -> ResourceIndex:
    titles = {key: info.title for key, info in PRACTICES.items()}
    return build_index(resources or _catalogue(), titles, backend=BACKEND)


def test_the_biggest_gap_comes_first() -> None:
    gaps = {"close-feedback-loop": (3, 4), "user-groups": (1, 4), "accessible-to-all": (4, 4)}
    ranked = rank_for_gaps(gaps, _index(), PRACTICES, k=4)
    assert ranked[0].practice_key == "user-groups"
    assert {r.practice_key for r in ranked[:4]} == {"user-groups", "close-feedback-loop"}
    assert all(r.practice_key != "accessible-to-all" for r in ranked)
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)


def test_gap_weights_use_the_gap_and_fall_back_to_going_further() -> None:
    assert gap_weights({"a": (1, 4), "b": (3, 3)}) == ({"a": 3.0}, False)
    weights, stretch = gap_weights({"a": (3, 3), "b": (5, 4)})
    assert stretch and weights == {"a": 0.5}
    with pytest.raises(ValueError, match="levels go from 1 to 5"):
        gap_weights({"a": (0, 3)})


def test_reason_names_practice_levels_target_and_what_it_shows() -> None:
    ranked = rank_for_gaps({"close-feedback-loop": (2, 4)}, _index(), PRACTICES, k=1)
    assert ranked[0].reason == (
        "'Show what happened to feedback' is at Emerging, your target is Developing: this case "
        "study shows how Office for Testing used published response to feedback "
        "(we asked, you said, we did)."
    )


def test_no_gap_suggests_going_further() -> None:
    ranked = rank_for_gaps({"user-groups": (3, 3)}, _index(), PRACTICES, k=2)
    assert ranked
    assert "which meets your target of Learning: to go further" in ranked[0].reason
    assert rank_for_gaps({"user-groups": (5, 4)}, _index(), PRACTICES) == []


def test_top_results_mix_case_studies_and_training() -> None:
    topics = ["housing", "rail fares", "crime", "tourism", "farming", "schools"]
    both = ("close-feedback-loop", "user-groups")
    cases = [
        _resource(f"case-{i}", "case", both, f"a forum and published replies on {topic}")
        for i, topic in enumerate(topics)
    ]
    offers = [
        _resource("feedback-course", "training", ("close-feedback-loop",), "replying to users"),
        _resource("forum-guide", "training", ("user-groups",), "running user forums"),
    ]
    index = _index([*cases, *offers])
    gaps = {"close-feedback-loop": (1, 4), "user-groups": (1, 4)}
    ranked = rank_for_gaps(gaps, index, PRACTICES, k=5)
    kinds = [index.resources[index.positions[r.resource_id]].kind for r in ranked]
    assert kinds.count("training") == 2
    assert kinds.count("case_study") == 3
    # The case studies cover both gaps, so one of them still comes first.
    assert ranked[0].resource_id.startswith("case-")
    # Asking for three of each kind gets three training offers when only two are relevant.
    three = rank_for_gaps(gaps, index, PRACTICES, k=6, min_per_kind=3)
    three_kinds = [index.resources[index.positions[r.resource_id]].kind for r in three]
    assert three_kinds.count("training") == 2 and three_kinds.count("case_study") == 4


def test_near_duplicates_are_not_shown_together() -> None:
    base = _resource("feedback-log", "case", ("close-feedback-loop",), "a you said we did log")
    twin = replace(base, id="feedback-log-copy")
    index = _index([base, twin, *_catalogue()[1:]])
    ranked = [
        r.resource_id for r in rank_for_gaps({"close-feedback-loop": (1, 4)}, index, PRACTICES)
    ]
    assert ("feedback-log" in ranked) != ("feedback-log-copy" in ranked)


def test_results_are_deterministic_and_the_index_is_cached() -> None:
    gaps = {"close-feedback-loop": (2, 4), "user-groups": (2, 3)}
    first = rank_for_gaps(gaps, _index(), PRACTICES)
    assert _index() is _index()
    clear_index_cache()
    assert rank_for_gaps(gaps, _index(), PRACTICES) == first
    changed = [replace(r, summary=r.summary + " Updated.") for r in _catalogue()]
    assert _index(changed) is not _index()


def test_free_text_finds_the_closest_resource_with_a_reason() -> None:
    ranked = rank_for_text("We need accessible tables for screen reader users", _index(), PRACTICES)
    assert ranked[0].resource_id in {"access-checklist", "access-story"}
    assert ranked[0].reason.startswith(
        "Your request is closest to 'Make statistics accessible to everyone': this"
    )
    assert rank_for_text("  ?! ", _index(), PRACTICES) == []


def test_real_catalogue_recommendations_cover_the_gap() -> None:
    framework = load_framework()
    catalogue = load_catalogue(practice_keys=framework.practice_keys())
    practices = {p.key: PracticeInfo(p.key, p.title, p.statement) for p in framework.practices()}
    index = build_index(
        catalogue.resources(), {k: v.title for k, v in practices.items()}, backend=BACKEND
    )
    gaps = {"close-feedback-loop": (2, 4), "seek-views": (2, 3)}
    ranked = rank_for_gaps(gaps, index, practices)
    assert len(ranked) == 8
    assert len({r.resource_id for r in ranked}) == 8
    tagged = {r.id for r in catalogue.resources() if "close-feedback-loop" in r.practices}
    assert {r.resource_id for r in ranked[:3]} <= tagged
    assert ranked[0].practice_key == "close-feedback-loop"
    kinds = [catalogue.resource(r.resource_id).kind for r in ranked]
    assert kinds.count("case_study") >= 2 and kinds.count("training") >= 2
