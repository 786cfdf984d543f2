"""Label quality on labelled data: do theme labels name what their answers are about?

``python -m bench --only theme_labels`` themes two labelled sets at their true number of themes
(seed 0, MiniLM ONNX embeddings and our k-means) and labels the very same themes two ways in the
same run: with today's keyword labels (``label_themes(..., style="keywords")``, three
distinctive terms joined) and with the phrase labels (``style="phrase"``, the default since
issue 14). A theme's label *hits* when it holds a word of the name of the theme's majority true
class, compared by stem: CLINC150's intent names (``book_flight``, ``credit_limit``) and the
newsgroup names (``rec.sport.hockey``; the hierarchy prefixes ``comp``, ``rec`` and so on do not
count). Also reported: label length in words, the share of labels of 2 to 5 words, the share
holding a stop word or filler word (other than the small words inside or before a phrase:
"lack of time", "no budget"), distinct labels, themes named after an answer ("Answers like ..."),
and seconds to label. Both styles make the same top terms; the phrase style adds the phrases.
A last figure times both on 20,000 generated answers.

The sets: CLINC150's 4,500 in-scope test queries (150 intents; Larson et al., EMNLP 2019,
CC BY 3.0; ``UE_CLINC150_DIR`` or ``../shared/data/clinc150``) and the 20-word newsgroups cut of
bench/themes_data.py (4,000 posts, 20 groups; needs the benchmark data, see bench/README.md).
Embeddings are cached in bench/out/. Figures go to bench/results.json under ``theme_labels``.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bench.report import RESULTS_PATH, Column, merge_results, print_table, say
from bench.themes_data import DataUnavailable, quality_corpora
from ue_core.themes.labels import LabelStyle, ThemeLabel, label_themes
from ue_core.themes.phrases import CONNECTORS, NEGATIONS, NOISE_WORDS
from ue_core.themes.words import STOP_WORDS, TOKEN, stem

SECTION: Final = "theme_labels"
SEED: Final = 0
NEWSGROUP_DOCS: Final = 4_000
#: Newsgroup hierarchy prefixes: parts of every name in a family, not what a group is about.
NEWSGROUP_PREFIXES: Final = frozenset(("alt", "comp", "misc", "rec", "sci", "soc", "talk"))
STYLES: Final[tuple[LabelStyle, ...]] = ("keywords", "phrase")
METHOD_NAMES: Final = {"keywords": "today's keyword labels", "phrase": "phrase labels"}
EXAMPLES: Final = 12
SPEED_ANSWERS: Final = 20_000
SPEED_THEMES: Final = 12
SPEED_RUNS: Final = 3
_WORD: Final = re.compile(r"[a-z0-9]+")

TABLE_COLUMNS: Final = (
    Column("dataset", "Dataset"),
    Column("method", "Labels"),
    Column("hit_share", "Hit share", "right", ".1%"),
    Column("mean_words", "Words", "right", ".1f"),
    Column("two_to_five_words", "2-5 words", "right", ".1%"),
    Column("with_stop_or_noise_word", "Stop/filler", "right", ".1%"),
    Column("distinct", "Distinct", "right", ".1%"),
    Column("answer_named", "Answer-named", "right"),
    Column("seconds", "Seconds", "right", ".2f"),
)


@dataclass(frozen=True)
class LabelledSet:
    name: str
    description: str
    texts: tuple[str, ...]
    labels: tuple[str, ...]
    class_words: dict[str, frozenset[str]]


def clinc_words(intent: str) -> frozenset[str]:
    """The stems of an intent name's words: ``credit_limit`` -> {"credit", "limit"}."""
    return frozenset(stem(word) for word in intent.lower().split("_") if word)


def newsgroup_words(group: str) -> frozenset[str]:
    """The stems of a newsgroup name's words, without the hierarchy prefix (``sci.med``)."""
    parts = re.split(r"[.\-_]", group.lower())
    return frozenset(stem(part) for part in parts if part and part not in NEWSGROUP_PREFIXES)


