"""Read a survey export, let a person map its columns, check it, and prepare it for storing.

The steps follow what a person does on the import screen:

1. :func:`read_table` reads the uploaded bytes (CSV, XLSX or ODS) into a :class:`RawTable`.
2. :func:`preview` shows the first rows and suggests a :class:`ColumnMapping`.
3. :func:`validate` checks the file against the chosen mapping and returns a
   :class:`ValidationReport` before anything is saved.
4. :func:`prepare` turns the table into a :class:`PreparedSurvey` with personal data removed
   from every answer. A column of personal identifiers (e-mail addresses, names, phone
   numbers) is never suggested, and cannot be the respondent ID or a closed question.

Problems that stop a file being read raise :class:`ImportProblem` with a plain-English message;
the limits on what is read are in :mod:`ue_core.io.survey_file`. Row numbers are the ones a
person sees in a spreadsheet: when the column names are in row 1, the first answer is row 2.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from ue_core.io.survey_file import (
    DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES,
)
from ue_core.io.survey_file import (
    DEFAULT_MAX_ROWS as DEFAULT_MAX_ROWS,
)
from ue_core.io.survey_file import (
    HEADER_SEARCH_ROWS,
    MAX_CELLS,
    Grid,
    Limits,
    TableFormat,
    column_letter,
    read_grid,
)
from ue_core.io.survey_file import (
    ImportProblem as ImportProblem,
)
from ue_core.redaction import (
    RedactionKind,
    add_counts,
    empty_counts,
    personal_column,
    redact,
)

ColumnKind = Literal["respondent_id", "free_text", "closed", "personal", "empty"]

_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class Issue:
    """One error or warning in a validation report. ``row`` is the spreadsheet row number."""

    row: int | None
    column: str | None
    message: str


@dataclass(frozen=True)
class RawTable:
    """A survey file read into text cells, before any columns are chosen.

    ``rows[i]`` has one cell per column and came from spreadsheet row ``row_numbers[i]``.
    Completely empty rows are dropped, so row numbers can skip. ``header_row`` is the row that
    held the column names and ``top_rows`` the first rows with something in them (so a person
    can choose another header row).
    """

    filename: str
    source_format: TableFormat
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]
    encoding: str | None = None
    delimiter: str | None = None
    sheet_name: str | None = None
    warnings: tuple[Issue, ...] = ()
    header_row: int = 1
    top_rows: tuple[tuple[int, tuple[str, ...]], ...] = ()

    @property
    def row_count(self) -> int:
        """How many rows of answers the file has (the header is not counted)."""
        return len(self.rows)

    def column_values(self, column: str) -> list[str]:
        """Every cell of one column, in row order."""
        position = self.columns.index(column)
        return [row[position] for row in self.rows]

    def describe_source(self) -> str:
        """A short description of how the file was read, for the preview screen."""
        if self.source_format == "csv":
            name = _DELIMITER_NAMES.get(self.delimiter or ",", "comma")
            return f"Text file, {name} separated, {self.encoding} encoding"
        kind = "Excel workbook" if self.source_format == "xlsx" else "OpenDocument spreadsheet"
        return f"{kind}, sheet '{self.sheet_name}'"


#: Longest wording kept for a question (the column holding it is this long).
MAX_WORDING: Final = 300


def tidy_header(column: str) -> str:
    """A column header as a person would write it: "organisation_type" -> "Organisation type".

    Underscores and hyphens become spaces, spaces are collapsed, and the first letter is a
    capital; headers already written as words ("How often do you engage?") keep their wording.
    """
    words = " ".join(re.sub(r"[_\-]+", " ", column).split())
    return words[:1].upper() + words[1:] if words else column


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns hold the respondent ID, the free-text questions and the closed questions."""

    respondent_id: str | None
    free_text: list[str]
    closed: list[str] = field(default_factory=list)
    #: How each question is worded on screen and in reports, by column; a column not given
    #: here is shown by its tidied header (``tidy_header``).
    wording: dict[str, str] = field(default_factory=dict)

    def wording_of(self, column: str) -> str:
        """The wording given for ``column``, on one line, or "" to use its tidied header."""
        given = " ".join(self.wording.get(column, "").split())
        return "" if given == tidy_header(column) else given[:MAX_WORDING]


@dataclass(frozen=True)
class ColumnProfile:
    """What a column looks like, to help a person choose its role."""

    name: str
    filled: int
    distinct: int
    mean_length: float
    examples: tuple[str, ...]
    suggested_kind: ColumnKind
    personal: str | None = None
    looks_like_id: bool = False
    blank: int = 0


