"""The hub's consultancy desk end to end in a real browser, one browser session per person.

A team member (Sam) asks for help and sees what may help now before sending; the consultant
(Ruth) opens the request with its triage suggestions and the team's scores against targets,
confirms the suggested triage and replies; Sam sees the reply in the inbox and on "Your
requests"; Ruth resolves the request with an outcome; Sam rates the help. Axe WCAG 2.2 AA scans
of every page state used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    choose_option,
    rerun,
    screenshot,
    search_support_requests,
    sign_in_as,
    wait_for_app,
)
from tests.e2e.test_asking_for_help import fill_request_form, send_request
from tests.e2e.test_request_conversation import send
from tests.e2e.test_survey_flow import choose_many
from tests.e2e.test_triage_confirm import FIRST_RUN_MS
from ue_core.timefmt import uk_today

pytestmark = pytest.mark.e2e

SUBJECT = "Desk journey: questions for our survey of rail passengers"
DETAILS = (
    "We are about to survey the people who use our rail passenger statistics. Could someone "
    "review our draft questions and tell us how to reach users we do not hear from?"
)
STATISTICS = "Rail passenger numbers"
KIND = "Survey or consultation design"
HUB_REPLY = "Thank you. Please send the draft questions and we will review them this week."
HELP_GIVEN = "A review of the draft questions and a list of user groups to invite"
#: Tall enough that every section of a request is on screen without scrolling.
VIEWPORT: ViewportSize = {"width": 1280, "height": 4000}


@contextmanager
def second_person(browser: Browser, app_url: str) -> Iterator[Page]:
    """A second browser context (its own Streamlit session), set up as the `page` fixture's."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB", base_url=app_url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        yield page
    except BaseException:
        screenshot(page, "failed-desk-journey-second-person.png")
        raise
    finally:
        context.close()


def slow_rerun(page: Page) -> None:
    """A rerun that may be the server's first to fit the routers or load a text model."""
    page.wait_for_timeout(250)
    wait_for_app(page, timeout_ms=FIRST_RUN_MS)


def go_to(page: Page, title: str) -> None:
    """Open a page from the sidebar menu; a page's first run on a busy machine may be slow."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    slow_rerun(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def fill_needed_by(page: Page, day: str) -> None:
    """Type a DD/MM/YYYY date into the request form's date segments."""
    field = page.get_by_test_id("stDateInput").filter(has_text="Is there a date the help must fit")
    field.get_by_role("spinbutton").first.click()
    page.keyboard.type(day.replace("/", ""))


def open_team_request(page: Page, request_id: int) -> Locator:
    """Choose the request on "Your requests"; return the main block."""
    main = page.get_by_test_id("stMain")
    box = main.get_by_test_id("stSelectbox").filter(has_text="Request to open")
    choose_option(page, box, f"{request_id}: {SUBJECT}")
    expect(main.get_by_role("heading", name=SUBJECT, level=2)).to_be_visible()
    return main


def confirm_suggested_triage(ruth: Page, main: Locator) -> str:
    """Press "Confirm triage" on the suggestions; return the practice area confirmed.

    A practice area below the confidence threshold "needs a person", so the form leaves the
    areas empty: the consultant then takes the closest one the suggestion names.
    """
    form = main.get_by_test_id("stForm").filter(
        has=ruth.get_by_role("button", name="Confirm triage")
    )
    areas = form.get_by_test_id("stMultiSelect")
    suggested = main.get_by_text(re.compile(r"^Suggested practice area: ")).inner_text()
    if "needs a person" in suggested:
        closest = main.get_by_text(re.compile(r"^The closest is .+ \(\d+% confident\)\.$"))
        found = re.match(r"The closest is (.+) \(\d+% confident\)", closest.first.inner_text())
        assert found is not None
        area = found.group(1)
        areas.click()
        ruth.get_by_role("option", name=area, exact=True).click()
        ruth.keyboard.press("Escape")
    else:
        area = suggested.removeprefix("Suggested practice area: ").split(" (")[0].split(", ")[0]
    expect(areas).to_contain_text(area)
    # The priority may "need a person" too (its signals disagree): the consultant sets it.
    choose_option(ruth, form.get_by_test_id("stSelectbox").filter(has_text="Priority"), "Normal")
    form.get_by_role("button", name="Confirm triage").click()
    slow_rerun(ruth)
    return area


