import datetime as dt
import io
import math
import re
import zipfile
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from odf import dc, meta
from odf.opendocument import load as load_ods
from odf.table import CoveredTableCell, TableCell
from odf.table import Table as OdsTable

from ue_core.io.spreadsheet import (
    COVER_SHEET_NAME,
    NOTES_SHEET_NAME,
    Shorthand,
    SpreadsheetError,
    Table,
    Workbook,
    resolved_notes,
    to_ods,
    to_xlsx,
)

ENGINES = {"ods": (to_ods, "odf"), "xlsx": (to_xlsx, "openpyxl")}


def _scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Team": ["Alpha", "=1+1", "-2+3", "@SUM(A1)"],
            "Score": [3, -2, 0, 7],
            "Mean rating": [2.5, -0.75, np.nan, 4.0],
            "Assessed on": [dt.date(2025, 1, 31), dt.date(2025, 2, 1), None, dt.date(2025, 3, 3)],
        }
    )


def _workbook(**changes) -> Workbook:
    values: dict[str, Any] = {
        "title": "User engagement self-assessment results",
        "cover": [
            ("About these tables", "Ratings given by teams in the 2025 round."),
            ("Contact", "USER hub team."),
        ],
        "notes": [
            ("[note 1]", "Scores run from 0 to 10."),
            ("[note 2]", "Ratings are self-assessed."),
        ],
        "tables": [
            Table(
                "Scores",
                "Scores by team, 2025",
                _scores(),
                "Scores and mean ratings for each team.",
                ["[note 1]", "[note 2]"],
            ),
            Table(
                "Counts",
                "Teams by level",
                pd.DataFrame({"Level": ["Emerging", "Established"], "Teams": [4, 9]}),
                "Number of teams at each level.",
            ),
        ],
        "author": "USER hub",
        "organisation": "Analysis Function",
        "subject": "User engagement maturity",
    }
    values.update(changes)
    return Workbook(**values)


@pytest.fixture(params=sorted(ENGINES))
def written(request):
    writer, engine = ENGINES[request.param]
    return request.param, writer(_workbook()), engine


def _sheets(data: bytes, engine: str) -> dict[str, pd.DataFrame]:
    sheets: dict[str, pd.DataFrame] = pd.read_excel(
        io.BytesIO(data), engine=engine, sheet_name=None, header=None
    )
    return sheets


def test_sheet_order_and_names(written):
    _, data, engine = written
    assert list(_sheets(data, engine)) == [COVER_SHEET_NAME, NOTES_SHEET_NAME, "Scores", "Counts"]


def test_cover_has_title_in_a1_then_sections(written):
    _, data, engine = written
    cover = _sheets(data, engine)[COVER_SHEET_NAME]
    assert cover.shape[1] == 1
    assert cover.iloc[:, 0].tolist() == [
        "User engagement self-assessment results",
        "About these tables",
        "Ratings given by teams in the 2025 round.",
        "Contact",
        "USER hub team.",
    ]


def test_notes_sheet_is_one_table_with_shorthand_note_added(written):
    _, data, engine = written
    notes = pd.read_excel(io.BytesIO(data), engine=engine, sheet_name=NOTES_SHEET_NAME, header=2)
    assert list(notes.columns) == ["Note number", "Note text"]
    assert notes.values.tolist() == [
        ["[note 1]", "Scores run from 0 to 10."],
        ["[note 2]", "Ratings are self-assessed."],
        ["[note 3]", "[x] means not available."],
    ]
    raw = _sheets(data, engine)[NOTES_SHEET_NAME]
    assert raw.iloc[0, 0] == "Notes"


