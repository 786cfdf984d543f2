"""The Results screen and every download say the same thing about scores and targets.

The team answered the profile questions in its first round, so its second round carries the
profile over but has no saved targets: the suggested targets count, and must show as
suggestions everywhere. One target is the team's own, with a reason. The figures the page
renders (its read model, and the text an AppTest of screens/results.py reads) are compared
with those in the HTML report (its table and its SVG chart), the ODS and XLSX spreadsheets
(read back with pandas) and the scores CSV, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser

import pandas as pd
import pytest
import streamlit as st

from tests.app.conftest import app_as
from tests.db.test_results import FIRST_ROUND_DAY, SECOND_ROUND_DAY, agree_round
from tests.factories import World, build_world
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.io.svg_charts import SVG_NAMESPACE
from ue_core.services import assessments, report_files, results, target_setting
from ue_core.services.frameworks import sync_framework
from ue_core.services.scores_against_targets import TargetBasis
from ue_core.targets import StatisticsProfile
from ue_core.timefmt import uk_today

PROFILE = StatisticsProfile("high", "wide", "frequent")  # suggests 5 for every principle
OWN_TARGET = ("working-together", 4, "Our partners cover most of our users.")
COLUMNS = ["Principle", "Score", "Target level", "Target source", "Gap to target"]


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    sync_framework(any_db, SYSTEM)
    built = build_world(any_db)
    monkeypatch.setenv("UE_DATABASE_URL", any_db.url)
    monkeypatch.setenv("UE_AUTH_MODE", "local")
    monkeypatch.setenv("UE_ENV", "test")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield built
    st.cache_resource.clear()
    st.cache_data.clear()


def second_round_with_suggested_targets(world: World) -> int:
    member, lead = world.actor("member"), world.actor("lead")
    first = agree_round(world, FIRST_ROUND_DAY, {}, submit=False)
    version = results.assessment_scores(world.db, member, first, FIRST_ROUND_DAY).header.version
    version = target_setting.set_profile(world.db, member, first, PROFILE, expected_version=version)
    assessments.submit(world.db, lead, first, expected_version=version)
    second = agree_round(world, SECOND_ROUND_DAY, {"know-your-users": 4, "seek-views": None})
    key, level, reason = OWN_TARGET
    target_setting.set_target(world.db, member, second, key, level, reason, expected=None)
    return second


def expected_rows(world: World, assessment_id: int) -> pd.DataFrame:
    """The figures in the read model the Results screen renders."""
    view = results.assessment_scores(world.db, world.actor("member"), assessment_id, uk_today())
    figures = view.figures
    # the defect: saved targets only would leave four principles with no target
    assert [p.target_basis for p in figures.principles].count(TargetBasis.SUGGESTED) == 4
    assert figures.principle(OWN_TARGET[0]).target_basis is TargetBasis.SET_BY_TEAM
    assert all(p.target is not None for p in figures.principles)
    table = figures.table()[COLUMNS]
    return normalise(table)


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as comparable text: numbers to one decimal place, missing as empty."""

    def cell(value: object) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        if isinstance(value, str):
            if value in {"[x]", "not available"}:
                return ""
            try:
                return f"{float(value.replace(',', '')):.1f}"
            except ValueError:
                return value
        return f"{float(str(value)):.1f}"

    out = frame[COLUMNS].reset_index(drop=True).copy()
    for column in COLUMNS:
        out[column] = [cell(v) for v in out[column]]
    return out


def sheet_table(sheet: pd.DataFrame) -> pd.DataFrame:
    starts = sheet.index[sheet.iloc[:, 0] == "Principle"]
    header = sheet.iloc[starts[0]].tolist()
    body = sheet.iloc[starts[0] + 1 :].reset_index(drop=True)
    body.columns = header
    return body


