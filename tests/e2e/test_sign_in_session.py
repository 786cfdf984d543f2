"""Staying signed in (local and demo sign-in): reloads and links keep the session; signing
out ends it on the server, so the old cookie no longer signs anyone in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    open_app,
    sidebar_button,
    sign_in_as,
    sign_out,
    wait_for_app,
)
from ui.session_cookie import COOKIE_NAME

pytestmark = pytest.mark.e2e


def expect_signed_in_on(page: Page, title: str, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(sidebar_button(page, "Sign out")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_contain_text(name)


def expect_sign_in_page(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in to the user engagement workbench"
    )
    expect(sidebar_button(page, "Sign out")).to_have_count(0)


def test_reloads_and_deep_links_keep_you_signed_in_until_you_sign_out(
    page: Page, app_url: str, browser: Browser
) -> None:
    sign_in_as(page, app_url, "Ruth Okafor")
    expect_signed_in_on(page, "Welcome, Ruth Okafor", "Ruth Okafor")

    page.reload()
    wait_for_app(page)
    expect_signed_in_on(page, "Welcome, Ruth Okafor", "Ruth Okafor")
    assert_no_axe_violations(page, "the home page after a reload")

    # A link opened from elsewhere (a new tab in the same browser) lands on its screen.
    linked = page.context.new_page()
    open_app(linked, app_url, "triage")
    expect_signed_in_on(linked, "Support requests", "Ruth Okafor")
    assert_no_axe_violations(linked, "the triage screen opened from a link")

    # The cookie is HttpOnly (no page script can read it) and holds no email or name.
    [cookie] = [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert COOKIE_NAME not in str(page.evaluate("() => document.cookie"))
    assert "ruth" not in cookie["value"].lower()
    assert COOKIE_NAME not in page.url and cookie["value"] not in page.url

    sign_out(page)
    expect_sign_in_page(page)
    linked.reload()
    wait_for_app(linked)
    expect_sign_in_page(linked)
    linked.close()

    # The old cookie, replayed in a fresh browser, signs nobody in.
    replay = browser.new_context(base_url=app_url, locale="en-GB")
    try:
        replay.add_cookies(
            [{"name": COOKIE_NAME, "value": cookie["value"], "url": app_url, "httpOnly": True}]
        )
        stolen = replay.new_page()
        open_app(stolen, app_url, "triage")
        expect_sign_in_page(stolen)
        assert_no_axe_violations(stolen, "the sign-in page reached with a signed-out cookie")
    finally:
        replay.close()
