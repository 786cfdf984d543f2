"""Accessible spreadsheets in ODS and XLSX.

The layout follows the Analysis Function guidance "Releasing statistics in spreadsheets"
(https://analysisfunction.civilservice.gov.uk/policy-store/releasing-statistics-in-spreadsheets/)
and its basics checklist, as mapped by aftables
(https://github.com/best-practice-and-impact/aftables/blob/main/vignettes/checklist.Rmd):

* a Cover sheet comes first, with the title in cell A1 and then the cover sections;
* a Notes sheet holds one table, "Note number | Note text", when there are notes;
* every other sheet holds one table: the title in A1, a line saying what the sheet contains
  and which notes apply (written as "[note 1]", never as symbols), then the header row
  directly above the data, starting in column A, with nothing below the table;
* no merged cells, no blank rows or columns inside tables, unique sheet names, no blank
  sheets, wrapped text in tables, sensible column widths, document properties filled in,
  and the first sheet active with A1 selected.

Missing values (None, NaN, NaT, pd.NA) and blank text are written as a shorthand marker,
"[x]" unless the table says otherwise, and a note explaining each marker in use is added
automatically ("[x] means not available."), as the GSS guidance on symbols in tables asks
(https://gss.civilservice.gov.uk/policy-store/symbols-in-tables-definitions-and-help/).

Text is always stored as text, never as a formula. In XLSX a text cell that starts like a
formula is written as a string with Excel's quote-prefix flag, so it shows exactly as
written and stays text if someone edits it. In ODS, text cells cannot hold formulas at all.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import pandas as pd

from ue_core.io.safe_csv import is_risky_text

__all__ = [
    "COVER_SHEET_NAME",
    "NOTES_SHEET_NAME",
    "NOT_AVAILABLE",
    "CellValue",
    "Shorthand",
    "SpreadsheetError",
    "Table",
    "Workbook",
    "resolved_notes",
    "to_ods",
    "to_xlsx",
    "validate_workbook",
]

COVER_SHEET_NAME = "Cover"
NOTES_SHEET_NAME = "Notes"
_MAX_SHEET_NAME = 31
_FORBIDDEN_SHEET_CHARS = frozenset("[]:*?/\\")
_NOTE_ID = re.compile(r"^\[note (\d+)\]$")
_SHORTHAND_MARKER = re.compile(r"^\[[a-z]{1,3}\]$")
_LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(?:-([A-Z]{2}))?$")
# Control characters, which XML 1.0 (and so both file formats) cannot hold or discourages,
# and the two non-characters. Tab, line feed and carriage return are kept.
_ILLEGAL_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_MIN_WIDTH = 8.0
_MAX_WIDTH = 60.0
_WIDTH_SAMPLE_ROWS = 1000

CellValue = str | int | float | bool | dt.date | dt.datetime | None
"""A value as written to a spreadsheet cell. ``None`` is an empty cell (used outside tables)."""


class SpreadsheetError(ValueError):
    """The workbook description breaks one of the accessibility rules."""


@dataclass(frozen=True)
class Shorthand:
    """A shorthand marker used in table cells, such as ``[x]`` for "not available"."""

    marker: str
    meaning: str

    def note_text(self) -> str:
        """The sentence that explains this marker on the Notes sheet."""
        meaning = self.meaning.strip().rstrip(".")
        return f"{self.marker} means {meaning}."


#: The default marker for missing values (StatsWales and GSS use ``[x]`` for "not available").
NOT_AVAILABLE = Shorthand("[x]", "not available")


@dataclass(frozen=True)
class Table:
    """One table, written on its own sheet.

    ``notes`` lists the note ids (like ``"[note 1]"``) that apply to the table.
    ``missing`` is the marker written in place of missing values. ``shorthand`` declares any
    other markers the caller has already put in cells (for example ``[c]`` for suppressed
    figures), so that they are explained too. The dataframe index is not written: call
    ``reset_index()`` first if it holds data.
    """

    sheet_name: str
    title: str
    dataframe: pd.DataFrame
    description: str
    notes: Sequence[str] = ()
    missing: Shorthand = NOT_AVAILABLE
    shorthand: Sequence[Shorthand] = ()


@dataclass(frozen=True)
class Workbook:
    """A whole workbook: cover, notes and tables, plus document properties.

    ``cover`` is a list of (heading, text) sections. ``notes`` is a list of (note id, text)
    pairs, with ids of the form ``"[note 1]"``. ``subject`` defaults to the title when empty.
    """

    title: str
    cover: Sequence[tuple[str, str]]
    notes: Sequence[tuple[str, str]]
    tables: Sequence[Table]
    author: str
    organisation: str
    subject: str = ""
    language: str = "en-GB"
    keywords: Sequence[str] = field(default_factory=tuple)


# --------------------------------------------------------------------------------------------
# Validation


def _check_text(value: str, what: str) -> None:
    if not value.strip():
        raise SpreadsheetError(f"{what} must not be empty")


def _check_sheet_name(name: str, seen: set[str]) -> None:
    _check_text(name, "Sheet name")
    if len(name) > _MAX_SHEET_NAME:
        raise SpreadsheetError(f"Sheet name {name!r} is longer than {_MAX_SHEET_NAME} characters")
    bad = sorted(set(name) & _FORBIDDEN_SHEET_CHARS)
    if bad:
        raise SpreadsheetError(f"Sheet name {name!r} contains forbidden characters: {bad}")
    if name.startswith("'") or name.endswith("'") or name != name.strip():
        raise SpreadsheetError(
            f"Sheet name {name!r} must not start or end with an apostrophe or a space"
        )
    key = name.casefold()
    if key in seen:
        raise SpreadsheetError(f"Sheet name {name!r} is used more than once")
    seen.add(key)


def _note_number(note_id: str) -> int:
    match = _NOTE_ID.match(note_id)
    if match is None:
        raise SpreadsheetError(f"Note id {note_id!r} must look like '[note 1]'")
    return int(match.group(1))


def validate_workbook(workbook: Workbook) -> None:
    """Raise :class:`SpreadsheetError` if the workbook description breaks a rule."""
    _check_text(workbook.title, "Workbook title")
    _check_text(workbook.author, "Author")
    _check_text(workbook.organisation, "Organisation")
    if _LANGUAGE_TAG.match(workbook.language) is None:
        raise SpreadsheetError(f"Language {workbook.language!r} must look like 'en-GB'")
    for heading, text in workbook.cover:
        _check_text(heading, "Cover heading")
        _check_text(text, f"Cover text under {heading!r}")
    note_ids: set[str] = set()
    for note_id, text in workbook.notes:
        _note_number(note_id)
        if note_id in note_ids:
            raise SpreadsheetError(f"Note id {note_id!r} is used more than once")
        note_ids.add(note_id)
        _check_text(text, f"Text of {note_id}")
    if not workbook.tables:
        raise SpreadsheetError("A workbook needs at least one table")
    seen = {COVER_SHEET_NAME.casefold(), NOTES_SHEET_NAME.casefold()}
    for table in workbook.tables:
        _check_sheet_name(table.sheet_name, seen)
        _check_text(table.title, f"Title of sheet {table.sheet_name!r}")
        _check_text(table.description, f"Description of sheet {table.sheet_name!r}")
        for note_id in table.notes:
            if note_id not in note_ids:
                raise SpreadsheetError(
                    f"Sheet {table.sheet_name!r} refers to {note_id!r}, which is not a note"
                )
        for marker in (table.missing, *table.shorthand):
            if _SHORTHAND_MARKER.match(marker.marker) is None:
                raise SpreadsheetError(
                    f"Shorthand {marker.marker!r} must be letters in square brackets, like '[x]'"
                )
            _check_text(marker.meaning, f"Meaning of {marker.marker}")
        columns = [_clean_text(str(label)) for label in table.dataframe.columns]
        if not columns:
            raise SpreadsheetError(f"Sheet {table.sheet_name!r} has a table with no columns")
        if any(not label.strip() for label in columns):
            raise SpreadsheetError(f"Sheet {table.sheet_name!r} has a blank column heading")
        if len({label.casefold() for label in columns}) != len(columns):
            raise SpreadsheetError(f"Sheet {table.sheet_name!r} has repeated column headings")


# --------------------------------------------------------------------------------------------
# Cell values


def _clean_text(text: str) -> str:
    return _ILLEGAL_XML_CHARS.sub("", text)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if not pd.api.types.is_scalar(value):
        return False
    return bool(pd.isna(value))


def _is_blank(value: Any) -> bool:
    """True for values written as the missing marker: missing values and blank text."""
    if isinstance(value, str):
        return not _clean_text(value).strip()
    return _is_missing(value)


def _cell_value(value: Any, missing_marker: str) -> CellValue:
    """Turn one dataframe value into a spreadsheet cell value (never ``None``).

    Missing values and blank text become ``missing_marker``, so no table cell is empty.
    """
    if _is_blank(value):
        return missing_marker
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating, Decimal)):
        number = float(value)
        if not math.isfinite(number):
            raise SpreadsheetError(f"Cannot write the non-finite number {number!r}")
        return number
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    if isinstance(value, dt.datetime):
        # Wall-clock time as given; convert to the wanted time zone before exporting.
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return _clean_text(str(value))


# --------------------------------------------------------------------------------------------
# Layout shared by both writers

Role = Literal["title", "heading", "text", "wrapped", "header", "data"]


@dataclass(frozen=True)
class _Cell:
    value: CellValue
    role: Role


@dataclass
class _SheetLayout:
    name: str
    rows: list[list[_Cell]]
    column_widths: list[float]
    table_name: str
    header_row: int  # 0-based index into rows
    data_rows: int
    columns: list[str]


def resolved_notes(workbook: Workbook) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """Return every note (the caller's plus one per shorthand marker in use) and, for each
    sheet name, the note ids that apply to it.

    Shorthand notes are numbered after the caller's highest note number.
    """
    notes = list(workbook.notes)
    next_number = max((_note_number(note_id) for note_id, _ in notes), default=0) + 1
    marker_notes: dict[str, tuple[str, Shorthand]] = {}
    per_sheet: dict[str, list[str]] = {}
    for table in workbook.tables:
        used: list[Shorthand] = []
        if _frame_has_missing(table.dataframe):
            used.append(table.missing)
        used.extend(table.shorthand)
        applies = list(table.notes)
        for marker in used:
            known = marker_notes.get(marker.marker)
            if known is None:
                note_id = f"[note {next_number}]"
                next_number += 1
                marker_notes[marker.marker] = (note_id, marker)
                notes.append((note_id, marker.note_text()))
            elif known[1].meaning != marker.meaning:
                raise SpreadsheetError(
                    f"Shorthand {marker.marker} has two meanings: "
                    f"{known[1].meaning!r} and {marker.meaning!r}"
                )
            note_id = marker_notes[marker.marker][0]
            if note_id not in applies:
                applies.append(note_id)
        per_sheet[table.sheet_name] = applies
    return notes, per_sheet


def _frame_has_missing(df: pd.DataFrame) -> bool:
    return any(_is_blank(value) for row in df.itertuples(index=False, name=None) for value in row)


def _text_width(value: CellValue) -> float:
    if value is None:
        return 0.0
    if isinstance(value, dt.datetime):
        return 16.0
    if isinstance(value, dt.date):
        return 10.0
    if isinstance(value, float):
        return float(len(f"{value:g}"))
    text = str(value)
    return float(max((len(line) for line in text.splitlines()), default=0))


def _column_widths(header: list[str], body: list[list[CellValue]]) -> list[float]:
    widths: list[float] = []
    for index, label in enumerate(header):
        longest = max(
            [_text_width(label)] + [_text_width(row[index]) for row in body[:_WIDTH_SAMPLE_ROWS]]
        )
        widths.append(min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2.0)))
    return widths


def _table_name(sheet_name: str, taken: set[str]) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", sheet_name).strip("_").lower() or "sheet"
    base = f"table_{slug}"
    name = base
    counter = 2
    while name.casefold() in taken:
        name = f"{base}_{counter}"
        counter += 1
    taken.add(name.casefold())
    return name


def _cover_layout(workbook: Workbook) -> _SheetLayout:
    rows = [[_Cell(_clean_text(workbook.title), "title")]]
    for heading, text in workbook.cover:
        rows.append([_Cell(_clean_text(heading), "heading")])
        rows.append([_Cell(_clean_text(text), "wrapped")])
    return _SheetLayout(COVER_SHEET_NAME, rows, [100.0], "", -1, 0, [])


def _table_layout(
    name: str,
    title: str,
    intro: list[str],
    header: list[str],
    body: list[list[CellValue]],
    table_name: str,
) -> _SheetLayout:
    rows: list[list[_Cell]] = [[_Cell(_clean_text(title), "title")]]
    rows.extend([_Cell(_clean_text(line), "text")] for line in intro)
    header_row = len(rows)
    rows.append([_Cell(_clean_text(label), "header") for label in header])
    rows.extend([_Cell(value, "data") for value in row] for row in body)
    return _SheetLayout(
        name=name,
        rows=rows,
        column_widths=_column_widths(header, body),
        table_name=table_name,
        header_row=header_row,
        data_rows=len(body),
        columns=[_clean_text(label) for label in header],
    )


def _notes_line(note_ids: list[str]) -> str:
    if len(note_ids) == 1:
        listed = note_ids[0]
    else:
        listed = ", ".join(note_ids[:-1]) + " and " + note_ids[-1]
    lead = "Note that applies" if len(note_ids) == 1 else "Notes that apply"
    return f"{lead} to this table: {listed}. Note text is on the Notes worksheet."


def _layouts(workbook: Workbook) -> list[_SheetLayout]:
    validate_workbook(workbook)
    notes, per_sheet = resolved_notes(workbook)
    taken: set[str] = set()
    layouts = [_cover_layout(workbook)]
    if notes:
        layouts.append(
            _table_layout(
                NOTES_SHEET_NAME,
                "Notes",
                ["This worksheet contains one table. It lists the notes used in this workbook."],
                ["Note number", "Note text"],
                [[_clean_text(note_id), _clean_text(text)] for note_id, text in notes],
                _table_name("notes", taken),
            )
        )
    for table in workbook.tables:
        intro = [f"This worksheet contains one table. {table.description.strip()}"]
        applies = per_sheet[table.sheet_name]
        if applies:
            intro.append(_notes_line(applies))
        header = [str(label) for label in table.dataframe.columns]
        marker = table.missing.marker
        body = [
            [_cell_value(value, marker) for value in row]
            for row in table.dataframe.itertuples(index=False, name=None)
        ]
        layouts.append(
            _table_layout(
                table.sheet_name,
                table.title,
                intro,
                header,
                body,
                _table_name(table.sheet_name, taken),
            )
        )
    return layouts


def _subject(workbook: Workbook) -> str:
    return workbook.subject.strip() or workbook.title


# --------------------------------------------------------------------------------------------
# XLSX


def to_xlsx(workbook: Workbook) -> bytes:
    """Write the workbook as XLSX (Office Open XML) bytes with openpyxl."""
    from openpyxl import Workbook as XlWorkbook
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table as XlTable
    from openpyxl.worksheet.table import TableColumn, TableStyleInfo

    fonts = {
        "title": Font(bold=True, size=14),
        "heading": Font(bold=True, size=12),
        "header": Font(bold=True),
    }
    wrap = Alignment(wrap_text=True, vertical="top")
    book = XlWorkbook()
    book.remove(book.active)
    for index, layout in enumerate(_layouts(workbook)):
        sheet = book.create_sheet(title=layout.name)
        for row_number, row in enumerate(layout.rows, start=1):
            for column_number, cell in enumerate(row, start=1):
                target = sheet.cell(row=row_number, column=column_number)
                value = cell.value
                target.value = value
                if isinstance(value, str):
                    # Text is text: never let openpyxl store it as a formula.
                    target.data_type = "s"
                    if is_risky_text(value):
                        target.quotePrefix = True
                elif isinstance(value, dt.datetime):
                    target.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, dt.date):
                    target.number_format = "yyyy-mm-dd"
                if cell.role in fonts:
                    target.font = fonts[cell.role]
                if cell.role in ("wrapped", "header", "data"):
                    target.alignment = wrap
        for column_number, width in enumerate(layout.column_widths, start=1):
            sheet.column_dimensions[get_column_letter(column_number)].width = width
        if layout.table_name and layout.data_rows:
            first = layout.header_row + 1
            last = first + layout.data_rows
            ref = f"A{first}:{get_column_letter(len(layout.columns))}{last}"
            xl_table = XlTable(displayName=layout.table_name, ref=ref)
            # Setting the columns ourselves stops openpyxl adding filter buttons.
            xl_table.tableColumns = [
                TableColumn(id=i, name=name) for i, name in enumerate(layout.columns, start=1)
            ]
            xl_table.tableStyleInfo = TableStyleInfo(
                name="TableStyleLight1", showRowStripes=False, showColumnStripes=False
            )
            sheet.add_table(xl_table)
        if layout.header_row >= 0:
            # Repeat the header row on every printed page.
            sheet.print_title_rows = f"{layout.header_row + 1}:{layout.header_row + 1}"
        view = sheet.sheet_view
        view.tabSelected = index == 0
        view.selection[0].activeCell = "A1"
        view.selection[0].sqref = "A1"
    book.active = 0
    props = book.properties
    props.title = workbook.title
    props.subject = _subject(workbook)
    props.creator = workbook.author
    props.lastModifiedBy = workbook.author
    props.language = workbook.language
    if workbook.keywords:
        props.keywords = ", ".join(workbook.keywords)
    book.custom_doc_props.append(StringProperty(name="Organisation", value=workbook.organisation))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# ODS

_CM_PER_CHARACTER = 0.21


def to_ods(workbook: Workbook) -> bytes:
    """Write the workbook as ODS (OpenDocument spreadsheet) bytes with odfpy."""
    from odf import config, dc, meta, number, teletype
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import (
        DefaultStyle,
        Style,
        TableCellProperties,
        TableColumnProperties,
        TextProperties,
    )
    from odf.table import Table as OdsTable
    from odf.table import TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import P

    layouts = _layouts(workbook)
    doc = OpenDocumentSpreadsheet()

    language_match = _LANGUAGE_TAG.match(workbook.language)
    assert language_match is not None  # checked by validate_workbook
    language, country = language_match.group(1), language_match.group(2)
    default_cell = DefaultStyle(family="table-cell")
    if country:
        default_cell.addElement(TextProperties(language=language, country=country))
    else:
        default_cell.addElement(TextProperties(language=language))
    doc.styles.addElement(default_cell)

    date_style = number.DateStyle(name="N_ISO_DATE")
    for part in (
        number.Year(style="long"),
        number.Text(text="-"),
        number.Month(style="long"),
        number.Text(text="-"),
        number.Day(style="long"),
    ):
        date_style.addElement(part)
    datetime_style = number.DateStyle(name="N_ISO_DATETIME")
    for part in (
        number.Year(style="long"),
        number.Text(text="-"),
        number.Month(style="long"),
        number.Text(text="-"),
        number.Day(style="long"),
        number.Text(text=" "),
        number.Hours(style="long"),
        number.Text(text=":"),
        number.Minutes(style="long"),
    ):
        datetime_style.addElement(part)
    doc.automaticstyles.addElement(date_style)
    doc.automaticstyles.addElement(datetime_style)

    def cell_style(name: str, bold: bool, size: str | None, wrapped: bool, data: str = "") -> Any:
        attributes: dict[str, str] = {"name": name, "family": "table-cell"}
        if data:
            attributes["datastylename"] = data
        style = Style(**attributes)
        text_attributes: dict[str, str] = {}
        if bold:
            text_attributes["fontweight"] = "bold"
        if size:
            text_attributes["fontsize"] = size
        if text_attributes:
            style.addElement(TextProperties(**text_attributes))
        if wrapped:
            style.addElement(TableCellProperties(wrapoption="wrap", verticalalign="top"))
        doc.automaticstyles.addElement(style)
        return style

    styles: dict[str, Any] = {
        "title": cell_style("ceTitle", True, "14pt", False),
        "heading": cell_style("ceHeading", True, "12pt", False),
        "text": cell_style("ceText", False, None, False),
        "wrapped": cell_style("ceWrapped", False, None, True),
        "header": cell_style("ceHeader", True, None, True),
        "data": cell_style("ceData", False, None, True),
    }
    date_cell = cell_style("ceDate", False, None, True, "N_ISO_DATE")
    datetime_cell = cell_style("ceDateTime", False, None, True, "N_ISO_DATETIME")

    column_styles: dict[float, Any] = {}

    def column_style(width: float) -> Any:
        if width not in column_styles:
            style = Style(name=f"co{len(column_styles) + 1}", family="table-column")
            style.addElement(
                TableColumnProperties(columnwidth=f"{width * _CM_PER_CHARACTER:.2f}cm")
            )
            doc.automaticstyles.addElement(style)
            column_styles[width] = style
        return column_styles[width]

    def make_cell(cell: _Cell) -> Any:
        value = cell.value
        style = styles[cell.role]
        if value is None:
            return TableCell(stylename=style)
        if isinstance(value, bool):
            shown = "TRUE" if value else "FALSE"
            ods_cell = TableCell(valuetype="boolean", booleanvalue=shown.lower(), stylename=style)
            ods_cell.addElement(P(text=shown))
            return ods_cell
        if isinstance(value, (int, float)):
            shown = str(value) if isinstance(value, int) else repr(value)
            ods_cell = TableCell(valuetype="float", value=shown, stylename=style)
            ods_cell.addElement(P(text=shown))
            return ods_cell
        if isinstance(value, dt.datetime):
            ods_cell = TableCell(
                valuetype="date", datevalue=value.isoformat(), stylename=datetime_cell
            )
            ods_cell.addElement(P(text=value.strftime("%Y-%m-%d %H:%M")))
            return ods_cell
        if isinstance(value, dt.date):
            ods_cell = TableCell(valuetype="date", datevalue=value.isoformat(), stylename=date_cell)
            ods_cell.addElement(P(text=value.isoformat()))
            return ods_cell
        ods_cell = TableCell(valuetype="string", stylename=style)
        for line in value.split("\n"):
            paragraph = P()
            teletype.addTextToElement(paragraph, line)
            ods_cell.addElement(paragraph)
        return ods_cell

    for layout in layouts:
        sheet = OdsTable(name=layout.name)
        for width in layout.column_widths:
            sheet.addElement(TableColumn(stylename=column_style(width)))
        for row_index, row in enumerate(layout.rows):
            ods_row = TableRow()
            for cell in row:
                ods_row.addElement(make_cell(cell))
            if row_index == layout.header_row:
                # Tag the table's header row; it also repeats on every printed page.
                header_rows = TableHeaderRows()
                header_rows.addElement(ods_row)
                sheet.addElement(header_rows)
            else:
                sheet.addElement(ods_row)
        doc.spreadsheet.addElement(sheet)

    doc.meta.addElement(dc.Title(text=workbook.title))
    doc.meta.addElement(dc.Subject(text=_subject(workbook)))
    doc.meta.addElement(dc.Creator(text=workbook.author))
    doc.meta.addElement(meta.InitialCreator(text=workbook.author))
    doc.meta.addElement(dc.Language(text=workbook.language))
    for keyword in workbook.keywords:
        doc.meta.addElement(meta.Keyword(text=keyword))
    doc.meta.addElement(
        meta.UserDefined(name="Organisation", valuetype="string", text=workbook.organisation)
    )

    view_settings = config.ConfigItemSet(name="ooo:view-settings")
    views = config.ConfigItemMapIndexed(name="Views")
    view = config.ConfigItemMapEntry()
    view.addElement(config.ConfigItem(name="ViewId", type="string", text="view1"))
    view.addElement(config.ConfigItem(name="ActiveTable", type="string", text=layouts[0].name))
    tables = config.ConfigItemMapNamed(name="Tables")
    for layout in layouts:
        entry = config.ConfigItemMapEntry(name=layout.name)
        entry.addElement(config.ConfigItem(name="CursorPositionX", type="int", text="0"))
        entry.addElement(config.ConfigItem(name="CursorPositionY", type="int", text="0"))
        tables.addElement(entry)
    view.addElement(tables)
    views.addElement(view)
    view_settings.addElement(views)
    doc.settings.addElement(view_settings)

    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()
