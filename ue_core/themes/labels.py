"""Name each theme, list its top terms and describe it in one line.

Labels are short phrases from :mod:`ue_core.themes.phrases` (since issue 14). Top terms, and
the labels of ``style="keywords"`` (the labels made before, kept for comparison), come from
the words a theme's answers use more than other themes' answers do.

This is class-based TF-IDF: all answers in a theme are treated as one document, a term's weight
is its share of that document's words times ``log(1 + A / f)``, where ``A`` is the average
number of words per theme and ``f`` the term's count over all themes. Terms are single words and
adjacent word pairs, with stop words left out. Words that differ only by a common English
ending ("user" and "users", "report" and "reporting") count as one term, shown in its most
common form, and a theme's top terms never repeat a word or a near-copy of one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from scipy import sparse

from ue_core.themes.phrases import describe, phrase_labels
from ue_core.themes.words import (
    PHRASE_BREAK,
    STOP_WORDS,
    TAG,
    is_content,
    near_duplicate,
    stem,
    tokens,
)

LabelStyle = Literal["phrase", "keywords"]
#: A theme with no usable phrase is named after at most this many words of its commonest answer.
FALLBACK_WORDS: Final = 3
_MAX_TERMS: Final = 10
#: A word pair replaces a word when at least this share of the answers with the word use the pair.
PAIR_SHARE: Final = 0.6
#: A term goes in a label only if the theme uses it at least this many times more than average,
#: so words spread over every theme ("work", "opinion") do not name one.
MIN_LABEL_LIFT: Final = 1.5


@dataclass(frozen=True)
class ThemeLabel:
    """A theme's label, its top terms (best first) and a one-line description."""

    label: str
    top_terms: tuple[str, ...]
    description: str = ""


def _terms(text: str, surfaces: Counter[tuple[str, str]]) -> list[str]:
    """The term keys of one answer: stems of content words and of adjacent content-word pairs.

    Pairs never span punctuation, so "my work. Visit" gives no "work visit".
    """
    keys: list[str] = []
    for phrase in PHRASE_BREAK.split(TAG.sub(".", text)):
        previous: tuple[str, str] | None = None
        for word in tokens(phrase):
            if not is_content(word):
                previous = None
                continue
            key = stem(word)
            keys.append(key)
            surfaces[(key, word)] += 1
            if previous is not None:
                pair_key = f"{previous[0]} {key}"
                keys.append(pair_key)
                surfaces[(pair_key, f"{previous[1]} {word}")] += 1
            previous = (key, word)
    return keys


def _overlaps(candidate: str, chosen: Sequence[str]) -> bool:
    parts = candidate.split(" ")
    return any(
        near_duplicate(part, other_part)
        for other in chosen
        for other_part in other.split(" ")
        for part in parts
    )


def join_terms(terms: Sequence[str]) -> str:
    """Join terms readably in sentence case: "Waiting times, staff and booking"."""
    if not terms:
        return ""
    text = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]
    return text[0].upper() + text[1:]


def label_themes(
    texts: Sequence[str],
    assignments: Sequence[int],
    n_themes: int,
    *,
    label_terms: int = 3,
    style: LabelStyle = "phrase",
    central: Sequence[int | None] | None = None,
) -> list[ThemeLabel]:
    """A label, top terms and a description for each theme ``0 .. n_themes - 1``.

    Texts assigned -1 are ignored. With ``style="phrase"`` (the default) a label is a short
    phrase the theme's answers use (see :mod:`ue_core.themes.phrases`); with ``"keywords"`` it
    joins the theme's ``label_terms`` most distinctive terms, as labels were made before. The
    description is one line of the theme's most central answer: ``central[t]`` when given (an
    index into ``texts``), otherwise (phrase style only) the answer whose phrases best match
    the theme's. A theme whose answers share no usable words (for example answers that are all
    "No") is labelled with its most common answer.
    """
    if style not in ("phrase", "keywords"):
        raise ValueError(f"Unknown label style {style!r}: use 'phrase' or 'keywords'")
    if style == "phrase":
        described = phrase_labels(texts, assignments, n_themes, central=central)
    else:
        # Today's labels cost what they did: a description only from a given central answer.
        described = [
            (None, describe(texts[index]) if index is not None else "")
            for index in (central if central is not None else [None] * n_themes)
        ]
    surfaces: Counter[tuple[str, str]] = Counter()
    docs: list[list[str]] = []
    members: list[int] = []
    for text, theme in zip(texts, assignments, strict=True):
        if theme < 0:
            docs.append([])
        else:
            docs.append(_terms(text, surfaces))
        members.append(theme)
    vocabulary = sorted({key for doc in docs for key in doc})
    column = {key: index for index, key in enumerate(vocabulary)}
    surface = _best_surfaces(surfaces)
    counts_by_theme = np.zeros((n_themes, max(len(vocabulary), 1)), dtype=np.float64)
    docs_by_theme = np.zeros_like(counts_by_theme)
    if vocabulary:
        rows, cols, values = [], [], []
        for row, doc in enumerate(docs):
            for key, value in Counter(doc).items():
                rows.append(row)
                cols.append(column[key])
                values.append(value)
        matrix = sparse.csr_matrix(
            (np.asarray(values, dtype=np.float64), (rows, cols)),
            shape=(len(docs), len(vocabulary)),
        )
        valid = [index for index, theme in enumerate(members) if theme >= 0]
        onehot = sparse.csr_matrix(
            (np.ones(len(valid)), ([members[index] for index in valid], valid)),
            shape=(n_themes, len(docs)),
        )
        counts_by_theme = np.asarray((onehot @ matrix).todense())
        binary = matrix.copy()
        binary.data[:] = 1.0
        docs_by_theme = np.asarray((onehot @ binary).todense())
    sizes = Counter(theme for theme in members if theme >= 0)
    weights = _class_tfidf(counts_by_theme)
    lift = _lift(counts_by_theme)
    labels: list[ThemeLabel] = []
    used: set[str] = set()
    pairs_with: dict[str, list[int]] = {}
    for index, key in enumerate(vocabulary):
        if " " in key:
            for part in dict.fromkeys(key.split(" ")):
                pairs_with.setdefault(part, []).append(index)
    for theme in range(n_themes):
        min_docs = 2 if sizes[theme] >= 4 else 1
        order = np.lexsort((np.arange(weights.shape[1]), -weights[theme]))
        chosen: list[str] = []
        for index in order:
            if weights[theme, index] <= 0 or len(chosen) >= _MAX_TERMS:
                break
            if docs_by_theme[theme, index] < min_docs:
                continue
            key = vocabulary[_prefer_pair(index, vocabulary, pairs_with, docs_by_theme[theme])]
            if _overlaps(key, chosen):
                continue
            chosen.append(key)
        terms = tuple(surface[key] for key in chosen)
        label_keys = _label_keys(chosen, column, lift[theme], label_terms)
        phrase = described[theme][0] if style == "phrase" else None
        if phrase is not None:
            label = phrase
        elif style == "keywords" and label_keys:
            label = join_terms([surface[key] for key in label_keys])
        else:
            label = _fallback_label(texts, members, theme)
        if label.casefold() in used:
            label = f"{label} (theme {theme + 1})"
        used.add(label.casefold())
        labels.append(ThemeLabel(label=label, top_terms=terms, description=described[theme][1]))
    return labels


