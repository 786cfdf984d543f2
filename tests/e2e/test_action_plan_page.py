"""The action plan in a real browser: add, change and delete an action, download the plan, and
axe WCAG 2.2 AA scans of the page with its forms open."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    SCREENSHOT_DIR,
    assert_no_axe_violations,
    rerun,
    sign_in_as,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

ACTION = "Hold a user panel on the housing release every quarter"


def open_action_plan(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Jo Williams")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Action plan").click()
    rerun(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Action plan")
    # A tall window, so every part of the page (and every form) is scanned, not just the top.
    page.set_viewport_size({"width": 1280, "height": 3600})
    wait_for_app(page)


def test_lead_adds_changes_downloads_and_deletes_an_action(page: Page, app_url: str) -> None:
    open_action_plan(page, app_url)
    assert_no_axe_violations(page, "the action plan page")

    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Add action", exact=True)
    )
    form.get_by_role("combobox", name="Practice", exact=True).click()
    page.get_by_role("option").first.click()
    form.get_by_role("textbox", name="What will you do?").fill(ACTION)
    form.get_by_role("textbox", name="Due month", exact=True).fill("3")
    form.get_by_role("textbox", name="Due day", exact=True).fill("31")
    form.get_by_role("textbox", name="Due year", exact=True).fill("2027")
    form.get_by_role("button", name="Add action", exact=True).click()
    rerun(page)

    expander = page.get_by_test_id("stExpander").filter(has_text=ACTION)
    expect(expander).to_have_count(1)
    expect(expander).to_contain_text("Planned, due 31 March 2027")
    expander.locator("summary").click()
    wait_for_app(page)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "action-plan-lead.png"), full_page=True)
    assert_no_axe_violations(page, "the action plan page with an action open")

    expander.get_by_role("combobox", name="Status", exact=True).click()
    page.get_by_role("option", name="In progress", exact=True).click()
    expander.get_by_role("button", name="Save changes").click()
    rerun(page)
    expander = page.get_by_test_id("stExpander").filter(has_text=ACTION)
    expect(expander).to_contain_text("In progress, due 31 March 2027")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download action plan (ODS)").click()
    data = download.value.path().read_bytes()
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, engine="odf", header=None)
    assert list(sheets)[:2] == ["Cover", "Notes"]
    actions = sheets["Actions"]
    assert ACTION in actions.iloc[:, 3].tolist()

    expander.locator("summary").click()
    wait_for_app(page)
    expander.get_by_text("Yes, delete this action").click()
    expander.get_by_role("button", name="Delete action").click()
    rerun(page)
    expect(page.get_by_test_id("stExpander").filter(has_text=ACTION)).to_have_count(0)
