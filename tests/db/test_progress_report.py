"""The progress report's figures on SQLite and PostgreSQL: maturity movement from submitted
assessments (with [c] from fewer than 5 teams), requests, published Chats, commitments and
champions, in the HTML and the ODS."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

import pandas as pd
import pytest
from sqlalchemy import update

from tests.db.test_champion_chats import add_champions
from tests.db.test_oversight import add_assessment, add_teams, flat
from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.champion_chats import month_label, month_of
from ue_core.commitment_themes import CommitmentStatus
from ue_core.db.engine import Database
from ue_core.db.models import Assessment
from ue_core.progress_report import ProgressReport, ReportPeriod, Section
from ue_core.services import (
    champion_chats,
    champion_updates,
    commitments,
    progress_report,
    support,
)
from ue_core.services.commitments import ActionDraft
from ue_core.services.frameworks import sync_framework
from ue_core.timefmt import uk_today

TODAY = uk_today()  # champion terms start on the real day
PERIOD = ReportPeriod(TODAY - timedelta(days=365), TODAY)


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def submitted(db: Database, assessment_id: int, days_ago: int) -> None:
    moment = datetime.combine(TODAY - timedelta(days=days_ago), time(12), tzinfo=UTC)
    with db.transaction() as session:
        session.execute(
            update(Assessment).where(Assessment.id == assessment_id).values(submitted_at=moment)
        )


def assess(world: World, teams: int, moved_up: int) -> None:
    """``teams`` teams of the world's organisation at level 2 in the earlier round (submitted
    before the period); in the period ``moved_up`` of them reach level 3, the rest stay."""
    for number, team_id in enumerate(
        add_teams(world.db, world.organisation_id, [f"Team {n}" for n in range(teams)])
    ):
        submitted(world.db, add_assessment(world.db, team_id, "2025 to 2026", flat(2)), 400)
        level = 3 if number < moved_up else 2
        submitted(world.db, add_assessment(world.db, team_id, "2026 to 2027", flat(level)), 30)


def section(report: ProgressReport, key: str) -> Section:
    return next(s for s in report.sections if s.key == key)


def test_maturity_movement_per_principle_across_the_system(world: World) -> None:
    assess(world, teams=10, moved_up=5)
    # one more team submitted only before the period: neither counted nor compared
    submitted(world.db, add_assessment(world.db, world.team_id, "2025 to 2026", flat(4)), 400)
    report = progress_report.progress_report(world.db, world.actor("consultant"), PERIOD, TODAY)
    assert [s.key for s in report.sections] == [
        "maturity",
        "support",
        "champion_chats",
        "champion_updates",
        "forums",
        "commitments",
        "champions",
    ]
    maturity = section(report, "maturity")
    assert maturity.summary == (
        "10 self-assessments submitted by 10 teams in 1 organisation.",
        "10 teams had an assessment from an earlier round to compare with.",
    )
    assert len(maturity.table) == 5  # one row a principle of the framework
    for row in maturity.table.itertuples(index=False):
        assert tuple(row)[1:] == (10, 5, 5, 0, 0.5)


def test_movement_of_fewer_than_five_teams_is_hidden(world: World) -> None:
    assess(world, teams=3, moved_up=2)
    report = progress_report.progress_report(world.db, SYSTEM, PERIOD, TODAY)
    maturity = section(report, "maturity")
    assert maturity.summary[0] == (
        "Fewer than 5 teams submitted a self-assessment, so the figures are [c]."
    )
    for row in maturity.table.itertuples(index=False):
        assert tuple(row)[1:] == (3, "[c]", "[c]", 0, "[c]")
    assert maturity.chart is not None
    assert {counts for _, counts in maturity.chart.rows} == {(None, None, 0)}


def test_requests_chats_commitments_and_champions(world: World) -> None:
    support.submit_request(
        world.db, world.actor("member"), world.team_id, "Survey help", "Please help us plan it."
    )
    add_champions(world)
    hub = world.actor("consultant")
    drawn = champion_chats.draw_round(world.db, hub, month_of(TODAY), TODAY, seed=3)
    champion_chats.publish_round(world.db, hub, drawn.round_id, drawn.version)
    champion = world.actor("champion")
    commitments.save_statement(
        world.db, champion, world.organisation_id, "We put users first.", None, expected_version=0
    )
    commitments.add_commitment_action(
        world.db,
        champion,
        world.organisation_id,
        ActionDraft(
            "understand_users",
            "Map our users",
            "Head of profession",
            TODAY,
            TODAY,
            CommitmentStatus.DONE,
        ),
    )
    champion_updates.send_update(
        world.db,
        champion,
        month_of(TODAY),
        categories=("internal_launch",),
        text="We launched the strategy at an all-staff call.",
        links="",
        today=TODAY,
        expected_version=None,
    )

    report = progress_report.progress_report(world.db, world.actor("admin"), PERIOD, TODAY)
    updates = section(report, "champion_updates")
    launched = updates.table[updates.table["Updates"] == 1]
    assert launched["Category"].tolist() == ["Launched the strategy internally"]
    assert launched["Organisations"].tolist() == [1]
    assert updates.table["Updates"].sum() == 1
    requests = section(report, "support")
    assert requests.summary[0] == "Teams sent the hub [c] requests for help."  # one team
    assert set(requests.table["Requests"]) <= {0, "[c]"}
    chats = section(report, "champion_chats")
    assert chats.table.to_dict("list") == {
        "Month": [month_label(month_of(TODAY))],
        "Chats held": [2],
        "Champions taking part": [8],
        "Pairs who had met before": [0],
    }
    promises = section(report, "commitments")
    assert promises.summary[0] == "1 of 6 organisations have written a commitment to the strategy."
    assert promises.table["Done"].sum() == 1
    champions = section(report, "champions")
    assert (
        champions.summary[0] == "8 champions in post in 5 organisations at the end of the period."
    )
    assert champions.table.iloc[-1].tolist()[1:] == [8, 5]

    html = progress_report.progress_report_html(world.db, hub, PERIOD, TODAY)
    assert html.count("<svg") == 7 and "We put users first" not in html
    sheets = pd.read_excel(
        io.BytesIO(progress_report.progress_report_ods(world.db, hub, PERIOD, TODAY)),
        engine="odf",
        sheet_name=None,
        header=None,
    )
    assert list(sheets)[2:] == [
        "Maturity",
        "Support",
        "Champion chats",
        "Champion updates",
        "Forums",
        "Commitments",
        "Champions",
    ]
    chats_sheet = sheets["Champion chats"]
    header = chats_sheet.index[chats_sheet[0] == "Month"][0]
    assert chats_sheet.iloc[header + 1].tolist() == [month_label(month_of(TODAY)), 2, 8, 0]


def test_only_hub_staff_get_the_report(world: World) -> None:
    for who in ("member", "lead", "champion"):
        with pytest.raises(AccessDenied):
            progress_report.progress_report(world.db, world.actor(who), PERIOD, TODAY)


def test_a_new_section_is_one_builder_and_one_entry(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def panels_section(names: list[str], period: ReportPeriod) -> Section:
        return Section(
            "panels",
            "Citizen panels held",
            (f"{len(names)} panel held.",),
            "The citizen panels held in the period.",
            pd.DataFrame({"Panel": names}),
        )

    entry = progress_report.SectionSource(lambda *_: ["Housing <panel>"], panels_section)
    monkeypatch.setattr(progress_report, "SECTIONS", (*progress_report.SECTIONS, entry))
    hub = world.actor("consultant")
    html = progress_report.progress_report_html(world.db, hub, PERIOD, TODAY)
    assert "<h2>Citizen panels held</h2>" in html and "Housing &lt;panel&gt;" in html
    ods = progress_report.progress_report_ods(world.db, hub, PERIOD, TODAY)
    sheets = pd.read_excel(io.BytesIO(ods), engine="odf", sheet_name=None, header=None)
    assert list(sheets)[-1] == "Panels"
    assert sheets["Panels"].iloc[-1, 0] == "Housing <panel>"
