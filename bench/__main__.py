"""``python -m bench``: build (or reuse) the large demo database and measure page latency.

    python -m bench                      # the dataset, page latency, then recommendations
    python -m bench --only dataset       # only build or check the database
    python -m bench --only recommendations   # judged-set evaluation and recommender latency
    python -m bench --only pages --repeats 3 --page home
    python -m bench --only pages --page triage --warm-up   # warm reruns of one page only
    python -m bench --only pages --compare-with main   # main and this code, side by side
    python -m bench --database-url sqlite:////tmp/other.db
    python -m bench --only themes        # survey themes: quality and speed (bench/README.md)
    python -m bench --only hostile       # peak memory of reading hostile spreadsheets
    python -m bench --only routing       # request routing on CLINC150 (about 4 minutes)
    python -m bench --only chats         # Champion Chat drawing against random groups
    python -m bench --only similar       # similar requests: speed at 5,000, thresholds
    python -m bench --only theme_labels  # theme labels against true classes (CLINC150)
    python -m bench --only theme_stance  # answers saying "none" kept together, measured
    python -m bench --only load          # N people at once on PostgreSQL, and browsers

Prints the tables and merges the figures into bench/results.json (see bench/README.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bench import dataset, pages
from bench.report import (
    RESULTS_PATH,
    Column,
    format_table,
    merge_results,
    print_table,
    say,
)

SECTIONS = (
    "dataset",
    "pages",
    "recommendations",
    "themes",
    "hostile",
    "routing",
    "chats",
    "similar",
    "theme_labels",
    "theme_stance",
    "load",
)
# Survey-theme quality and speed take 20 minutes or more (100,000 answers), so they run only
# when asked for: `make bench-themes` or `python -m bench --only themes`. Routing (CLINC150)
# also runs only when asked for: `make bench-routing`.
DEFAULT_SECTIONS = ("dataset", "pages", "recommendations", "hostile", "chats")
README_PATH = Path(__file__).resolve().parent / "README.md"
TABLE_START = "<!-- page-latency table: start -->"
TABLE_END = "<!-- page-latency table: end -->"

DATASET_COLUMNS = (Column("figure", "Figure"), Column("value", "Value", "right"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the workbench against a large demo database.",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this part (repeat for more); default: all but themes",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=pages.DEFAULT_REPEATS,
        help=f"runs of each page (default: {pages.DEFAULT_REPEATS})",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="benchmark this existing database instead of the cached bench/out/large.db",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the cached database again from scratch"
    )
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        metavar="KEY",
        help="measure only this screen key from ui/navigation.py (repeat for more)",
    )
    parser.add_argument(
        "--skip-page",
        action="append",
        default=[],
        metavar="KEY",
        help="leave this screen key out (repeat for more), e.g. triage, measured on its own "
        "with --page triage --warm-up",
    )
    parser.add_argument(
        "--warm-up",
        action="store_true",
        help="run each page once untimed first (process-wide indexes and models built), "
        "e.g. --only pages --page triage --warm-up",
    )
    parser.add_argument(
        "--compare-with",
        metavar="COMMIT",
        default=None,
        help="also measure each page on the code of COMMIT (e.g. main), in turn with this "
        "code, and show both side by side (--only pages)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="with --compare-with: sessions of each page per code, taken in turn ABBA (default: 1)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS_PATH,
        help="the results file to merge into (default: bench/results.json)",
    )
    return parser


def _dataset_rows(info: dataset.DatasetInfo) -> list[dict[str, object]]:
    build = (
        "unknown (given database)"
        if info.build_seconds is None
        else (f"{info.build_seconds:,.1f} s (target under {dataset.BUILD_TARGET_SECONDS} s)")
    )
    rows: list[dict[str, object]] = [
        {"figure": "Database", "value": dataset.describe_url(info.database_url)},
        {"figure": "Build time", "value": build},
        {"figure": "Built by this run", "value": info.built_here},
    ]
    rows.extend(
        {"figure": name.replace("_", " ").capitalize(), "value": f"{count:,}"}
        for name, count in info.counts.items()
    )
    rows.append({"figure": "Meets the large-scale minimums", "value": info.meets_minimums})
    return rows


def update_readme(table: str, path: Path = README_PATH) -> bool:
    """Put ``table`` between the page-latency markers of bench/README.md; False if none."""
    if not path.exists():
        return False
    text = path.read_text(encoding="utf-8")
    start = text.find(TABLE_START)
    end = text.find(TABLE_END)
    if start < 0 or end < start:
        return False
    block = f"{TABLE_START}\n```text\n{table}\n```\n"
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    chosen = set(args.only or DEFAULT_SECTIONS)
    if "themes" in chosen:
        from bench.themes_speed import run_themes

        themes_status = run_themes(args.results)
        if chosen == {"themes"}:
            return themes_status
    if "routing" in chosen:
        from bench import routing

        routing_status = routing.run(args.results)
        if chosen == {"routing"}:
            return routing_status
    if "chats" in chosen:
        from bench import champion_chats

        chats_status = champion_chats.run(args.results)
        if chosen == {"chats"}:
            return chats_status
    if "similar" in chosen:
        from bench import similar_requests

        similar_status = similar_requests.run(args.results)
        if chosen == {"similar"}:
            return similar_status
    if "theme_labels" in chosen:
        from bench import theme_labels

        labels_status = theme_labels.run(args.results)
        if chosen == {"theme_labels"}:
            return labels_status
    if "theme_stance" in chosen:
        from bench import theme_stance

        stance_status = theme_stance.run(args.results)
        if chosen == {"theme_stance"}:
            return stance_status
    if "load" in chosen:
        # N people at once on a fresh local PostgreSQL database (about 6 minutes); options:
        # `python -m bench.load --help` (`--smoke` for a short run).
        from bench import load

        load_status = load.main(["--results", str(args.results)])
        if chosen == {"load"}:
            return load_status
    if "hostile" in chosen:
        from bench import hostile_files

        hostile_status = hostile_files.run(args.results)
        if chosen == {"hostile"}:
            return hostile_status
    if "recommendations" in chosen:
        from bench import recommend_eval

        status = recommend_eval.main([])
        if chosen == {"recommendations"}:
            return status
    try:
        info = dataset.ensure_dataset(args.database_url, rebuild=args.rebuild)
    except dataset.DatasetError as error:
        print(error, file=sys.stderr)
        return 1

    if "dataset" in chosen:
        print("\nBenchmark dataset\n")
        print_table(_dataset_rows(info), DATASET_COLUMNS)
        merge_results("dataset", info.section(), args.results)
        say(f"Dataset figures written to {args.results}")

    if "pages" in chosen:
        try:
            latency = pages.run(
                info.database_url,
                repeats=args.repeats,
                only=args.page,
                warm=args.warm_up,
                compare_with=args.compare_with,
                skip=args.skip_page,
                rounds=args.rounds,
            )
        except pages.PageBenchError as error:
            print(error, file=sys.stderr)
            return 1
        section = latency.section()
        columns = pages.table_columns(section)
        print(
            f"\nPage latency: {args.repeats} AppTest runs of each page, "
            f"against an empty page at {section['empty_page_median_ms']:,.1f} ms; "
            f"load average {section['load_average']}\n"
        )
        print_table(pages.rows_for_table(section), columns)
        if args.page:
            # Only some pages: their own section, so the full table stays as it was measured.
            name = "page_latency_" + "_".join(sorted(args.page))
            merge_results(name, {**section, "warm_up": args.warm_up}, args.results)
            say(f"Only some pages were measured: written to {name} in {args.results}")
        else:
            merge_results("page_latency", section, args.results)
            say(f"Page latency written to {args.results}")
            if args.results == RESULTS_PATH:
                update_readme(format_table(pages.rows_for_table(section), columns))
        if section["errors"]:
            say(f"{section['errors']} page and role pairs raised an error (see the table).")

    return 0


if __name__ == "__main__":
    raise SystemExit(main())
