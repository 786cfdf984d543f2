"""Progress report (hub staff): the page previews every section for the period chosen, offers
the HTML and ODS downloads, explains a bad period, and refuses team members and champions."""

from __future__ import annotations

from datetime import timedelta

from tests.app.conftest import REPO, app_as
from tests.app.test_oversight_pages import open_page, page_text
from tests.factories import World
from ue_core.progress_report import preset_period
from ue_core.services import support
from ue_core.timefmt import uk_today

PAGE = "screens/progress_report.py"
SECTIONS = (
    "Self-assessments and maturity",
    "Support requests",
    "Champion Chats",
    "Champion updates after their Chats",
    "Theme-based user forums",
    "Organisations' commitments",
    "Champions in post",
)


def test_a_consultant_previews_the_report_for_the_last_months(world: World) -> None:
    at = open_page(world, "consultant", PAGE)
    assert not at.exception and not at.error
    text = page_text(at)
    assert at.title[0].value == "Progress report"
    assert [s.value for s in at.subheader] == list(SECTIONS)
    assert f"The report covers {preset_period(6, uk_today()).label}." in text
    assert "0 self-assessments submitted by 0 teams in 0 organisations." in text
    assert "Teams sent the hub 0 requests for help." in text
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download the report (HTML)",
        "Download the tables (ODS)",
    ]
    at.radio(key="progress_period").set_value("Last 12 months").run()
    assert f"The report covers {preset_period(12, uk_today()).label}." in page_text(at)


def test_an_admin_chooses_dates_and_small_figures_are_hidden(world: World) -> None:
    support.submit_request(
        world.db, world.actor("member"), world.team_id, "Survey help", "Please help us plan it."
    )
    at = open_page(world, "admin", PAGE)
    at.radio(key="progress_period").set_value("Choose the dates").run()
    assert not at.exception and not at.error
    today = uk_today()
    at.date_input(key="progress_from").set_value(today - timedelta(days=30))
    at.date_input(key="progress_to").set_value(today).run()
    assert not at.error
    assert "Teams sent the hub \\[c\\] requests for help." in page_text(at)  # one team's
    at.date_input(key="progress_from").set_value(today + timedelta(days=1)).run()
    assert [e.value for e in at.error] == [
        "The first day must be the same as or before the last day."
    ]
    assert not at.get("download_button")


def test_team_members_and_champions_cannot_reach_the_page(world: World) -> None:
    for who in ("member", "lead", "champion"):
        at = app_as(world, who, PAGE).run()
        assert at.error[0].value.startswith("You do not have access to this")
        assert not at.title
    at = app_as(world, "champion").run()
    try:
        at.switch_page(str(REPO / PAGE))
    except ValueError as refused:
        assert "Could not find a navigation page" in str(refused)
    else:
        raise AssertionError("a champion reached the progress report")
