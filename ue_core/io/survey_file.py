"""Read an uploaded survey file (CSV, XLSX or ODS) into rows of text, within firm limits.

An upload is untrusted: a few hundred bytes of spreadsheet can describe millions of rows
(ODS ``number-rows-repeated``), a row padded to 16,384 columns (one XLSX cell in column XFD),
or a zip archive that unpacks to gigabytes. So this reader

* checks the zip archive's declared sizes and compression ratio before unpacking anything
  (Python's zip reader never returns more bytes than a member declares);
* checks repeat counts and declared sheet dimensions before expanding them, and never
  expands a run of empty rows or cells (it only counts them);
* streams the sheet's XML row by row, dropping each row once read;
* stops with a :class:`ImportProblem` naming the limit as soon as one is passed: rows,
  columns, cells, characters in one cell, or unpacked bytes.

Only non-empty rows are returned, each with the row number a person sees in a spreadsheet
(for CSV, the record number: a cell holding line breaks is still one row).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Final, Literal
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

TableFormat = Literal["csv", "xlsx", "ods"]

#: The largest file we accept, in bytes (20 MB).
DEFAULT_MAX_BYTES: Final = 20 * 1024 * 1024
#: The most rows of answers we accept in one file.
DEFAULT_MAX_ROWS: Final = 200_000
#: The most columns a survey file may have (survey tools export a few hundred at most).
MAX_COLUMNS: Final = 1_000
#: The most cells (rows times columns) one file may hold.
MAX_CELLS: Final = 5_000_000
#: The most characters one cell may hold: Excel's own limit.
MAX_CELL_CHARS: Final = 32_767
#: The most an XLSX or ODS file may unpack to (its parts are compressed XML).
MAX_UNPACKED_BYTES: Final = 400 * 1024 * 1024
#: How many times its own size a spreadsheet may unpack to, once it unpacks to more than
#: :data:`RATIO_FLOOR_BYTES`. Real spreadsheets unpack to 5 to 30 times their size.
MAX_COMPRESSION_RATIO: Final = 100
RATIO_FLOOR_BYTES: Final = 10 * 1024 * 1024
#: Rows read above the header that may be titles or notes (see ``survey_import``).
HEADER_SEARCH_ROWS: Final = 20

_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final = b"PK\x03\x04"
_ODS_MIMETYPE: Final = b"application/vnd.oasis.opendocument.spreadsheet"
_UNREADABLE: Final = "This file could not be read as CSV, Excel or ODS"
_UPLOAD_HINT: Final = "Upload the survey as a CSV, XLSX or ODS file"
_ENTITIES: Final = (
    "This file was refused: its XML declares entities (a DTD), which spreadsheets do not use "
    "and which can make a small file expand to gigabytes. Save it again from a spreadsheet "
    "program and try again"
)
_BINARY_KINDS: Final[tuple[tuple[bytes, str], ...]] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)


class ImportProblem(Exception):
    """A problem with an uploaded file, with a message meant for the person importing it."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass(frozen=True)
