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
"""

from __future__ import annotations

import argparse
import json
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

#: Issue 4 targets on this 2-core machine.
TARGET_20K_SECONDS: Final = 90.0
TARGET_RECLUSTER_SECONDS: Final = 5.0
TARGET_100K_SECONDS: Final = 600.0
TARGET_100K_PEAK_MB: Final = 2_048.0

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
)


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time (user and system, all threads) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(n_answers: int, seed: int, backend: str | None) -> dict[str, Any]:
    """Import ``n_answers`` generated answers and theme them; the figures for one size."""
    from ue_core.survey_import import ColumnMapping, prepare, read_table
    from ue_core.themes import cluster_embeddings, embed_texts

    data = survey_csv(survey_answers(n_answers, seed), seed)
    baseline_mb = peak_rss_mb()
    cpu_started = cpu_seconds()
    started = time.perf_counter()
    raw = read_table(data, "survey.csv")
    mapping = ColumnMapping("Respondent ID", [QUESTION], ["Organisation type"])
    texts = prepare(raw, mapping).texts(QUESTION)
    imported = time.perf_counter()
    vectors, used = embed_texts(texts, backend=backend)
    embedded = time.perf_counter()
    themes = cluster_embeddings(texts, vectors, None, seed, backend=used)
    finished = time.perf_counter()
    cpu_finished = cpu_seconds()
    again = cluster_embeddings(texts, vectors, RECLUSTER_THEMES, seed, backend=used)
    reclustered = time.perf_counter()
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
    }


def run_size(n_answers: int, seed: int, backend: str | None) -> dict[str, Any]:
    """``measure`` in a fresh Python process, so peak memory belongs to this size alone."""
    command = [sys.executable, "-m", "bench.themes_speed", "--worker", str(n_answers)]
    command += ["--seed", str(seed)]
    if backend:
        command += ["--backend", backend]
    say(f"{n_answers:,} answers ({backend or 'default backend'})...")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"The {n_answers:,}-answer run failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    say(f"  {result}")
    return result


def check_targets(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Issue 4's speed targets for the sizes that were measured."""
    checks: dict[str, Any] = {}
    for run in runs:
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
    sizes: Sequence[int], seed: int, *, backend: str | None, big_backend: str | None
) -> dict[str, Any]:
    runs = [
        run_size(size, seed, big_backend if size >= BIG_FROM and big_backend else backend)
        for size in sizes
    ]
    section: dict[str, Any] = {"seed": seed, "runs": runs, "targets": check_targets(runs)}
    if not any(r["answers"] >= BIG_FROM and r["backend"] == "minilm-onnx-int8" for r in runs):
        estimate = onnx_estimate(runs, BIG_FROM)
        if estimate is not None:
            section["onnx_100k_estimate"] = estimate
    return section


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
    parser.add_argument("--results", type=Path, default=RESULTS_PATH)
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker is not None:
        print(json.dumps(measure(args.worker, args.seed, args.backend)), flush=True)
        return 0
    speed = run(args.sizes, args.seed, backend=args.backend, big_backend=args.big_backend)
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
