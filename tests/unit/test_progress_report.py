"""The progress report's parts, without a database: periods, the count chart as SVG, the
section builders (with [c] for figures from fewer than 5 teams) and the HTML and ODS files."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from fractions import Fraction

import pandas as pd
import pytest

from ue_core.commitment_themes import CommitmentStatus, shipped_commitment_themes
from ue_core.errors import InputError
from ue_core.io.svg_charts import SVG_NAMESPACE, BarRow, bar_chart
from ue_core.progress_report import (
    CountChart,
    ProgressReport,
    ReportPeriod,
    Section,
    checked_period,
    count_axis,
    preset_period,
    report_html,
    report_ods,
)
from ue_core.services import progress_sections
from ue_core.services.champion_chats import PastRound
from ue_core.services.champion_terms import TermView
from ue_core.services.commitments import CommitmentsProgress, OrganisationProgress
from ue_core.services.progress_sections import MaturityFacts, SubmittedAssessment
from ue_core.vocabulary import ChatRoundState

NS = {"svg": SVG_NAMESPACE}
TODAY = date(2026, 12, 3)
YEAR = ReportPeriod(date(2025, 12, 1), date(2026, 11, 30))
CHART = CountChart(
    "Requests <by> kind",
    "A bar chart of requests & more.",
    "Kind of help",
    "Requests",
    ("Requests", "Resolved"),
    (("Advice <b>", (12, 7)), ("Training", (None, 3)), ("Other", (0, 0))),
)


# --- Periods ---------------------------------------------------------------------------------


def test_the_presets_are_the_whole_months_before_this_one() -> None:
    assert preset_period(12, TODAY) == YEAR
    assert preset_period(6, TODAY) == ReportPeriod(date(2026, 6, 1), date(2026, 11, 30))
    assert preset_period(6, date(2026, 1, 31)) == ReportPeriod(date(2025, 7, 1), date(2025, 12, 31))
    assert len(YEAR.months()) == 12 and YEAR.months()[0] == date(2025, 12, 1)
    assert YEAR.label == "1 December 2025 to 30 November 2026"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (None, TODAY, "Choose the first and the last day"),
        (date(2026, 5, 2), date(2026, 5, 1), "The first day must be the same as or before"),
        (date(2026, 5, 1), date(2026, 12, 4), "The last day cannot be after today"),
        (date(2020, 1, 1), TODAY, "Choose a period of 60 months or fewer"),
    ],
)
def test_a_period_a_person_chooses_is_checked(
    start: date | None, end: date | None, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        checked_period(start, end, TODAY)


def test_a_good_period_is_kept_as_chosen() -> None:
    chosen = checked_period(date(2026, 4, 1), TODAY, TODAY)
    assert (chosen.start, chosen.end) == (date(2026, 4, 1), TODAY)


# --- The count chart -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("largest", "axis"),
    [(0, (1, 1)), (7, (7, 1)), (10, (10, 1)), (11, (12, 2)), (48, (50, 5)), (150, (160, 20))],
)
def test_a_count_axis_has_round_steps_and_at_most_ten_lines(
    largest: int, axis: tuple[int, int]
) -> None:
    assert count_axis(largest) == axis
    top, step = axis
    assert top >= largest and top % step == 0 and top // step <= 10


def test_the_count_chart_is_an_accessible_svg_with_hidden_counts_as_c() -> None:
    svg = ET.fromstring(CHART.svg("chart-support").markup)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-support-title"
    title, desc = svg.find("svg:title", NS), svg.find("svg:desc", NS)
    assert title is not None and title.text == "Requests <by> kind"
    assert desc is not None and desc.text == "A bar chart of requests & more."
    bars = {
        (bar.get("data-category"), bar.get("data-series")): bar.get("data-value")
        for bar in svg.iter(f"{{{SVG_NAMESPACE}}}rect")
        if bar.get("class") == "bar"
    }
    # a hidden count has no bar at all; a zero has a bar of no length
    assert bars == {
        ("Advice <b>", "Requests"): "12",
        ("Advice <b>", "Resolved"): "7",
        ("Training", "Resolved"): "3",
        ("Other", "Requests"): "0",
        ("Other", "Resolved"): "0",
    }
    values = [t.text for t in svg.iter(f"{{{SVG_NAMESPACE}}}text") if t.get("class") == "value"]
    assert values == [
        "requests 12, resolved 7",
        "requests [c], resolved 3",
        "requests 0, resolved 0",
    ]
    ticks = [
        t.text for t in svg.iter(f"{{{SVG_NAMESPACE}}}text") if t.get("text-anchor") == "middle"
    ]
    assert ticks[:-1] == ["0", "2", "4", "6", "8", "10", "12"]
    assert "<b>" not in CHART.svg("x").markup  # text is escaped


def test_the_long_frame_feeds_the_page_chart() -> None:
    frame = CHART.long_frame()
    assert list(frame.columns) == ["Category", "Series", "Count", "Label"]
    assert frame["Label"].tolist() == ["12", "7", "[c]", "3", "0", "0"]
    assert frame["Count"].isna().tolist() == [False, False, True, False, False, False]


def test_a_chart_needs_a_count_for_every_series() -> None:
    with pytest.raises(ValueError, match="one count for each series"):
        CountChart("T", "D", "C", "V", ("A", "B"), (("x", (1,)),))


# --- Section builders ------------------------------------------------------------------------

PRINCIPLES = (("involve", "Proactively involving users"), ("open", "Open and transparent"))


def _assessment(
    team: int, order: int, day: date | None, involve: int, open_: int | None = None
) -> SubmittedAssessment:
    scores = {"involve": Fraction(involve)}
    if open_ is not None:
        scores["open"] = Fraction(open_)
    return SubmittedAssessment(team, 100 + team % 2, order, day, scores)


def test_maturity_counts_teams_moving_level_since_their_earlier_round() -> None:
    earlier = [_assessment(t, 0, date(2025, 6, 1), 2, 3) for t in range(10)]
    # five teams move up on "involve", five stay; on "open" two move down: hidden as [c], and
    # the next smallest count with them (a zero says nothing about a team, so it stays)
    now = [
        _assessment(t, 1, date(2026, 6, 1), 3 if t < 5 else 2, 2 if t < 2 else 3) for t in range(10)
    ]
    late = _assessment(11, 1, date(2026, 12, 2), 5)  # after the period: not counted
    section = progress_sections.maturity_section(
        MaturityFacts(PRINCIPLES, (*earlier, *now, late)), YEAR
    )
    table = section.table.set_index("Principle")
    involve = table.loc["Proactively involving users"]
    assert involve.tolist() == [10, 5, 5, 0, 0.5]
    opened = table.loc["Open and transparent"]
    assert opened.tolist() == [10, 0, "[c]", "[c]", -0.2]
    assert section.summary == (
        "10 self-assessments submitted by 10 teams in 2 organisations.",
        "10 teams had an assessment from an earlier round to compare with.",
    )
    assert section.chart is not None
    assert section.chart.rows[1] == ("Open and transparent", (0, None, None))
    assert section.suppressed


def test_maturity_from_fewer_than_five_teams_is_hidden() -> None:
    facts = MaturityFacts(
        PRINCIPLES,
        tuple(_assessment(t, 0, date(2025, 6, 1), 2) for t in range(3))
        + tuple(_assessment(t, 1, date(2026, 6, 1), 3) for t in range(3)),
    )
    section = progress_sections.maturity_section(facts, YEAR)
    assert section.summary[0].startswith("Fewer than 5 teams submitted a self-assessment")
    row = section.table.set_index("Principle").loc["Proactively involving users"]
    assert row.tolist() == [3, "[c]", 0, 0, "[c]"]
    assert row.tolist()[-1] == "[c]"
    assert section.table.set_index("Principle").loc["Open and transparent"].tolist() == [
        0,
        0,
        0,
        0,
        "[x]",
    ]


def _round(month: date, state: ChatRoundState, groups: int, people: int) -> PastRound:
    return PastRound(month, state, groups, people, 1, 0)


def test_chats_are_the_published_months_in_the_period() -> None:
    history = [
        _round(date(2026, 12, 1), ChatRoundState.PUBLISHED, 9, 36),  # after the period
        _round(date(2026, 11, 1), ChatRoundState.DRAFT, 9, 36),  # not held
        _round(date(2026, 10, 1), ChatRoundState.PUBLISHED, 13, 52),
        _round(date(2026, 9, 1), ChatRoundState.PUBLISHED, 12, 50),
        _round(date(2025, 11, 1), ChatRoundState.PUBLISHED, 7, 28),  # before it
    ]
    section = progress_sections.chats_section(history, YEAR)
    assert section.table["Month"].tolist() == ["September 2026", "October 2026"]
    assert section.table["Chats held"].tolist() == [12, 13]
    assert (
        section.summary[0]
        == "25 Champion Chats held in 2 months, with 102 places taken by champions."
    )
    assert not section.suppressed


def _term(user: int, organisation: int, started: date, ended: date | None = None) -> TermView:
    return TermView(
        user, f"Person {user}", organisation, f"Org {organisation}", started, ended, None, None
    )


def test_champions_in_post_at_each_month_end() -> None:
    terms = [
        _term(1, 1, date(2024, 1, 1)),
        _term(2, 1, date(2026, 3, 15)),  # starts in the period
        _term(3, 2, date(2024, 1, 1), ended=date(2026, 6, 30)),  # stands down at a month end
        _term(4, 3, date(2027, 1, 1)),  # after it
    ]
    section = progress_sections.champions_section(terms, YEAR)
    rows = section.table.set_index("Month end")
    assert rows.loc["February 2026"].tolist() == [2, 2]
    assert rows.loc["March 2026"].tolist() == [3, 2]
    assert rows.loc["June 2026"].tolist() == [2, 1]
    assert rows.loc["November 2026"].tolist() == [2, 1]
    assert section.summary == (
        "2 champions in post in 1 organisation at the end of the period.",
        "1 champion started and 1 stood down during the period.",
    )


def test_commitments_by_theme_and_status() -> None:
    themes = shipped_commitment_themes()
    keys = themes.theme_keys()
    by_theme = {key: dict.fromkeys(CommitmentStatus, 0) for key in keys}
    by_theme[keys[0]][CommitmentStatus.DONE] = 3
    by_theme[keys[0]][CommitmentStatus.PLANNED] = 1
    progress = CommitmentsProgress(
        organisations=(
            OrganisationProgress(1, "Org A", True, {}, 1, datetime(2026, 1, 1)),
            OrganisationProgress(2, "Org <B>", False, {}, 0, None),
        ),
        by_theme=by_theme,
        overdue_by_theme={key: int(key == keys[0]) for key in keys},
        themes=themes,
    )
    section = progress_sections.commitments_section(progress, YEAR)
    first = section.table.iloc[0].tolist()
    assert first == [themes.label(keys[0]), 1, 0, 3, 0, 1, 4]
    assert section.summary == (
        "1 of 2 organisations have written a commitment to the strategy.",
        "They plan 4 actions: 1 planned, 0 in progress, 3 done, 0 dropped; 1 overdue.",
        "No commitment yet: Org <B>.",
    )


# --- The files -------------------------------------------------------------------------------


def _report() -> ProgressReport:
    table = pd.DataFrame(
        {"Kind of help": ["Advice <b>", "=1+1"], "Requests": [12, "[c]"]}, dtype=object
    )
    return ProgressReport(
        YEAR,
        TODAY,
        (
            Section(
                "support",
                "Support requests",
                ("Teams sent <script>alert(1)</script> requests.",),
                "What the table holds.",
                table,
                CHART,
                suppressed=True,
            ),
            Section("plain", "A table alone", ("One line.",), "Its description.", table),
        ),
        "The workbench",
        "The hub",
    )


def test_the_html_report_is_self_contained_escaped_and_structured() -> None:
    html = report_html(_report())
    assert "<script" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched
    assert re.findall(r"<h(\d)", html) == ["1", "2", "2", "2", "2"]
    assert (
        "<h1>User engagement strategy: progress report, 1 December 2025 to 30 November 2026</h1>"
        in html
    )
    assert html.count("<svg") == 1 and 'id="chart-support-title"' in html
    assert "<figcaption>Requests &lt;by&gt; kind</figcaption>" in html
    assert "<caption>Data for the chart: Requests &lt;by&gt; kind</caption>" in html
    assert "<caption>A table alone</caption>" in html
    assert "[c] means fewer than 5 teams" in html


def test_the_ods_has_a_sheet_a_section_and_stays_formula_safe() -> None:
    sheets = pd.read_excel(
        io.BytesIO(report_ods(_report())), engine="odf", sheet_name=None, header=None
    )
    assert list(sheets) == ["Cover", "Notes", "Support", "Plain"]
    support = sheets["Support"]
    assert support.iloc[0, 0] == "Support requests"
    header = support.index[support[0] == "Kind of help"][0]
    body = support.iloc[header + 1 :].reset_index(drop=True)
    assert body[0].tolist() == ["Advice <b>", "=1+1"]  # text, never a formula
    assert body[1].tolist() == [12, "[c]"]
    cover = " ".join(str(v) for v in sheets["Cover"][0].dropna())
    assert "Teams sent <script>alert(1)</script> requests." in cover


def test_the_axis_steps_must_fit_the_axis() -> None:
    with pytest.raises(ValueError, match="axis steps"):
        bar_chart(
            chart_id="x",
            title="T",
            description="D",
            rows=[BarRow("x", (3.0,), "3")],
            axis_title="V",
            domain=(0, 10),
            tick_step=3,
        )