@dataclass(frozen=True)
class Preview:
    """The first rows of a file, a profile of each column and a suggested mapping."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]
    row_count: int
    profiles: tuple[ColumnProfile, ...]
    suggested_mapping: ColumnMapping
    source: str
    warnings: tuple[Issue, ...]
    header_row: int = 1


@dataclass(frozen=True)
class ValidationReport:
    """What a person must fix (errors) or should know (warnings) before the survey is saved."""

    errors: list[Issue]
    warnings: list[Issue]
    redaction_counts: dict[RedactionKind, int]
    row_count: int
    closed_redaction_counts: dict[RedactionKind, int] = field(default_factory=empty_counts)

    @property
    def ok(self) -> bool:
        """True when the survey can be saved."""
        return not self.errors


@dataclass(frozen=True)
class PreparedResponse:
    """One respondent's answers, ready to store. Free text has had personal data removed."""

    row: int
    respondent_id: str
    free_text: dict[str, str]
    closed: dict[str, str]


@dataclass(frozen=True)
class PreparedSurvey:
    """A validated survey, ready to store."""

    filename: str
    mapping: ColumnMapping
    responses: list[PreparedResponse]
    redaction_counts: dict[RedactionKind, int]
    report: ValidationReport

    def texts(self, question: str) -> list[str]:
        """Every (redacted) answer to one free-text question, in row order."""
        return [response.free_text[question] for response in self.responses]


# ---------------------------------------------------------------------------------------------
# Reading


def read_table(
    data: bytes,
    filename: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    header_row: int | None = None,
) -> RawTable:
    """Read a CSV, XLSX or ODS file into a :class:`RawTable`.

    The format is chosen from the file's content (Excel and ODS files are zip archives), with the
    extension as a tie-breaker; text files may be UTF-8 (with or without a byte-order mark),
    UTF-16 or Windows-1252, separated by commas, semicolons or tabs. ``header_row`` is the
    spreadsheet row that holds the column names; by default it is found (titles and notes
    above the column names are left out, with a warning). Size limits are in
    :mod:`ue_core.io.survey_file`.

    Raises :class:`ImportProblem` when the file is empty, too large or unreadable.
    """
    grid = read_grid(data, filename, Limits(max_bytes=max_bytes, max_rows=max_rows))
    return _build_table(filename, grid, max_rows, header_row)


def header_choices(raw: RawTable) -> list[tuple[int, str]]:
    """The rows a person may choose as the header, each with a short description of it."""
    return [(number, _describe_row(number, cells)) for number, cells in raw.top_rows]


def _describe_row(number: int, cells: Sequence[str]) -> str:
    shown = ", ".join(cell for cell in cells if cell)
    if len(shown) > 80:
        shown = shown[:77].rstrip() + "..."
    return f"Row {number}: {shown}"


def detect_header_row(rows: Sequence[tuple[int, Sequence[str]]]) -> int:
    """The position in ``rows`` of the row most likely to hold the column names.

    Titles, dates and notes above a table fill one or two cells; the column names fill most
    of the table's width. The header is the first row that fills at least three quarters as
    many cells as the typical (median) row near the top of the file.
    """
    if not rows:
        return 0
    filled = [sum(1 for cell in cells if cell) for _, cells in rows[:HEADER_SEARCH_ROWS]]
    typical = statistics.median(filled)
    for position, count in enumerate(filled):
        if count * 4 >= typical * 3 and (count >= 2 or typical < 2):
            return position
    return 0


