"""Fuzzing the survey reader with Hypothesis: whatever is uploaded, the only exception that
escapes is the reader's own :class:`ImportProblem`, with a message for the person.

Inputs: random bytes, random CSV-like text, and small random XLSX and ODS files built in
memory (including ODS repeat attributes). Every file that is read is also previewed, checked
and prepared, so the later steps are fuzzed too.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.hostile_files import ods_from_content
from ue_core.survey_import import ImportProblem, RawTable, prepare, preview, read_table, validate

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to the CSV reader, the decoder and the redactor.
CSV_ALPHABET = st.sampled_from(
    [*',;\t"\n\r \x00\x01\ufeffé–aZ0123456789@.+-=', "Respondent ID", "café", "07700"]
)
CELL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)


def read_everything(data: bytes, filename: str) -> RawTable | None:
    """Read, preview, validate and prepare; None when the file is refused with a message."""
    try:
        raw = read_table(data, filename, max_rows=500)
    except ImportProblem as problem:
        assert problem.message.strip()
        return None
    assert raw.columns
    assert all(len(row) == len(raw.columns) for row in raw.rows)
    assert list(raw.row_numbers) == sorted(set(raw.row_numbers))
    view = preview(raw)
    report = validate(raw, view.suggested_mapping)
    if report.ok:
        survey = prepare(raw, view.suggested_mapping)
        assert len(survey.responses) == raw.row_count
    return raw


@FUZZ
@given(st.binary(max_size=2_000), st.sampled_from(["s.csv", "s.xlsx", "s.ods", "s"]))
def test_random_bytes_are_read_or_refused_with_a_message(data: bytes, filename: str) -> None:
    read_everything(data, filename)


@FUZZ
@given(st.lists(CSV_ALPHABET, max_size=300).map("".join), st.sampled_from(["utf-8", "cp1252"]))
def test_random_csv_like_text_is_read_or_refused_with_a_message(text: str, encoding: str) -> None:
    read_everything(text.encode(encoding, errors="replace"), "s.csv")


@FUZZ
@given(st.lists(st.lists(st.one_of(CELL_TEXT, st.integers(), st.none()), max_size=6), max_size=8))
def test_random_small_xlsx_files_are_read_or_refused_with_a_message(grid: list) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    for row in grid:
        cleaned = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        # A string starting with "=" would be stored as a formula without a cached value.
        sheet.append([v[1:] if isinstance(v, str) and v.startswith("=") else v for v in cleaned])
    buffer = io.BytesIO()
    book.save(buffer)
    read_everything(buffer.getvalue(), "s.xlsx")


ODS_CELL = st.tuples(
    st.one_of(CELL_TEXT, st.just("")),
    st.sampled_from([1, 1, 2, 3, 1_000, 16_384, 10**9]),
)
ODS_ROW = st.tuples(st.lists(ODS_CELL, max_size=5), st.sampled_from([1, 1, 2, 50, 10**6]))


def _ods_xml(rows: list[tuple[list[tuple[str, int]], int]]) -> str:
    parts: list[str] = []
    for cells, row_repeat in rows:
        parts.append(f'<table:table-row table:number-rows-repeated="{row_repeat}">')
        for text, column_repeat in cells:
            body = f"<text:p>{escape(text)}</text:p>" if text else ""
            parts.append(
                f'<table:table-cell office:value-type="string" '
                f'table:number-columns-repeated="{column_repeat}">{body}</table:table-cell>'
            )
        parts.append("</table:table-row>")
    return "".join(parts)


@FUZZ
@given(st.lists(ODS_ROW, max_size=6))
def test_random_small_ods_files_with_repeats_are_read_or_refused_with_a_message(
    rows: list[tuple[list[tuple[str, int]], int]],
) -> None:
    cleaned = [
        ([(_xml_safe(text), repeat) for text, repeat in cells], row_repeat)
        for cells, row_repeat in rows
    ]
    read_everything(ods_from_content(_ods_xml(cleaned)), "s.ods")


def _xml_safe(text: str) -> str:
    return "".join(
        char
        for char in text
        if char in "\t\n\r" or (" " <= char <= "\ud7ff") or ("\ue000" <= char <= "\ufffd")
    )
