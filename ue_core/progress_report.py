"""The strategy's progress report: a list of sections, rendered as accessible HTML and ODS.

The strategy asks the hub to report progress to boards twice a year and to Parliament once a
year. A report covers a period (``ReportPeriod``) and is a list of :class:`Section` s, each made
by a plain function from the data (``ue_core.progress_sections``); this module knows nothing
about what a section says. Each section has headline sentences, a table as shown (``[c]`` where
a figure comes from fewer than 5 teams) and, optionally, a :class:`CountChart` of the same
figures. The HTML report draws each chart as inline SVG with a title, a description and the
table beside it; the ODS workbook has one sheet a section. Nothing is typed by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import pandas as pd

from ue_core.champion_chats import add_months, month_of
from ue_core.disclosure import SUPPRESSED, SUPPRESSED_NOTE
from ue_core.errors import InputError
from ue_core.io.html_report import HtmlReport
from ue_core.io.spreadsheet import Shorthand, Table, Workbook, to_ods
from ue_core.io.svg_charts import BarRow, Series, SvgChart, bar_chart
from ue_core.palette import AF_CATEGORICAL
from ue_core.timefmt import format_date

#: The longest period one report covers.
MAX_MONTHS: Final = 60
#: The preset periods: the whole months before the current one.
PRESETS: Final[dict[str, int]] = {"Last 6 months": 6, "Last 12 months": 12}
REPORT_TITLE: Final = "User engagement strategy: progress report"
SUPPRESSED_MARK: Final = Shorthand(SUPPRESSED, "fewer than 5 teams, so not shown")
NOTE_SUPPRESSED: Final = ("[note 1]", SUPPRESSED_NOTE)
_NICE_STEPS: Final = (1, 2, 5)


@dataclass(frozen=True)
class ReportPeriod:
    """The days a report covers, ``start`` to ``end`` (UK dates, both included)."""

    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{format_date(self.start)} to {format_date(self.end)}"

    def months(self) -> tuple[date, ...]:
        """The first day of every month the period touches, in order."""
        found, month = [], month_of(self.start)
        while month <= self.end:
            found.append(month)
            month = add_months(month, 1)
        return tuple(found)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def preset_period(months: int, today: date) -> ReportPeriod:
    """The ``months`` whole months before the month of ``today``."""
    this_month = month_of(today)
    return ReportPeriod(add_months(this_month, -months), this_month - timedelta(days=1))


def checked_period(start: date | None, end: date | None, today: date) -> ReportPeriod:
    """The period a person chose, or an ``InputError`` saying what is wrong with it."""
    if start is None or end is None:
        raise InputError("Choose the first and the last day the report covers.")
    if start > end:
        raise InputError("The first day must be the same as or before the last day.")
    if end > today:
        raise InputError(f"The last day cannot be after today ({format_date(today)}).")
    if len(ReportPeriod(start, end).months()) > MAX_MONTHS:
        raise InputError(f"Choose a period of {MAX_MONTHS} months or fewer.")
    return ReportPeriod(start, end)


def shown(count: int | None) -> int | str:
    """A count as a table shows it: the number, or ``[c]`` when it is hidden."""
    return SUPPRESSED if count is None else count


def count_axis(largest: int) -> tuple[int, int]:
    """The top of a count axis from 0 and its step: about 4 to 10 grid lines, round steps."""
    top = max(largest, 1)
    magnitude = 10 ** max(0, math.floor(math.log10(top)) - 1)
    for scale in (magnitude, magnitude * 10, magnitude * 100):
        for step in (nice * scale for nice in _NICE_STEPS):
            if math.ceil(top / step) <= 10:
                return math.ceil(top / step) * step, step
    raise AssertionError("unreachable: a step of 100 times the magnitude always fits")


@dataclass(frozen=True)
class CountChart:
    """Counts by category, one bar per series; ``None`` is a count hidden as ``[c]``."""

    title: str
    description: str
    category_title: str
    value_title: str
    series: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int | None, ...]], ...]  # (category, one count a series)

    def __post_init__(self) -> None:
        if not self.series or any(len(c) != len(self.series) for _, c in self.rows):
            raise ValueError("Each category needs one count for each series")

    def long_frame(self) -> pd.DataFrame:
        """Category, Series, Count (missing when hidden) and Label, one row a bar."""
        bars = [
            (c, s, n) for c, counts in self.rows for s, n in zip(self.series, counts, strict=True)
        ]
        return pd.DataFrame(
            {
                "Category": [c for c, _, _ in bars],
                "Series": [s for _, s, _ in bars],
                "Count": pd.array([n for _, _, n in bars], dtype="Int64"),
                "Label": [SUPPRESSED if n is None else f"{n:,}" for _, _, n in bars],
            }
        )

    def svg(self, chart_id: str) -> SvgChart:
        """The chart as inline SVG: hidden counts have no bar and say ``[c]`` beside the row."""
        largest = max((n or 0 for _, counts in self.rows for n in counts), default=0)
        top, step = count_axis(largest)
        several = len(self.series) > 1
        rows = [
            BarRow(
                category,
                tuple(None if n is None else float(n) for n in counts),
                ", ".join(
                    f"{name.lower()} {shown(n)}" if several else str(shown(n))
                    for name, n in zip(self.series, counts, strict=True)
                ),
            )
            for category, counts in self.rows
        ]
        return bar_chart(
            chart_id=chart_id,
            title=self.title,
            description=self.description,
            rows=rows,
            series=tuple(
                Series(name, AF_CATEGORICAL[i % len(AF_CATEGORICAL)])
                for i, name in enumerate(self.series)
            ),
            axis_title=self.value_title,
            domain=(0, top),
            tick_step=step,
        )


@dataclass(frozen=True)
class Section:
    """One part of the report: its headline sentences, its table and perhaps a chart of it.

    ``key`` names the ODS sheet (at most 31 characters) and the chart's id in the HTML.
    ``table`` holds the figures as shown: numbers, or ``[c]`` where they are hidden.
    """

    key: str
    title: str
    summary: tuple[str, ...]
    description: str
    table: pd.DataFrame
    chart: CountChart | None = None
    suppressed: bool = False  # whether any figure is (or could be) [c]

    def __post_init__(self) -> None:
        if not self.key.isidentifier() or len(self.key) > 31:
            raise ValueError(f"Section key {self.key!r} must be a short identifier")


@dataclass(frozen=True)
class ProgressReport:
    """The report: its sections, and who made it (the files' author and publisher)."""

    period: ReportPeriod
    made_on: date
    sections: tuple[Section, ...]
    author: str
    publisher: str

    @property
    def about(self) -> str:
        return (
            f"What the user engagement champions, the organisations and the USER hub did from "
            f"{self.period.label}, from the workbench's records as on {format_date(self.made_on)}."
        )


def report_html(report: ProgressReport) -> str:
    """The report as one accessible, self-contained HTML page (inline SVG, no requests)."""
    page = HtmlReport(f"{REPORT_TITLE}, {report.period.label}", decimals=1)
    page.heading("About this report")
    page.paragraph(report.about)
    page.definition_list(
        [
            ("Period", report.period.label),
            ("Made on", format_date(report.made_on)),
            ("Made by", report.publisher),
        ]
    )
    page.paragraph(SUPPRESSED_NOTE)
    page.heading("Contents")
    page.bullet_list(section.title for section in report.sections)
    for section in report.sections:
        page.heading(section.title)
        page.bullet_list(section.summary)
        if section.chart is not None:
            page.figure(
                section.chart.description,
                section.table,
                section.chart.title,
                section.chart.svg(f"chart-{section.key.replace('_', '-')}"),
            )
        else:
            page.paragraph(section.description)
            page.table(section.table, section.title)
    return page.render()


def _sheet_name(section: Section) -> str:
    return section.key.replace("_", " ").capitalize()


def report_workbook(report: ProgressReport) -> Workbook:
    tables = [
        Table(
            sheet_name=_sheet_name(section),
            title=section.title,
            dataframe=section.table,
            description=section.description,
            notes=[NOTE_SUPPRESSED[0]] if section.suppressed else [],
            shorthand=[SUPPRESSED_MARK] if section.suppressed else [],
        )
        for section in report.sections
    ]
    cover: list[tuple[str, str]] = [("About this workbook", report.about)]
    cover += [(section.title, " ".join(section.summary)) for section in report.sections]
    return Workbook(
        title=f"{REPORT_TITLE}, {report.period.label}",
        cover=cover,
        notes=[NOTE_SUPPRESSED],
        tables=tables,
        author=report.author,
        organisation=report.publisher,
        subject="Progress on the user engagement strategy for statistics",
        keywords=("user engagement", "strategy", "progress report"),
    )


def report_ods(report: ProgressReport) -> bytes:
    """The report as an accessible ODS workbook: a cover, notes and one sheet a section."""
    return to_ods(report_workbook(report))


def file_stem(period: ReportPeriod) -> str:
    return f"progress-report-{period.start.isoformat()}-to-{period.end.isoformat()}"