def _build_table(
    filename: str, grid: Grid, max_rows: int, header_row: int | None = None
) -> RawTable:
    if not grid.rows:
        raise ImportProblem("The file is empty")
    top = grid.rows[:HEADER_SEARCH_ROWS]
    if header_row is None:
        header_position = detect_header_row(top)
    else:
        positions = [i for i, (number, _) in enumerate(top) if number == header_row]
        if not positions:
            raise ImportProblem(
                f"Row {header_row} cannot hold the column names: it is empty, or it is not "
                f"among the first {HEADER_SEARCH_ROWS} rows that have something in them",
                row=header_row,
            )
        header_position = positions[0]
    header_number, header = grid.rows[header_position]
    warnings: list[Issue] = [Issue(row, None, message) for row, message in grid.warnings]
    if header_position:
        skipped = [number for number, _ in grid.rows[:header_position]]
        listed = f"row {skipped[0]}" if len(skipped) == 1 else f"rows {skipped[0]}-{skipped[-1]}"
        warnings.append(
            Issue(
                header_number,
                None,
                f"The column names were found in row {header_number}, so {listed} above them "
                "(a title or notes) were left out. If that is wrong, choose the row that holds "
                "the column names",
            )
        )
    columns: list[str] = []
    seen: dict[str, int] = {}
    for position, name in enumerate(header):
        label = name or f"Column {column_letter(position)}"
        key = label.casefold()
        if key in seen:
            seen[key] += 1
            renamed = f"{label} ({seen[key]})"
            warnings.append(
                Issue(
                    header_number,
                    label,
                    f"Two columns are called '{label}': the second is now '{renamed}'",
                )
            )
            label = renamed
        else:
            seen[key] = 1
        columns.append(label)
    width = len(columns)
    body = grid.rows[header_position + 1 :]
    if len(body) > max_rows:
        raise ImportProblem(
            f"The file has more than {max_rows:,} rows of answers, the most one file may hold: "
            "split it into smaller files"
        )
    if not body:
        raise ImportProblem(
            f"The file has column names in row {header_number} but no answers below them"
        )
    if width * len(body) > MAX_CELLS:
        raise ImportProblem(
            f"The file has more than {MAX_CELLS:,} cells (rows times columns), the most one "
            "file may hold: split it into smaller files, or save only the columns you need"
        )
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    for number, cells in body:
        if len(cells) > width:
            warnings.append(
                Issue(
                    number,
                    None,
                    f"Row {number} has more cells than there are column names; "
                    "the extra cells were left out",
                )
            )
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + ("",) * (width - len(cells))
        rows.append(cells)
        numbers.append(number)
    return RawTable(
        filename=filename,
        source_format=grid.source_format,
        columns=tuple(columns),
        rows=tuple(rows),
        row_numbers=tuple(numbers),
        encoding=grid.encoding,
        delimiter=grid.delimiter,
        sheet_name=grid.sheet_name,
        warnings=tuple(warnings),
        header_row=header_number,
        top_rows=tuple((number, cells[:20]) for number, cells in top),
    )


# ---------------------------------------------------------------------------------------------
# Preview and suggested mapping

_ID_NAME = re.compile(r"\b(id|identifier|respondent|response ?id|ref|reference|case)\b", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}")


