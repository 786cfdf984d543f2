"""Scoring helpers of the label and stance benchmarks (bench/theme_labels.py, theme_stance.py)."""

from __future__ import annotations

from bench.theme_labels import (
    clinc_words,
    label_hits,
    loose_words,
    majority_classes,
    newsgroup_words,
)
from bench.theme_stance import NONE_GROUP, load_negation_set, none_figures
from ue_core.themes.stance import says_none


def test_class_names_become_stems_without_newsgroup_prefixes() -> None:
    assert clinc_words("book_flight") == {"book", "flight"}
    assert newsgroup_words("comp.os.ms-windows.misc") == {"os", "ms", "window"}
    assert newsgroup_words("rec.sport.hockey") == {"sport", "hockey"}


def test_a_label_hits_when_it_holds_a_word_of_the_class_name_by_stem() -> None:
    assert label_hits("Flights and Delta", clinc_words("book_flight"))
    assert label_hits("Credit limits", clinc_words("credit_limit"))
    assert not label_hits("Lax and atlanta", clinc_words("book_flight"))


def test_loose_words_allow_joining_words_and_a_leading_negation_only() -> None:
    assert loose_words("Lack of time and no budget") == []
    assert loose_words("Not enough staff") == []
    assert loose_words("Todo list and to-do") == []
    assert loose_words("Pending, mean and payment") == ["mean"]
    assert loose_words("Repeat, say and catch") == ["say"]
    assert loose_words("Answers like \u201cand your name\u2026\u201d") == []


def test_majority_class_per_theme_breaks_ties_alphabetically() -> None:
    labels = ["b", "a", "a", "c", "b", "x"]
    assert majority_classes(labels, [0, 0, 0, 1, 1, -1], 2) == ["a", "b"]


def test_the_negation_set_loads_and_says_none_finds_its_no_barriers_group() -> None:
    texts, groups = load_negation_set()
    assert len(texts) == len(groups) == 64
    assert len(set(groups)) == 6
    flagged = {group for text, group in zip(texts, groups, strict=True) if says_none(text)}
    assert flagged == {NONE_GROUP}


def test_none_figures_measure_how_together_and_how_pure_the_none_answers_are() -> None:
    labels = [NONE_GROUP, NONE_GROUP, NONE_GROUP, "time", "time"]
    assert none_figures(labels, [0, 0, 1, 0, 1]) == {"none_together": 0.6667, "none_purity": 0.6667}
    assert none_figures(["time"], [0]) == {"none_together": 0.0, "none_purity": 0.0}
