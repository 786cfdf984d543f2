"""Name each theme with a short phrase its own answers use, and describe it with one answer.

Candidates are the phrases of one to three content words that answers write next to each other,
with small connecting words allowed inside ("lack of time", "book a flight") and a negation
allowed in front ("no budget", "not enough staff"). Word forms count as one phrase ("flights
booked" and "book a flight" are both "book flight"), shown in the form the answers use most.
Filler ("what does pending *mean*") is left out, and an answer that says there is nothing
("honestly no barriers") counts only as its negated subject, "no barriers".

A phrase scores ``coverage * precision``: the share of the theme's answers that use it, times the
share of all answers using it that sit in this theme. So a phrase most of a theme's answers use,
and few others do, names the theme; a word every theme uses ("account", "time") or a name only
two answers mention ("Denver") does not. A label starts from one of the best phrases (a one-word
phrase grows into a longer one most of its answers use) and takes up to two more while they are
common among the answers it does not cover yet ("Time, money and staff"), in 2 to 5 words. Themes
with the strongest phrases choose first and no two themes share a main phrase or a label. A
theme with no usable phrase is named after its most common answer. Beyond ``SAMPLE_BUDGET``
answers, phrases are read from an even sample of each theme.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Final

from ue_core.themes.stance import NONE_SUBJECTS, says_none
from ue_core.themes.words import PHRASE_BREAK, STOP_WORDS, TAG, TOKEN, near_duplicate, stem

#: Filler that says nothing about a theme in questions and answers ("what does pending mean").
# fmt: off
NOISE_WORDS: Final = frozenset((
    "mean", "means", "meant", "tell", "telling", "say", "saying", "said", "let",
    "wondering", "wonder", "ask", "asked", "asking", "does",
    "did", "doing", "going", "gonna", "wanna", "kind", "sort", "stuff", "someone", "somebody",
    "honestly", "basically", "literally", "probably", "definitely", "anyway", "currently",
    "right", "pretty", "lol", "far", "hoping", "trying", "try", "tried", "okay", "ok",
    "possible", "certain", "main", "biggest", "big", "major", "real", "particular", "specific",
    "takes", "took", "taking",
))
# fmt: on
#: Words allowed inside a phrase, between content words.
CONNECTORS: Final = frozenset(("of", "for", "to", "in", "on", "with", "a", "an", "the", "and"))
#: Words that negate the phrase after them; every one is shown as the theme's answers write it.
NEGATIONS: Final = frozenset(("no", "not", "never", "without", "nobody", "none", "nothing"))
#: Words allowed between a negation and its phrase ("not enough time", "no real barriers").
_AFTER_NEGATION: Final = frozenset(("enough", "any", "much", "many", "real", "really", "a"))
_NEGATED: Final = "no"
MAX_CONTENT_WORDS: Final = 3
#: At most this many content words in a phrase with a connecting word ("lack of time").
MAX_JOINED_CONTENT_WORDS: Final = 2
MAX_LABEL_WORDS: Final = 5
#: A one-word phrase grows into a longer one holding it when this share of its answers use that.
EXTEND_SHARE: Final = 0.3
#: A phrase joins the label ("Time and money") when at least this share of the theme's answers
#: that the label does not cover yet use it.
MORE_SHARE: Final = 0.2
#: A phrase used by fewer than this share of the theme's answers joins no label.
MIN_MORE_COVERAGE: Final = 0.1
MAX_PHRASES: Final = 3
DESCRIPTION_CHARS: Final = 120
#: Phrases are read from about this many answers at most (see :func:`sampled_members`)...
SAMPLE_BUDGET: Final = 6_000
#: ...and from at least this many answers of each theme.
MIN_SAMPLE_PER_THEME: Final = 50
_CANDIDATES: Final = 12


@dataclass(frozen=True)
class Phrase:
    """A candidate phrase for one theme, with the figures its score comes from."""

    key: str
    surface: str
    answers: int
    coverage: float
    precision: float

    @property
    def score(self) -> float:
        return self.coverage * self.precision

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(part for part in self.key.split(" ") if part != _NEGATED)

    @cached_property
    def n_words(self) -> int:
        return len(self.surface.split(" "))


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    return stem(word)


@lru_cache(maxsize=65_536)
def _kind(word: str) -> str:
    if word in NEGATIONS:
        return "neg"
    if len(word) > 2 and word not in STOP_WORDS and word not in NOISE_WORDS and "'" not in word:
        return "content"
    if word in CONNECTORS:
        return "conn"
    return "other"


def _phrases(text: str) -> list[tuple[str, str]]:
    """Each candidate phrase of one answer as (key, how it is written).

    An answer that says there is nothing ("There aren't any barriers for us", see
    :func:`ue_core.themes.stance.says_none`) gives only its subject, negated ("no barriers"), so
    a theme of such answers is not named after what they say they lack.
    """
    if says_none(text):
        return _none_phrases(text)
    found: list[tuple[str, str]] = []
    for part in PHRASE_BREAK.split(TAG.sub(".", text.replace("’", "'"))):
        written = [_shown(token.removesuffix("'s").strip("'-")) for token in TOKEN.findall(part)]
        words = [token.lower() for token in written]
        kinds = [_kind(word) for word in words]
        if "content" not in kinds:
            continue
        for start, kind in enumerate(kinds):
            if kind == "content":
                found.extend(_spans(words, written, kinds, start, start, negated=False))
            elif kind == "neg":
                first = start + 1
                while first < len(words) and first - start <= 2 and kinds[first] != "content":
                    if words[first] not in _AFTER_NEGATION:
                        break
                    first += 1
                if first < len(words) and kinds[first] == "content":
                    found.extend(_spans(words, written, kinds, start, first, negated=True))
    return found


def _none_phrases(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for token in TOKEN.findall(TAG.sub(" ", text.replace("’", "'"))):
        word = token.lower()
        if word in NONE_SUBJECTS:
            found.append((f"{_NEGATED} {stem(word)}", f"no {_shown(token)}"))
    return found


def _spans(
    words: Sequence[str],
    written: Sequence[str],
    kinds: Sequence[str],
    start: int,
    first: int,
    *,
    negated: bool,
) -> list[tuple[str, str]]:
    """The phrases starting at ``start`` whose content starts at ``first`` and ends on content.

    ``written`` holds the words as shown (see :func:`_shown`).
    """
    spans: list[tuple[str, str]] = []
    content: list[str] = [_NEGATED] if negated else []
    counted = len(content)
    end = first
    while end < len(words) and end - start < MAX_LABEL_WORDS:
        if kinds[end] == "content":
            content.append(_stem(words[end]))
            n_content = len(content) - counted
            joined = end - first + 1 > n_content
            if n_content > (MAX_JOINED_CONTENT_WORDS if joined else MAX_CONTENT_WORDS):
                break
            spans.append((" ".join(content), " ".join(written[start : end + 1])))
        elif kinds[end] != "conn":
            break
        end += 1
    return spans


@lru_cache(maxsize=65_536)
def _shown(word: str) -> str:
    """Lower case, except for acronyms written in capitals ("GDPR", "APR")."""
    return word if len(word) > 1 and word.isupper() else word.lower()


@dataclass(frozen=True)
class _Counts:
    by_theme: list[Counter[str]]
    overall: dict[str, float]
    sizes: list[int]
    weights: list[float]
    surfaces: dict[str, str]
    keys_by_answer: list[frozenset[str]]
    answers_with: dict[str, set[int]]
    members: list[frozenset[int]]


def sampled_members(assignments: Sequence[int], n_themes: int) -> list[list[int]]:
    """Each theme's answers; beyond ``SAMPLE_BUDGET`` answers in all, an evenly spaced share.

    Every theme keeps the same share of its answers (at least ``MIN_SAMPLE_PER_THEME``), so
    about ``SAMPLE_BUDGET`` answers are read. Phrase figures are shares, which a few thousand
    answers estimate well, and reading phrases is the slow part of labelling many answers. The
    choice depends only on the order of the answers, so it is deterministic.
    """
    members: list[list[int]] = [[] for _ in range(n_themes)]
    for index, theme in enumerate(assignments):
        if 0 <= theme < n_themes:
            members[theme].append(index)
    total = sum(len(group) for group in members)
    if total <= SAMPLE_BUDGET:
        return members
    sampled = []
    for group in members:
        cap = max(MIN_SAMPLE_PER_THEME, len(group) * SAMPLE_BUDGET // total)
        if len(group) > cap:
            group = [group[i * len(group) // cap] for i in range(cap)]
        sampled.append(group)
    return sampled


def _count(texts: Sequence[str], assignments: Sequence[int], n_themes: int) -> _Counts:
    """Phrase counts per theme (of its sampled answers) and overall, weighted back to size.

    Each distinct answer is read once.
    """
    sampled = sampled_members(assignments, n_themes)
    full = Counter(theme for theme in assignments if 0 <= theme < n_themes)
    weights = [full[theme] / len(group) if group else 1.0 for theme, group in enumerate(sampled)]
    groups: dict[tuple[str, int], list[int]] = {}
    for theme, group in enumerate(sampled):
        for index in group:
            groups.setdefault((texts[index], theme), []).append(index)
    by_theme: list[Counter[str]] = [Counter() for _ in range(n_themes)]
    overall: dict[str, float] = {}
    written: Counter[tuple[str, str]] = Counter()
    sizes = [0] * n_themes
    empty: frozenset[str] = frozenset()
    keys_by_answer: list[frozenset[str]] = [empty] * len(texts)
    answers_with: dict[str, set[int]] = {}
    members: list[set[int]] = [set() for _ in range(n_themes)]
    read: dict[str, tuple[list[tuple[str, str]], frozenset[str]]] = {}
    for (text, theme), indices in groups.items():
        if text not in read:
            phrases = _phrases(text)
            read[text] = (phrases, frozenset(key for key, _ in phrases))
        phrases, keys = read[text]
        times = len(indices)
        sizes[theme] += times
        members[theme].update(indices)
        for pair in phrases:
            written[pair] += times
        for key in keys:
            by_theme[theme][key] += times
            overall[key] = overall.get(key, 0.0) + times * weights[theme]
            answers_with.setdefault(key, set()).update(indices)
        for index in indices:
            keys_by_answer[index] = keys
    best: dict[str, tuple[int, str]] = {}
    for (key, surface), count in written.items():
        current = best.get(key)
        if current is None or (-count, surface) < (-current[0], current[1]):
            best[key] = (count, surface)
    surfaces = {key: surface for key, (_, surface) in best.items()}
    return _Counts(
        by_theme,
        overall,
        sizes,
        weights,
        surfaces,
        keys_by_answer,
        answers_with,
        [frozenset(group) for group in members],
    )


def _ranked(counts: _Counts, theme: int) -> list[Phrase]:
    size = counts.sizes[theme]
    least = 2 if size >= 4 else 1
    phrases = [
        Phrase(
            key=key,
            surface=counts.surfaces[key],
            answers=count,
            coverage=count / size,
            precision=min(1.0, count * counts.weights[theme] / counts.overall[key]),
        )
        for key, count in counts.by_theme[theme].items()
        if count >= least
    ]
    return sorted(phrases, key=lambda p: (-round(p.score, 9), -p.n_words, p.key))


def _label_options(counts: _Counts, theme: int, phrases: Sequence[Phrase]) -> list[_Option]:
    """Labels for one theme, best first, each led by one of its best phrases.

    A one-word phrase grows into a longer phrase holding it when enough of its answers use that
    ("flight" into "book a flight"). Then phrases join the label while they are common among the
    theme's answers the label does not yet cover ("Time, money and staff"), up to three phrases
    and five words; a label still one word long takes the best such phrase whatever its share.
    After each label comes the same main phrase with one more phrase, for when a different
    theme already has the plain label.
    """
    members = counts.members[theme]
    with_key = counts.answers_with
    options: list[_Option] = []
    for main in phrases[:_CANDIDATES]:
        if main.n_words == 1:
            longer = [
                p
                for p in phrases
                if p.stems > main.stems and p.answers >= EXTEND_SHARE * main.answers
            ]
            if longer:
                main = longer[0]
        parts = _grow([main], phrases, members, with_key)
        if sum(part.n_words for part in parts) >= 2:
            options.append(_joined(parts))
            more = _next(parts, phrases, members, with_key, forced=True)
            if more is not None and len(parts) < MAX_PHRASES:
                options.append(_joined([*parts, more]))
    if not options and phrases:
        more = _next(phrases[:1], phrases, members, with_key, forced=True, last_resort=True)
        if more is not None:
            options.append(_joined([phrases[0], more]))
    return options


def _grow(
    parts: list[Phrase],
    phrases: Sequence[Phrase],
    members: frozenset[int],
    with_key: Mapping[str, set[int]],
) -> list[Phrase]:
    while len(parts) < MAX_PHRASES:
        short = sum(p.n_words for p in parts) < 2
        more = _next(parts, phrases, members, with_key, forced=short)
        if more is None:
            break
        parts = [*parts, more]
    return parts


def _joined(parts: Sequence[Phrase]) -> _Option:
    words = [part.surface for part in parts]
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return _Option(parts[0].key, text[0].upper() + text[1:], parts[0].score)


def _overlap(one: Phrase, other: Phrase) -> bool:
    """True when two phrases share a word or a near-copy of one ("spent" and "spend")."""
    return any(
        near_duplicate(a.replace("-", ""), b.replace("-", ""))
        for a in one.stems
        for b in other.stems
    )


@dataclass(frozen=True)
class _Option:
    key: str
    text: str
    score: float


def _next(
    parts: Sequence[Phrase],
    phrases: Sequence[Phrase],
    members: frozenset[int],
    with_key: Mapping[str, set[int]],
    *,
    forced: bool,
    last_resort: bool = False,
) -> Phrase | None:
    """The phrase to add to a label: the one most of the answers the label misses use.

    Unless ``forced``, it joins only when at least ``MORE_SHARE`` of those answers use it.
    Only as a ``last_resort`` is it one used by fewer than ``MIN_MORE_COVERAGE`` of them.
    """
    used = sum(part.n_words for part in parts) + len(parts)
    missed = members.difference(*(with_key[part.key] for part in parts))
    best: tuple[int, float, str] | None = None
    found: Phrase | None = None
    for other in phrases[:_CANDIDATES]:
        if used + other.n_words > MAX_LABEL_WORDS or any(_overlap(other, p) for p in parts):
            continue
        if other.coverage < MIN_MORE_COVERAGE and not last_resort:
            continue
        rank = (len(missed.intersection(with_key[other.key])), other.score, other.key)
        if best is None or rank[:2] > best[:2]:
            best, found = rank, other
    if found is None or best is None:
        return None
    if forced or (best[0] and best[0] >= MORE_SHARE * len(missed)):
        return found
    return None


def describe(text: str) -> str:
    """One line from an answer: its first sentence, or its opening words, kept to 120 characters."""
    line = " ".join(text.split())
    if len(line) <= DESCRIPTION_CHARS:
        return line
    for end in (". ", "? ", "! ", "; "):
        at = line.find(end)
        if 20 <= at < DESCRIPTION_CHARS:
            return line[: at + 1]
    cut = line[: DESCRIPTION_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > DESCRIPTION_CHARS // 2 else cut).rstrip(" ,;:-") + "\u2026"


def _typical_answer(
    counts: _Counts, theme: int, ranked: Sequence[Phrase], key: str | None
) -> int | None:
    """The member answer whose phrases score highest for the theme, preferring the label's."""
    weights = {p.key: p.score for p in ranked}
    best: tuple[float, float, int] | None = None
    for index in sorted(counts.members[theme]):
        keys = counts.keys_by_answer[index]
        value = sum(weights.get(k, 0.0) for k in keys) / max(len(keys), 1) ** 0.5
        candidate = (float(key is not None and key in keys), value, -index)
        if best is None or candidate > best:
            best = candidate
    return None if best is None else -best[2]


