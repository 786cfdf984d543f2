"""Desk reports (hub staff): the page draws every table with [c] where a team would show,
filters by date and organisation, and refuses team members and champions."""

from __future__ import annotations

from datetime import date

from tests.app.conftest import REPO, app_as
from tests.app.test_oversight_pages import open_page, page_text
from tests.factories import World
from ue_core.services import support

PAGE = "screens/desk_reports.py"
TEXT = "We would like help to plan a survey of the users of our statistics."


def test_a_consultant_sees_the_reports_with_small_figures_hidden(world: World) -> None:
    support.submit_request(
        world.db, world.actor("member"), world.team_id, "Survey help", TEXT, kind="advice"
    )
    at = open_page(world, "consultant", PAGE)
    assert not at.exception and not at.error
    text = page_text(at)
    assert "Desk reports" in text
    assert "Requests from all organisations" in text
    for heading in (
        "Requests by month",
        "Requests by kind of help",
        "Requests by practice area",
        "Service levels by month",
        "Satisfaction with resolved requests",
        "Open requests at the end of each month",
        "Requests by organisation, beside its teams' gaps to target",
    ):
        assert heading in text
    # One team's request: its count is [c]; the other organisation asked for nothing.
    assert "Requests sent: **\\[c\\]**" in text
    demand = at.dataframe[-1].value
    assert list(demand["Organisation"]) == ["Ministry of Other Tests", "Office for Test Statistics"]
    assert list(demand["Requests"]) == ["0", "[c]"]
    assert next(b.proto.label for b in at.get("download_button")) == "Download every table (ODS)"


def test_an_admin_filters_to_one_organisation_and_a_bad_range_is_explained(world: World) -> None:
    at = open_page(world, "admin", PAGE)
    assert not at.exception and not at.error
    at.selectbox[0].select("Office for Test Statistics").run()
    assert "Requests from Office for Test Statistics" in page_text(at)
    at.date_input(key="desk_from").set_value(date(2030, 1, 1)).run()
    assert [e.value for e in at.error] == [
        "The start date must be the same as or before the end date."
    ]


def test_team_members_and_champions_cannot_reach_the_page(world: World) -> None:
    for who in ("member", "lead", "champion"):
        at = app_as(world, who, PAGE).run()
        assert at.error[0].value.startswith("You do not have access to this")
        assert not at.title
    at = app_as(world, "member").run()
    try:
        at.switch_page(str(REPO / PAGE))
    except ValueError as refused:
        assert "Could not find a navigation page" in str(refused)
    else:
        raise AssertionError("a team member reached the desk reports")
