"""Do answers that say "none" stay together, apart from answers that name a barrier?

``python -m bench --only theme_stance`` themes labelled sets at their true number of themes
three ways in the same run, on the same embeddings:

- **baseline**: ``cluster_embeddings`` with its stance step turned off (as before issue 14);
- **pull**: ``cluster_embeddings`` as it is: the embeddings of answers that say none
  (``ue_core.themes.stance.says_none``) are moved half way to their common centre first
  (``stance_adjusted``);
- **pre-split**: answers that say none made into a theme of their own and the other answers
  themed into one theme fewer.

The sets: bench/data/negation_answers.yaml, 64 short answers about barriers written for this
benchmark in six groups, one of them "no barriers" and the others full of negations that name a
barrier ("no budget", "not enough time"), with MiniLM and with the TF-IDF fallback, mean over
seeds 0 to 4; CLINC150's 4,500 in-scope test queries and the 20-word newsgroups cut (seed 0), to
check the change does no harm where few answers say none. Figures: V-measure, adjusted Rand
index and, on the barriers set, how the "no barriers" answers fare: the share of them in the
theme holding most of them, and the share of that theme that they make up. Results go to
bench/results.json under ``theme_stance``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final
from unittest.mock import patch

import numpy as np
import numpy.typing as npt
import yaml

import ue_core.themes.clustering as clustering
from bench.report import RESULTS_PATH, Column, merge_results, print_table, say
from bench.themes_data import DataUnavailable
from bench.themes_quality import score
from ue_core.themes import MINILM_ONNX, TFIDF_LSA, cluster_embeddings, embed_texts, is_usable
from ue_core.themes.stance import says_none

SECTION: Final = "theme_stance"
DATA_PATH: Final = Path(__file__).resolve().parent / "data" / "negation_answers.yaml"
NONE_GROUP: Final = "no_barriers"
SMALL_SEEDS: Final = (0, 1, 2, 3, 4)
BASELINE: Final = "baseline"
PULL: Final = "pull none answers together"
PRE_SPLIT: Final = "pre-split none answers"

Vectors = npt.NDArray[np.float32]
Method = Callable[[Sequence[str], Vectors, int, int, str], list[int]]

TABLE_COLUMNS: Final = (
    Column("dataset", "Dataset"),
    Column("backend", "Backend"),
    Column("method", "Method"),
    Column("v_measure", "V-measure", "right", ".3f"),
    Column("ari", "ARI", "right", ".3f"),
    Column("none_together", "None together", "right", ".1%"),
    Column("none_purity", "None theme purity", "right", ".1%"),
)


def load_negation_set(path: Path = DATA_PATH) -> tuple[list[str], list[str]]:
    """The answers and their groups from the YAML file, checked for shape."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups = document.get("groups") if isinstance(document, dict) else None
    if not isinstance(groups, dict) or NONE_GROUP not in groups:
        raise ValueError(f"{path} needs a 'groups' mapping with a '{NONE_GROUP}' group")
    texts: list[str] = []
    labels: list[str] = []
    for group, answers in groups.items():
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            raise ValueError(f"Group {group!r} in {path} must be a list of answers")
        texts.extend(answers)
        labels.extend([str(group)] * len(answers))
    return texts, labels


def _unchanged(texts: Sequence[str], embeddings: npt.ArrayLike) -> Vectors:
    return np.asarray(embeddings, dtype=np.float32)


def baseline(texts: Sequence[str], vectors: Vectors, k: int, seed: int, backend: str) -> list[int]:
    """``cluster_embeddings`` with its stance step turned off, as themes were made before."""
    with patch.object(clustering, "stance_adjusted", _unchanged):
        return list(cluster_embeddings(texts, vectors, k, seed, backend=backend).assignments)


def pull(texts: Sequence[str], vectors: Vectors, k: int, seed: int, backend: str) -> list[int]:
    """``cluster_embeddings`` as it is, which applies ``stance_adjusted`` first."""
    return list(cluster_embeddings(texts, vectors, k, seed, backend=backend).assignments)