def label_hits(label: str, class_words: frozenset[str]) -> bool:
    """True when a label holds a word of the class name, compared by stem."""
    return any(stem(word) in class_words for word in _WORD.findall(label.lower()))


def loose_words(label: str) -> list[str]:
    """Stop and filler words of a label, other than the small words a phrase may hold.

    Connecting words inside a phrase ("lack of time"), a negation before one ("no budget"), the
    "and" between phrases and the wording of an answer-named label are allowed.
    """
    if label.startswith("Answers like"):
        return []
    loose: list[str] = []
    for part in re.split(r", | and ", label.lower()):
        words = TOKEN.findall(part)
        for position, word in enumerate(words):
            if word not in STOP_WORDS and word not in NOISE_WORDS:
                continue
            inside = 0 < position < len(words) - 1 and word in CONNECTORS
            leading = position == 0 and word in NEGATIONS and len(words) > 1
            after_negation = (
                position > 0 and words[position - 1] in NEGATIONS and position < len(words) - 1
            )
            if not (inside or leading or after_negation):
                loose.append(word)
    return loose


def majority_classes(labels: Sequence[str], assignments: Sequence[int], n_themes: int) -> list[str]:
    """Each theme's most common true class (ties: alphabetical)."""
    counts: list[Counter[str]] = [Counter() for _ in range(n_themes)]
    for label, theme in zip(labels, assignments, strict=True):
        if 0 <= theme < n_themes:
            counts[theme][label] += 1
    return [min(c.items(), key=lambda i: (-i[1], i[0]))[0] if c else "" for c in counts]


def style_figures(
    labelled: LabelledSet,
    majority: Sequence[str],
    theme_labels: Sequence[ThemeLabel],
    seconds: float,
) -> dict[str, Any]:
    texts = [item.label for item in theme_labels]
    hits = [
        label_hits(text, labelled.class_words[cls])
        for text, cls in zip(texts, majority, strict=True)
    ]
    lengths = [len(text.split()) for text in texts]
    count = max(len(texts), 1)
    return {
        "themes": len(texts),
        "hit_share": round(sum(hits) / count, 4),
        "hits": sum(hits),
        "mean_words": round(sum(lengths) / count, 2),
        "two_to_five_words": round(sum(2 <= n <= 5 for n in lengths) / count, 4),
        "with_stop_or_noise_word": round(sum(bool(loose_words(t)) for t in texts) / count, 4),
        "distinct": round(len({t.casefold() for t in texts}) / count, 4),
        "answer_named": sum(t.startswith("Answers like") for t in texts),
        "seconds": round(seconds, 3),
        "examples": [
            {"majority_class": cls, "label": text, "hit": hit}
            for cls, text, hit in list(zip(majority, texts, hits, strict=True))[:EXAMPLES]
        ],
    }


def run_set(labelled: LabelledSet, name_for_cache: str) -> dict[str, Any]:
    """Theme one set at its true number and label the same themes in both styles."""
    from bench.routing import cached_embeddings
    from ue_core.themes import MINILM_ONNX, cluster_embeddings

    n_classes = len(set(labelled.labels))
    say(f"{labelled.name}: {len(labelled.texts):,} texts, {n_classes} classes")
    vectors = cached_embeddings(labelled.texts, MINILM_ONNX, name_for_cache)
    theme_set = cluster_embeddings(labelled.texts, vectors, n_classes, SEED, backend=MINILM_ONNX)
    assignments = list(theme_set.assignments)
    majority = majority_classes(labelled.labels, assignments, theme_set.n_themes)
    central = [
        theme.representative_indices[0] if theme.representative_indices else None
        for theme in theme_set.themes
    ]
    methods: dict[str, Any] = {}
    made: list[ThemeLabel] = []
    for style in STYLES:
        started = time.perf_counter()
        made = label_themes(
            labelled.texts, assignments, theme_set.n_themes, style=style, central=central
        )
        methods[METHOD_NAMES[style]] = style_figures(
            labelled, majority, made, time.perf_counter() - started
        )
    members: list[set[str]] = [set() for _ in range(theme_set.n_themes)]
    for text, theme in zip(labelled.texts, assignments, strict=True):
        if theme >= 0:
            members[theme].add(" ".join(text.split()))
    from_an_answer = sum(
        any(answer.startswith(item.description.rstrip("\u2026")) for answer in group)
        for item, group in zip(made, members, strict=True)
    )
    return {
        "description": labelled.description,
        "texts": len(labelled.texts),
        "true_themes": n_classes,
        "themes": theme_set.n_themes,
        "descriptions_from_a_member_answer": round(from_an_answer / theme_set.n_themes, 4),
        "methods": methods,
    }


