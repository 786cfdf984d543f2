"""Demo mode in a real browser: the demo notice is on the sign-in page and every signed-in page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_axe_violations, open_app, sign_in_as
from ui.demo_banner import DEMO_NOTICE

pytestmark = pytest.mark.e2e

SHOTS = "/work/screens-review"


def test_the_demo_notice_is_on_every_page_and_passes_axe(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    notice = page.get_by_test_id("stMain").get_by_text(DEMO_NOTICE)
    expect(notice).to_be_visible()

    sign_in_as(page, app_url, "Morgan Lee")
    for title in ("Home", "Admin", "Library"):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        expect(page.get_by_test_id("stMain").get_by_text(DEMO_NOTICE)).to_be_visible()
    page.get_by_test_id("stMain").get_by_text(DEMO_NOTICE).scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/demo-notice-library.png")
    assert_no_axe_violations(page, "the library page with the demo notice")
