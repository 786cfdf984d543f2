"""The team beside a request in a real browser: a consultant opens a request on triage, sees
the team's scores against targets and its champion, sends a library item to the team in one
click and sees it in the conversation; axe WCAG 2.2 AA scans before and after."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    rerun,
    screenshot,
    sign_in_as,
)
from ue_core.personas import DEMO_TEAM

pytestmark = pytest.mark.e2e


def test_consultant_sees_the_team_and_sends_a_library_item(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 4000})
    sign_in_as(page, app_url, "Ruth Okafor")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Support requests").click()
    rerun(page)
    search = page.get_by_role("textbox", name="Search by summary, team or organisation")
    search.fill(DEMO_TEAM)
    search.press("Enter")
    rerun(page)
    expect(page.get_by_role("heading", name="The team beside this request")).to_be_visible()
    expect(page.get_by_text("Scores against targets", exact=True)).to_be_visible()
    expect(page.get_by_text("Organisation's champion:", exact=False)).to_be_visible()
    screenshot(page, "team-beside-request.png")
    assert_no_axe_violations(page, "the triage page with the team beside the request")

    page.get_by_role("button", name="Send to the team").first.click()
    rerun(page)
    expect(page.get_by_text("Sent to the team:", exact=False)).to_be_visible()
    expect(page.get_by_text("This may help:", exact=False).first).to_be_visible()
    screenshot(page, "team-beside-request-sent.png")
    assert_no_axe_violations(page, "the triage page after sending a library item")
