"""Phrase labels and descriptions (issue 14, item 3) and answers that say none (item 2)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from bench.theme_labels import loose_words
from ue_core.themes import TFIDF_LSA, cluster_embeddings, discover_themes, label_themes
from ue_core.themes.phrases import DESCRIPTION_CHARS, describe
from ue_core.themes.stance import says_none, stance_adjusted
from ue_core.themes.words import STOP_WORDS

# Four themes of survey-like answers, with openers and fillers a label must not pick up.
THEMES = {
    "time": [
        "Lack of time around publication",
        "honestly the lack of time",
        "Lack of time and staff pressures",
        "We just have a lack of time",
        "not enough time between releases",
        "Lack of time, really",
    ],
    "budget": [
        "No budget for events",
        "there is no budget for workshops",
        "No budget at all",
        "We have no budget for travel",
        "Really no budget for venues",
        "no budget, and the costs keep rising",
    ],
    "mailing": [
        "Our mailing list is out of date",
        "The mailing list was deleted",
        "No mailing list since the move",
        "mailing list problems",
        "We lost the mailing list",
        "the mailing list is tiny",
    ],
    "pending": [
        "what does pending mean on my payment",
        "why is my payment pending",
        "what does a pending payment mean",
        "payment still pending, what does that mean",
        "pending payment for three days",
        "tell me what pending means for a payment",
    ],
}


def corpus(seed: int = 0) -> tuple[list[str], list[int]]:
    rows = [(text, theme) for theme, group in enumerate(THEMES.values()) for text in group]
    random.Random(seed).shuffle(rows)
    return [text for text, _ in rows], [theme for _, theme in rows]


def test_labels_are_short_phrases_with_no_stop_or_filler_words() -> None:
    texts, assignments = corpus()
    labels = label_themes(texts, assignments, len(THEMES))
    for made in labels:
        words = made.label.split()
        assert 2 <= len(words) <= 5, made.label
        assert made.label[0].isupper()
        assert loose_words(made.label) == [], made.label
        assert words[-1].lower().strip(",") not in STOP_WORDS, made.label
    time_label, budget_label, mailing_label, pending_label = (m.label for m in labels)
    assert "lack of time" in time_label.lower()
    assert budget_label.lower().startswith("no budget")
    assert "mailing list" in mailing_label.lower()
    assert "pending" in pending_label.lower() and "payment" in pending_label.lower()
    assert "mean" not in pending_label.lower()


def test_labels_are_distinct_across_themes_even_when_themes_share_their_phrases() -> None:
    texts = ["Lack of time"] * 4 + ["lack of time, and no budget"] * 4 + ["Mailing list"] * 3
    assignments = [0] * 4 + [1] * 4 + [2] * 3
    labels = [m.label for m in label_themes(texts, assignments, 3)]
    assert len({label.casefold() for label in labels}) == 3, labels


def test_labels_are_deterministic_and_do_not_depend_on_answer_order() -> None:
    texts, assignments = corpus(seed=1)
    first = label_themes(texts, assignments, len(THEMES))
    assert first == label_themes(texts, assignments, len(THEMES))
    other_texts, other_assignments = corpus(seed=2)
    assert [m.label for m in first] == [
        m.label for m in label_themes(other_texts, other_assignments, len(THEMES))
    ]


def test_the_description_is_one_line_of_a_member_answer() -> None:
    texts, assignments = corpus()
    for theme, made in enumerate(label_themes(texts, assignments, len(THEMES))):
        members = [t for t, a in zip(texts, assignments, strict=True) if a == theme]
        assert made.description in members
    central = [texts.index("The mailing list was deleted") if a == 2 else None for a in range(4)]
    given = label_themes(texts, assignments, len(THEMES), central=central)
    assert given[2].description == "The mailing list was deleted"


def test_describe_keeps_short_answers_and_cuts_long_ones_to_one_line() -> None:
    assert describe("  No budget\n for events ") == "No budget for events"
    long = "We have no budget for events this year. " + "And the venues cost a lot. " * 6
    assert describe(long) == "We have no budget for events this year."
    words = "word " * 60
    cut = describe(words)
    assert cut.endswith("\u2026") and len(cut) <= DESCRIPTION_CHARS
    assert words.startswith(cut.rstrip("\u2026"))


def test_keyword_labels_are_still_available_and_an_unknown_style_is_refused() -> None:
    texts, assignments = corpus()
    keywords = [m.label for m in label_themes(texts, assignments, len(THEMES), style="keywords")]
    # Today's keyword labels, kept for comparison, show the noise issue 14 reports.
    assert keywords[3] == "Payment, pending and mean"
    assert keywords[1] == "Budget"
    phrases = [m.label for m in label_themes(texts, assignments, len(THEMES))]
    assert phrases == ["Lack of time", "No budget", "Mailing list", "Pending payment"]
    with pytest.raises(ValueError, match="label style"):
        label_themes(texts, assignments, len(THEMES), style="words")  # type: ignore[arg-type]


def test_a_theme_with_no_phrase_is_named_after_a_few_words_of_its_commonest_answer() -> None:
    texts = ["is it that you are", "is it that you are", "and so it is", "budget cuts again"]
    labels = label_themes(texts, [0, 0, 0, 1], 2)
    assert labels[0].label == "Answers like \u201cis it that\u2026\u201d"


def test_themes_carry_the_description_of_their_most_central_answer() -> None:
    texts, _ = corpus()
    theme_set = discover_themes(texts, n_themes=4, seed=0, backend=TFIDF_LSA)
    for theme in theme_set.themes:
        assert theme.description == describe(theme.representatives[0])


# --- answers that say none --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "None",
        "no barriers",
        "Honestly, no barriers",
        "n/a",
        "Nothing comes to mind",
        "There aren't any issues for us",
        "none at the moment",
        "No real problems",
    ],
)
def test_answers_that_say_none(text: str) -> None:
    assert says_none(text)


@pytest.mark.parametrize(
    "text",
    [
        "No budget",
        "not enough time",
        "No one has the skills",
        "staff time is the main barrier",
        "Not sure",
        "I don't know",
        "",
        "Time",
    ],
)
def test_answers_that_name_something_or_are_unsure_do_not_say_none(text: str) -> None:
    assert not says_none(text)


def test_stance_adjustment_moves_only_the_answers_that_say_none() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = ["None", "No budget", "no barriers", "Time", "nothing really"]
    moved = stance_adjusted(texts, vectors)
    assert moved.shape == vectors.shape
    np.testing.assert_allclose(np.linalg.norm(moved, axis=1), 1.0, rtol=1e-5)
    for index in (1, 3):
        np.testing.assert_array_equal(moved[index], vectors[index])
    before = vectors[0] @ vectors[2]
    assert moved[0] @ moved[2] > before
    np.testing.assert_array_equal(stance_adjusted(["None", "Time"], vectors[:2]), vectors[:2])
    with pytest.raises(ValueError, match="pull"):
        stance_adjusted(texts, vectors, pull=1.5)


def test_no_barriers_answers_stay_apart_from_answers_about_a_barrier() -> None:
    texts = [
        "No barriers",
        "none",
        "Honestly no barriers",
        "nothing really",
        "staff time is the main barrier",
        "the barrier is time",
        "Lack of time",
        "no time",
    ]
    rng = np.random.default_rng(1)
    barrier, time_axis = rng.normal(size=16), rng.normal(size=16)
    # Embeddings that put "no barriers" near "barrier is time", as sentence models tend to.
    rows = [barrier + 0.2 * rng.normal(size=16) for _ in range(4)]
    rows += [barrier + 0.9 * time_axis + 0.2 * rng.normal(size=16) for _ in range(4)]
    rows[1] = rows[3] = 2 * rng.normal(size=16)
    theme_set = cluster_embeddings(texts, np.asarray(rows, dtype=np.float32), 2, seed=0)
    nones = {theme_set.assignments[i] for i in range(4)}
    assert len(nones) == 1
    assert not nones & {theme_set.assignments[i] for i in range(4, 8)}


def test_a_theme_of_answers_saying_none_is_named_for_what_they_say_is_missing() -> None:
    texts = [
        "No barriers",
        "There aren't any barriers for us",
        "honestly no barriers",
        "None",
        "staff time is the main barrier",
        "the barrier is time",
        "Time, mostly",
        "time",
    ]
    labels = label_themes(texts, [0, 0, 0, 0, 1, 1, 1, 1], 2)
    assert labels[0].label.startswith("No barriers")
    assert not labels[1].label.lower().startswith("no")


def test_many_answers_are_sampled_evenly_and_deterministically(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ue_core.themes import phrases

    assert phrases.sampled_members([0, 1, 0, 1], 2) == [[0, 2], [1, 3]]
    monkeypatch.setattr(phrases, "SAMPLE_BUDGET", 100)
    monkeypatch.setattr(phrases, "MIN_SAMPLE_PER_THEME", 10)
    assignments = [0] * 300 + [1] * 90 + [2] * 10
    sampled = phrases.sampled_members(assignments, 3)
    assert [len(group) for group in sampled] == [75, 22, 10]
    assert sampled == phrases.sampled_members(assignments, 3)
    assert sampled[0][:3] == [0, 4, 8]
    texts = ["Lack of time for it"] * 300 + ["No budget at all"] * 90 + ["Mailing list"] * 10
    labels = [m.label for m in label_themes(texts, assignments, 3)]
    assert labels == ["Lack of time", "No budget", "Mailing list"]
