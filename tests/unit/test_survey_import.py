"""Reading, previewing, validating and preparing survey files.

Spreadsheet files are made here with openpyxl and odfpy rather than committed as binaries.
"""

import io
import zipfile
from typing import Any

import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

from ue_core.survey_import import (
    ColumnMapping,
    ImportProblem,
    RawTable,
    prepare,
    preview,
    read_table,
    validate,
)

ROWS = [
    ["Respondent ID", "Role", "What could we improve?"],
    ["R1", "Analyst", "The tables are hard to find – café search is slow"],
    ["R2", "Journalist", "Email me at jo@example.com about the release"],
    ["R3", "Analyst", "More regional breakdowns please"],
]


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    text = "\r\n".join(delimiter.join(_quote(cell, delimiter) for cell in row) for row in rows)
    return (text + "\r\n").encode(encoding)


def _quote(cell: str, delimiter: str) -> str:
    if any(char in cell for char in (delimiter, '"', "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def xlsx_bytes(rows: list[list[Any]], extra_sheet: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Responses"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("Notes").append(["ignored"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_bytes(rows: list[list[Any]]) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Responses")
    for row in rows:
        table_row = TableRow()
        for value in row:
            if isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                if value:
                    cell.addElement(P(text=value))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


MAPPING = ColumnMapping(
    respondent_id="Respondent ID", free_text=["What could we improve?"], closed=["Role"]
)


# --- formats, encodings and delimiters ---------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")]
)
def test_text_encodings_are_detected(encoding, expected):
    raw = read_table(csv_bytes(ROWS, encoding=encoding), "survey.csv")
    assert raw.encoding == expected
    assert raw.columns == ("Respondent ID", "Role", "What could we improve?")
    assert raw.rows[0][2] == "The tables are hard to find – café search is slow"


def test_utf16_with_a_byte_order_mark_is_read():
    raw = read_table(csv_bytes(ROWS, delimiter="\t", encoding="utf-16"), "survey.txt")
    assert raw.delimiter == "\t"
    assert raw.rows[1][0] == "R2"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_are_detected(delimiter):
    rows = [*ROWS, ["R4", "Other", "Commas, semicolons; and tabs\tall appear here"]]
    raw = read_table(csv_bytes(rows, delimiter=delimiter), "survey.csv")
    assert raw.delimiter == delimiter
    assert raw.row_count == 4
    assert raw.rows[3][2] == "Commas, semicolons; and tabs\tall appear here"


def test_a_single_column_file_is_read():
    raw = read_table(b"Comments\nToo slow\nVery clear\n", "comments.csv")
    assert raw.columns == ("Comments",)
    assert raw.row_count == 2


def test_xlsx_is_read_with_numbers_shown_as_a_person_sees_them():
    rows: list[list[Any]] = [
        ["ID", "Score", "Comment"],
        [101, 4.0, "Good charts"],
        [102, 3.5, "Slow downloads"],
    ]
    raw = read_table(xlsx_bytes(rows, extra_sheet=True), "survey.xlsx")
    assert raw.source_format == "xlsx"
    assert raw.sheet_name == "Responses"
    assert raw.rows == (("101", "4", "Good charts"), ("102", "3.5", "Slow downloads"))
    assert "Excel workbook" in raw.describe_source()


def test_ods_is_read():
    rows: list[list[Any]] = [
        ["ID", "Score", "Comment"],
        [7, 2.5, "Hard to find"],
        ["", "", ""],
        [8, 1, "Fine"],
    ]
    raw = read_table(ods_bytes(rows), "survey.ods")
    assert raw.source_format == "ods"
    assert raw.columns == ("ID", "Score", "Comment")
    assert raw.rows == (("7", "2.5", "Hard to find"), ("8", "1", "Fine"))
    assert raw.row_numbers == (2, 4)


def test_format_is_detected_from_content_not_only_the_name():
    raw = read_table(xlsx_bytes(ROWS), "export-without-extension")
    assert raw.source_format == "xlsx"
    assert raw.row_count == 3


def test_row_numbers_match_the_spreadsheet_and_blank_rows_are_skipped():
    data = b"ID,Comment\nA,one\n,\nB,two\n"
    raw = read_table(data, "s.csv")
    assert raw.row_numbers == (2, 4)


def test_blank_and_repeated_column_names_get_clear_names_and_a_warning():
    raw = read_table(b"ID,Comment,,Comment\n1,a,b,c\n", "s.csv")
    assert raw.columns == ("ID", "Comment", "Column C", "Comment (2)")
    assert any("Two columns are called 'Comment'" in issue.message for issue in raw.warnings)


def test_extra_cells_beyond_the_header_are_reported():
    raw = read_table(b"ID,Comment\n1,fine,surprise\n", "s.csv")
    assert raw.rows == (("1", "fine"),)
    assert raw.warnings[0].row == 2


# --- bad files --------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b",,,\n,,\n"])
def test_an_empty_file_is_reported(data):
    with pytest.raises(ImportProblem, match=r"^The file is empty$"):
        read_table(data, "empty.csv")


def test_a_header_without_answers_is_reported():
    with pytest.raises(ImportProblem, match="no answers below them"):
        read_table(b"ID,Comment\n", "s.csv")


def test_an_empty_first_row_is_skipped_when_finding_the_header():
    with pytest.raises(ImportProblem, match="column names in row 2 but no answers below them"):
        read_table(b",\nR1,hello\n", "s.csv")


def test_a_file_over_the_size_limit_is_reported():
    with pytest.raises(ImportProblem, match=r"^The file is larger than 20 MB$"):
        read_table(b"x" * (20 * 1024 * 1024 + 1), "big.csv")
    with pytest.raises(ImportProblem, match="larger than 1 MB"):
        read_table(b"ID,Comment\n" + b"1,abc\n" * 200_000, "big.csv", max_bytes=1024 * 1024)


def test_too_many_rows_are_reported():
    with pytest.raises(ImportProblem, match="more than 3 rows"):
        read_table(b"ID\n1\n2\n3\n4\n", "s.csv", max_rows=3)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (bytes(range(256)) * 50, "noise.csv", "holds binary data, not text or a spreadsheet"),
        (b"not really a workbook", "survey.xlsx", "could not be read as CSV, Excel or ODS"),
        (b"PK\x03\x04 broken zip", "survey.xlsx", "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "old-style Excel"),
    ],
)
def test_unreadable_files_are_reported(data, name, message):
    with pytest.raises(ImportProblem, match=message):
        read_table(data, name)


def test_a_broken_csv_row_is_named():
    data = b'ID,Comment\nR1,fine\nR2,"' + b"x" * 200_000 + b"\n"
    with pytest.raises(ImportProblem, match="Row 3 has a quotation mark that is opened") as caught:
        read_table(data, "s.csv")
    assert caught.value.row == 3


def test_a_zip_that_is_not_a_spreadsheet_is_reported():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportProblem, match="not a spreadsheet"):
        read_table(buffer.getvalue(), "survey.ods")


def test_no_free_text_column_is_an_error():
    raw = read_table(csv_bytes(ROWS), "s.csv")
    report = validate(raw, ColumnMapping("Respondent ID", free_text=[], closed=["Role"]))
    assert not report.ok
    assert report.errors[0].message == (
        "No column has free text: choose at least one free-text question"
    )
    with pytest.raises(ImportProblem, match="No column has free text"):
        prepare(raw, ColumnMapping("Respondent ID", free_text=[], closed=["Role"]))


def test_a_free_text_column_with_no_answers_is_an_error():
    raw = read_table(b"ID,Comment,Role\n1,,a\n2,,b\n", "s.csv")
    report = validate(raw, ColumnMapping("ID", free_text=["Comment"], closed=["Role"]))
    assert [issue.message for issue in report.errors] == [
        "No column has free text: none of the chosen questions has answers"
    ]


def test_duplicate_ids_name_both_rows():
    lines = ["ID,Comment"] + [f"R{i},answer {i}" for i in range(1, 40)] + ["R12,again"]
    raw = read_table("\n".join(lines).encode(), "s.csv")
    report = validate(raw, ColumnMapping("ID", free_text=["Comment"]))
    assert [issue.message for issue in report.errors] == [
        "Respondent ID 'R12' appears more than once (rows 13 and 41)"
    ]
    assert report.errors[0].row == 41


def test_a_missing_id_names_its_row():
    raw = read_table(b"ID,Comment\nR1,a\n,b\n", "s.csv")
    report = validate(raw, ColumnMapping("ID", free_text=["Comment"]))
    assert [(issue.row, issue.message) for issue in report.errors] == [
        (3, "Row 3 has no respondent ID")
    ]


def test_unknown_and_doubly_used_columns_are_errors():
    raw = read_table(csv_bytes(ROWS), "s.csv")
    report = validate(raw, ColumnMapping("Nope", free_text=["Role"], closed=["Role"]))
    messages = [issue.message for issue in report.errors]
    assert "The file has no column called 'Nope'" in messages
    assert "The column 'Role' is chosen for more than one role" in messages


# --- preview, validation report and preparation -------------------------------------------------


def test_preview_suggests_a_mapping():
    answers = [
        "The release calendar is hard to find on the site",
        "Charts are clear but the tables need more detail",
        "I would like regional breakdowns for my area",
        "The helpline staff were quick and very helpful",
    ]
    rows = [["Response ID", "Sector", "Comments"]] + [
        [f"R{i}", "Public" if i % 2 else "Private", answers[i % 4]] for i in range(1, 9)
    ]
    result = preview(read_table(csv_bytes(rows), "s.csv"), n_rows=3)
    assert len(result.rows) == 3
    assert result.row_numbers == (2, 3, 4)
    assert result.row_count == 8
    assert result.suggested_mapping == ColumnMapping("Response ID", ["Comments"], ["Sector"])
    assert [profile.suggested_kind for profile in result.profiles] == [
        "respondent_id",
        "closed",
        "free_text",
    ]
    assert "comma separated" in result.source


def test_validation_counts_redactions_without_changing_the_table():
    raw = read_table(csv_bytes(ROWS), "s.csv")
    report = validate(raw, MAPPING)
    assert report.ok
    assert report.row_count == 3
    assert report.redaction_counts["email"] == 1
    assert "jo@example.com" in raw.rows[1][2]


def test_blank_answers_are_a_warning_not_an_error():
    raw = read_table(b"ID,Comment\nR1,fine\nR2,\nR3,\n", "s.csv")
    report = validate(raw, ColumnMapping("ID", free_text=["Comment"]))
    assert report.ok
    assert [issue.message for issue in report.warnings] == [
        "2 rows have no free-text answer (rows 3, 4)"
    ]


def test_prepare_redacts_free_text_and_keeps_closed_answers():
    survey = prepare(read_table(csv_bytes(ROWS), "s.csv"), MAPPING)
    assert [response.respondent_id for response in survey.responses] == ["R1", "R2", "R3"]
    assert survey.responses[1].free_text["What could we improve?"] == (
        "Email me at [email] about the release"
    )
    assert survey.responses[1].closed == {"Role": "Journalist"}
    assert survey.responses[1].row == 3
    assert survey.redaction_counts["email"] == 1
    assert survey.texts("What could we improve?")[2] == "More regional breakdowns please"


def test_personal_data_in_closed_answers_is_removed_and_counted_apart_from_free_text():
    raw = read_table(
        b"ID,Team,Comment\nR1,Call 0300 123 4567,fine\nR2,Sales,mail jo@example.com\nR3,Sales,ok\n",
        "s.csv",
    )
    mapping = ColumnMapping("ID", ["Comment"], ["Team"])
    report = validate(raw, mapping)
    assert report.ok
    assert report.redaction_counts["email"] == 1
    assert report.closed_redaction_counts["phone"] == 1
    survey = prepare(raw, mapping)
    assert survey.responses[0].closed == {"Team": "Call [phone]"}
    assert survey.redaction_counts["phone"] == 1
    assert survey.redaction_counts["email"] == 1


def test_prepare_names_respondents_by_row_when_there_is_no_id_column():
    survey = prepare(
        read_table(b"Comment\nfine\n\nslow\n", "s.csv"), ColumnMapping(None, ["Comment"])
    )
    assert [response.respondent_id for response in survey.responses] == ["row-2", "row-4"]


def test_prepare_refuses_an_invalid_survey_with_the_first_error():
    raw = read_table(b"ID,Comment\nR1,a\nR1,b\n", "s.csv")
    with pytest.raises(ImportProblem) as caught:
        prepare(raw, ColumnMapping("ID", free_text=["Comment"]))
    assert caught.value.message == "Respondent ID 'R1' appears more than once (rows 2 and 3)"
    assert caught.value.row == 3


def test_raw_table_column_values():
    raw = RawTable(
        filename="x.csv",
        source_format="csv",
        columns=("A", "B"),
        rows=(("1", "x"), ("2", "y")),
        row_numbers=(2, 3),
        encoding="utf-8",
        delimiter=";",
    )
    assert raw.column_values("B") == ["x", "y"]
    assert raw.describe_source() == "Text file, semicolon separated, utf-8 encoding"


def test_a_raw_header_is_tidied_and_a_worded_one_kept() -> None:
    from ue_core.survey_import import ColumnMapping, tidy_header

    assert tidy_header("barriers") == "Barriers"
    assert tidy_header("organisation_type") == "Organisation type"
    assert tidy_header("How often do you engage with users?") == (
        "How often do you engage with users?"
    )
    mapping = ColumnMapping(None, ["barriers"], wording={"barriers": "  What  gets in the way? "})
    assert mapping.wording_of("barriers") == "What gets in the way?"
    assert ColumnMapping(None, ["barriers"]).wording_of("barriers") == ""