def _lift(counts: np.ndarray) -> np.ndarray:
    """How much more often a term is used in a theme than across all themes (1 = as often)."""
    theme_totals = counts.sum(axis=1, keepdims=True)
    term_totals = counts.sum(axis=0, keepdims=True)
    everything = float(counts.sum()) or 1.0
    expected = theme_totals * term_totals / everything
    return np.asarray(counts / np.where(expected > 0, expected, 1.0))


def _label_keys(
    chosen: Sequence[str], column: dict[str, int], lift: np.ndarray, label_terms: int
) -> list[str]:
    """The terms for a label: the distinctive top terms, topped up to two words if need be."""
    distinctive = [key for key in chosen if lift[column[key]] >= MIN_LABEL_LIFT]
    keys = distinctive[:label_terms]
    for key in chosen:
        if sum(len(key.split(" ")) for key in keys) >= min(2, label_terms):
            break
        if key not in keys:
            keys.append(key)
    return sorted(keys, key=chosen.index)


def _prefer_pair(
    index: int, vocabulary: Sequence[str], pairs_with: dict[str, list[int]], docs: np.ndarray
) -> int:
    """A word, or the word pair holding it when most of the theme's answers with it use the pair.

    So "search" becomes "search tool" when the answers say "search tool" rather than "search".
    """
    key = vocabulary[index]
    if " " in key:
        return index
    best, best_docs = index, 0.0
    for pair in pairs_with.get(key, []):
        if docs[pair] > best_docs or (docs[pair] == best_docs and pair < best):
            best, best_docs = pair, float(docs[pair])
    return best if best_docs >= PAIR_SHARE * docs[index] else index


def _best_surfaces(surfaces: Counter[tuple[str, str]]) -> dict[str, str]:
    """For each term key, its most common written form (alphabetical order breaks ties)."""
    best: dict[str, tuple[int, str]] = {}
    for (key, word), count in surfaces.items():
        current = best.get(key)
        if current is None or (-count, word) < (-current[0], current[1]):
            best[key] = (count, word)
    return {key: word for key, (_, word) in best.items()}


def _class_tfidf(counts: np.ndarray) -> np.ndarray:
    totals = counts.sum(axis=1, keepdims=True)
    term_frequency = counts / np.where(totals > 0, totals, 1.0)
    n_themes = max(counts.shape[0], 1)
    average_words = float(counts.sum()) / n_themes
    across = counts.sum(axis=0)
    idf = np.log1p(average_words / np.where(across > 0, across, 1.0))
    return np.asarray(term_frequency * idf)


def _fallback_label(texts: Sequence[str], members: Sequence[int], theme: int) -> str:
    answers = Counter(
        " ".join(text.split()).casefold()
        for text, member in zip(texts, members, strict=True)
        if member == theme
    )
    if not answers:
        return f"Theme {theme + 1}"
    common = min(answers.items(), key=lambda item: (-item[1], item[0]))[0]
    words = common.split(" ")
    shown = common if len(words) <= FALLBACK_WORDS else " ".join(words[:FALLBACK_WORDS]) + "\u2026"
    return f"Answers like \u201c{shown}\u201d"


__all__ = ["STOP_WORDS", "LabelStyle", "ThemeLabel", "join_terms", "label_themes", "stem"]
