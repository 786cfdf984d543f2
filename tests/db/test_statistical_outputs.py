"""Importing an organisation's list of statistical outputs and its coverage, on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.db.test_actions import submitted_assessment
from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, StatisticalOutput, Team
from ue_core.services import home, statistical_outputs
from ue_core.services.frameworks import sync_framework
from ue_core.statistical_outputs import OutputStatus

TODAY = date(2026, 12, 3)
LIST = (
    "title,team,release frequency,next release\n"
    "Housing starts,Test team,Quarterly,15/01/2027\n"
    "Fuel poverty,Energy team,Annual,\n"
    "Rough sleeping,New team,Monthly,10 December 2026\n"
)


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    built = build_world(any_db)
    submitted_assessment(built)  # submitted on 20 March 2026
    with any_db.transaction() as session:
        session.add(Team(organisation_id=built.organisation_id, name="New team"))
    return built


def statuses(world: World) -> dict[str, OutputStatus]:
    coverage = statistical_outputs.outputs_coverage(
        world.db, world.actor("champion"), world.organisation_id, TODAY
    )
    return {output.title: output.status for output in coverage.outputs}


def test_a_champion_imports_the_list_and_sees_each_outputs_coverage(world: World) -> None:
    saved = statistical_outputs.import_list(
        world.db, world.actor("champion"), world.organisation_id, LIST.encode(), "outputs.csv"
    )
    assert saved.outputs == 3
    assert saved.unmatched_teams == ("Energy team",)
    assert saved.describe().startswith("Saved 3 outputs. 1 team name matched no team")
    coverage = statistical_outputs.outputs_coverage(
        world.db, world.actor("champion"), world.organisation_id, TODAY
    )
    assert [(o.title, o.status) for o in coverage.outputs] == [
        ("Fuel poverty", OutputStatus.NO_TEAM),
        ("Rough sleeping", OutputStatus.NEVER_ASSESSED),
        ("Housing starts", OutputStatus.REASSESS),
    ]
    housing = coverage.outputs[2]
    assert housing.last_assessed == date(2026, 3, 20)
    assert housing.releases.last == date(2026, 10, 15)
    assert [o.title for o in coverage.prompts_due()] == ["Housing starts"]
    assert coverage.counts()[OutputStatus.UP_TO_DATE] == 0
    assert coverage.imported_at == date.today()
    with world.db.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import_statistical_outputs")
        ).one()
        assert event.after == {"outputs": 3, "file": "outputs.csv"}


def test_a_bad_list_saves_nothing_and_keeps_the_list_before(world: World) -> None:
    champion = world.actor("champion")
    statistical_outputs.import_list(
        world.db, champion, world.organisation_id, LIST.encode(), "outputs.csv"
    )
    bad = LIST + "Road safety,Test team,fortnightly,\n"
    with pytest.raises(statistical_outputs.ListProblems) as raised:
        statistical_outputs.import_list(
            world.db, champion, world.organisation_id, bad.encode(), "outputs.csv"
        )
    assert "Row 5: the release frequency 'fortnightly' is not one we know" in str(raised.value)
    with pytest.raises(statistical_outputs.ListProblems, match="could not be read as CSV"):
        statistical_outputs.import_list(
            world.db, champion, world.organisation_id, b"PK\x03\x04broken", "outputs.xlsx"
        )
    assert set(statuses(world)) == {"Housing starts", "Fuel poverty", "Rough sleeping"}


def test_a_new_import_replaces_the_list(world: World) -> None:
    champion = world.actor("champion")
    smaller = "title,team,release frequency,next release\nSmall areas,Test team,ad hoc,\n"
    for text in (LIST, smaller):
        saved = statistical_outputs.import_list(
            world.db, champion, world.organisation_id, text.encode(), "outputs.csv"
        )
    assert saved.describe() == "Saved 1 output, replacing the list of 3 outputs you had before."
    assert statuses(world) == {"Small areas": OutputStatus.UP_TO_DATE}
    with world.db.read() as session:
        assert session.scalar(select(func.count()).select_from(StatisticalOutput)) == 1


def test_a_team_added_after_the_import_is_matched_by_name(world: World) -> None:
    statistical_outputs.import_list(
        world.db, world.actor("champion"), world.organisation_id, LIST.encode(), "outputs.csv"
    )
    with world.db.transaction() as session:
        session.add(Team(organisation_id=world.organisation_id, name="energy  TEAM"))
    assert statuses(world)["Fuel poverty"] is OutputStatus.NEVER_ASSESSED


def test_the_team_is_prompted_on_its_home_page_and_the_champion_told(world: World) -> None:
    statistical_outputs.import_list(
        world.db, world.actor("admin"), world.organisation_id, LIST.encode(), "outputs.csv"
    )
    member_items = home.attention_items(world.db, world.actor("member"), TODAY)
    [prompt] = [i for i in member_items if i.title.startswith("Reassess")]
    assert prompt.title == "Reassess Test team's work after the release of Housing starts"
    assert "15 October 2026" in prompt.detail
    champion_items = home.attention_items(world.db, world.actor("champion"), TODAY)
    assert any(
        i.screen == "statistical_outputs" and i.title.startswith("3 statistical outputs")
        for i in champion_items
    )
    assert not any(
        i.title.startswith("Reassess")
        for i in home.attention_items(world.db, world.actor("outsider"), TODAY)
    )


def test_only_the_organisations_champions_and_admins_keep_its_list(world: World) -> None:
    for name in ("member", "lead", "consultant", "outsider"):
        with pytest.raises(AccessDenied):
            statistical_outputs.import_list(
                world.db, world.actor(name), world.organisation_id, LIST.encode(), "x.csv"
            )
    assert [o.name for o in statistical_outputs.list_organisations(world.db, world.actor("admin"))]
    [own] = statistical_outputs.list_organisations(world.db, world.actor("champion"))
    assert own.organisation_id == world.organisation_id