def clinc_set() -> LabelledSet:
    from bench.routing import load_clinc150

    test = load_clinc150()["test"]
    return LabelledSet(
        name="clinc150_test",
        description="CLINC150 in-scope test queries, 150 intents (Larson et al., 2019)",
        texts=tuple(test.texts),
        labels=tuple(test.labels),
        class_words={intent: clinc_words(intent) for intent in set(test.labels)},
    )


def newsgroups_set(n_docs: int = NEWSGROUP_DOCS) -> LabelledSet:
    from bench.themes_quality import SHORT_WORDS

    short = quality_corpora(n_docs, SEED, post_chars=1, short_words=SHORT_WORDS, long_docs=1)[0]
    return LabelledSet(
        name=short.name,
        description=short.description,
        texts=short.texts,
        labels=short.labels,
        class_words={group: newsgroup_words(group) for group in set(short.labels)},
    )


def rows_for_table(datasets: dict[str, Any]) -> list[dict[str, object]]:
    return [
        {"dataset": name, "method": method, **figures}
        for name, result in datasets.items()
        for method, figures in result["methods"].items()
    ]


def labelling_speed(n_answers: int = SPEED_ANSWERS, n_themes: int = SPEED_THEMES) -> dict[str, Any]:
    """Seconds to label generated survey answers split into seeded random themes, per style.

    Random themes are the slow case: every theme holds most phrases. Each style runs
    ``SPEED_RUNS`` times and the median is kept.
    """
    import random
    import statistics

    from bench.themes_data import survey_answers

    texts = survey_answers(n_answers, SEED)
    rng = random.Random(SEED)
    assignments = [rng.randrange(n_themes) for _ in texts]
    seconds: dict[str, float] = {}
    for style in STYLES:
        runs = []
        for _ in range(SPEED_RUNS):
            started = time.perf_counter()
            label_themes(texts, assignments, n_themes, style=style)
            runs.append(time.perf_counter() - started)
        seconds[METHOD_NAMES[style]] = round(statistics.median(runs), 2)
    return {"answers": n_answers, "themes": n_themes, "runs": SPEED_RUNS, "seconds": seconds}


def run(results: Path = RESULTS_PATH) -> int:
    datasets: dict[str, Any] = {"clinc150_test": run_set(clinc_set(), "test")}
    try:
        datasets["20newsgroups_short"] = run_set(newsgroups_set(), "20newsgroups-short")
    except DataUnavailable as error:
        say(f"Newsgroups left out: {error}")
    print("\nTheme labels against the majority true class (true number of themes, seed 0)\n")
    print_table(rows_for_table(datasets), TABLE_COLUMNS)
    clinc = datasets["clinc150_test"]["methods"]
    target = {
        "dataset": "clinc150_test",
        "phrase_hit_share_above_keywords": clinc[METHOD_NAMES["phrase"]]["hit_share"]
        > clinc[METHOD_NAMES["keywords"]]["hit_share"],
    }
    print(f"\nTarget: {target}")
    speed = labelling_speed()
    print(f"Labelling {speed['answers']:,} answers in {speed['themes']} themes: {speed['seconds']}")
    section = {"seed": SEED, "datasets": datasets, "target": target, "labelling_speed": speed}
    merge_results(SECTION, section, results)
    say(f"Label figures written to {results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