class Limits:
    """How much of a file we are willing to read. Rows count every non-empty row."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cells: int = MAX_CELLS
    max_cell_chars: int = MAX_CELL_CHARS
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    max_ratio: int = MAX_COMPRESSION_RATIO

    @property
    def rows_to_read(self) -> int:
        """Non-empty rows worth reading: the answers, the header and rows above it, and one
        more to know that there are too many."""
        return self.max_rows + HEADER_SEARCH_ROWS + 2


@dataclass(frozen=True)
class Grid:
    """The non-empty rows of a file, as text, each with its spreadsheet row number."""

    source_format: TableFormat
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str | None = None
    delimiter: str | None = None
    sheet_name: str | None = None
    warnings: tuple[tuple[int, str], ...] = ()


def read_grid(data: bytes, filename: str, limits: Limits) -> Grid:
    """Read the bytes of an upload; raises :class:`ImportProblem` with a clear message."""
    if len(data) > limits.max_bytes:
        raise ImportProblem(f"The file is larger than {format_size(limits.max_bytes)}")
    if not data.strip(b" \t\r\n") or data in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise ImportProblem("The file is empty")
    if not data.strip(b"\x00"):
        raise ImportProblem("The file holds nothing but zero (NUL) bytes: it is empty or damaged")
    if data.startswith(_OLE_MAGIC):
        raise ImportProblem(
            "This looks like an old-style Excel (.xls) file or a password-protected workbook: "
            "save it as .xlsx, .ods or .csv without a password and try again"
        )
    if data.startswith(_ZIP_MAGIC):
        return _read_zip_spreadsheet(data, limits)
    for magic, kind in _BINARY_KINDS:
        if data.startswith(magic):
            raise ImportProblem(f"This file is {kind}, not a survey export. {_UPLOAD_HINT}")
    lowered = filename.lower()
    if lowered.endswith((".xlsx", ".xlsm", ".ods", ".xls")):
        raise ImportProblem(
            f"{_UNREADABLE}: the name ends in {lowered.rsplit('.', 1)[-1].upper()} "
            "but the content is not a spreadsheet. It may be damaged"
        )
    text, encoding = _decode(data)
    _refuse_marked_up_text(text)
    delimiter = _sniff_delimiter(text)
    rows, warnings = _read_csv(text, delimiter, limits)
    return Grid("csv", rows, encoding=encoding, delimiter=delimiter, warnings=warnings)


def format_size(value: int) -> str:
    """A byte count as a person reads it: "20 MB", or "1,024 bytes" below a megabyte."""
    megabytes = value / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{value:,} bytes"


def column_letter(position: int) -> str:
    """The spreadsheet letters of a 0-based column position: 0 is "A", 16383 is "XFD"."""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# Limits shared by every format


class _Counter:
    """Counts what has been read and stops at the first limit passed."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def check_width(self, row: int, width: int) -> None:
        if width > self.limits.max_columns:
            raise ImportProblem(
                f"Row {row} has a cell in column {column_letter(width - 1)} (column {width:,}): "
                f"a survey file may have at most {self.limits.max_columns:,} columns. Delete the "
                "columns after your data, or save only the columns you need, and try again",
                row=row,
            )

    def check_cell(self, row: int, position: int, text: str) -> None:
        if len(text) > self.limits.max_cell_chars:
            raise ImportProblem(
                f"The cell in row {row}, column {column_letter(position)} is too large: it holds "
                f"more than {self.limits.max_cell_chars:,} characters, the most a cell may hold "
                "(as in Excel). Shorten it, or leave that answer out, and try again",
                row=row,
                column=column_letter(position),
            )

    def add_rows(self, count: int, width: int) -> bool:
        """Count ``count`` rows of ``width`` cells; False once there are enough rows to stop."""
        if self.cells + count * width > self.limits.max_cells:
            raise ImportProblem(
                f"The file has more than {self.limits.max_cells:,} cells (rows times columns), "
                "the most one file may hold: split it into smaller files, or save only the "
                "columns you need"
            )
        self.rows += count
        self.cells += count * width
        return self.rows < self.limits.rows_to_read


