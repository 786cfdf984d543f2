"""Finding themes runs as a background job: the consultant starts it, leaves the page, comes
back, reloads the browser, and sees the job finish; the progress view passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    APP_TIMEOUT_MS,
    assert_no_axe_violations,
    screenshot,
    sign_in_as,
    varied_barrier_answers,
    wait_for_app,
)
from ue_core.db.engine import Database
from ue_core.personas import PERSONAS
from ue_core.services import accounts
from ue_core.services.surveys import imports
from ue_core.survey_import import ColumnMapping

pytestmark = pytest.mark.e2e

TITLE = "Survey themed in the background"


def _import_large_survey(url: str) -> None:
    """A survey of 2,400 different answers, imported as the consultant persona would."""
    db = Database(url)
    email = next(p.email for p in PERSONAS if p.display_name == "Ruth Okafor")
    consultant = accounts.actor_for_email(db, email)
    assert consultant is not None
    raw = imports.read_file(varied_barrier_answers("J"), "barriers.csv")
    imports.import_survey(db, consultant, raw, ColumnMapping("Respondent ID", ["Barriers"]), TITLE)
    db.dispose()


def _open_themes_page(page: Page) -> None:
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Survey themes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Survey themes")
    box = page.get_by_test_id("stSelectbox").filter(has_text="Survey").first
    box.click()
    page.keyboard.type("background")
    page.get_by_role("option", name=TITLE).first.click()
    expect(page.get_by_role("combobox", name="Survey", exact=True)).to_have_value(TITLE)


def test_a_theme_job_carries_on_through_navigation_and_reload(
    page: Page, app_url: str, demo_database_url: str
) -> None:
    _import_large_survey(demo_database_url)
    sign_in_as(page, app_url, "Ruth Okafor")
    _open_themes_page(page)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("No themes yet for this question")
    main.get_by_text("I will choose", exact=True).click()  # eight themes: no suggesting
    main.get_by_role("button", name="Find themes").click()

    # The page shows the job: its progress, who started it, and a way to cancel it.
    expect(main.get_by_role("heading", name="Finding themes")).to_be_visible()
    expect(main).to_contain_text("Started by Ruth Okafor")
    expect(main.get_by_role("button", name="Cancel finding themes")).to_be_visible()
    expect(main.get_by_test_id("stProgress")).to_be_visible()
    wait_for_app(page)  # between two redraws of the progress, nothing is greyed out
    screenshot(page, "survey-theme-job-running.png")
    assert_no_axe_violations(page, "the themes page while a theme job runs")

    # Leave for another page and come back: the job is still there (or has finished).
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Survey themes")
    _open_themes_page(page)
    expect(
        main.get_by_role("heading", name="Finding themes").or_(
            main.get_by_text("Draft themes", exact=False).first
        )
    ).to_be_visible()

    # Reload the browser (a new session): the job is read back from the database.
    page.reload()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=APP_TIMEOUT_MS)
    _open_themes_page(page)
    expect(main).to_contain_text("Draft themes", timeout=2 * APP_TIMEOUT_MS)
    expect(main).to_contain_text("2,400 answers")
    expect(main.get_by_role("button", name="Cancel finding themes")).to_have_count(0)
    screenshot(page, "survey-theme-job-finished.png")
    assert_no_axe_violations(page, "the themes page after the theme job finished")
