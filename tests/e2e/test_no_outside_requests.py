"""The app makes no request to any host but its own: government networks block most others."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    open_app,
    sidebar_page_titles,
    sign_in_as,
    sign_out,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

#: People whose menus between them reach every screen.
PEOPLE = ("Jo Williams", "Chris Evans", "Ruth Okafor", "Morgan Lee")


def test_every_page_loads_only_from_the_apps_own_host(page: Page, app_url: str) -> None:
    own = urlsplit(app_url).netloc
    outside: list[str] = []

    def record(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != own:
            outside.append(f"{request.resource_type} {request.url}")

    page.context.on("request", record)
    open_app(page, app_url)
    assert_no_axe_violations(page, "the sign-in page")
    visited: set[str] = set()
    for person in PEOPLE:
        sign_in_as(page, app_url, person)
        for title in sidebar_page_titles(page):
            if title in visited:
                continue
            visited.add(title)
            link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title)
            link.click()
            wait_for_app(page)
            expect(page.get_by_role("heading", level=1).first).to_be_visible()
            assert_no_axe_violations(page, f"{title} for {person}")
        sign_out(page)
    # The favicon is fetched by the browser on its own schedule; make sure it has been asked for.
    page.reload()
    wait_for_app(page)
    page.wait_for_load_state("networkidle")
    assert len(visited) >= 10, visited
    assert not outside, "Requests to other hosts:\n" + "\n".join(sorted(set(outside)))
