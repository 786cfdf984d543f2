"""The admin's audit log and a survey's delete confirmation in a real browser, with axe scans."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_axe_violations, sign_in_as, wait_for_app
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.models import Role
from ue_core.demo.generator import SURVEY_TITLE
from ue_core.services import accounts

pytestmark = pytest.mark.e2e

REVIEW_DIR = Path("/work/screens-review")


def open_screen(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title, timeout=60_000)
    wait_for_app(page, timeout_ms=60_000)


def choose(page: Page, label: str, option: str) -> None:
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def screenshot(page: Page, name: str) -> None:
    REVIEW_DIR.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1400})
    wait_for_app(page)
    page.screenshot(path=str(REVIEW_DIR / name), full_page=True)


def test_admin_filters_and_downloads_the_audit_log(
    page: Page, app_url: str, demo_database_url: str
) -> None:
    # The demo data is loaded directly, so the log starts empty: make one audited change.
    database = Database(demo_database_url)
    try:
        accounts.create_user(
            database,
            SYSTEM,
            email="audit.check@example.org",
            display_name="Audit Check",
            password=None,
            role=Role.CONSULTANT,
        )
    finally:
        database.dispose()
    sign_in_as(page, app_url, "Morgan Lee")
    open_screen(page, "Audit log")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("match, newest first")
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    choose(page, "Action", "Create user")
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    screenshot(page, "audit-log-admin.png")
    assert_no_axe_violations(page, "the audit log for Morgan Lee (admin)")
    with page.expect_download() as waiting:
        main.get_by_role("button", name="Download these events (CSV)").click()
    data = Path(waiting.value.path()).read_bytes()
    assert data.startswith(b'\xef\xbb\xbf"Event","When (UTC)"')
    assert b'"create_user"' in data and b"audit.check@example.org" in data


def test_consultant_is_asked_to_confirm_deleting_a_survey(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Ruth Okafor")
    open_screen(page, "Import a survey")
    main = page.get_by_test_id("stMain")
    wait_for_app(page)
    box = page.get_by_test_id("stSelectbox").filter(has_text="Survey to delete").first
    expect(box).to_be_visible()
    box.scroll_into_view_if_needed()
    box.click()
    page.keyboard.press("ArrowDown")
    # Other tests on this server may have imported surveys too: pick the demo's own by its title.
    page.get_by_role("option").filter(has_text=SURVEY_TITLE).first.click()
    wait_for_app(page)
    main.get_by_role("button", name="Delete this survey").click()
    wait_for_app(page)
    warning = main.get_by_test_id("stAlertContentWarning").filter(has_text="cannot be undone")
    expect(warning).to_contain_text("525 answers")
    expect(warning).not_to_contain_text("0 themes")
    expect(warning).to_contain_text("It cannot be undone.")
    expect(main.get_by_role("button", name="Yes, delete", exact=False)).to_be_visible()
    screenshot(page, "survey-delete-confirmation.png")
    assert_no_axe_violations(page, "the survey delete confirmation for Ruth Okafor")
    main.get_by_role("button", name="Cancel").click()
    wait_for_app(page)
    expect(warning).to_have_count(0)