def _strip_trailing_empty(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells


# ---------------------------------------------------------------------------------------------
# Text files


def _decode(data: bytes) -> tuple[str, str]:
    """Decode text: UTF-8 or UTF-16 by byte-order mark, UTF-16 without one, UTF-8, Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    elif (bare_utf16 := _utf16_without_bom(data)) is not None:
        encodings = (bare_utf16,)
    else:
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise ImportProblem(_nul_message(text, encoding))
        if _looks_binary(text):
            break
        return text, encoding
    raise ImportProblem(
        "This file holds binary data, not text or a spreadsheet (it is not UTF-8, UTF-16 or "
        f"Windows-1252 text). {_UPLOAD_HINT}"
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when every other byte is zero, as in UTF-16 English text."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _nul_message(text: str, encoding: str) -> str:
    count = text.count("\x00")
    line = text.count("\n", 0, text.index("\x00")) + 1
    name = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}.get(
        encoding, encoding.upper()
    )
    zeros = "1 zero (NUL) byte" if count == 1 else f"{count:,} zero (NUL) bytes"
    return (
        f"This is {name} text, but it holds {zeros}, the first on line {line}. Text files do "
        "not hold these: the file was probably damaged or cut short when it was saved. Export "
        "it again from the survey tool and try again"
    )


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    control = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n")
    return control > max(5, len(sample) // 100)


_MARKUP_KINDS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (
        re.compile(r"urn:schemas-microsoft-com:office:spreadsheet", re.I),
        "an Excel 2003 XML spreadsheet: open it in Excel or LibreOffice and save it as "
        ".xlsx, .ods or .csv",
    ),
    (
        re.compile(r"^\s*(?:<!doctype html|<html|<table)", re.I),
        "a web page (HTML), not a spreadsheet, even if its name ends in .xls: open it in "
        "Excel or LibreOffice and save it as .xlsx, .ods or .csv",
    ),
    (re.compile(r"^\{\\rtf"), "a Rich Text (RTF) document, not a survey export"),
)


def _refuse_marked_up_text(text: str) -> None:
    head = text[:2000]
    for pattern, kind in _MARKUP_KINDS:
        if pattern.search(head):
            raise ImportProblem(f"This file is {kind}")


_DELIMITERS: Final = (",", ";", "\t")


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


class _Lines:
    """The lines of a text, remembering the last one handed to the CSV reader."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.last = ""

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._lines.readline()
        if not line:
            raise StopIteration
        self.last = line
        return line


def _read_csv(
    text: str, delimiter: str, limits: Limits
) -> tuple[tuple[tuple[int, tuple[str, ...]], ...], tuple[tuple[int, str], ...]]:
    """Read CSV strictly, so a stray quotation mark cannot swallow the rows after it.

    A quotation mark out of place within one line (``"=SUM("x") and more"``) is read as
    written, with a warning. One that runs on past the end of its line, or is never closed,
    is refused, naming the row where it starts. Returns the rows and the warnings.
    """
    # The csv module's own cell limit (128 KiB) raises the same error as a broken quotation
    # mark; the file is already within max_bytes, so let it read any cell and check its length.
    if csv.field_size_limit() < len(text) + 1:
        csv.field_size_limit(len(text) + 1)
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    counter = _Counter(limits)
    rows: list[tuple[int, tuple[str, ...]]] = []
    warnings: list[tuple[int, str]] = []
    number = 0
    while True:
        start_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            if "end of data" in str(error) or reader.line_num != start_line:
                message = _quote_problem(number + 1, start_line, str(error))
                raise ImportProblem(message, row=number + 1) from error
            row = next(csv.reader([lines.last], delimiter=delimiter), [])
            warnings.append(
                (
                    number + 1,
                    f"Row {number + 1} has a quotation mark in the wrong place: its cells were "
                    "read as written. Check them in the preview",
                )
            )
        number += 1
        cells = _strip_trailing_empty([cell.strip() for cell in row])
        if not any(cells):
            continue
        counter.check_width(number, len(cells))
        for position, cell in enumerate(cells):
            counter.check_cell(number, position, cell)
        rows.append((number, tuple(cells)))
        if not counter.add_rows(1, len(cells)):
            break
    return tuple(rows), tuple(warnings)


def _quote_problem(row: int, line: int, error: str) -> str:
    where = f"Row {row}" if row == line else f"Row {row} (line {line} of the file)"
    if "end of data" in error:
        return (
            f"{where} has a quotation mark that is opened but never closed, so every row after "
            "it would be read into one cell. Close or remove that quotation mark and try again"
        )
    return (
        f"{where} has a quotation mark in the wrong place: a cell that starts with a quotation "
        'mark must end with one, and a quotation mark inside such a cell is written twice (""). '
        "If the quotation mark is opened but never closed, the rows after it are read into one "
        "cell. Check the quotation marks in that row and try again"
    )


# ---------------------------------------------------------------------------------------------
# Spreadsheets (zip archives of XML)


def _read_zip_spreadsheet(data: bytes, limits: Limits) -> Grid:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportProblem(f"{_UNREADABLE}: the file seems to be damaged") from error
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_unpacked_bytes:
        raise ImportProblem(
            "The file is too large: it unpacks to more than "
            f"{format_size(limits.max_unpacked_bytes)}, the most a spreadsheet may unpack to"
        )
    if unpacked > RATIO_FLOOR_BYTES and unpacked > limits.max_ratio * len(data):
        raise ImportProblem(
            f"The file is too large: it unpacks to {unpacked / len(data):,.0f} times its own "
            f"size, and a spreadsheet may unpack to at most {limits.max_ratio} times its size. "
            "Files packed this tightly are usually made to harm the computer that opens them"
        )
    names = {info.filename for info in infos}
    with archive:
        try:
            if "xl/workbook.xml" in names:
                return _read_xlsx(data, limits)
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
                if "content.xml" not in names:
                    raise ImportProblem(f"{_UNREADABLE}: the ODS file seems to be damaged")
                with archive.open("content.xml") as content:
                    return _read_ods(content, limits)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise ImportProblem(f"{_UNREADABLE}: the file seems to be damaged") from error
    if "word/document.xml" in names:
        raise ImportProblem(f"This file is a Word document, not a spreadsheet. {_UPLOAD_HINT}")
    if "ppt/presentation.xml" in names:
        raise ImportProblem(f"This file is a PowerPoint file, not a spreadsheet. {_UPLOAD_HINT}")
    if "mimetype" in names:
        raise ImportProblem(
            f"This file is an OpenDocument file, but not a spreadsheet. {_UPLOAD_HINT}"
        )
    raise ImportProblem(f"{_UNREADABLE}: it is a zip archive but not a spreadsheet")


def _xml_rows(source: IO[bytes], row_tag: str, stop_tag: str) -> Iterator[ElementTree.Element]:
    """Yield each ``row_tag`` element once read, then drop it, until ``stop_tag`` ends.

    Elements are removed from their parent as soon as they are handled, so memory holds one
    row at a time however long the sheet. defusedxml refuses DTDs, so no entity can expand
    ("billion laughs") or fetch anything.
    """
    parents: list[ElementTree.Element] = []
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                parents.append(element)
                continue
            parents.pop()
            if element.tag == row_tag:
                yield element
                if parents:
                    parents[-1].remove(element)
            elif element.tag == stop_tag:
                return
    except DefusedXmlException as error:
        raise ImportProblem(_ENTITIES) from error
    except ElementTree.ParseError as error:
        raise ImportProblem(f"{_UNREADABLE}: the spreadsheet seems to be damaged") from error


# XLSX ---------------------------------------------------------------------------------------

_XLSX_NS: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_MAX_ROW: Final = 1_048_576


def _read_xlsx(data: bytes, limits: Limits) -> Grid:
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportProblem(f"{_UNREADABLE}: the Excel file seems to be damaged") from error
    try:
        if not workbook.worksheets:
            raise ImportProblem("The file is empty")
        sheet = workbook.worksheets[0]
        title = str(sheet.title)
        declared = getattr(sheet, "max_column", None)
        if isinstance(declared, int) and declared > limits.max_columns:
            raise ImportProblem(
                f"The sheet '{title}' says it spans columns A to {column_letter(declared - 1)} "
                f"({declared:,} columns): a survey file may have at most "
                f"{limits.max_columns:,} columns. Delete the columns after your data and try again"
            )
        if not hasattr(sheet, "_get_source"):
            raise ImportProblem(f"{_UNREADABLE}: the Excel file seems to be damaged")
        parser = WorkSheetParser(
            None,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        counter = _Counter(limits)
        rows: list[tuple[int, tuple[str, ...]]] = []
        with sheet._get_source() as source:
            for element in _xml_rows(source, f"{_XLSX_NS}row", f"{_XLSX_NS}sheetData"):
                number = _xlsx_row_number(element, parser.row_counter)
                parser.row_counter, parser.col_counter = number, 0
                cells: dict[int, str] = {}
                for cell_element in element:
                    if cell_element.tag != f"{_XLSX_NS}c":
                        continue
                    column, value = _xlsx_cell(parser, cell_element)
                    counter.check_width(number, column)
                    text = cell_text(value).strip()
                    if text:
                        counter.check_cell(number, column - 1, text)
                        cells[column - 1] = text
                if not cells:
                    continue
                width = max(cells) + 1
                row = tuple(cells.get(position, "") for position in range(width))
                rows.append((number, row))
                if not counter.add_rows(1, width):
                    break
        return Grid("xlsx", tuple(rows), sheet_name=title)
    finally:
        workbook.close()


def _xlsx_row_number(element: ElementTree.Element, previous: int) -> int:
    raw = element.get("r")
    try:
        number = int(raw) if raw is not None else previous + 1
    except ValueError as error:
        raise ImportProblem(f"{_UNREADABLE}: the Excel file seems to be damaged") from error
    if not 1 <= number <= _XLSX_MAX_ROW:
        raise ImportProblem(f"{_UNREADABLE}: the Excel file seems to be damaged")
    return number


def _xlsx_cell(parser: Any, element: ElementTree.Element) -> tuple[int, object]:
    """The 1-based column and the value of one cell, converted by openpyxl's own parser."""
    try:
        parsed = parser.parse_cell(element)
        return int(parsed["column"]), parsed["value"]
    except Exception as error:  # openpyxl raises many kinds for a damaged cell
        raise ImportProblem(f"{_UNREADABLE}: the Excel file seems to be damaged") from error


def cell_text(value: object) -> str:
    """Turn a spreadsheet cell into the text a person sees (12.0 becomes "12")."""
    import math
    from datetime import date, datetime, time

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


# ODS ----------------------------------------------------------------------------------------

_ODS_NS: Final = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_ODS_NS[prefix]}}}{name}"


