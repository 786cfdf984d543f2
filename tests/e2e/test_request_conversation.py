"""A request's conversation in a real browser: the consultant replies on triage, the team
member sees the unread count, opens the inbox, reads the reply and replies back; axe WCAG 2.2
AA scans of the triage conversation and the inbox."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    rerun,
    screenshot,
    sign_in_as,
    sign_out,
)
from ue_core.personas import DEMO_TEAM

pytestmark = pytest.mark.e2e

HUB_REPLY = "Happy to help. Could you send us your draft questions before Tuesday?"
TEAM_REPLY = "Thank you, the draft is attached to our shared folder."


def send(page: Page, text: str) -> None:
    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Send", exact=True)
    )
    form.get_by_role("textbox", name="Your message").fill(text)
    form.get_by_role("button", name="Send", exact=True).click()
    rerun(page)


def test_consultant_replies_and_the_team_member_replies_back(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 3000})
    sign_in_as(page, app_url, "Ruth Okafor")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Support requests").click()
    rerun(page)
    search = page.get_by_role("textbox", name="Search by summary, team or organisation")
    search.fill(DEMO_TEAM)
    search.press("Enter")
    rerun(page)
    # The personas' team's first request (number 1), which the demo assigns to Ruth.
    page.get_by_test_id("stSelectbox").filter(has_text="Request to work on").first.click()
    page.get_by_role("option").filter(has_text=re.compile(r"^1: ")).click()
    rerun(page)
    expect(page.get_by_role("heading", name="Conversation")).to_be_visible()
    expect(page.get_by_text("Only hub staff see notes", exact=False).first).to_be_visible()
    send(page, HUB_REPLY)
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page.get_by_text(HUB_REPLY)).to_be_visible()
    screenshot(page, "conversation-triage.png")
    assert_no_axe_violations(page, "the triage page with a conversation")
    sign_out(page)

    sign_in_as(page, app_url, "Sam Patel")
    inbox_link = page.get_by_test_id("stSidebar").get_by_role(
        "link", name=re.compile(r"Inbox: \d+ unread notifications?")
    )
    expect(inbox_link).to_be_visible()
    inbox_link.click()
    rerun(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    assert_no_axe_violations(page, "the inbox with an unread notification")
    page.get_by_role("button", name="Open request 1", exact=True).first.click()
    rerun(page)
    expect(page.get_by_text(HUB_REPLY)).to_be_visible()
    expect(page.get_by_text("Only hub staff see notes", exact=False)).to_have_count(0)
    send(page, TEAM_REPLY)
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page.get_by_text(TEAM_REPLY)).to_be_visible()
    screenshot(page, "conversation-inbox.png")
    assert_no_axe_violations(page, "the inbox with a request's conversation open")
    sign_out(page)

    # The assigned consultant is told of the team's reply.
    sign_in_as(page, app_url, "Ruth Okafor")
    expect(
        page.get_by_test_id("stSidebar").get_by_role("link", name="Inbox: 1 unread notification")
    ).to_be_visible()
