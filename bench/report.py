"""Shared helpers for benchmark figures: statistics, a plain-text table and bench/results.json.

``results.json`` is a dict of sections. Each benchmark writes only its own section with
``merge_results`` and leaves the others as they are, so the page-latency figures, the theme
quality figures and the recommender figures can be produced by separate runs.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"

#: Top-level keys that describe the whole file rather than one benchmark.
META_KEYS = ("generated_at", "machine")


def median(values: Sequence[float]) -> float:
    """The median; raises ValueError for no values."""
    if not values:
        raise ValueError("median of no values")
    return float(statistics.median(values))


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (0 to 100), interpolating linearly between the closest ranks.

    With five runs the 90th percentile lies between the slowest and second-slowest run.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile must be between 0 and 100, not {pct}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * pct / 100
    lower = math.floor(position)
    upper = math.ceil(position)
    fraction = position - lower
    return float(ordered[lower] + (ordered[upper] - ordered[lower]) * fraction)


def ratio(value: float, baseline: float) -> float | None:
    """``value / baseline``, or None when the baseline is zero or negative."""
    if baseline <= 0:
        return None
    return value / baseline


def utc_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def machine_info() -> dict[str, Any]:
    """What the figures were measured on, so results from different machines are not mixed up."""
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "processor": platform.machine(),
    }


@dataclass(frozen=True)
class Column:
    """One table column: the row key it shows, its heading, and how to show a value."""

    key: str
    heading: str
    align: str = "left"  # "left" or "right"
    fmt: str = ""  # a format spec for numbers, such as ",.0f" or ".1f"

    def render(self, value: object) -> str:
        if value is None:
            return "-"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int | float) and self.fmt:
            return format(value, self.fmt)
        return str(value)


def format_table(rows: Sequence[Mapping[str, object]], columns: Sequence[Column]) -> str:
    """Rows as a plain-text table with aligned columns, a heading line and a rule."""
    if not columns:
        raise ValueError("a table needs at least one column")
    cells = [[column.render(row.get(column.key)) for column in columns] for row in rows]
    widths = [
        max([len(column.heading), *(len(line[i]) for line in cells)])
        for i, column in enumerate(columns)
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.rjust(width) if column.align == "right" else value.ljust(width)
            for value, width, column in zip(values, widths, columns, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line([c.heading for c in columns]), "  ".join("-" * w for w in widths)]
    out.extend(line(values) for values in cells)
    return "\n".join(out)


def print_table(rows: Sequence[Mapping[str, object]], columns: Sequence[Column]) -> None:
    print(format_table(rows, columns), flush=True)


def load_results(path: Path = RESULTS_PATH) -> dict[str, Any]:
    """The results file as a dict ({} when it does not exist yet)."""
    if not path.exists():
        return {}
    loaded = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} does not hold a JSON object")
    return loaded


def merge_results(
    section: str, data: Mapping[str, Any], path: Path = RESULTS_PATH
) -> dict[str, Any]:
    """Write ``data`` as section ``section`` of the results file, keeping all other sections.

    Also stamps the file's ``generated_at`` and ``machine``, and the section's own
    ``measured_at``. Sections keep their order in the file; a new one goes at the end.
    Returns the whole merged document.
    """
    if section in META_KEYS:
        raise ValueError(f"'{section}' is reserved for the file's own details")
    document = load_results(path)
    document["generated_at"] = utc_now_iso()
    document["machine"] = machine_info()
    document[section] = {"measured_at": document["generated_at"], **dict(data)}
    ordered = {key: document[key] for key in META_KEYS}
    ordered.update((key, value) for key, value in document.items() if key not in META_KEYS)
    text = json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=".results-", delete=False
    ) as handle:
        handle.write(text)
    Path(handle.name).replace(path)
    return ordered


def say(message: str) -> None:
    """Progress for the person running the benchmark (stderr, so tables stay clean)."""
    print(message, file=sys.stderr, flush=True)
