"""Hostile spreadsheets: small files that describe huge tables, and the memory read them takes.

Each file is made in memory (nothing binary is committed). ``python -m bench --only hostile``
reads every file with the survey reader in a fresh Python process, records the outcome, the
peak of Python allocations (tracemalloc), the process's peak resident memory and the time,
and merges the figures into bench/results.json under ``hostile_files``.

The unit tests (tests/unit/test_survey_file.py) read the same files and check the outcome.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report import RESULTS_PATH, Column, merge_results, print_table, say

_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Responses">'
)
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"
_HEADER_ROW = (
    "<table:table-row>"
    '<table:table-cell office:value-type="string"><text:p>ID</text:p></table:table-cell>'
    '<table:table-cell office:value-type="string"><text:p>Comment</text:p></table:table-cell>'
    "</table:table-row>"
)


def ods_from_content(body: str, *, head: str = _ODS_HEAD, padding: int = 0) -> bytes:
    """An ODS file whose first sheet's XML is ``body`` (rows), deflated as LibreOffice does.

    ``padding`` adds that many spaces after the document, which compress to almost nothing.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", _ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        info = zipfile.ZipInfo("content.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=padding > 0) as content:
            content.write((head + body + _ODS_TAIL).encode())
            chunk = b" " * (1024 * 1024)
            for start in range(0, padding, len(chunk)):
                content.write(chunk[: padding - start])
    return buffer.getvalue()


def _string_cell(text: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{repeated}>'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def ods_repeated_rows() -> bytes:
    """One row of answers repeated two million times."""
    row = (
        '<table:table-row table:number-rows-repeated="2000000">'
        + _string_cell("R")
        + _string_cell("same answer")
        + "</table:table-row>"
    )
    return ods_from_content(_HEADER_ROW + row)


def ods_empty_rows_then_an_answer() -> bytes:
    """A million empty rows, then one answer: legitimate, and must not be expanded."""
    empty = (
        '<table:table-row table:number-rows-repeated="1000000">'
        "<table:table-cell/></table:table-row>"
    )
    answer = "<table:table-row>" + _string_cell("R1") + _string_cell("late") + "</table:table-row>"
    return ods_from_content(_HEADER_ROW + empty + answer)


def ods_repeated_columns() -> bytes:
    """One cell repeated across a billion columns."""
    row = "<table:table-row>" + _string_cell("R1") + _string_cell("x", 1_000_000_000)
    return ods_from_content(_HEADER_ROW + row + "</table:table-row>")


def ods_far_column() -> bytes:
    """An answer in column XFD, after 16,382 empty cells stored as one repeated cell."""
    row = (
        "<table:table-row>"
        + _string_cell("R1")
        + '<table:table-cell table:number-columns-repeated="16382"/>'
        + _string_cell("far away")
        + "</table:table-row>"
    )
    return ods_from_content(_HEADER_ROW + row)


def ods_too_many_cells() -> bytes:
    """900 columns repeated down 10,000 rows: nine million cells."""
    header = "<table:table-row>" + _string_cell("Q", 900) + "</table:table-row>"
    rows = (
        '<table:table-row table:number-rows-repeated="10000">'
        + _string_cell("a", 900)
        + "</table:table-row>"
    )
    return ods_from_content(header + rows)


def ods_space_run() -> bytes:
    """A cell holding one <text:s text:c="1000000000"/>: a billion spaces between two words."""
    cell = (
        '<table:table-cell office:value-type="string">'
        '<text:p>a<text:s text:c="1000000000"/>b</text:p></table:table-cell>'
    )
    row = "<table:table-row>" + _string_cell("R1") + cell + "</table:table-row>"
    return ods_from_content(_HEADER_ROW + row)


def ods_entity_expansion() -> bytes:
    """The "billion laughs": nested XML entities that expand to gigabytes."""
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    head = _ODS_HEAD.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE office:document-content [{entities}]>',
    )
    row = "<table:table-row>" + _string_cell("R1") + _string_cell("&a9;") + "</table:table-row>"
    return ods_from_content(_HEADER_ROW + row, head=head)


def zip_bomb() -> bytes:
    """A valid ODS followed by 100 MB of spaces, compressed to a few hundred kilobytes."""
    row = "<table:table-row>" + _string_cell("R1") + _string_cell("fine") + "</table:table-row>"
    return ods_from_content(_HEADER_ROW + row, padding=100 * 1024 * 1024)


