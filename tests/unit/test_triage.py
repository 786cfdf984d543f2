"""Triage router: the fit/suggest API, calibrated confidences, "needs a person", the why,
determinism and the cold start from the framework.

Most tests force the TF-IDF fallback backend so they are fast; one runs the sentence model
when it is installed.
"""

import random

import numpy as np
import pytest

from ue_core.framework import load_framework
from ue_core.themes import BACKEND_ENV_VAR, MINILM_ONNX, TFIDF_LSA, backend_status
from ue_core.triage import (
    NEEDS_A_PERSON,
    RequestRouter,
    RouteSuggestion,
    cold_start_router,
    framework_examples,
)
from ue_core.triage.cold_start import COLD_START_TEMPERATURE, COLD_START_THRESHOLD

TOPICS = {
    "publish": [
        "publish our release calendar earlier",
        "when should we publish the quarterly release",
        "help publishing the statistical bulletin",
        "our publication schedule and release dates",
        "announce the release date of the bulletin",
        "publish statistics on the website release page",
    ],
    "survey": [
        "design a user survey about our statistics",
        "questions for a feedback survey of users",
        "how many people should answer our survey",
        "run an online survey of data users",
        "survey questionnaire for statistics users",
        "analyse the answers to our user survey",
    ],
    "events": [
        "organise a user event or webinar",
        "plan a workshop with users of the data",
        "invite users to a webinar about the statistics",
        "run a conference session for data users",
        "a user group meeting and workshop",
        "host an event to meet statistics users",
    ],
}


@pytest.fixture(autouse=True)
def _fallback_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)


def _examples() -> tuple[list[str], list[str]]:
    pairs = [(text, label) for label, texts in TOPICS.items() for text in texts]
    random.Random(1).shuffle(pairs)
    return [text for text, _ in pairs], [label for _, label in pairs]


@pytest.fixture(scope="module")
def router() -> RequestRouter:
    texts, labels = _examples()
    return RequestRouter.fit(texts, labels, seed=0, backend=TFIDF_LSA)


def test_suggest_returns_one_suggestion_per_text_in_order(router: RequestRouter) -> None:
    suggestions = router.suggest(
        ["publish the release calendar", "a webinar for users", "survey of our users"]
    )
    assert [s.best_guess for s in suggestions] == ["publish", "events", "survey"]
    assert all(isinstance(s, RouteSuggestion) for s in suggestions)
    assert router.suggest([]) == []


def test_confidences_are_probabilities_and_alternatives_are_sorted(router: RequestRouter) -> None:
    [suggestion] = router.suggest(["a survey at a user event"])
    scores = [suggestion.confidence, *(p for _, p in suggestion.alternatives)]
    assert all(0.0 <= p <= 1.0 for p in scores)
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1.0)
    names = [suggestion.best_guess, *(name for name, _ in suggestion.alternatives)]
    assert sorted(names) == sorted(TOPICS)
    rows = router.probabilities(["publish", "survey", "webinar"])
    assert rows.shape == (3, 3)
    np.testing.assert_allclose(rows.sum(axis=1), 1.0)


def test_temperature_is_fitted_on_held_out_requests(router: RequestRouter) -> None:
    assert router.temperature > 0
    # Well-separated training requests make the router confident about them.
    [suggestion] = router.suggest(["design a user survey about our statistics"])
    assert suggestion.best_guess == "survey"
    assert suggestion.confidence > 1 / len(TOPICS)


def test_below_the_threshold_the_request_needs_a_person(router: RequestRouter) -> None:
    text = "the weather in Paris tomorrow"
    [guess] = router.with_threshold(0.0).suggest([text])
    assert guess.label == guess.best_guess
    assert not guess.needs_person
    [cautious] = router.with_threshold(1.0).suggest([text])
    assert cautious.label == NEEDS_A_PERSON
    assert cautious.needs_person
    assert cautious.best_guess == guess.best_guess
    assert cautious.confidence == pytest.approx(guess.confidence)
    with pytest.raises(ValueError, match="between 0 and 1"):
        router.with_threshold(1.5)


def test_why_lists_the_most_similar_past_requests(router: RequestRouter) -> None:
    similar = router.why("run a survey of users", k=2)
    assert len(similar) == 2
    assert similar[0].label == "survey"
    assert similar[0].similarity >= similar[1].similarity
    only_events = router.why("run a survey of users", k=10, label="events")
    assert {item.label for item in only_events} == {"events"}
    assert len(only_events) == len(TOPICS["events"])
    assert router.why("anything", k=3, label="no such label") == []


def test_the_same_seed_gives_the_same_router() -> None:
    texts, labels = _examples()
    queries = ["a workshop about the release", "survey", "publish"]
    first = RequestRouter.fit(texts, labels, seed=3).probabilities(queries)
    second = RequestRouter.fit(texts, labels, seed=3).probabilities(queries)
    np.testing.assert_array_equal(first, second)


def test_fit_refuses_mismatched_or_single_label_data() -> None:
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        RequestRouter.fit(["a", "b"], ["x"])
    with pytest.raises(ValueError, match="at least two different labels"):
        RequestRouter.fit(["a", "b"], ["x", "x"])


def test_a_label_with_one_example_still_fits() -> None:
    texts, labels = _examples()
    router = RequestRouter.fit([*texts, "quality assurance of the figures"], [*labels, "quality"])
    assert "quality" in router.labels
    [suggestion] = router.with_threshold(0.0).suggest(["quality assurance of the figures"])
    assert suggestion.best_guess == "quality"


def test_cold_start_routes_by_practice_and_by_area() -> None:
    framework = load_framework()
    texts, labels = framework_examples(framework)
    practices = framework.practices()
    assert set(labels) == {practice.key for practice in practices}
    assert len(texts) == len(labels) == 7 * len(practices)

    by_practice = cold_start_router(framework).with_threshold(0.0)
    first = practices[0]
    [suggestion] = by_practice.suggest([f"{first.title}. {first.statement}"])
    assert suggestion.best_guess == first.key

    by_area = cold_start_router(framework, by="area")
    assert set(by_area.labels) == {practice.practice_area for practice in practices}
    assert by_area.why(first.help, k=1)[0].label == first.practice_area


@pytest.mark.skipif(
    backend_status()[MINILM_ONNX] is not None, reason="the MiniLM ONNX model is not installed"
)
def test_the_sentence_model_backend_routes_paraphrases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BACKEND_ENV_VAR)
    texts, labels = _examples()
    router = RequestRouter.fit(texts, labels, backend=MINILM_ONNX)
    assert router.backend == MINILM_ONNX
    [suggestion] = router.with_threshold(0.0).suggest(["we would like to put on a seminar"])
    assert suggestion.best_guess == "events"
    assert router.why("a questionnaire for readers", k=1)[0].label == "survey"


def test_the_cold_start_router_is_cautious_about_unrelated_requests() -> None:
    router = cold_start_router(load_framework(), by="area")
    assert router.threshold == COLD_START_THRESHOLD
    assert router.temperature == COLD_START_TEMPERATURE
    [lunch] = router.suggest(["Which sandwich shop near the office opens earliest?"])
    assert lunch.needs_person
    with pytest.raises(ValueError, match="above 0"):
        router.with_temperature(0.0)


def test_a_higher_temperature_lowers_the_confidence(router: RequestRouter) -> None:
    text = ["design a user survey"]
    [sharp] = router.with_temperature(0.05).suggest(text)
    [soft] = router.with_temperature(5.0).suggest(text)
    assert sharp.best_guess == soft.best_guess
    assert 1 / len(TOPICS) < soft.confidence < sharp.confidence