def profile_column(raw: RawTable, column: str) -> ColumnProfile:
    """Describe one column and guess its role from its name and values."""
    values = raw.column_values(column)
    filled = [value for value in values if value]
    distinct = len(set(filled))
    mean_length = sum(len(value) for value in filled) / len(filled) if filled else 0.0
    mean_words = sum(len(_WORD.findall(value)) for value in filled) / len(filled) if filled else 0.0
    examples = tuple(dict.fromkeys(filled))[:3]
    personal = personal_column(column, filled)
    kind: ColumnKind
    if not filled:
        kind = "empty"
    elif personal is not None:
        kind = "personal"
    elif (
        distinct == len(filled)
        and len(filled) == len(values)
        and (_ID_NAME.search(column) or mean_words < 1.5)
        and mean_length <= 40
    ):
        kind = "respondent_id"
    elif mean_words >= 4 or (distinct > max(20, len(filled) // 2) and mean_words >= 2):
        kind = "free_text"
    else:
        kind = "closed"
    return ColumnProfile(
        name=column,
        filled=len(filled),
        distinct=distinct,
        mean_length=round(mean_length, 1),
        examples=examples,
        suggested_kind=kind,
        personal=personal,
        looks_like_id=bool(filled) and personal is None and _looks_like_id(column, mean_words),
        blank=len(values) - len(filled),
    )


def _looks_like_id(column: str, mean_words: float) -> bool:
    return _ID_NAME.search(column) is not None and mean_words < 3


def suggest_mapping(profiles: Sequence[ColumnProfile]) -> ColumnMapping:
    """A first guess at the mapping: the person confirms or changes it.

    A column that looks like a respondent ID is suggested even when some of its values repeat
    or are blank, so that the check before saving says so; the rows are numbered instead only
    when the person chooses that. Columns of personal data are never suggested.
    """
    ids = [profile.name for profile in profiles if profile.suggested_kind == "respondent_id"]
    named_ids = [name for name in ids if _ID_NAME.search(name)]
    flawed_ids = [profile.name for profile in profiles if profile.looks_like_id]
    candidates = named_ids or flawed_ids or ids
    respondent_id = candidates[0] if candidates else None
    return ColumnMapping(
        respondent_id=respondent_id,
        free_text=[
            p.name for p in profiles if p.suggested_kind == "free_text" and p.name != respondent_id
        ],
        closed=[
            p.name
            for p in profiles
            if p.name != respondent_id and p.suggested_kind in ("closed", "respondent_id")
        ],
    )


def preview(raw: RawTable, n_rows: int = 10) -> Preview:
    """The first ``n_rows`` rows, a profile of every column and a suggested mapping."""
    profiles = tuple(profile_column(raw, column) for column in raw.columns)
    return Preview(
        columns=raw.columns,
        rows=raw.rows[:n_rows],
        row_numbers=raw.row_numbers[:n_rows],
        row_count=raw.row_count,
        profiles=profiles,
        suggested_mapping=suggest_mapping(profiles),
        source=raw.describe_source(),
        warnings=(*raw.warnings, *_column_warnings(raw, profiles)),
        header_row=raw.header_row,
    )


def _column_warnings(raw: RawTable, profiles: Sequence[ColumnProfile]) -> list[Issue]:
    warnings: list[Issue] = []
    for profile in profiles:
        if profile.personal is not None:
            warnings.append(
                Issue(
                    None,
                    profile.name,
                    f"The column '{profile.name}' holds personal data ({profile.personal}), so "
                    "it is not suggested for any role and cannot be the respondent ID",
                )
            )
        elif profile.looks_like_id and (profile.distinct < profile.filled or profile.blank):
            warnings.append(Issue(None, profile.name, _flawed_id_message(raw, profile)))
    return warnings


def _flawed_id_message(raw: RawTable, profile: ColumnProfile) -> str:
    first_seen: dict[str, int] = {}
    example = ""
    repeated: set[str] = set()
    for value, row in zip(raw.column_values(profile.name), raw.row_numbers, strict=True):
        if not value:
            continue
        if value in first_seen:
            if not repeated:
                example = f"'{value}' is in rows {first_seen[value]} and {row}"
            repeated.add(value)
        else:
            first_seen[value] = row
    problems: list[str] = []
    if repeated:
        values = "1 value appears" if len(repeated) == 1 else f"{len(repeated):,} values appear"
        problems.append(f"{values} more than once ({example})")
    if profile.blank:
        problems.append(
            "1 row has no value" if profile.blank == 1 else f"{profile.blank:,} rows have no value"
        )
    return (
        f"The column '{profile.name}' looks like a respondent ID, but "
        + " and ".join(problems)
        + ". Fix the file and upload it again, or choose to number the rows instead"
    )


# ---------------------------------------------------------------------------------------------
# Validation and preparation


def validate(raw: RawTable, mapping: ColumnMapping) -> ValidationReport:
    """Check the table against the mapping. Nothing is saved; redaction is counted, not applied."""
    errors: list[Issue] = []
    warnings: list[Issue] = list(raw.warnings)
    errors.extend(_mapping_errors(raw, mapping))
    if errors:
        return ValidationReport(errors, warnings, empty_counts(), raw.row_count)
    if mapping.respondent_id is not None:
        errors.extend(_id_errors(raw, mapping.respondent_id))
    errors.extend(_personal_column_errors(raw, mapping))
    answered = [False] * raw.row_count
    for column in mapping.free_text:
        values = raw.column_values(column)
        filled = 0
        for position, value in enumerate(values):
            if value:
                answered[position] = True
                filled += 1
        if filled == 0:
            warnings.append(Issue(None, column, f"The question '{column}' has no answers"))
    if not any(answered):
        errors.append(
            Issue(None, None, "No column has free text: none of the chosen questions has answers")
        )
    else:
        blank = [raw.row_numbers[i] for i, has_text in enumerate(answered) if not has_text]
        if blank:
            warnings.append(Issue(None, None, _blank_rows_message(blank)))
    counts = add_counts(
        redact(value).counts
        for column in mapping.free_text
        for value in raw.column_values(column)
        if value
    )
    closed_counts = add_counts(
        redact(value).counts
        for column in mapping.closed
        for value in raw.column_values(column)
        if value
    )
    return ValidationReport(errors, warnings, counts, raw.row_count, closed_counts)


def _personal_column_errors(raw: RawTable, mapping: ColumnMapping) -> list[Issue]:
    """A respondent ID or closed question may not be a column of personal identifiers.

    IDs cannot be redacted (they must stay different from each other), and a column of names
    cannot be recognised value by value, so such columns are refused as a whole.
    """
    errors: list[Issue] = []
    if mapping.respondent_id is not None:
        column = mapping.respondent_id
        found = personal_column(column, raw.column_values(column))
        holding = [
            row
            for value, row in zip(raw.column_values(column), raw.row_numbers, strict=True)
            if value and redact(value).total
        ]
        if found is not None or holding:
            what = found or "contact details"
            where = f" (for example row {holding[0]})" if holding else ""
            errors.append(
                Issue(
                    holding[0] if holding else None,
                    column,
                    f"The column '{column}' holds personal data ({what}){where}, so it cannot "
                    "be the respondent ID: choose another column, or number the rows instead",
                )
            )
    for column in mapping.closed:
        found = personal_column(column, raw.column_values(column))
        if found is not None:
            errors.append(
                Issue(
                    None,
                    column,
                    f"The column '{column}' holds personal data ({found}): leave it out of the "
                    "closed questions",
                )
            )
    return errors


def _mapping_errors(raw: RawTable, mapping: ColumnMapping) -> list[Issue]:
    errors: list[Issue] = []
    if not mapping.free_text:
        errors.append(
            Issue(None, None, "No column has free text: choose at least one free-text question")
        )
    chosen = ([mapping.respondent_id] if mapping.respondent_id is not None else []) + [
        *mapping.free_text,
        *mapping.closed,
    ]
    for column in dict.fromkeys(chosen):
        if column not in raw.columns:
            errors.append(Issue(None, column, f"The file has no column called '{column}'"))
        elif chosen.count(column) > 1:
            errors.append(
                Issue(None, column, f"The column '{column}' is chosen for more than one role")
            )
    return errors


def _id_errors(raw: RawTable, column: str) -> list[Issue]:
    errors: list[Issue] = []
    first_seen: dict[str, int] = {}
    reported: set[str] = set()
    for value, row in zip(raw.column_values(column), raw.row_numbers, strict=True):
        if not value:
            errors.append(Issue(row, column, f"Row {row} has no respondent ID"))
            continue
        if value in first_seen:
            if value not in reported:
                errors.append(
                    Issue(
                        row,
                        column,
                        f"Respondent ID '{value}' appears more than once "
                        f"(rows {first_seen[value]} and {row})",
                    )
                )
                reported.add(value)
        else:
            first_seen[value] = row
    return errors


def _blank_rows_message(rows: list[int]) -> str:
    if len(rows) == 1:
        return f"Row {rows[0]} has no free-text answer; it will be kept without one"
    shown = ", ".join(str(row) for row in rows[:5])
    more = f" and {len(rows) - 5:,} more" if len(rows) > 5 else ""
    return f"{len(rows):,} rows have no free-text answer (rows {shown}{more})"


def prepare(raw: RawTable, mapping: ColumnMapping) -> PreparedSurvey:
    """Validate, then build the responses to store with personal data removed from every
    answer, free text and closed alike. ``redaction_counts`` counts both.

    Raises :class:`ImportProblem` with the first error when the survey is not valid. Without a
    respondent ID column, each respondent is named after their row, for example "row-2".
    """
    report = validate(raw, mapping)
    if not report.ok:
        first = report.errors[0]
        raise ImportProblem(first.message, row=first.row, column=first.column)
    positions = {column: raw.columns.index(column) for column in raw.columns}
    id_position = positions[mapping.respondent_id] if mapping.respondent_id else None
    counts = empty_counts()
    responses: list[PreparedResponse] = []
    for row, number in zip(raw.rows, raw.row_numbers, strict=True):
        answers: dict[str, str] = {}
        for column in [*mapping.free_text, *mapping.closed]:
            result = redact(row[positions[column]])
            answers[column] = result.text
            for kind, value in result.counts.items():
                counts[kind] += value
        responses.append(
            PreparedResponse(
                row=number,
                respondent_id=row[id_position] if id_position is not None else f"row-{number}",
                free_text={column: answers[column] for column in mapping.free_text},
                closed={column: answers[column] for column in mapping.closed},
            )
        )
    return PreparedSurvey(
        filename=raw.filename,
        mapping=mapping,
        responses=responses,
        redaction_counts=counts,
        report=report,
    )
