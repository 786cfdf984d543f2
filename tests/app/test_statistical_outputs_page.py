"""Statistical outputs (champions and admins): the imported list against the teams' assessments.

Uploading the file is a browser test (tests/e2e/test_statistical_outputs.py): AppTest cannot
drive a file uploader, so here the list is imported through the service first.
"""

from __future__ import annotations

from tests.app.conftest import app_as
from tests.app.test_oversight_pages import open_page, page_text
from tests.factories import World
from ue_core.services import statistical_outputs

PAGE = "screens/statistical_outputs.py"
LIST = (
    b"title,team,release frequency,next release\n"
    b"Housing starts,Test team,Quarterly,15/01/2099\n"
    b"Fuel poverty,Energy team,Annual,\n"
)


def test_a_champion_sees_each_output_with_what_it_asks_of_them(world: World) -> None:
    statistical_outputs.import_list(
        world.db, world.actor("champion"), world.organisation_id, LIST, "outputs.csv"
    )
    at = open_page(world, "champion", PAGE)
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["No team in the workbench"] == "1"
    assert metrics["Never assessed"] == "1"
    table = at.dataframe[0].value
    assert list(table["Output"]) == ["Fuel poverty", "Housing starts"]
    assert list(table["Status"]) == ["No team in the workbench", "Never assessed"]
    assert list(table["Team last assessed"]) == ["Never", "Never"]
    assert "Outputs of Office for Test Statistics" in page_text(at)


def test_before_any_import_the_page_says_so(world: World) -> None:
    at = open_page(world, "champion", PAGE)
    assert not at.exception and not at.error
    assert "No list has been imported yet." in page_text(at)


def test_the_organisation_page_sums_up_the_list_and_links_to_it(world: World) -> None:
    statistical_outputs.import_list(
        world.db, world.actor("champion"), world.organisation_id, LIST, "outputs.csv"
    )
    at = open_page(world, "champion", "screens/organisation.py")
    assert not at.exception
    assert "2 outputs on your list; 2 outputs need their team to assess." in page_text(at)


def test_an_admin_chooses_the_organisation(world: World) -> None:
    at = open_page(world, "admin", PAGE)
    assert not at.exception and not at.error
    assert at.selectbox[0].label == "Organisation"


def test_team_members_and_consultants_cannot_reach_the_page(world: World) -> None:
    for who in ("member", "consultant"):
        at = app_as(world, who, PAGE).run()
        assert at.error[0].value.startswith("You do not have access to this")
