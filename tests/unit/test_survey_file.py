"""Hostile and awkward survey files: limits, header rows, quotation marks, NUL bytes, kinds.

The hostile spreadsheets are the benchmark's own (bench/hostile_files.py), made in memory.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from bench.hostile_files import HOSTILE_FILES, HostileFile
from ue_core.survey_import import (
    ColumnMapping,
    ImportProblem,
    header_choices,
    preview,
    read_table,
    validate,
)

# Reading any hostile file may take at most this much Python memory. On the reader before
# issue 10 one ODS cell of 512 bytes took 1.9 GB.
MEMORY_CEILING_MB = 64


@pytest.mark.parametrize("hostile", HOSTILE_FILES, ids=[item.name for item in HOSTILE_FILES])
def test_a_hostile_spreadsheet_is_stopped_at_a_named_limit_in_little_memory(
    hostile: HostileFile,
) -> None:
    data = hostile.make()
    tracemalloc.start()
    try:
        if hostile.refused_with is None:
            raw = read_table(data, hostile.filename)
            assert raw.row_count == 1
            assert raw.columns == ("ID", "Comment")
        else:
            with pytest.raises(ImportProblem) as caught:
                read_table(data, hostile.filename)
            assert caught.value.message.startswith(hostile.refused_with)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_CEILING_MB * 1024 * 1024


def test_rows_after_a_long_gap_keep_their_spreadsheet_row_numbers() -> None:
    by_name = {item.name: item for item in HOSTILE_FILES}
    ods = read_table(by_name["ods_empty_rows_then_an_answer"].make(), "gap.ods")
    assert ods.row_numbers == (1_000_002,)
    xlsx = read_table(by_name["xlsx_last_row"].make(), "last.xlsx")
    assert xlsx.rows == (("R1", "at the end"),)
    assert xlsx.row_numbers == (1_048_576,)


def test_the_column_limit_names_the_column_in_a_csv() -> None:
    row = ",".join(["x"] * 1_001)
    with pytest.raises(ImportProblem, match=r"Row 2 has a cell in column ALM \(column 1,001\)"):
        read_table(f"ID,Comment\n{row}\n".encode(), "wide.csv")


# --- title and blank rows above the header ------------------------------------------------------

TITLED = (
    b"Survey of users 2026\n"
    b"Exported 1 December 2026\n"
    b",,\n"
    b"Respondent ID,Role,What could we improve?\n"
    b"R1,Analyst,Faster releases\n"
    b"R2,Journalist,Clearer charts\n"
)


def test_title_and_blank_rows_above_the_header_are_found_and_left_out_with_a_warning() -> None:
    raw = read_table(TITLED, "titled.csv")
    assert raw.header_row == 4
    assert raw.columns == ("Respondent ID", "Role", "What could we improve?")
    assert raw.row_numbers == (5, 6)
    assert any("found in row 4, so rows 1-2 above them" in w.message for w in raw.warnings)
    assert header_choices(raw)[:2] == [
        (1, "Row 1: Survey of users 2026"),
        (2, "Row 2: Exported 1 December 2026"),
    ]


def test_blank_rows_above_the_header_are_skipped() -> None:
    raw = read_table(b",\n\nID,Comment\nR1,hello\n", "s.csv")
    assert raw.header_row == 3
    assert raw.rows == (("R1", "hello"),)


def test_the_person_can_choose_the_header_row() -> None:
    raw = read_table(TITLED, "titled.csv", header_row=2)
    assert raw.columns == ("Exported 1 December 2026",)
    assert raw.row_numbers == (4, 5, 6)
    with pytest.raises(ImportProblem, match="Row 3 cannot hold the column names") as caught:
        read_table(TITLED, "titled.csv", header_row=3)
    assert caught.value.row == 3


def test_a_header_row_in_a_spreadsheet_is_found_too() -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "Customer feedback"
    sheet.append([])
    sheet.append(["ID", "Comment", "Score"])
    sheet.append(["R1", "Good", 4])
    buffer = io.BytesIO()
    book.save(buffer)
    raw = read_table(buffer.getvalue(), "titled.xlsx")
    assert raw.header_row == 3
    assert raw.rows == (("R1", "Good", "4"),)


# --- quotation marks and large cells ------------------------------------------------------------


def test_an_unclosed_quotation_mark_is_refused_naming_the_row_where_it_starts() -> None:
    data = b'ID,Comment\nR1,fine\nR2,"it starts here\nR3,swallowed\nR4,and this\n'
    with pytest.raises(ImportProblem) as caught:
        read_table(data, "s.csv")
    assert caught.value.message.startswith(
        "Row 3 has a quotation mark that is opened but never closed"
    )
    assert caught.value.row == 3


def test_the_row_is_named_by_record_and_by_line_after_a_cell_with_line_breaks() -> None:
    data = b'ID,Comment\nR1,"two\nlines"\nR2,"open\nR3,more\n'
    with pytest.raises(ImportProblem, match=r"^Row 3 \(line 4 of the file\) has a quotation"):
        read_table(data, "s.csv")


def test_a_quotation_mark_out_of_place_within_one_line_is_read_with_a_warning() -> None:
    raw = read_table(b'ID,Comment\nR1,"=LINK("x") then more"\nR2,fine\n', "s.csv")
    assert raw.rows == (("R1", '=LINK(x") then more"'), ("R2", "fine"))
    assert raw.warnings[0].row == 2
    assert raw.warnings[0].message.startswith("Row 2 has a quotation mark in the wrong place")


def test_a_quotation_mark_that_runs_on_past_its_line_is_refused_naming_the_row() -> None:
    data = b'ID,Comment\nR1,"starts here\nR2,ends" here\nR3,fine\n'
    with pytest.raises(ImportProblem, match=r"^Row 2 has a quotation mark in the wrong place"):
        read_table(data, "s.csv")


def test_a_very_large_cell_is_called_too_large_not_a_quotation_problem() -> None:
    data = b"ID,Comment\nR1," + b"x" * 200_000 + b"\nR2,fine\n"
    with pytest.raises(ImportProblem) as caught:
        read_table(data, "s.csv")
    assert caught.value.message.startswith("The cell in row 2, column B is too large")
    assert "quotation" not in caught.value.message


def test_a_long_answer_within_the_cell_limit_is_read() -> None:
    answer = "word " * 6_000
    raw = read_table(f'ID,Comment\nR1,"{answer}"\n'.encode(), "s.csv")
    assert raw.rows[0][1] == answer.strip()


# --- NUL bytes and what a file is -----------------------------------------------------------------


def test_nul_bytes_in_utf8_text_are_named_with_the_line() -> None:
    data = "ID,Comment\nR1,café\nR2,bro\x00ken\x00\n".encode()
    with pytest.raises(ImportProblem) as caught:
        read_table(data, "s.csv")
    assert caught.value.message.startswith(
        "This is UTF-8 text, but it holds 2 zero (NUL) bytes, the first on line 3"
    )


def test_utf16_text_without_a_byte_order_mark_is_read() -> None:
    text = "ID,Comment\nR1,Clear tables\nR2,Slow site\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        raw = read_table(text.encode(encoding), "s.csv")
        assert raw.encoding == encoding
        assert raw.rows == (("R1", "Clear tables"), ("R2", "Slow site"))


def _zip(names: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, "This file is a PDF document"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "This file is a PNG image"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 64, "This file is a gzip-compressed file"),
        (b"SQLite format 3\x00" + b"\x00" * 64, "This file is an SQLite database"),
        (bytes(range(256)) * 50, "This file holds binary data, not text or a spreadsheet"),
        (b"\x00" * 500, "The file holds nothing but zero (NUL) bytes"),
        (b"<html><body><table><tr><td>ID</td></tr></table>", "This file is a web page (HTML)"),
        (_zip({"word/document.xml": "<w/>"}), "This file is a Word document"),
        (
            _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}),
            "This file is an OpenDocument file, but not a spreadsheet",
        ),
    ],
    ids=["pdf", "png", "gzip", "sqlite", "noise", "all-nul", "html", "docx", "odt"],
)
def test_a_file_that_is_not_a_survey_export_is_named(data: bytes, message: str) -> None:
    with pytest.raises(ImportProblem) as caught:
        read_table(data, "survey.csv")
    assert caught.value.message.startswith(message)


# --- respondent IDs and personal data -----------------------------------------------------------


def test_repeated_values_in_an_id_column_are_reported_not_replaced_by_row_numbers() -> None:
    lines = ["Respondent ID,Comment"] + [f"R{i},answer number {i}" for i in range(1, 30)]
    lines.append("R12,a second answer")
    raw = read_table("\n".join(lines).encode(), "s.csv")
    view = preview(raw)
    assert view.suggested_mapping.respondent_id == "Respondent ID"
    assert any(
        w.message.startswith("The column 'Respondent ID' looks like a respondent ID, but 1 value")
        and "'R12' is in rows 13 and 31" in w.message
        for w in view.warnings
    )
    report = validate(raw, view.suggested_mapping)
    assert not report.ok
    assert "Respondent ID 'R12' appears more than once" in report.errors[0].message


def test_a_column_named_like_contact_details_is_never_suggested_as_the_id() -> None:
    rows = ["Respondent email,Ref,Comment"] + [
        f"person{i}@example.org,{1000 + i},comment number {i} about the tables" for i in range(9)
    ]
    view = preview(read_table("\n".join(rows).encode(), "s.csv"))
    assert view.suggested_mapping.respondent_id == "Ref"
    assert "Respondent email" not in view.suggested_mapping.closed
    assert any(
        "'Respondent email' holds personal data (e-mail addresses)" in w.message
        for w in view.warnings
    )


@pytest.mark.parametrize("column", ["Your name", "Phone", "NI number", "Postcode", "Contact"])
def test_a_column_of_personal_identifiers_is_not_suggested(column: str) -> None:
    values = {
        "Your name": [f"Jo Bloggs {i}" for i in range(6)],
        "Phone": [f"07700 900{i:03d}" for i in range(6)],
        "NI number": [f"QQ 12 34 5{i} C" for i in range(6)],
        "Postcode": [f"SW1A {i}AA" for i in range(6)],
        "Contact": [f"jo{i}@example.org" for i in range(6)],
    }[column]
    rows = [f"{column},Comment"] + [f"{v},a comment about the release" for v in values]
    view = preview(read_table("\n".join(rows).encode(), "s.csv"))
    assert view.suggested_mapping.respondent_id is None
    assert column not in view.suggested_mapping.closed
    assert view.profiles[0].suggested_kind == "personal"


def test_personal_data_is_refused_as_the_id_and_as_a_closed_question() -> None:
    raw = read_table(
        b"Email,Full name,Comment\na@example.org,Jo Bloggs,fine\nb@example.org,Al Smith,slow\n",
        "s.csv",
    )
    report = validate(raw, ColumnMapping("Email", ["Comment"], ["Full name"]))
    messages = [issue.message for issue in report.errors]
    assert messages == [
        "The column 'Email' holds personal data (e-mail addresses) (for example row 2), so it "
        "cannot be the respondent ID: choose another column, or number the rows instead",
        "The column 'Full name' holds personal data (people's names): leave it out of the "
        "closed questions",
    ]


def test_an_id_holding_some_contact_details_is_refused_naming_the_row() -> None:
    raw = read_table(b"ID,Comment\nR1,fine\njo@example.org,slow\nR3,ok\n", "s.csv")
    report = validate(raw, ColumnMapping("ID", ["Comment"]))
    assert report.errors[0].row == 3
    assert "holds personal data (contact details) (for example row 3)" in report.errors[0].message