def test_table_sheet_layout_and_note_words(written):
    _, data, engine = written
    raw = _sheets(data, engine)["Scores"]
    assert raw.iloc[0, 0] == "Scores by team, 2025"
    assert raw.iloc[1, 0].startswith("This worksheet contains one table.")
    assert "[note 1], [note 2] and [note 3]" in raw.iloc[2, 0]
    assert raw.iloc[3].tolist() == ["Team", "Score", "Mean rating", "Assessed on"]
    # Nothing below the table and no blank rows inside it.
    assert len(raw) == 4 + len(_scores())
    assert not raw.iloc[3:].isna().any().any()
    counts = _sheets(data, engine)["Counts"]
    assert "note" not in str(counts.iloc[:3, 0].tolist()).lower()
    assert counts.iloc[2].tolist() == ["Level", "Teams"]


def test_numbers_round_trip_as_numbers_and_missing_is_marked(written):
    _, data, engine = written
    table = pd.read_excel(io.BytesIO(data), engine=engine, sheet_name="Scores", header=3)
    assert table["Score"].tolist() == [3, -2, 0, 7]
    assert pd.api.types.is_integer_dtype(table["Score"])
    means = table["Mean rating"].tolist()
    assert means[0] == 2.5 and means[1] == -0.75 and means[3] == 4
    assert means[2] == "[x]"
    assert all(isinstance(v, (int, float)) for i, v in enumerate(means) if i != 2)
    dates = table["Assessed on"].tolist()
    assert pd.Timestamp(dates[0]) == pd.Timestamp("2025-01-31")
    assert dates[2] == "[x]"


def test_formula_looking_text_is_kept_as_text(written):
    _, data, engine = written
    table = pd.read_excel(io.BytesIO(data), engine=engine, sheet_name="Scores", header=3)
    assert table["Team"].tolist() == ["Alpha", "=1+1", "-2+3", "@SUM(A1)"]


def test_xlsx_stores_formula_like_text_as_quoted_strings():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_workbook())))
    cell = book["Scores"]["A6"]
    assert cell.value == "=1+1"
    assert cell.data_type == "s"
    assert cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(to_xlsx(_workbook()))) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet3.xml").decode()
    assert "<f>" not in sheet_xml


def test_xlsx_structure_properties_and_view():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_workbook())))
    assert book.active.title == COVER_SHEET_NAME
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges
        assert sheet.sheet_view.selection[0].activeCell == "A1"
        assert sheet.freeze_panes is None
        assert sheet.auto_filter.ref is None
    assert [s.sheet_view.tabSelected for s in book.worksheets] == [True, False, False, False]
    props = book.properties
    assert props.title == "User engagement self-assessment results"
    assert props.subject == "User engagement maturity"
    assert props.creator == "USER hub"
    assert props.language == "en-GB"
    assert {p.name: p.value for p in book.custom_doc_props} == {"Organisation": "Analysis Function"}
    scores = book["Scores"]
    # The table is marked up as an Excel table with no filter buttons.
    (xl_table,) = scores.tables.values()
    assert xl_table.ref == "A4:D8"
    assert xl_table.autoFilter is None
    assert [c.name for c in xl_table.tableColumns] == [
        "Team",
        "Score",
        "Mean rating",
        "Assessed on",
    ]
    assert scores["A4"].alignment.wrap_text
    assert scores["B5"].alignment.wrap_text
    assert scores["A1"].font.bold
    widths = [scores.column_dimensions[c].width for c in "ABCD"]
    assert all(8 <= w <= 60 for w in widths)


def test_ods_structure_properties_and_view():
    data = to_ods(_workbook())
    doc = load_ods(io.BytesIO(data))
    names = [t.getAttribute("name") for t in doc.spreadsheet.getElementsByType(OdsTable)]
    assert names == [COVER_SHEET_NAME, NOTES_SHEET_NAME, "Scores", "Counts"]
    for cell in doc.spreadsheet.getElementsByType(TableCell):
        assert cell.getAttribute("numbercolumnsspanned") is None
        assert cell.getAttribute("numberrowsspanned") is None
        assert cell.getAttribute("formula") is None
    assert not doc.spreadsheet.getElementsByType(CoveredTableCell)

    def meta_text(element_type: Any) -> str:
        (element,) = doc.meta.getElementsByType(element_type)
        return str(element)

    assert meta_text(dc.Title) == "User engagement self-assessment results"
    assert meta_text(dc.Subject) == "User engagement maturity"
    assert meta_text(dc.Creator) == "USER hub"
    assert meta_text(meta.InitialCreator) == "USER hub"
    assert meta_text(dc.Language) == "en-GB"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        settings = archive.read("settings.xml").decode()
        content = archive.read("content.xml").decode()
    assert '"ActiveTable" config:type="string">Cover<' in settings
    assert 'fo:wrap-option="wrap"' in content
    assert 'office:value-type="float" office:value="-2"' in content


