"""Assessment downloads: ODS and XLSX read back right, safe CSV and HTML, who may download."""

from __future__ import annotations

import csv
import io
from datetime import date
from fractions import Fraction

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import select

from tests.db.test_actions import Built, submitted_assessment
from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import ActionStatus, Assessment, AssessmentStatus
from ue_core.scoring import round_score
from ue_core.services import actions, report_files, reports
from ue_core.services.actions import ActionDraft
from ue_core.services.frameworks import sync_framework

TODAY = date(2026, 5, 1)
TITLES = {
    "proactively-involving-users": "Proactively involving users",
    "flexible-and-proportionate": "Flexible and proportionate",
    "open-and-transparent": "Open and transparent",
    "working-together": "Working together and joining up",
    "capability-and-culture": "Capability and culture",
}


@pytest.fixture
def world(db: Database) -> World:
    sync_framework(db, SYSTEM)
    return build_world(db)


def expected_scores() -> dict[str, Fraction]:
    """What the builder's ratings score: the first practice at 3, the rest at 2, and one
    practice of "Open and transparent" not applicable."""
    return {
        "Proactively involving users": Fraction(3 + 6 * 2, 7),
        "Flexible and proportionate": Fraction(3 + 6 * 2, 7),
        "Open and transparent": Fraction(3 + 5 * 2, 6),
        "Working together and joining up": Fraction(3 + 3 * 2, 4),
        "Capability and culture": Fraction(3 + 3 * 2, 4),
    }


def table_from(sheet: pd.DataFrame, first_heading: str) -> pd.DataFrame:
    """The table on a sheet read with header=None: the rows under the row starting with
    ``first_heading``."""
    starts = sheet.index[sheet.iloc[:, 0] == first_heading]
    assert len(starts) == 1, f"no header row starting {first_heading!r}"
    header = sheet.iloc[starts[0]].tolist()
    body = sheet.iloc[starts[0] + 1 :].reset_index(drop=True)
    body.columns = header
    return body


def add_late_action(world: World, built: Built) -> None:
    actions.add_action(
        world.db,
        world.actor("member"),
        built.assessment_id,
        ActionDraft(
            practice_id=next(iter(built.practice_ids.values())),
            description="Set up a user panel",
            owner="Sam",
            due_on=date(2026, 4, 1),
            status=ActionStatus.IN_PROGRESS,
            intended_level=4,
        ),
    )


def test_ods_reads_back_with_cover_notes_and_the_right_scores(world: World) -> None:
    built = submitted_assessment(world)
    add_late_action(world, built)
    data = report_files.assessment_ods(world.db, world.actor("member"), built.assessment_id, TODAY)

    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, engine="odf", header=None)
    assert list(sheets) == [
        "Cover",
        "Notes",
        "Scores",
        "Practices",
        "Individual_ratings",
        "Actions",
        "Projection",
    ]
    cover = sheets["Cover"].iloc[:, 0].astype(str).tolist()
    assert cover[0] == "User engagement self-assessment: Test team, 2025 to 2026"
    assert "Test team" in cover and "2025 to 2026" in cover and "Submitted" in cover
    assert any("not an official OSR or GSS scale" in line for line in cover)
    notes = table_from(sheets["Notes"], "Note number")
    assert notes["Note number"].tolist()[:5] == [f"[note {n}]" for n in range(1, 6)]
    assert "12 months" in notes.iloc[1]["Note text"]

    scores = table_from(sheets["Scores"], "Principle").set_index("Principle")
    for title, exact in expected_scores().items():
        assert scores.loc[title, "Score"] == float(round_score(exact))
        assert scores.loc[title, "Target level"] == 3
        assert scores.loc[title, "Gap to target"] == float(3 - round_score(exact))
    overall = sum(expected_scores().values(), Fraction(0)) / 5
    assert scores.loc["Overall", "Score"] == float(round_score(overall))
    assert scores.loc["Overall", "Target level"] == "[x]"
    assert scores.loc["Open and transparent", "Practices rated"] == 6

    practices = table_from(sheets["Practices"], "Principle")
    assert len(practices) == 29
    assert (practices["Not applicable"] == "Yes").sum() == 1
    assert set(practices["Evidence check"]) == {"Current", "Out of date", "[x]"}
    individual = table_from(sheets["Individual_ratings"], "Principle")
    assert len(individual) == 2 * 29
    assert set(individual["Person"]) == {"Member", "Member2"}
    action_rows = table_from(sheets["Actions"], "Overdue")
    assert action_rows["Overdue"].tolist() == ["Yes"]
    assert action_rows["Status"].tolist() == ["In progress"]


