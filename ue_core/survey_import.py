"""Read a survey export, let a person map its columns, check it, and prepare it for storing.

The steps follow what a person does on the import screen:

1. :func:`read_table` reads the uploaded bytes (CSV, XLSX or ODS) into a :class:`RawTable`.
2. :func:`preview` shows the first rows and suggests a :class:`ColumnMapping`.
3. :func:`validate` checks the file against the chosen mapping and returns a
   :class:`ValidationReport` before anything is saved.
4. :func:`prepare` turns the table into a :class:`PreparedSurvey` with personal data removed
   from the free text.

Problems that stop a file being read raise :class:`ImportProblem` with a plain-English message.
Row numbers are the ones a person sees in a spreadsheet: the header is row 1, the first answer
is row 2.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Final, Literal
from xml.etree import ElementTree

from ue_core.redaction import RedactionKind, add_counts, empty_counts, redact

TableFormat = Literal["csv", "xlsx", "ods"]
ColumnKind = Literal["respondent_id", "free_text", "closed", "empty"]

#: The largest file we accept, in bytes (20 MB).
DEFAULT_MAX_BYTES: Final = 20 * 1024 * 1024
#: The most rows of answers we accept in one file.
DEFAULT_MAX_ROWS: Final = 200_000
#: The most an XLSX or ODS file may unpack to (its parts are compressed XML).
MAX_UNPACKED_BYTES: Final = 400 * 1024 * 1024

_DELIMITERS: Final = (",", ";", "\t")
_DELIMITER_NAMES: Final[Mapping[str, str]] = {",": "comma", ";": "semicolon", "\t": "tab"}
_TEXT_EXTENSIONS: Final = (".csv", ".tsv", ".txt")
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final = b"PK\x03\x04"
_ODS_MIMETYPE: Final = b"application/vnd.oasis.opendocument.spreadsheet"
_UNREADABLE: Final = "This file could not be read as CSV, Excel or ODS"


class ImportProblem(Exception):
    """A problem with an uploaded file, with a message meant for the person importing it."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


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
    Completely empty rows are dropped, so row numbers can skip.
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


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns hold the respondent ID, the free-text questions and the closed questions."""

    respondent_id: str | None
    free_text: list[str]
    closed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ColumnProfile:
    """What a column looks like, to help a person choose its role."""

    name: str
    filled: int
    distinct: int
    mean_length: float
    examples: tuple[str, ...]
    suggested_kind: ColumnKind


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


@dataclass(frozen=True)
class ValidationReport:
    """What a person must fix (errors) or should know (warnings) before the survey is saved."""

    errors: list[Issue]
    warnings: list[Issue]
    redaction_counts: dict[RedactionKind, int]
    row_count: int

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
) -> RawTable:
    """Read a CSV, XLSX or ODS file into a :class:`RawTable`.

    The format is chosen from the file's content (Excel and ODS files are zip archives), with the
    extension as a tie-breaker; text files may be UTF-8 (with or without a byte-order mark),
    UTF-16 with a byte-order mark or Windows-1252, separated by commas, semicolons or tabs.

    Raises :class:`ImportProblem` when the file is empty, too large or unreadable.
    """
    if len(data) > max_bytes:
        raise ImportProblem(f"The file is larger than {_format_megabytes(max_bytes)}")
    if not data.strip(b" \t\r\n\x00") or data in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise ImportProblem("The file is empty")
    lowered = filename.lower()
    if data.startswith(_OLE_MAGIC):
        raise ImportProblem(
            "This looks like an old-style Excel (.xls) file or a password-protected workbook: "
            "save it as .xlsx, .ods or .csv without a password and try again"
        )
    if data.startswith(_ZIP_MAGIC):
        cells, sheet, source_format = _read_zip_spreadsheet(data, max_rows)
        return _build_table(filename, source_format, cells, max_rows, sheet_name=sheet)
    if lowered.endswith((".xlsx", ".xlsm", ".ods", ".xls")):
        raise ImportProblem(
            f"{_UNREADABLE}: the name ends in {lowered.rsplit('.', 1)[-1].upper()} "
            "but the content is not a spreadsheet. It may be damaged"
        )
    text, encoding = _decode(data)
    delimiter = _sniff_delimiter(text)
    cells = _read_csv(text, delimiter)
    return _build_table(filename, "csv", cells, max_rows, encoding=encoding, delimiter=delimiter)


def _format_megabytes(value: int) -> str:
    megabytes = value / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{value:,} bytes"


def _decode(data: bytes) -> tuple[str, str]:
    """Decode text, trying UTF-8 with a BOM, UTF-16 with a BOM, UTF-8, then Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text, encoding
    raise ImportProblem(
        f"{_UNREADABLE}: it is not text in a known encoding (UTF-8 or Windows-1252)"
    )


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    if "\x00" in sample:
        return True
    control = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n")
    return control > max(5, len(sample) // 100)


def _sniff_delimiter(text: str) -> str:
    """Choose the delimiter that splits the first lines into the most consistent columns."""
    sample_lines = text[:200_000].splitlines()[:50]
    sample = "\n".join(sample_lines)
    best = ","
    best_score: tuple[float, int] = (0.0, 1)
    for delimiter in _DELIMITERS:
        try:
            rows = [row for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
        except csv.Error:
            continue
        if len(rows) > 1 and len(sample_lines) == 50:
            rows = rows[:-1]  # the last sampled line may be cut through a quoted cell
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        consistent = sum(1 for row in rows if len(row) == width) / len(rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as error:
        row_number = len(rows) + 1
        raise ImportProblem(
            f"{_UNREADABLE}: row {row_number} is broken ({error}). "
            "Check for a quotation mark that is opened but never closed",
            row=row_number,
        ) from error
    return rows


def _read_zip_spreadsheet(data: bytes, max_rows: int) -> tuple[list[list[str]], str, TableFormat]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportProblem(f"{_UNREADABLE}: the file seems to be damaged") from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportProblem(
            "The file is too large: it unpacks to more than "
            + _format_megabytes(MAX_UNPACKED_BYTES)
        )
    with archive:
        if "xl/workbook.xml" in names:
            return (*_read_xlsx(data, max_rows), "xlsx")
        if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
            return (*_read_ods(archive.read("content.xml"), max_rows), "ods")
    raise ImportProblem(f"{_UNREADABLE}: it is a zip archive but not a spreadsheet")


def _read_xlsx(data: bytes, max_rows: int) -> tuple[list[list[str]], str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportProblem(f"{_UNREADABLE}: the Excel file seems to be damaged") from error
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > max_rows + 1:
                break
        return rows, str(sheet.title)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """Turn a spreadsheet cell into the text a person sees (12.0 becomes "12")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


_ODS_NS: Final = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_ODS_NS[prefix]}}}{name}"


def _read_ods(content: bytes, max_rows: int) -> tuple[list[list[str]], str]:
    """Read the first sheet of an ODS file's content.xml.

    Repeated rows and cells (how ODS stores runs of identical or empty cells) are expanded, but a
    trailing run of empty rows or cells is dropped rather than expanded.
    """
    try:
        root = ElementTree.fromstring(content)  # noqa: S314 - the parser does not fetch entities
    except ElementTree.ParseError as error:
        raise ImportProblem(f"{_UNREADABLE}: the ODS file seems to be damaged") from error
    table = root.find(f".//{_q('table', 'table')}")
    if table is None:
        raise ImportProblem("The file is empty")
    name = table.get(_q("table", "name"), "Sheet1")
    rows: list[list[str]] = []
    pending_empty = 0
    for row_element in _ods_rows(table):
        repeat = int(row_element.get(_q("table", "number-rows-repeated"), "1"))
        cells = _ods_cells(row_element)
        if not any(cells):
            pending_empty += repeat
            continue
        rows.extend([] for _ in range(pending_empty))
        pending_empty = 0
        rows.extend(list(cells) for _ in range(min(repeat, max_rows + 2)))
        if len(rows) > max_rows + 1:
            break
    return rows, name


_ODS_ROW_CONTAINERS: Final = frozenset(
    _q("table", name) for name in ("table-rows", "table-header-rows", "table-row-group")
)


def _ods_rows(table: ElementTree.Element) -> Iterator[ElementTree.Element]:
    for child in table:
        if child.tag == _q("table", "table-row"):
            yield child
        elif child.tag in _ODS_ROW_CONTAINERS:
            yield from _ods_rows(child)


def _ods_cells(row: ElementTree.Element) -> list[str]:
    cells: list[str] = []
    pending_empty = 0
    for cell in row:
        if cell.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
            continue
        repeat = int(cell.get(_q("table", "number-columns-repeated"), "1"))
        value = _ods_cell_text(cell)
        if not value:
            pending_empty += repeat
            continue
        cells.extend("" for _ in range(pending_empty))
        pending_empty = 0
        cells.extend(value for _ in range(min(repeat, 16_384)))
    return cells


def _ods_cell_text(cell: ElementTree.Element) -> str:
    value_type = cell.get(_q("office", "value-type"))
    if value_type in ("float", "percentage", "currency"):
        raw = cell.get(_q("office", "value"))
        if raw is not None:
            try:
                return _cell_text(float(raw))
            except ValueError:
                return raw
    if value_type == "date":
        raw = cell.get(_q("office", "date-value"), "")
        return raw[:10] if raw.endswith("T00:00:00") else raw.replace("T", " ")
    if value_type == "boolean":
        return "TRUE" if cell.get(_q("office", "boolean-value")) == "true" else "FALSE"
    paragraphs = [
        _ods_paragraph_text(element) for element in cell if element.tag == _q("text", "p")
    ]
    return "\n".join(paragraphs)


def _ods_paragraph_text(element: ElementTree.Element) -> str:
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag == _q("text", "s"):
            parts.append(" " * int(child.get(_q("text", "c"), "1")))
        elif child.tag == _q("text", "tab"):
            parts.append("\t")
        elif child.tag == _q("text", "line-break"):
            parts.append("\n")
        else:
            parts.append(_ods_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _column_letter(position: int) -> str:
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _build_table(
    filename: str,
    source_format: TableFormat,
    cells: list[list[str]],
    max_rows: int,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet_name: str | None = None,
) -> RawTable:
    cleaned = [[cell.strip() for cell in row] for row in cells]
    if not any(any(row) for row in cleaned):
        raise ImportProblem("The file is empty")
    header = cleaned[0]
    if not any(header):
        raise ImportProblem("Row 1 is empty: the first row should hold the column names", row=1)
    while header and not header[-1]:
        header = header[:-1]
    warnings: list[Issue] = []
    columns: list[str] = []
    seen: dict[str, int] = {}
    for position, name in enumerate(header):
        label = name or f"Column {_column_letter(position)}"
        key = label.casefold()
        if key in seen:
            seen[key] += 1
            renamed = f"{label} ({seen[key]})"
            warnings.append(
                Issue(1, label, f"Two columns are called '{label}': the second is now '{renamed}'")
            )
            label = renamed
        else:
            seen[key] = 1
        columns.append(label)
    width = len(columns)
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    for index, row in enumerate(cleaned[1:], start=2):
        if not any(row):
            continue
        if len(rows) >= max_rows:
            raise ImportProblem(
                f"The file has more than {max_rows:,} rows of answers: split it into smaller files"
            )
        if len(row) > width and any(row[width:]):
            warnings.append(
                Issue(
                    index,
                    None,
                    f"Row {index} has more cells than there are column names; "
                    "the extra cells were left out",
                )
            )
        padded = (row + [""] * width)[:width]
        rows.append(tuple(padded))
        numbers.append(index)
    if not rows:
        raise ImportProblem("The file has column names in row 1 but no answers below them")
    return RawTable(
        filename=filename,
        source_format=source_format,
        columns=tuple(columns),
        rows=tuple(rows),
        row_numbers=tuple(numbers),
        encoding=encoding,
        delimiter=delimiter,
        sheet_name=sheet_name,
        warnings=tuple(warnings),
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
    kind: ColumnKind
    if not filled:
        kind = "empty"
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
    )


def suggest_mapping(profiles: Sequence[ColumnProfile]) -> ColumnMapping:
    """A first guess at the mapping: the person confirms or changes it."""
    ids = [profile.name for profile in profiles if profile.suggested_kind == "respondent_id"]
    named_ids = [name for name in ids if _ID_NAME.search(name)]
    candidates = named_ids or ids
    respondent_id = candidates[0] if candidates else None
    return ColumnMapping(
        respondent_id=respondent_id,
        free_text=[p.name for p in profiles if p.suggested_kind == "free_text"],
        closed=[
            p.name
            for p in profiles
            if p.suggested_kind == "closed"
            or (p.suggested_kind == "respondent_id" and p.name != respondent_id)
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
        warnings=raw.warnings,
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
    return ValidationReport(errors, warnings, counts, raw.row_count)


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
    """Validate, then build the responses to store with personal data removed from free text.

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
        free_text: dict[str, str] = {}
        for column in mapping.free_text:
            result = redact(row[positions[column]])
            free_text[column] = result.text
            for kind, value in result.counts.items():
                counts[kind] += value
        responses.append(
            PreparedResponse(
                row=number,
                respondent_id=row[id_position] if id_position is not None else f"row-{number}",
                free_text=free_text,
                closed={column: row[positions[column]] for column in mapping.closed},
            )
        )
    return PreparedSurvey(
        filename=raw.filename,
        mapping=mapping,
        responses=responses,
        redaction_counts=counts,
        report=report,
    )
