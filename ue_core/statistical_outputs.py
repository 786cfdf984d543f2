"""An organisation's list of statistical outputs, and which of them have had their team assessed.

A champion imports the organisation's list (title, team, release frequency, next release) from
a spreadsheet. Each output is then one of:

* **no team in the workbench** — no team of the organisation has the name the list gives;
* **never assessed** — the team has never submitted a self-assessment;
* **overdue** — the team's latest submitted assessment is older than
  ``assessment_fresh_for_months`` (12);
* **reassessment due** — the output was released, ``reassess_weeks_after_release`` (6) weeks have
  passed, and the team has not submitted an assessment since that release;
* **up to date** — none of these.

The rules and the list's vocabulary are in ``data/statistical_outputs.yaml``. Everything here is
pure: the service (``ue_core.services.statistical_outputs``) loads the facts and saves the list.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ue_core.content import load_model
from ue_core.io.survey_file import Limits, read_grid
from ue_core.survey_import import Issue, RawTable, detect_header_row
from ue_core.text import plural_noun

DEFAULT_PATH: Final = Path(__file__).resolve().parents[1] / "data" / "statistical_outputs.yaml"
#: The most outputs one list may hold (the largest departments publish a few hundred).
MAX_OUTPUTS: Final = 5_000
MAX_TITLE: Final = 300
MAX_TEAM: Final = 200


class Frequency(BaseModel):
    """One release frequency: a regular interval in weeks or months, or none (ad hoc)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    key: str = Field(pattern=r"^[a-z][a-z_]{1,38}$")
    label: str = Field(min_length=2, max_length=60)
    weeks: int | None = Field(default=None, ge=1, le=52)
    months: int | None = Field(default=None, ge=1, le=60)
    aliases: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one_interval_at_most(self) -> Frequency:
        if self.weeks is not None and self.months is not None:
            raise ValueError("give weeks or months, not both")
        return self

    @property
    def is_regular(self) -> bool:
        return self.weeks is not None or self.months is not None

    def back(self, day: date, steps: int) -> date:
        """The release ``steps`` intervals before ``day``."""
        if self.weeks is not None:
            return day - timedelta(weeks=self.weeks * steps)
        return months_before(day, (self.months or 0) * steps)


def months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class OutputRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    assessment_fresh_for_months: int = Field(ge=1, le=60)
    reassess_weeks_after_release: int = Field(ge=0, le=52)
    frequencies: tuple[Frequency, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _names_unique(self) -> OutputRules:
        seen: dict[str, str] = {}
        for frequency in self.frequencies:
            for name in (frequency.key, frequency.label, *frequency.aliases):
                folded = fold(name)
                if folded in seen and seen[folded] != frequency.key:
                    raise ValueError(
                        f"'{name}' names both {seen[folded]} and {frequency.key}: each way of "
                        "writing a frequency must name one frequency"
                    )
                seen[folded] = frequency.key
        return self

    def by_key(self) -> dict[str, Frequency]:
        return {frequency.key: frequency for frequency in self.frequencies}

    def find(self, written: str) -> Frequency | None:
        """The frequency a spreadsheet cell names (its key, label or an alias), if any."""
        folded = fold(written)
        for frequency in self.frequencies:
            names = (frequency.key, frequency.label, *frequency.aliases)
            if folded in {fold(name) for name in names}:
                return frequency
        return None

    def label(self, key: str) -> str:
        frequency = self.by_key().get(key)
        return frequency.label if frequency else key


def fold(text: str) -> str:
    """Text compared without case, spaces, hyphens or underscores: "Six-monthly" = "six monthly"."""
    return re.sub(r"[\s\-_]+", "", text).casefold()


def load_rules(path: Path | None = None) -> OutputRules:
    """Load and validate the rules file; ``ContentError`` names the key and line of a problem."""
    return load_model(DEFAULT_PATH if path is None else path, OutputRules)


@functools.cache
def shipped_rules() -> OutputRules:
    return load_rules()


# --- Reading a list -----------------------------------------------------------------------------

#: The columns a list needs, each with the headings people give it.
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "title": ("title", "output", "output title", "statistical output", "publication", "name"),
    "team": ("team", "team name", "producing team", "owning team"),
    "frequency": ("release frequency", "frequency", "how often released", "publication frequency"),
    "next_release": (
        "next release",
        "next release date",
        "next publication",
        "next publication date",
        "release date",
    ),
}
COLUMN_NAMES: Final = {
    "title": "title",
    "team": "team",
    "frequency": "release frequency",
    "next_release": "next release",
}