def test_missing_marker_can_be_chosen_and_declared_shorthand_is_explained():
    df = pd.DataFrame({"Area": ["North", "South"], "Mean": [None, "[c]"]})
    table = Table(
        "Areas",
        "Mean by area",
        df,
        "Mean rating in each area.",
        missing=Shorthand("[z]", "not applicable"),
        shorthand=[Shorthand("[c]", "suppressed because fewer than 5 teams answered")],
    )
    workbook = _workbook(notes=[], tables=[table])
    notes, per_sheet = resolved_notes(workbook)
    assert notes == [
        ("[note 1]", "[z] means not applicable."),
        ("[note 2]", "[c] means suppressed because fewer than 5 teams answered."),
    ]
    assert per_sheet == {"Areas": ["[note 1]", "[note 2]"]}
    back = pd.read_excel(io.BytesIO(to_xlsx(workbook)), sheet_name="Areas", header=3)
    assert back["Mean"].tolist() == ["[z]", "[c]"]


def test_no_notes_sheet_when_there_is_nothing_to_note():
    table = Table("Counts", "Teams", pd.DataFrame({"Level": ["A"], "Teams": [1]}), "Counts.")
    data = to_ods(_workbook(notes=[], tables=[table]))
    assert list(_sheets(data, "odf")) == [COVER_SHEET_NAME, "Counts"]


def test_index_and_datetimes_and_booleans():
    df = pd.DataFrame(
        {
            "When": [pd.Timestamp("2025-05-01 09:30", tz="UTC")],
            "Done": [True],
            "Text": ["line one\nline two"],
        },
        index=["ignored"],
    )
    workbook = _workbook(notes=[], tables=[Table("Log", "Log", df, "Log entries.")])
    for writer, engine in ENGINES.values():
        back = pd.read_excel(
            io.BytesIO(writer(workbook)), engine=engine, sheet_name="Log", header=2
        )
        assert list(back.columns) == ["When", "Done", "Text"]
        assert pd.Timestamp(back.loc[0, "When"]) == pd.Timestamp("2025-05-01 09:30")
        assert bool(back.loc[0, "Done"]) is True
        assert back.loc[0, "Text"] == "line one\nline two"


@pytest.mark.parametrize(
    "sheet_name",
    ["", "A" * 32, "Bad[name]", "What?", "a/b", "a\\b", "a:b", "star*", "'quoted'", "cover"],
)
def test_bad_sheet_names_are_refused(sheet_name):
    table = Table(sheet_name, "Title", pd.DataFrame({"a": [1]}), "Description.")
    with pytest.raises(SpreadsheetError):
        to_xlsx(_workbook(tables=[table]))