class _ReportParser(HTMLParser):
    """The tables (caption -> rows of cell text), paragraphs and inline SVG of a report."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.paragraphs: list[str] = []
        self.svgs: list[str] = []
        self.scripts = 0
        self.external: list[str] = []
        self._caption: str | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._text: list[str] | None = None
        self._in: str | None = None
        self._svg_start: int | None = None
        self._raw = ""

    def feed_report(self, html: str) -> None:
        self._raw = html
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            link = values.get(name) or ""
            if link and not link.startswith("#"):
                self.external.append(link)
        if tag == "script":
            self.scripts += 1
        if tag == "svg" and self._svg_start is None:
            line, column = self.getpos()
            self._svg_start = self._offset(line, column)
        if tag == "table":
            self._rows = []
        elif tag == "caption":
            self._in, self._text = "caption", []
        elif tag in {"th", "td"}:
            self._cell = []
        elif tag == "tr":
            self._rows.append([])
        elif tag == "p" and self._svg_start is None:
            self._in, self._text = "p", []

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svg_start is not None:
            line, column = self.getpos()
            end = self._offset(line, column) + len("</svg>")
            self.svgs.append(self._raw[self._svg_start : end])
            self._svg_start = None
        if tag == "caption" and self._text is not None:
            self._caption = "".join(self._text)
            self._in = self._text = None
        elif tag in {"th", "td"} and self._cell is not None:
            self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self._caption is not None:
            self.tables[self._caption] = self._rows
            self._caption = None
        elif tag == "p" and self._in == "p" and self._text is not None:
            self.paragraphs.append("".join(self._text))
            self._in = self._text = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._text is not None:
            self._text.append(data)

    def _offset(self, line: int, column: int) -> int:
        lines = self._raw.splitlines(keepends=True)
        return sum(len(text) for text in lines[: line - 1]) + column


def test_the_page_and_every_export_show_the_same_scores_and_targets(world: World) -> None:
    assessment_id = second_round_with_suggested_targets(world)
    member = world.actor("member")
    today = uk_today()
    view = results.assessment_scores(world.db, member, assessment_id, today)
    expected = expected_rows(world, assessment_id)
    description = view.figures.description()
    assert "You are short of your target on 5 of 5 principles." in description
    assert "4 targets are suggested from the profile of your statistics" in description

    # The page itself: an AppTest of the Results screen, read as rendered.
    at = app_as(world, "member").run()
    at = at.switch_page("screens/results.py").run()
    assert not at.exception
    page_text = " ".join(str(m.value) for m in at.markdown)
    assert description in page_text
    shown = next(d.value for d in at.dataframe if "Target source" in d.value.columns)
    pd.testing.assert_frame_equal(normalise(shown), expected)

    # HTML report: the chart's table, its description, and the SVG's bars and markers.
    html = report_files.assessment_report_html(world.db, member, assessment_id, today)
    parsed = _ReportParser()
    parsed.feed_report(html)
    caption = next(c for c in parsed.tables if c.startswith("Data for the chart: Principle"))
    header, *body = parsed.tables[caption]
    html_table = pd.DataFrame(body, columns=header)
    pd.testing.assert_frame_equal(normalise(html_table), expected)
    assert description in parsed.paragraphs
    svg = ET.fromstring(parsed.svgs[0])
    ns = {"svg": SVG_NAMESPACE}
    bars = {
        b.get("data-category"): float(b.get("data-value", ""))
        for b in svg.findall(".//svg:rect[@class='bar']", ns)
    }
    markers = {
        m.get("data-category"): float(m.get("data-value", ""))
        for m in svg.findall(".//svg:line[@class='marker']", ns)
    }
    principles = expected[expected["Principle"] != "Overall"]
    assert bars == dict(zip(principles["Principle"], principles["Score"].map(float), strict=True))
    targets = zip(principles["Principle"], principles["Target level"], strict=True)
    assert markers == {title: float(level) for title, level in targets}
    assert svg.find("svg:desc", ns).text == description  # type: ignore[union-attr]
    assert parsed.scripts == 0 and parsed.external == []

    # ODS and XLSX, read back with pandas.
    for engine, maker in (
        ("odf", report_files.assessment_ods),
        ("openpyxl", report_files.assessment_xlsx),
    ):
        data = maker(world.db, member, assessment_id, today)
        sheet = pd.read_excel(io.BytesIO(data), sheet_name="Scores", engine=engine, header=None)
        pd.testing.assert_frame_equal(normalise(sheet_table(sheet)), expected)

    # The scores CSV.
    data = report_files.scores_csv(world.db, member, assessment_id, today)
    from_csv = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    pd.testing.assert_frame_equal(normalise(from_csv), expected)