_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_WORDS = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\.?,?\s+(\d{4})$")
_NOTE = re.compile(r"\((?:provisional|confirmed|tbc|to be confirmed)\)$")


def parse_release_date(text: str) -> date | None:
    """A release date as a UK spreadsheet gives it: 2027-03-05, 05/03/2027 (day first),
    5 March 2027, 5 Mar 2027, or a month alone ("March 2027 (provisional)"), which counts as
    the first of the month. None when the text is not a date."""
    cleaned = _NOTE.sub("", text.strip().casefold()).strip()
    try:
        if match := _ISO.match(cleaned):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := _NUMERIC.match(cleaned):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if (match := _WORDS.match(cleaned)) and match.group(2) in _MONTHS:
            day_text, month_name, year_text = match.groups()
            return date(int(year_text), _MONTHS[month_name], int(day_text or 1))
    except ValueError:
        return None
    return None


#: The largest list file we accept, in bytes.
MAX_LIST_BYTES: Final = 5 * 1024 * 1024


def read_file(data: bytes, filename: str) -> RawTable:
    """A list file (CSV, XLSX or ODS) as a table: the column names (found below any title rows)
    and the rows under them. Raises ``ImportProblem`` when the file cannot be read."""
    grid = read_grid(data, filename, Limits(max_bytes=MAX_LIST_BYTES, max_rows=MAX_OUTPUTS + 1))
    position = detect_header_row(grid.rows)
    header = grid.rows[position][1]
    body = grid.rows[position + 1 :]
    width = max([len(header), *(len(cells) for _, cells in body)])
    return RawTable(
        filename=filename,
        source_format=grid.source_format,
        columns=tuple(" ".join(cell.split()) for cell in header) + ("",) * (width - len(header)),
        rows=tuple(tuple(cells) + ("",) * (width - len(cells)) for _, cells in body),
        row_numbers=tuple(number for number, _ in body),
        header_row=grid.rows[position][0],
    )


@dataclass(frozen=True)
class OutputRow:
    """One output of the list, as read from its row."""

    row: int
    title: str
    team_name: str
    frequency: str
    next_release: date | None


@dataclass(frozen=True)
class ReadList:
    """A list read from a file: the outputs, or the problems that stop it being saved."""

    outputs: tuple[OutputRow, ...]
    problems: tuple[Issue, ...]


def _column_positions(columns: Sequence[str]) -> tuple[dict[str, int], list[Issue]]:
    positions: dict[str, int] = {}
    for position, heading in enumerate(columns):
        for field, names in COLUMNS.items():
            if field not in positions and fold(heading) in {fold(name) for name in names}:
                positions[field] = position
    missing = [COLUMN_NAMES[field] for field in COLUMNS if field not in positions]
    if not missing:
        return positions, []
    found = ", ".join(f"'{column}'" for column in columns if column) or "none"
    return positions, [
        Issue(
            None,
            None,
            f"The list needs the {plural_noun(len(missing), 'column')} "
            + ", ".join(f"'{name}'" for name in missing)
            + f". The columns found are {found}.",
        )
    ]


def read_list(table: RawTable, rules: OutputRules) -> ReadList:
    """The outputs of a list, checked row by row; every problem names its row."""
    positions, problems = _column_positions(table.columns)
    if problems:
        return ReadList((), tuple(problems))
    if table.row_count == 0:
        return ReadList((), (Issue(None, None, "The list has column names but no outputs."),))
    if table.row_count > MAX_OUTPUTS:
        return ReadList(
            (),
            (
                Issue(
                    None,
                    None,
                    f"The list has {table.row_count:,} outputs; the most one list may hold is "
                    f"{MAX_OUTPUTS:,}. Split it by part of the organisation.",
                ),
            ),
        )
    outputs: list[OutputRow] = []
    seen: dict[tuple[str, str], int] = {}
    valid = ", ".join(f.label.lower() for f in rules.frequencies)
    for number, cells in zip(table.row_numbers, table.rows, strict=True):
        title, team, written_frequency, written_date = (
            " ".join(cells[positions[field]].split()) for field in COLUMNS
        )
        row_problems: list[str] = []
        if not title:
            row_problems.append("the title is empty")
        elif len(title) > MAX_TITLE:
            row_problems.append(f"the title is longer than {MAX_TITLE} characters")
        if not team:
            row_problems.append("the team is empty")
        elif len(team) > MAX_TEAM:
            row_problems.append(f"the team's name is longer than {MAX_TEAM} characters")
        frequency = rules.find(written_frequency) if written_frequency else None
        if frequency is None:
            row_problems.append(
                f"the release frequency '{written_frequency}' is not one we know (use one of: "
                f"{valid})"
                if written_frequency
                else "the release frequency is empty"
            )
        next_release = parse_release_date(written_date) if written_date else None
        if written_date and next_release is None:
            row_problems.append(
                f"the next release '{written_date}' is not a date (write it as 5 March 2027 "
                "or 05/03/2027)"
            )
        key = (fold(title), fold(team))
        if title and team and key in seen:
            row_problems.append(f"it repeats the output on row {seen[key]}")
        seen.setdefault(key, number)
        if row_problems:
            problems.append(Issue(number, None, f"Row {number}: " + "; ".join(row_problems) + "."))
        elif frequency is not None:
            outputs.append(OutputRow(number, title, team, frequency.key, next_release))
    if problems:
        return ReadList((), tuple(problems))
    return ReadList(tuple(outputs), ())


