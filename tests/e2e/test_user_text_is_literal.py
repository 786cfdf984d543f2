"""User-supplied text shows literally: a request's Markdown stays text on the triage screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    sign_in_as,
    sign_out,
    wait_for_app,
)
from tests.e2e.test_asking_for_help import fill_request_form, send_request

pytestmark = pytest.mark.e2e

INJECTION = "See [our form](https://example.org/x) and :red[urgent] ![i](https://example.org/t.png)"
DETAILS = "**Bold?** <b>tag</b> :material/warning: $x^2$ www.example.org and a@example.org"
REVIEW_SHOT = Path("/work/screens-review/triage.png")


def shown_text(locator: Locator) -> str:
    """The text as a person reads it: ui.text.plain breaks bare addresses and emoji codes with
    an invisible word joiner (U+2060), which is not part of what anyone sees."""
    return locator.inner_text().replace("\u2060", "")


def open_screen(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    wait_for_app(page)


def test_markdown_in_a_request_shows_literally_on_the_triage_screen(
    page: Page, app_url: str
) -> None:
    sign_in_as(page, app_url, "Sam Patel")
    open_screen(page, "Ask the hub for help")
    fill_request_form(page, INJECTION, DETAILS)
    send_request(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text("sent")
    assert_no_axe_violations(page, "the request page after sending a request")
    sign_out(page)

    sign_in_as(page, app_url, "Ruth Okafor")
    open_screen(page, "Support requests")
    main = page.get_by_test_id("stMain")
    # The newest request is opened first: its subject is the heading, exactly as typed.
    heading = main.get_by_role("heading", level=2)
    expect(heading).to_be_visible()
    assert shown_text(heading) == INJECTION
    assert DETAILS in shown_text(main)
    # No link, no image, no colour, no bold, no icon, no maths made from what was typed.
    links = main.locator("a[href*='example.org']")
    assert links.count() == 0, [
        links.nth(i).evaluate("e => e.outerHTML") for i in range(links.count())
    ]
    assert main.locator("img[src*='example.org']").count() == 0
    assert page.locator("img[src*='example.org']").count() == 0
    assert main.locator("strong, b").filter(has_text="Bold?").count() == 0
    assert main.locator("b").filter(has_text="tag").count() == 0
    assert main.locator(".katex").count() == 0
    assert heading.locator("span[style*='color'], [class*='red']").count() == 0
    assert main.locator("span[style*='color']").filter(has_text="urgent").count() == 0

    REVIEW_SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 2000})
    wait_for_app(page)
    page.screenshot(path=str(REVIEW_SHOT), full_page=True)
    assert_no_axe_violations(page, "the triage screen showing a request with Markdown in it")
