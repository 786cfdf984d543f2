"""Similar and duplicate requests in a real browser: a team member is warned that a request looks
like the team's open one, the consultant sees the duplicate flag and similar requests beside it
and searches past requests by meaning; axe WCAG 2.2 AA scans on each view."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_axe_violations, rerun, screenshot, sign_in_as, sign_out
from tests.e2e.test_asking_for_help import fill_request_form, go_to, send_request

pytestmark = pytest.mark.e2e

FIRST = "Starting a panel of energy data users"
SECOND = "A users' panel for our energy figures"
DETAILS = (
    "We would like to bring together a panel of people who use our household energy "
    "statistics. Who should we invite, and how often should the panel meet?"
)
AGAIN = (
    "How do we set up a panel of users for our household energy statistics, who should be "
    "on it and how often should it meet?"
)


def test_duplicate_warning_and_similar_requests(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 4000})
    sign_in_as(page, app_url, "Sam Patel")
    go_to(page, "Ask the hub for help")
    fill_request_form(page, FIRST, DETAILS)
    send_request(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text("sent")

    fill_request_form(page, SECOND, AGAIN)
    # Scoped to the duplicate warning: the demo banner is also a warning.
    warning = main.get_by_test_id("stAlertContentWarning").filter(has_text="This looks like")
    expect(warning).to_contain_text(f"This looks like your open request '{FIRST}'")
    screenshot(page, "similar-requests-duplicate-warning.png")
    assert_no_axe_violations(page, "the request form warning of a likely duplicate")
    send_request(page)  # the team may still send it
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text("sent")
    sign_out(page)

    sign_in_as(page, app_url, "Ruth Okafor")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Support requests").click()
    rerun(page)
    search = page.get_by_role("textbox", name="Search by summary, team or organisation")
    search.fill(SECOND)
    search.press("Enter")
    rerun(page)
    expect(main.get_by_role("heading", name="Similar requests")).to_be_visible()
    expect(
        main.get_by_test_id("stAlertContentWarning").filter(has_text="This looks like")
    ).to_contain_text(f"This looks like the team's open request '{FIRST}'")
    expect(main.get_by_test_id("stTable").last).to_contain_text(FIRST)
    screenshot(page, "similar-requests-panel.png")
    assert_no_axe_violations(page, "the triage page with similar requests")

    main.get_by_role("textbox", name="Search past requests by meaning").fill(
        "a group of people who use our energy numbers"
    )
    # The form's button, not a table toolbar's search.
    main.get_by_test_id("stBaseButton-secondaryFormSubmit").filter(has_text="Search").click()
    rerun(page)
    expect(main.get_by_text("closest in meaning", exact=False)).to_be_visible()
    expect(main.get_by_test_id("stTable").last).to_contain_text("Similarity (0 to 1)")
    main.get_by_text("Open request", exact=False).last.click()
    assert_no_axe_violations(page, "the triage page with a search by meaning")