def member_asks_for_help(sam: Page, app_url: str) -> int:
    """Sam fills the form, sees what may help now, sends; returns the request's number."""
    sign_in_as(sam, app_url, "Sam Patel")
    go_to(sam, "Ask the hub for help")
    needed_by = (uk_today() + timedelta(days=30)).strftime("%d/%m/%Y")
    sam.get_by_label("Which statistics is it about? (optional)", exact=True).fill(STATISTICS)
    fill_needed_by(sam, needed_by)
    fill_request_form(sam, SUBJECT, DETAILS, kind=KIND)
    main = sam.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="These may help now", level=2)).to_be_visible()
    expect(main.get_by_role("heading", name="From the library", level=3)).to_be_visible()
    assert_no_axe_violations(sam, "the request form showing what may help now")
    send_request(sam)
    sent = main.get_by_test_id("stAlertContentSuccess").filter(has_text="sent")
    expect(sent).to_contain_text("A hub consultant will be in touch")
    found = re.search(r"Request (\d+) sent", sent.inner_text())
    assert found is not None
    assert_no_axe_violations(sam, "the request form after sending")
    return int(found.group(1))


def consultant_triages_and_replies(ruth: Page, app_url: str, request_id: int) -> None:
    """Ruth opens the request, sees suggestions and the team's scores, confirms, replies."""
    sign_in_as(ruth, app_url, "Ruth Okafor")
    go_to(ruth, "Support requests")
    search_support_requests(ruth, SUBJECT, timeout_ms=FIRST_RUN_MS)
    main = ruth.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=SUBJECT, level=2)).to_be_visible()
    expect(
        main.get_by_text(re.compile(rf"^Request {request_id:d} from Sam Patel, .* Status: New\.$"))
    ).to_be_visible()
    expect(main.get_by_text(f"Kind of help: {KIND}", exact=True)).to_be_visible()
    expect(main.get_by_text(f"Statistics: {STATISTICS}", exact=True)).to_be_visible()
    for name in ("Suggested practice area:", "Suggested kind of help:", "Suggested priority:"):
        expect(main.get_by_text(name, exact=False).first).to_be_visible()
    expect(main.get_by_text("confident", exact=False).first).to_be_visible()
    expect(main.get_by_text("It resembles", exact=False).first).to_be_visible()
    expect(main.get_by_role("heading", name="The team beside this request")).to_be_visible()
    expect(main.get_by_text("Scores against targets", exact=True)).to_be_visible()
    scores = main.get_by_test_id("stTable").filter(has_text="Gap to target").first
    expect(scores).to_contain_text("Target")
    screenshot(ruth, "desk-journey-triage.png")
    assert_no_axe_violations(ruth, "the new request with its suggestions and the team")

    area = confirm_suggested_triage(ruth, main)
    expect(
        main.get_by_text(f"Request {request_id:d} triaged. Triaged as {area}", exact=False)
    ).to_be_visible()
    # The rerun after confirming retrains the router on the grown triage history: on a cold
    # server that pause can outlast the settle check, so wait for the confirmed triage itself.
    expect(main.get_by_text("Confirmed:", exact=True)).to_be_visible(timeout=FIRST_RUN_MS)
    wait_for_app(ruth, timeout_ms=FIRST_RUN_MS)
    screenshot(ruth, "desk-journey-triaged.png")
    # The page's own status box shows the status triage gave, so saving it later keeps it.
    caption = main.get_by_text(
        re.compile(rf"^Request {request_id:d} from Sam Patel, ")
    ).inner_text()
    status = re.search(r"Status: ([A-Za-z ]+)\.$", caption)
    assert status is not None and status.group(1) in {"Triaged", "Assigned"}
    changes = main.get_by_test_id("stForm").filter(
        has=ruth.get_by_role("button", name="Save changes")
    )
    expect(changes.get_by_role("combobox", name="Status")).to_have_value(status.group(1))

    send(ruth, HUB_REPLY)
    expect(main.get_by_text("Reply sent.")).to_be_visible()
    expect(main.get_by_text(HUB_REPLY)).to_be_visible()
    assert_no_axe_violations(ruth, "the request after confirming the triage and replying")