def _choose(
    order: Sequence[int], options: Sequence[Sequence[_Option]]
) -> dict[int, tuple[str, str]]:
    """One label per theme, themes with the strongest phrase first, never repeating a label.

    A theme takes its first label whose main phrase no other theme has taken, or else its first
    label not taken at all.
    """
    keys: set[str] = set()
    texts: set[str] = set()
    chosen: dict[int, tuple[str, str]] = {}
    for theme in order:
        fresh = [o for o in options[theme] if o.key not in keys and o.text.casefold() not in texts]
        spare = [o for o in options[theme] if o.text.casefold() not in texts]
        if fresh or spare:
            picked = (fresh or spare)[0]
            keys.add(picked.key)
            texts.add(picked.text.casefold())
            chosen[theme] = (picked.key, picked.text)
    return chosen


def phrase_labels(
    texts: Sequence[str],
    assignments: Sequence[int],
    n_themes: int,
    *,
    central: Sequence[int | None] | None = None,
) -> list[tuple[str | None, str]]:
    """For each theme, its phrase label (``None`` if it has none) and a one-line description.

    ``central[t]`` is the index of theme ``t``'s most central answer, if known (for example the
    one nearest its centre in embedding space); otherwise the answer whose phrases score highest
    for the theme describes it.
    """
    counts = _count(texts, assignments, n_themes)
    ranked = [_ranked(counts, theme) for theme in range(n_themes)]
    options = [_label_options(counts, theme, ranked[theme]) for theme in range(n_themes)]
    order = sorted(
        range(n_themes), key=lambda t: (-(options[t][0].score if options[t] else 0.0), t)
    )
    chosen = _choose(order, options)
    results: list[tuple[str | None, str]] = []
    for theme in range(n_themes):
        picked = chosen.get(theme)
        key, label = (None, None) if picked is None else picked
        given = central[theme] if central is not None else None
        index = given if given is not None else _typical_answer(counts, theme, ranked[theme], key)
        results.append((label, describe(texts[index]) if index is not None else ""))
    return results


__all__ = ["CONNECTORS", "NEGATIONS", "NOISE_WORDS", "describe", "phrase_labels"]