@pytest.mark.parametrize(
    "changes",
    [
        {"tables": []},
        {"title": " "},
        {"language": "english"},
        {"notes": [("note 1", "Not a valid id.")]},
        {"notes": [("[note 1]", "One."), ("[note 1]", "Again.")]},
        {
            "tables": [
                Table("One", "One", pd.DataFrame({"a": [1]}), "One.", ["[note 9]"]),
            ]
        },
        {
            "tables": [
                Table("Same", "One", pd.DataFrame({"a": [1]}), "One."),
                Table("same", "Two", pd.DataFrame({"a": [1]}), "Two."),
            ]
        },
        {"tables": [Table("Empty", "Empty", pd.DataFrame(), "Nothing.")]},
        {"tables": [Table("Odd", "Odd", pd.DataFrame({"a": [np.inf]}), "Infinite.")]},
        {
            "tables": [
                Table(
                    "Marks",
                    "Marks",
                    pd.DataFrame({"a": [1]}),
                    "Marks.",
                    shorthand=[Shorthand("*", "starred")],
                )
            ]
        },
    ],
)
def test_invalid_workbooks_are_refused(changes):
    with pytest.raises(SpreadsheetError):
        to_ods(_workbook(**changes))


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Tabs are written as ODF tab elements, which pandas does not read back, and XML parsers turn a
# bare carriage return into a line feed, so both are left out of the round-trip property.
_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\r\t"), max_size=30
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=4))
def test_any_text_round_trips_or_becomes_the_marker(values):
    workbook = _workbook(notes=[], tables=[Table("S", "T", pd.DataFrame({"Text": values}), "D.")])
    cleaned = [_ILLEGAL.sub("", value) for value in values]
    expected = [value if value.strip() else "[x]" for value in cleaned]
    header = 3 if "[x]" in expected else 2
    for writer, engine in ENGINES.values():
        back = pd.read_excel(
            io.BytesIO(writer(workbook)),
            engine=engine,
            sheet_name="S",
            header=header,
            dtype=object,
            na_filter=False,
        )
        assert back["Text"].tolist() == expected, engine


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(min_value=-(2**50), max_value=2**50),
            # Excel holds numbers up to about 1e308 with 15 to 17 significant figures.
            st.floats(min_value=-1e300, max_value=1e300, width=64),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_number_round_trips_as_a_number(values):
    df = pd.DataFrame({"Value": pd.Series(values, dtype=object)})
    workbook = _workbook(notes=[], tables=[Table("S", "T", df, "D.")])
    for writer, engine in ENGINES.values():
        back = pd.read_excel(io.BytesIO(writer(workbook)), engine=engine, sheet_name="S", header=2)
        # Spreadsheets keep about 15 significant figures, as Excel does.
        assert len(back) == len(values)
        for read, written in zip(back["Value"], values, strict=True):
            assert isinstance(read, (int, float))
            assert math.isclose(read, written, rel_tol=1e-14, abs_tol=1e-300), engine


def test_tabs_are_kept_in_ods_text():
    df = pd.DataFrame({"Text": ["before\tafter"]})
    data = to_ods(_workbook(notes=[], tables=[Table("S", "T", df, "D.")]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "before<text:tab/>after" in archive.read("content.xml").decode()


def test_blank_text_is_marked_and_explained():
    df = pd.DataFrame({"Answer": ["Yes", "   ", ""]})
    workbook = _workbook(notes=[], tables=[Table("S", "T", df, "Answers.")])
    notes, per_sheet = resolved_notes(workbook)
    assert notes == [("[note 1]", "[x] means not available.")]
    assert per_sheet == {"S": ["[note 1]"]}
    back = pd.read_excel(io.BytesIO(to_xlsx(workbook)), sheet_name="S", header=3)
    assert back["Answer"].tolist() == ["Yes", "[x]", "[x]"]


def test_header_rows_are_tagged_for_printing():
    ods = to_ods(_workbook())
    with zipfile.ZipFile(io.BytesIO(ods)) as archive:
        content = archive.read("content.xml").decode()
    assert content.count("<table:table-header-rows>") == 3
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_workbook())))
    assert book["Scores"].print_title_rows == "$4:$4"
    assert book["Notes"].print_title_rows == "$3:$3"
    assert book[COVER_SHEET_NAME].print_title_rows is None


def test_single_note_line_reads_naturally():
    table = Table("One", "One", pd.DataFrame({"a": [1]}), "One.", ["[note 1]"])
    data = to_xlsx(_workbook(notes=[("[note 1]", "Only note.")], tables=[table]))
    raw = _sheets(data, "openpyxl")["One"]
    assert raw.iloc[2, 0] == (
        "Note that applies to this table: [note 1]. Note text is on the Notes worksheet."
    )