def member_reads_the_reply(sam: Page, request_id: int) -> None:
    """Sam sees the unread count, reads the reply in the inbox and on "Your requests"."""
    go_to(sam, "Inbox")
    unread = sam.get_by_test_id("stSidebar").get_by_role(
        "link", name=re.compile(r"Inbox: \d+ unread notifications?")
    )
    expect(unread).to_be_visible()
    main = sam.get_by_test_id("stMain")
    expect(main.get_by_text(re.compile(r"You have \d+ unread notifications?\."))).to_be_visible()
    expect(
        main.get_by_text(f"New reply on request {request_id:d}: {SUBJECT}", exact=True)
    ).to_be_visible()
    assert_no_axe_violations(sam, "the inbox with the hub's reply unread")
    main.get_by_role("button", name=f"Open request {request_id:d}", exact=True).first.click()
    rerun(sam)
    expect(main.get_by_text(HUB_REPLY)).to_be_visible()
    assert_no_axe_violations(sam, "the inbox with the request's conversation open")

    go_to(sam, "Your requests")
    main = open_team_request(sam, request_id)
    expect(main.get_by_text(HUB_REPLY)).to_be_visible()
    expect(main.get_by_text(f"Statistics: {STATISTICS}", exact=True)).to_be_visible()
    assert_no_axe_violations(sam, "Your requests with the hub's reply")


def consultant_resolves(ruth: Page) -> None:
    """Ruth records the help given, the practice it aimed at and the time spent."""
    main = ruth.get_by_test_id("stMain")
    form = main.get_by_test_id("stForm").filter(
        has=ruth.get_by_role("button", name="Resolve with this outcome")
    )
    form.get_by_role("textbox", name="Help given").fill(HELP_GIVEN)
    choose_many(
        ruth, form.get_by_test_id("stMultiSelect").filter(has_text="Practices it aimed at"), 1
    )
    form.get_by_role("spinbutton", name="Time spent, in hours").fill("2")
    form.get_by_role("button", name="Resolve with this outcome").click()
    rerun(ruth)
    # The confirmation comes first: the resolved request leaves the queue of open ones below.
    expect(main.get_by_text("No requests match.", exact=False)).to_be_visible(timeout=FIRST_RUN_MS)
    wait_for_app(ruth, timeout_ms=FIRST_RUN_MS)
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        re.compile(r"Status changed from (triaged|assigned) to resolved\.")
    )
    screenshot(ruth, "desk-journey-resolved.png")
    assert_no_axe_violations(ruth, "the request after resolving it with an outcome")


def member_rates_the_help(sam: Page, request_id: int) -> None:
    """Sam opens the resolved request on "Your requests" and rates the help."""
    go_to(sam, "Inbox")
    # Told of both changes of status: on triage, and on resolving.
    expect(
        sam.get_by_test_id("stMain").get_by_text(
            f"Status changed on request {request_id:d}: {SUBJECT}", exact=True
        )
    ).to_have_count(2)
    go_to(sam, "Your requests")
    main = open_team_request(sam, request_id)
    expect(main.get_by_text("Status: Resolved")).to_be_visible()
    expect(main.get_by_text(f"Help given: {HELP_GIVEN}")).to_be_visible()
    expect(main.get_by_role("heading", name="Rate the help", level=3)).to_be_visible()
    form = main.get_by_test_id("stForm").filter(has=sam.get_by_role("button", name="Send rating"))
    form.get_by_text("Very good", exact=True).click()
    form.get_by_role("textbox").fill("Quick and practical, thank you.")
    assert_no_axe_violations(sam, "Your requests with the rating form filled in")
    form.get_by_role("button", name="Send rating").click()
    rerun(sam)
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "Your rating has been sent to the hub."
    )
    expect(main.get_by_text("Your team rated the help: Very good.")).to_be_visible()
    screenshot(sam, "desk-journey-rated.png")
    assert_no_axe_violations(sam, "Your requests after rating the help")


def test_desk_journey(page: Page, browser: Browser, app_url: str) -> None:
    sam = page
    sam.set_viewport_size(VIEWPORT)
    request_id = member_asks_for_help(sam, app_url)
    with second_person(browser, app_url) as ruth:
        consultant_triages_and_replies(ruth, app_url, request_id)
        member_reads_the_reply(sam, request_id)
        consultant_resolves(ruth)
        member_rates_the_help(sam, request_id)