def pre_split(texts: Sequence[str], vectors: Vectors, k: int, seed: int, backend: str) -> list[int]:
    """Answers that say none in one theme of their own, the rest in ``k - 1`` themes."""
    chosen = [says_none(text) and is_usable(text) for text in texts]
    if sum(chosen) < 2 or k < 2:
        return baseline(texts, vectors, k, seed, backend)
    rest = [index for index, flag in enumerate(chosen) if not flag]
    themed = baseline([texts[i] for i in rest], vectors[rest], k - 1, seed, backend)
    assignments = [k - 1 if flag else -1 for flag in chosen]
    for position, index in enumerate(rest):
        assignments[index] = themed[position]
    return assignments


METHODS: Final[dict[str, Method]] = {BASELINE: baseline, PULL: pull, PRE_SPLIT: pre_split}


def none_figures(labels: Sequence[str], assignments: Sequence[int]) -> dict[str, float]:
    """How the "no barriers" answers fare: kept together, and alone in their theme."""
    themes = Counter(a for a, label in zip(assignments, labels, strict=True) if label == NONE_GROUP)
    if not themes:
        return {"none_together": 0.0, "none_purity": 0.0}
    theme, count = min(themes.items(), key=lambda item: (-item[1], item[0]))
    size = sum(1 for a in assignments if a == theme)
    return {
        "none_together": round(count / sum(themes.values()), 4),
        "none_purity": round(count / size, 4),
    }


def _mean(runs: Sequence[dict[str, float]]) -> dict[str, float]:
    return {key: round(float(np.mean([run[key] for run in runs])), 4) for key in runs[0]}


def run_small(backend: str) -> dict[str, Any]:
    texts, labels = load_negation_set()
    vectors, used = embed_texts(texts, backend=backend)
    k = len(set(labels))
    methods: dict[str, Any] = {}
    for name, method in METHODS.items():
        runs = []
        for seed in SMALL_SEEDS:
            predicted = method(texts, vectors, k, seed, used)
            runs.append({**score(labels, predicted), **none_figures(labels, predicted)})
        methods[name] = _mean(runs)
    return {
        "texts": len(texts),
        "true_themes": k,
        "backend": used,
        "seeds": list(SMALL_SEEDS),
        "answers_saying_none": sum(says_none(t) for t in texts),
        "none_group_size": labels.count(NONE_GROUP),
        "methods": methods,
    }


def run_large(name: str, texts: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    from bench.routing import cached_embeddings

    vectors = cached_embeddings(texts, MINILM_ONNX, name)
    k = len(set(labels))
    methods = {
        method_name: score(labels, method(texts, vectors, k, 0, MINILM_ONNX))
        for method_name, method in METHODS.items()
    }
    return {
        "texts": len(texts),
        "true_themes": k,
        "backend": MINILM_ONNX,
        "seeds": [0],
        "answers_saying_none": sum(says_none(t) for t in texts),
        "methods": methods,
    }


def rows_for_table(datasets: dict[str, Any]) -> list[dict[str, object]]:
    return [
        {"dataset": name.split(":")[0], "backend": result["backend"], "method": method, **figures}
        for name, result in datasets.items()
        for method, figures in result["methods"].items()
    ]


def run(results: Path = RESULTS_PATH) -> int:
    from bench.routing import load_clinc150
    from bench.theme_labels import newsgroups_set

    datasets: dict[str, Any] = {}
    for backend in (MINILM_ONNX, TFIDF_LSA):
        say(f"Barriers set with {backend}")
        datasets[f"negation_answers:{backend}"] = run_small(backend)
    say("CLINC150 test")
    test = load_clinc150()["test"]
    datasets["clinc150_test"] = run_large("test", test.texts, test.labels)
    try:
        news = newsgroups_set()
        say("20-word newsgroups cut")
        datasets["20newsgroups_short"] = run_large("20newsgroups-short", news.texts, news.labels)
    except DataUnavailable as error:
        say(f"Newsgroups left out: {error}")
    print("\nAnswers saying none: three ways to theme them (true number of themes)\n")
    print_table(rows_for_table(datasets), TABLE_COLUMNS)
    merge_results(SECTION, {"datasets": datasets}, results)
    say(f"Stance figures written to {results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
