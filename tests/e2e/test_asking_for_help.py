"""Asking the hub for help in a real browser: the form, "These may help now", Your requests."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    RERUN_START_MS,
    SCREENSHOT_DIR,
    assert_no_axe_violations,
    choose_option,
    sign_in_as,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

#: The first "These may help now" loads the library's text index once per server.
FIRST_LOAD_MS = 240_000
SUBJECT = "Planning our first user survey"


def fill_request_form(page: Page, subject: str, details: str, kind: str = "Advice") -> None:
    """Fill the request form on "Ask the hub for help" and press Continue."""
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stRadio").get_by_text(kind, exact=True).click()
    page.get_by_label("What do you need help with?", exact=True).fill(subject)
    page.get_by_label("Tell us more, in your own words", exact=True).fill(details)
    main.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page, timeout_ms=FIRST_LOAD_MS)


def send_request(page: Page) -> None:
    page.get_by_test_id("stMain").get_by_role("button", name="Send request").click()
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)


def go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    page.wait_for_timeout(RERUN_START_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    wait_for_app(page)


def test_member_sees_what_may_help_sends_and_follows_a_request(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Sam Patel")
    go_to(page, "Ask the hub for help")
    assert_no_axe_violations(page, "the request form")
    main = page.get_by_test_id("stMain")
    page.get_by_label("Which statistics is it about? (optional)", exact=True).fill(
        "Regional GDP statistics"
    )
    fill_request_form(
        page,
        SUBJECT,
        "Could someone look over the draft questions for our user survey before it goes out?",
        kind="Survey or consultation design",
    )
    expect(main.get_by_role("heading", name="These may help now", level=2)).to_be_visible()
    expect(main.get_by_role("heading", name="From the library", level=3)).to_be_visible()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "these-may-help-now.png"), full_page=True)
    assert_no_axe_violations(page, "the request form showing what may help now")

    send_request(page)
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text("sent")

    go_to(page, "Your requests")
    grid = main.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    expect(grid).to_contain_text(SUBJECT)
    request_box = main.get_by_test_id("stSelectbox").filter(has_text="Request to open")
    choose_option(page, request_box, SUBJECT)
    expect(main.get_by_role("heading", name=SUBJECT, level=2)).to_be_visible()
    expect(main.get_by_text("Kind of help: Survey or consultation design")).to_be_visible()
    expect(main.get_by_role("heading", name="Conversation", level=3)).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "your-requests.png"), full_page=True)
    assert_no_axe_violations(page, "Your requests")
