"""A request's outcome in a real browser: the team asks for help, the consultant resolves the
request by recording the help given, the practices it aimed at and the time spent, and the
team sees the outcome on "Your requests"; axe WCAG 2.2 AA scans of both pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    choose_option,
    rerun,
    screenshot,
    sign_in_as,
    sign_out,
)
from tests.e2e.test_asking_for_help import fill_request_form, go_to, send_request
from tests.e2e.test_survey_flow import choose_many

pytestmark = pytest.mark.e2e

SUBJECT = "Reaching the users of our trade figures"
HELP_GIVEN = "A call with the team and a list of user groups to contact"


def test_consultant_resolves_with_an_outcome_and_the_team_sees_it(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 4000})
    sign_in_as(page, app_url, "Sam Patel")
    go_to(page, "Ask the hub for help")
    fill_request_form(
        page,
        SUBJECT,
        "We do not know who uses our trade figures beyond two government departments.",
        kind="Finding users",
    )
    send_request(page)
    sign_out(page)

    sign_in_as(page, app_url, "Ruth Okafor")
    go_to(page, "Support requests")
    search = page.get_by_role("textbox", name="Search by summary, team or organisation")
    search.fill(SUBJECT)
    search.press("Enter")
    rerun(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=SUBJECT, level=2)).to_be_visible()
    expect(main.get_by_role("heading", name="Outcome", level=3)).to_be_visible()
    form = main.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Resolve with this outcome")
    )
    form.get_by_role("textbox", name="Help given").fill(HELP_GIVEN)
    [practice] = choose_many(
        page, form.get_by_test_id("stMultiSelect").filter(has_text="Practices it aimed at"), 1
    )
    form.get_by_role("spinbutton", name="Time spent, in hours").fill("1.5")
    assert_no_axe_violations(page, "the triage page with the outcome form filled in")
    form.get_by_role("button", name="Resolve with this outcome").click()
    rerun(page)
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "Status changed from new to resolved."
    )
    screenshot(page, "request-outcome-triage.png")
    assert_no_axe_violations(page, "the triage page after resolving with an outcome")
    sign_out(page)

    sign_in_as(page, app_url, "Sam Patel")
    go_to(page, "Your requests")
    request_box = main.get_by_test_id("stSelectbox").filter(has_text="Request to open")
    choose_option(page, request_box, SUBJECT)
    expect(main.get_by_text("Status: Resolved")).to_be_visible()
    expect(main.get_by_text(f"Help given: {HELP_GIVEN}")).to_be_visible()
    expect(main.get_by_text("Time spent: 1.5 hours")).to_be_visible()
    expect(main.get_by_text(practice.split(" (")[0], exact=False).first).to_be_visible()
    expect(main.get_by_text("has not submitted an assessment since", exact=False)).to_be_visible()
    screenshot(page, "request-outcome-team.png")
    assert_no_axe_violations(page, "Your requests with the hub's outcome")
