"""Library and recommendations in a real browser, as the demo team member Sam Patel."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    RERUN_START_MS,
    SCREENSHOT_DIR,
    assert_no_axe_violations,
    sign_in_as,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

#: Screenshots for people to review (the brief's folder), beside the test run's own.
REVIEW_DIR = Path("/work/screens-review")

MEMBER = "Sam Patel"
#: The first recommendations load the embedding model and embed the catalogue once per server.
FIRST_LOAD_MS = 240_000


def go_to(page: Page, title: str, timeout_ms: int = FIRST_LOAD_MS) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    page.wait_for_timeout(RERUN_START_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text(title, timeout=timeout_ms)
    wait_for_app(page, timeout_ms=timeout_ms)


def click(page: Page, name: str, timeout_ms: int = FIRST_LOAD_MS) -> None:
    page.get_by_test_id("stMain").get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page, timeout_ms=timeout_ms)


def test_member_searches_the_library_and_opens_an_entry(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, MEMBER)
    go_to(page, "Library")
    main = page.get_by_test_id("stMain")
    search = main.get_by_role("textbox", name="Search the library")
    search.fill("Twitter")
    search.press("Enter")
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)
    expect(main.get_by_text("1 entry matches.")).to_be_visible()
    entry = main.get_by_role(
        "button", name="Live Twitter question and answer sessions on rail statistics"
    )
    expect(entry).to_be_visible()
    assert_no_axe_violations(page, "the Library page with search results")

    click(page, "Live Twitter question and answer sessions on rail statistics")
    expect(
        main.get_by_role(
            "heading", name="Live Twitter question and answer sessions on rail statistics", level=2
        )
    ).to_be_visible()
    expect(main.get_by_role("link", name="https:", exact=False).first).to_be_visible()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "library-detail-sam-patel.png"), full_page=True)
    assert_no_axe_violations(page, "a Library entry")


def test_member_sees_recommendations_with_reasons_and_marks_one_used(
    page: Page, app_url: str
) -> None:
    sign_in_as(page, app_url, MEMBER)
    go_to(page, "Results")
    main = page.get_by_test_id("stMain")
    main.get_by_role("tab", name="Recommended for your team", exact=True).click()
    wait_for_app(page)
    section = main.get_by_role("heading", name="Recommended for your team", level=2)
    expect(section).to_be_visible()
    reasons = main.get_by_text(", your target is ", exact=False)
    expect(reasons.first).to_be_visible()
    assert reasons.count() >= 4
    click(page, "We will use this")
    expect(main.get_by_text("Your team said it will use this.")).to_be_visible()
    expect(main.get_by_role("heading", name="Talk to other teams", level=3)).to_be_visible()
    section.scroll_into_view_if_needed()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "results-recommendations-sam-patel.png"))
    assert_no_axe_violations(page, "the Results page with recommendations")

    go_to(page, "Library")
    search = main.get_by_role("textbox", name="Search the library")
    search.fill("user forum")
    search.press("Enter")
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)
    expect(main.get_by_text("entries match.", exact=False)).to_be_visible()
    assert_no_axe_violations(page, "the Library page after a search")


def test_a_quotation_is_marked_up_as_one_with_its_source(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, MEMBER)
    go_to(page, "Library")
    main = page.get_by_test_id("stMain")
    search = main.get_by_role("textbox", name="Search the library")
    search.fill("UKSA")
    search.press("Enter")
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)
    click(page, "Engaging producers and users to write the user engagement strategy")
    quote = main.locator("blockquote")
    expect(quote).to_have_text(
        "“UKSA should develop a strategy for engaging all users of official statistics”"
    )
    expect(
        main.get_by_role("link", name="Public Administration and Constitutional")
    ).to_have_attribute(
        "href", "https://publications.parliament.uk/pa/cm201719/cmselect/cmpubadm/1820/182010.htm"
    )
    quote.scroll_into_view_if_needed()
    REVIEW_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(REVIEW_DIR / "library-quotation-pacac.png"), full_page=True)
    assert_no_axe_violations(page, "a Library entry with a quotation")
