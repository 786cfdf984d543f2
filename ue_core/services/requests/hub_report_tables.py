"""The desk reports as tables: what the page shows, and its ODS and formula-safe CSV downloads.

Each :class:`ReportTable` has a title, a text description, the table as shown (counts, or
``[c]`` where a figure would identify a team) and, for a chart, the same figures in long form
(``Category``, ``Series``, ``Count`` with hidden figures missing, and ``Label``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import pandas as pd

from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.desk_figures import OPEN_ORDER, RATINGS, Figure, Month, month_end
from ue_core.disclosure import SUPPRESSED, SUPPRESSED_NOTE
from ue_core.io.safe_csv import to_csv_bytes
from ue_core.io.spreadsheet import Shorthand, Table, Workbook, to_ods
from ue_core.services.reports import AUTHOR, PUBLISHER
from ue_core.services.requests.hub_reports import DeskFilters, DeskReport, desk_report
from ue_core.services.requests.rating import RATING_LABELS
from ue_core.services.support import STATUS_LABELS
from ue_core.timefmt import format_date
from ue_core.vocabulary import RequestStatus

SUPPRESSED_MARK: Final = Shorthand(SUPPRESSED, "fewer than 5 teams, so not shown")
NOTE_WORKING_DAYS: Final = (
    "[note 1]",
    "Working days are Monday to Friday except bank holidays in England and Wales. The clock "
    "stops while the hub waits on the team, and a target is missed when the answer came after "
    "its due date, or has still not come after it.",
)
NOTE_SUPPRESSED: Final = ("[note 2]", SUPPRESSED_NOTE)


@dataclass(frozen=True)
class ReportTable:
    key: str
    title: str
    description: str
    frame: pd.DataFrame  # as shown: numbers, or [c]
    chart: pd.DataFrame | None = None  # Category, Series, Count (missing when hidden), Label
    series: tuple[str, ...] = ()
    category_title: str = ""


def _month(month: Month) -> str:
    return date(month[0], month[1], 1).strftime("%B %Y")


def _shown(value: int | None) -> int | str:
    return SUPPRESSED if value is None else value


def _figure(figure: Figure) -> float | str:
    shown = figure.display()
    return shown if figure.value is None else round(figure.value, 1) + 0.0  # never "-0.0"


def _long(rows: Sequence[tuple[str, str, int | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Category": [category for category, _, _ in rows],
            "Series": [series for _, series, _ in rows],
            "Count": pd.array([count for _, _, count in rows], dtype="Int64"),
            "Label": [SUPPRESSED if count is None else f"{count:,}" for _, _, count in rows],
        }
    )


def _largest(counts: Mapping[str, int | None], what: str) -> str:
    shown = {key: value for key, value in counts.items() if value}
    hidden = any(value is None for value in counts.values())
    parts = []
    if shown:
        top = max(shown, key=lambda key: shown[key])
        parts.append(f"The most requests were {what} {top} ({shown[top]:,}).")
    if hidden:
        parts.append(f"{SUPPRESSED} marks figures from fewer than 5 teams.")
    return " ".join(parts)


def _one_way(
    key: str, title: str, column: str, counts: Mapping[str, int | None], intro: str, what: str
) -> ReportTable:
    frame = pd.DataFrame(
        {column: list(counts), "Requests": [_shown(v) for v in counts.values()]}, dtype=object
    )
    chart = _long([(name, "Requests", count) for name, count in counts.items()])
    return ReportTable(
        key,
        title,
        f"{intro} {_largest(counts, what)}".strip(),
        frame,
        chart,
        ("Requests",),
        column,
    )


def _timeliness(report: DeskReport) -> ReportTable:
    figures = report.figures
    rows = [
        {
            "Month sent": _month(row.month),
            "Requests": _shown(row.requests),
            "Median working days to first response": _figure(row.median_first_response),
            "Median working days to resolution": _figure(row.median_resolution),
            "First responses late": _shown(row.first_response_breaches),
            "Resolutions late": _shown(row.resolution_breaches),
        }
        for row in figures.timeliness
    ]
    frame = pd.DataFrame(rows, dtype=object)
    chart = _long(
        [
            (_month(row.month), series, count)
            for row in figures.timeliness
            for series, count in (
                ("First response late", row.first_response_breaches),
                ("Resolution late", row.resolution_breaches),
            )
        ]
    )
    first, resolution = figures.median_first_response, figures.median_resolution
    description = (
        "A bar chart of the requests sent each month that missed their first-response and "
        "their resolution targets. Across the period the median was "
        f"{first.display()} working days to a first response and {resolution.display()} to "
        f"resolution. {SUPPRESSED} marks figures from fewer than 5 teams."
    )
    return ReportTable(
        "timeliness",
        "Service levels by month",
        description,
        frame,
        chart,
        ("First response late", "Resolution late"),
        "Month sent",
    )


def _satisfaction(report: DeskReport) -> ReportTable:
    figures = report.figures
    counts = {RATING_LABELS[r]: figures.ratings.get(r) for r in RATINGS}
    table = _one_way(
        "satisfaction",
        "Satisfaction with resolved requests",
        "Rating",
        counts,
        "A bar chart of the teams' ratings of the help with resolved requests, from very poor "
        f"to very good. The mean rating is {figures.mean_rating.display()} out of 5.",
        "rated",
    )
    return table


def _backlog(report: DeskReport) -> ReportTable:
    labels = {status: STATUS_LABELS[RequestStatus(status)] for status in OPEN_ORDER}
    rows = []
    long: list[tuple[str, str, int | None]] = []
    for month, cells in report.figures.backlog.items():
        name = _month(month) if month_end(month) < report.today else f"{_month(month)} (so far)"
        row: dict[str, object] = {"Month end": name}
        for status, label in labels.items():
            row[label] = _shown(cells.get(status, 0))
            long.append((name, label, cells.get(status, 0)))
        rows.append(row)
    return ReportTable(
        "backlog",
        "Open requests at the end of each month",
        "A bar chart of the requests still open at the end of each month (or today, for this "
        "month), by the status they were in then; the counts are in the table below it. "
        f"{SUPPRESSED} marks figures from fewer than 5 teams.",
        pd.DataFrame(rows, dtype=object),
        _long(long),
        tuple(labels.values()),
        "Month end",
    )


def _demand(report: DeskReport) -> ReportTable:
    rows = []
    for row in report.figures.demand:
        entry: dict[str, object] = {
            "Organisation": report.organisation_names[row.organisation_id],
            "Requests": _shown(row.requests),
        }
        for key, title in report.principles:
            entry[f"Average gap: {title}"] = _figure(row.mean_gaps[key])
        rows.append(entry)
    return ReportTable(
        "demand",
        "Requests by organisation, beside its teams' gaps to target",
        "Each organisation's requests in the period beside the average gap to target of its "
        "teams on each principle, from their latest submitted assessments (the target level "
        "minus the score as shown; above 0 is short of the target). "
        f"{SUPPRESSED} marks figures from fewer than 5 teams.",
        pd.DataFrame(rows, dtype=object),
    )


def desk_tables(report: DeskReport) -> tuple[ReportTable, ...]:
    """Every table of a report, in the order the page shows them."""
    figures = report.figures
    period = f"from {format_date(report.filters.start)} to {format_date(report.filters.end)}"
    total = "" if figures.total is None else f" {figures.total:,} in all."
    return (
        _one_way(
            "by_month",
            "Requests by month",
            "Month",
            {_month(m): v for m, v in figures.by_month.items()},
            f"A bar chart of the requests sent each month {period}.{total}",
            "in",
        ),
        _one_way(
            "by_kind",
            "Requests by kind of help",
            "Kind of help",
            {report.kind_labels.get(k, k): v for k, v in figures.by_kind.items()},
            "A bar chart of the requests by the kind of help asked for.",
            "for",
        ),
        _one_way(
            "by_area",
            "Requests by practice area",
            "Practice area",
            {report.area_labels.get(k, k): v for k, v in figures.by_area.items()},
            "A bar chart of the requests by the practice areas a consultant confirmed at "
            "triage; a request about two areas counts in both, and one not yet triaged "
            "counts as not triaged.",
            "about",
        ),
        _timeliness(report),
        _satisfaction(report),
        _backlog(report),
        _demand(report),
    )


def _scope(report: DeskReport) -> str:
    who = report.organisation_name or "every organisation"
    return (
        f"Requests to the USER hub from {who}, sent from {format_date(report.filters.start)} "
        f"to {format_date(report.filters.end)}, as on {format_date(report.today)}."
    )


def desk_report_ods(
    db: Database, actor: Actor, filters: DeskFilters, today: date | None = None
) -> bytes:
    """Hub staff: the desk reports as an accessible ODS workbook, one table a sheet."""
    report = desk_report(db, actor, filters, today)
    tables = [
        Table(
            sheet_name=table.key.capitalize(),
            title=table.title,
            dataframe=table.frame,
            description=table.description,
            notes=[NOTE_WORKING_DAYS[0], NOTE_SUPPRESSED[0]],
            shorthand=[SUPPRESSED_MARK],
        )
        for table in desk_tables(report)
    ]
    return to_ods(
        Workbook(
            title="USER hub desk reports",
            cover=[
                ("About this workbook", _scope(report)),
                ("What it contains", " ".join(f"{t.title}." for t in tables)),
            ],
            notes=[NOTE_WORKING_DAYS, NOTE_SUPPRESSED],
            tables=tables,
            author=AUTHOR,
            organisation=PUBLISHER,
            subject="Requests to the USER hub",
            keywords=("user engagement", "support requests", "service levels"),
        )
    )


def desk_report_csv(
    db: Database, actor: Actor, filters: DeskFilters, table_key: str, today: date | None = None
) -> bytes:
    """Hub staff: one table of the desk reports as formula-safe CSV."""
    report = desk_report(db, actor, filters, today)
    for table in desk_tables(report):
        if table.key == table_key:
            return to_csv_bytes(table.frame)
    raise KeyError(table_key)