def test_xlsx_reads_back_with_openpyxl(world: World) -> None:
    built = submitted_assessment(world)
    data = report_files.assessment_xlsx(world.db, world.actor("lead"), built.assessment_id, TODAY)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Cover", "Notes", "Scores", "Practices", "Individual_ratings"]
    assert book["Cover"]["A1"].value.startswith("User engagement self-assessment")
    rows = list(book["Scores"].iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Principle")
    by_title = {row[0]: row for row in rows[header_at + 1 :]}
    assert by_title["Open and transparent"][1] == float(
        round_score(expected_scores()["Open and transparent"])
    )
    assert by_title["Working together and joining up"][1] == 2.3  # 2.25, halves rounded up


def test_csv_neutralises_formulas_in_evidence(world: World) -> None:
    built = submitted_assessment(world, evidence="=SUM(A1)")
    data = report_files.assessment_csv(world.db, world.actor("member"), built.assessment_id, TODAY)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 29
    assert {row["Evidence"] for row in rows} == {"'=SUM(A1)"}
    plan = report_files.action_plan_csv(world.db, world.actor("member"), built.assessment_id, TODAY)
    assert plan.decode("utf-8-sig").startswith('"Overdue","Principle"')


def test_html_report_escapes_user_text_and_describes_charts(world: World) -> None:
    built = submitted_assessment(world, evidence="<script>alert('x')</script> minutes")
    add_late_action(world, built)
    html = report_files.assessment_report_html(
        world.db, world.actor("member"), built.assessment_id, TODAY
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<h1>") == 1
    assert "<figcaption>Principle scores and targets" in html
    assert "A bar chart of the score for each of the 5 principles" in html
    assert "Overdue" in html
    assert "not an official OSR or GSS scale" in html


def test_another_team_is_refused_and_the_champion_and_hub_may_download(world: World) -> None:
    built = submitted_assessment(world)
    for make in (
        report_files.assessment_workbook,
        report_files.assessment_report_html,
        report_files.assessment_csv,
    ):
        with pytest.raises(AccessDenied):
            make(world.db, world.actor("outsider"), built.assessment_id, TODAY)
    for who in ("champion", "consultant", "admin"):
        book = report_files.assessment_workbook(
            world.db, world.actor(who), built.assessment_id, TODAY
        )
        assert [t.sheet_name for t in book.tables][:2] == ["Scores", "Practices"]
    assert reports.export_name(world.db, world.actor("member"), built.assessment_id) == (
        "test-team-2025-to-2026"
    )


def test_a_draft_keeps_individual_ratings_for_the_lead_only(world: World) -> None:
    built = submitted_assessment(world)
    with world.db.transaction() as session:
        row = session.scalar(select(Assessment).where(Assessment.id == built.assessment_id))
        assert row is not None
        row.status = AssessmentStatus.DRAFT.value
    member_book = report_files.assessment_workbook(
        world.db, world.actor("member"), built.assessment_id, TODAY
    )
    assert "Individual_ratings" not in [t.sheet_name for t in member_book.tables]
    assert any("Individual ratings are not included" in text for _, text in member_book.cover)
    lead_book = report_files.assessment_workbook(
        world.db, world.actor("lead"), built.assessment_id, TODAY
    )
    assert "Individual_ratings" in [t.sheet_name for t in lead_book.tables]


def test_action_plan_workbook_with_no_actions_says_so(world: World) -> None:
    built = submitted_assessment(world)
    data = report_files.action_plan_ods(world.db, world.actor("member"), built.assessment_id, TODAY)
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, engine="odf", header=None)
    assert list(sheets) == ["Cover", "Notes", "Actions", "Projection"]
    assert table_from(sheets["Actions"], "Action plan").iloc[0, 0].startswith("The team has no")
