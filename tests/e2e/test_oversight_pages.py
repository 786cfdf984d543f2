"""The organisation dashboard and the system overview in a real browser, with axe scans."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    SCREENSHOT_DIR,
    assert_no_axe_violations,
    sign_in_as,
    wait_for_app,
)
from ue_core.personas import DEMO_ORGANISATION

pytestmark = pytest.mark.e2e


def open_screen(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    wait_for_app(page)


def open_table_alternatives(page: Page) -> None:
    """Open every chart's table so the scan covers the tables as well."""
    for summary in page.get_by_test_id("stExpander").locator("summary").all():
        summary.click()
    wait_for_app(page)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 3200})
    wait_for_app(page)
    page.screenshot(path=str(SCREENSHOT_DIR / name), full_page=True)


def test_champion_sees_their_organisation_and_the_page_passes_axe(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Chris Evans")
    open_screen(page, "Your organisation")

    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(DEMO_ORGANISATION)
    expect(main.get_by_role("heading", name="Principle scores", exact=True)).to_be_visible()
    expect(
        main.get_by_role("heading", name="Teams furthest below their targets", exact=True)
    ).to_be_visible()
    expect(main.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(main.get_by_test_id("stMetric").first).to_contain_text("Not started")
    assert main.get_by_test_id("stVegaLiteChart").count() == 2
    open_table_alternatives(page)
    expect(main).to_contain_text("Rest of the system (teams)")
    screenshot(page, "organisation-champion.png")
    assert_no_axe_violations(page, "the organisation dashboard for Chris Evans (champion)")


def test_consultant_sees_the_system_overview_and_the_page_passes_axe(
    page: Page, app_url: str
) -> None:
    sign_in_as(page, app_url, "Ruth Okafor")
    open_screen(page, "System overview")

    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Coverage by organisation", exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name="Where help is needed", exact=True)).to_be_visible()
    expect(main.get_by_test_id("stTable")).to_contain_text("Beginning")
    expect(main.get_by_test_id("stDataFrame").first).to_contain_text("Mean overall score")
    open_table_alternatives(page)
    screenshot(page, "system-overview-consultant.png")
    assert_no_axe_violations(page, "the system overview for Ruth Okafor (hub consultant)")

    # Choose the earliest round with scores: the page redraws for it and still passes.
    page.get_by_test_id("stSelectbox").click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    options.last.click()
    wait_for_app(page)
    expect(
        main.get_by_role("heading", name="Teams at each level, 2024 to 2025", exact=True)
    ).to_be_visible()
    assert_no_axe_violations(page, "the system overview for an earlier round")