_ODS_TABLE: Final = _q("table", "table")
_ODS_ROW: Final = _q("table", "table-row")
_ODS_CELLS: Final = frozenset((_q("table", "table-cell"), _q("table", "covered-table-cell")))


def _read_ods(content: IO[bytes], limits: Limits) -> Grid:
    """Read the first sheet of an ODS file's content.xml, one row at a time.

    Repeated rows and cells (how ODS stores runs of identical or empty cells) are checked
    against the limits before they are expanded; runs of empty rows or cells are only counted.
    """
    counter = _Counter(limits)
    rows: list[tuple[int, tuple[str, ...]]] = []
    name: str | None = None
    number = 0  # the spreadsheet row number of the last row read
    for element in _ods_first_table_rows(content):
        if name is None:
            name = element.get("sheet", "Sheet1")
            continue
        repeat = _ods_count(element, "number-rows-repeated")
        cells = _ods_cells(element, number + 1, counter)
        if not cells:
            number += repeat
            continue
        for offset in range(repeat):
            # add_rows checks the cells limit for one row at a time, so a repeat count is
            # never expanded past a limit.
            rows.append((number + offset + 1, cells))
            if not counter.add_rows(1, len(cells)):
                return Grid("ods", tuple(rows), sheet_name=name)
        number += repeat
    if name is None:
        raise ImportProblem("The file is empty")
    return Grid("ods", tuple(rows), sheet_name=name)