# --- Coverage -----------------------------------------------------------------------------------


class OutputStatus(StrEnum):
    """Where an output's team stands, most urgent first."""

    NO_TEAM = "No team in the workbench"
    NEVER_ASSESSED = "Never assessed"
    OVERDUE = "Overdue"
    REASSESS = "Reassessment due"
    UP_TO_DATE = "Up to date"


#: The statuses that ask the champion to act, in the order the page lists them.
NEEDS_ACTION: Final = (
    OutputStatus.NO_TEAM,
    OutputStatus.NEVER_ASSESSED,
    OutputStatus.OVERDUE,
    OutputStatus.REASSESS,
)


@dataclass(frozen=True)
class Releases:
    """An output's latest release on or before today and the reassessment prompts around it."""

    last: date | None
    prompt_from: date | None
    next_prompt: date | None


def releases(
    frequency: Frequency, next_release: date | None, today: date, weeks_after: int
) -> Releases:
    """The latest release up to ``today`` (stepping back from the next release by the output's
    interval; a "next" release already past is the latest), when the prompt after it falls, and
    when the prompt after the next release will."""
    if next_release is None:
        return Releases(None, None, None)
    after = timedelta(weeks=weeks_after)
    if next_release <= today:
        return Releases(next_release, next_release + after, None)
    next_prompt = next_release + after
    if not frequency.is_regular:
        return Releases(None, None, next_prompt)
    steps = 1
    while (last := frequency.back(next_release, steps)) > today:
        steps += 1
    return Releases(last, last + after, next_prompt)


@dataclass(frozen=True)
class OutputCoverage:
    """One output with its team's assessment and what the champion should do."""

    title: str
    team_name: str
    team_id: int | None
    frequency_label: str
    next_release: date | None
    last_assessed: date | None
    status: OutputStatus
    releases: Releases

    @property
    def prompt_now(self) -> bool:
        return self.status is OutputStatus.REASSESS


def output_status(
    *,
    team_found: bool,
    last_assessed: date | None,
    last_release: date | None,
    prompt_from: date | None,
    today: date,
    fresh_for_months: int,
) -> OutputStatus:
    """The rules of the module docstring, most urgent first."""
    if not team_found:
        return OutputStatus.NO_TEAM
    if last_assessed is None:
        return OutputStatus.NEVER_ASSESSED
    if last_assessed < months_before(today, fresh_for_months):
        return OutputStatus.OVERDUE
    if (
        last_release is not None
        and prompt_from is not None
        and prompt_from <= today
        and last_assessed < last_release
    ):
        return OutputStatus.REASSESS
    return OutputStatus.UP_TO_DATE


def cover(
    *,
    title: str,
    team_name: str,
    team_id: int | None,
    frequency_key: str,
    next_release: date | None,
    last_assessed: date | None,
    today: date,
    rules: OutputRules,
) -> OutputCoverage:
    """One output's coverage, from the facts the service loaded."""
    frequency = rules.by_key().get(frequency_key) or Frequency(key="ad_hoc", label="Ad hoc")
    found = releases(frequency, next_release, today, rules.reassess_weeks_after_release)
    status = output_status(
        team_found=team_id is not None,
        last_assessed=last_assessed,
        last_release=found.last,
        prompt_from=found.prompt_from,
        today=today,
        fresh_for_months=rules.assessment_fresh_for_months,
    )
    return OutputCoverage(
        title,
        team_name,
        team_id,
        frequency.label,
        next_release,
        last_assessed,
        status,
        found,
    )