def _xlsx(cells: dict[str, str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for reference, value in cells.items():
        sheet[reference] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_cell_in_column_xfd() -> bytes:
    """Three answers and one cell in column XFD (the sheet's declared width is 16,384)."""
    cells = {"A1": "ID", "B1": "Comment", "XFD1": "!"}
    cells.update({f"A{n}": f"R{n}" for n in range(2, 5)})
    cells.update({f"B{n}": "an answer" for n in range(2, 5)})
    return _xlsx(cells)


def xlsx_far_column_without_dimension() -> bytes:
    """As above, with the sheet's <dimension> removed, so only reading the row finds XFD."""
    data = xlsx_cell_in_column_xfd()
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index("<dimension")
                end = text.index("/>", start) + 2
                content = (text[:start] + text[end:]).encode()
            target.writestr(info.filename, content)
    return buffer.getvalue()


def xlsx_last_row() -> bytes:
    """A header in row 1 and one answer in row 1,048,576: legitimate, must not be padded."""
    return _xlsx({"A1": "ID", "B1": "Comment", "A1048576": "R1", "B1048576": "at the end"})


@dataclass(frozen=True)
class HostileFile:
    """A hostile file, what it is, and the start of the message the reader must give."""

    name: str
    description: str
    make: Callable[[], bytes]
    filename: str
    refused_with: str | None  # None: the file is legitimate and must be read


HOSTILE_FILES: tuple[HostileFile, ...] = (
    HostileFile(
        "ods_repeated_rows",
        "ODS: one row repeated 2,000,000 times",
        ods_repeated_rows,
        "rows.ods",
        "The file has more than 200,000 rows of answers",
    ),
    HostileFile(
        "ods_empty_rows_then_an_answer",
        "ODS: 1,000,000 empty rows, then one answer",
        ods_empty_rows_then_an_answer,
        "gap.ods",
        None,
    ),
    HostileFile(
        "ods_repeated_columns",
        "ODS: one cell repeated across 1,000,000,000 columns",
        ods_repeated_columns,
        "wide.ods",
        "Row 2 has a cell in column",
    ),
    HostileFile(
        "ods_far_column",
        "ODS: an answer in column XFD after 16,382 empty cells",
        ods_far_column,
        "far.ods",
        "Row 2 has a cell in column XFD",
    ),
    HostileFile(
        "ods_too_many_cells",
        "ODS: 900 columns repeated down 10,000 rows",
        ods_too_many_cells,
        "cells.ods",
        "The file has more than 5,000,000 cells",
    ),
    HostileFile(
        "ods_space_run",
        'ODS: <text:s text:c="1000000000"/> in one cell',
        ods_space_run,
        "spaces.ods",
        "The cell in row 2, column B is too large",
    ),
    HostileFile(
        "ods_entity_expansion",
        "ODS: nested XML entities (billion laughs)",
        ods_entity_expansion,
        "laughs.ods",
        "This file was refused: its XML declares entities",
    ),
    HostileFile(
        "zip_bomb",
        "ODS: 100 MB of spaces compressed into the archive",
        zip_bomb,
        "bomb.ods",
        "The file is too large: it unpacks to",
    ),
    HostileFile(
        "xlsx_cell_in_column_xfd",
        "XLSX: one cell in column XFD (declared width 16,384)",
        xlsx_cell_in_column_xfd,
        "xfd.xlsx",
        "The sheet 'Sheet' says it spans columns A to XFD",
    ),
    HostileFile(
        "xlsx_far_column_without_dimension",
        "XLSX: one cell in column XFD, no declared dimension",
        xlsx_far_column_without_dimension,
        "xfd-nodim.xlsx",
        "Row 1 has a cell in column XFD",
    ),
    HostileFile(
        "xlsx_last_row",
        "XLSX: one answer in row 1,048,576",
        xlsx_last_row,
        "last-row.xlsx",
        None,
    ),
)

TABLE_COLUMNS = (
    Column("description", "File"),
    Column("file_kb", "File KB", "right", ",.1f"),
    Column("outcome", "Outcome"),
    Column("python_peak_mb", "Python peak MB", "right", ",.1f"),
    Column("peak_rss_mb", "Peak RSS MB", "right", ",.0f"),
    Column("seconds", "Seconds", "right", ",.2f"),
)


def measure(name: str) -> dict[str, Any]:
    """Read one hostile file in this process and measure it (run in a fresh process)."""
    from ue_core.survey_import import ImportProblem, read_table

    hostile = next(item for item in HOSTILE_FILES if item.name == name)
    data = hostile.make()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        raw = read_table(data, hostile.filename)
    except ImportProblem as problem:
        outcome = f"refused: {problem.message}"
        expected = hostile.refused_with is not None and problem.message.startswith(
            hostile.refused_with
        )
    else:
        outcome = f"read: {raw.row_count:,} rows, {len(raw.columns)} columns"
        expected = hostile.refused_with is None
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "name": name,
        "description": hostile.description,
        "file_kb": round(len(data) / 1024, 1),
        "outcome": outcome,
        "as_expected": expected,
        "python_peak_mb": round(peak / (1024 * 1024), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_read_mb": round(rss_before, 1),
        "seconds": round(seconds, 3),
    }


def run(results: Path = RESULTS_PATH) -> int:
    """Measure every hostile file, each in a fresh process; print and record the figures."""
    rows: list[dict[str, Any]] = []
    for hostile in HOSTILE_FILES:
        done = subprocess.run(
            [sys.executable, "-m", "bench.hostile_files", hostile.name],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            say(f"{hostile.name} failed: {done.stderr.strip()[-500:]}")
            rows.append(
                {
                    "name": hostile.name,
                    "description": hostile.description,
                    "outcome": "error",
                    "as_expected": False,
                }
            )
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("\nHostile spreadsheets: reading each file in a fresh process\n")
    shown = [{**row, "outcome": str(row.get("outcome", ""))[:70]} for row in rows]
    print_table(shown, TABLE_COLUMNS)
    section = {
        "method": "read_table on each file in a fresh process; tracemalloc peak of the read, "
        "and ru_maxrss of the process after it",
        "files": rows,
        "all_as_expected": all(row.get("as_expected") for row in rows),
    }
    merge_results("hostile_files", section, results)
    say(f"Hostile-file figures written to {results}")
    return 0 if section["all_as_expected"] else 1


if __name__ == "__main__":
    if len(sys.argv) == 2:
        print(json.dumps(measure(sys.argv[1])))
    else:
        raise SystemExit(run())