def _ods_first_table_rows(content: IO[bytes]) -> Iterator[ElementTree.Element]:
    """First a marker element naming the first sheet, then that sheet's own rows."""
    depth = 0
    parents: list[ElementTree.Element] = []
    try:
        for event, element in iterparse(content, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                parents.append(element)
                if element.tag == _ODS_TABLE:
                    depth += 1
                    if depth == 1:
                        yield ElementTree.Element(
                            "sheet", sheet=element.get(_q("table", "name"), "Sheet1")
                        )
                continue
            parents.pop()
            if element.tag == _ODS_TABLE:
                depth -= 1
                if depth == 0:
                    return
            elif element.tag == _ODS_ROW and depth == 1:
                yield element
                if parents:
                    parents[-1].remove(element)
    except DefusedXmlException as error:
        raise ImportProblem(_ENTITIES) from error
    except ElementTree.ParseError as error:
        raise ImportProblem(f"{_UNREADABLE}: the ODS file seems to be damaged") from error


def _ods_count(element: ElementTree.Element, attribute: str) -> int:
    raw = element.get(_q("table", attribute), "1")
    try:
        count = int(raw)
    except ValueError as error:
        raise ImportProblem(f"{_UNREADABLE}: the ODS file seems to be damaged") from error
    if count < 1:
        raise ImportProblem(f"{_UNREADABLE}: the ODS file seems to be damaged")
    return count


def _ods_cells(row: ElementTree.Element, number: int, counter: _Counter) -> tuple[str, ...]:
    cells: list[str] = []
    pending_empty = 0
    for cell in row:
        if cell.tag not in _ODS_CELLS:
            continue
        repeat = _ods_count(cell, "number-columns-repeated")
        value = _ods_cell_text(cell, counter.limits.max_cell_chars).strip()
        if not value:
            pending_empty += repeat
            continue
        position = len(cells) + pending_empty
        counter.check_width(number, position + repeat)
        counter.check_cell(number, position, value)
        cells.extend("" for _ in range(pending_empty))
        pending_empty = 0
        cells.extend(value for _ in range(repeat))
    return tuple(cells)


def _ods_cell_text(cell: ElementTree.Element, max_chars: int) -> str:
    value_type = cell.get(_q("office", "value-type"))
    if value_type in ("float", "percentage", "currency"):
        raw = cell.get(_q("office", "value"))
        if raw is not None:
            try:
                return cell_text(float(raw))
            except ValueError:
                return raw
    if value_type == "date":
        raw = cell.get(_q("office", "date-value"), "")
        return raw[:10] if raw.endswith("T00:00:00") else raw.replace("T", " ")
    if value_type == "boolean":
        return "TRUE" if cell.get(_q("office", "boolean-value")) == "true" else "FALSE"
    budget = [max_chars + 1]
    paragraphs = [
        _ods_paragraph_text(element, budget) for element in cell if element.tag == _q("text", "p")
    ]
    return "\n".join(paragraphs)


def _ods_paragraph_text(element: ElementTree.Element, budget: list[int]) -> str:
    """The text of a paragraph; ``text:s`` space runs never grow it past ``budget``."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag == _q("text", "s"):
            try:
                spaces = int(child.get(_q("text", "c"), "1"))
            except ValueError as error:
                raise ImportProblem(f"{_UNREADABLE}: the ODS file seems to be damaged") from error
            parts.append(" " * max(0, min(spaces, budget[0])))
        elif child.tag == _q("text", "tab"):
            parts.append("\t")
        elif child.tag == _q("text", "line-break"):
            parts.append("\n")
        else:
            parts.append(_ods_paragraph_text(child, budget))
        parts.append(child.tail or "")
        budget[0] -= len(parts[-1]) + len(parts[-2])
    return "".join(parts)
