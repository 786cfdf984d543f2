"""Results and History in a real browser, as the demo team lead: content drawn, axe passes."""

from __future__ import annotations

import re

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

LEAD = "Jo Williams"


def go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)  # the first run of a page can take longer than expect's 5 seconds
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def open_tab(page: Page, name: str) -> None:
    page.get_by_test_id("stMain").get_by_role("tab", name=name, exact=True).click()
    wait_for_app(page)


def open_expander(page: Page, label: str) -> None:
    page.get_by_test_id("stExpander").get_by_text(label, exact=True).first.click()
    wait_for_app(page)


def test_results_page_for_the_latest_round_passes_axe(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, LEAD)
    go_to(page, "Results")

    main = page.get_by_test_id("stMain")
    # Other browser tests may submit the 2026 to 2027 round first: accept either latest round.
    expect(
        main.get_by_text(
            re.compile(r"Housing and communities statistics, 202[56] to 202[67]\. Submitted")
        )
    ).to_be_visible()
    expect(main.get_by_role("heading", name="Summary", level=2)).to_be_visible()
    expect(main.get_by_text("Since the last round your overall score has")).to_be_visible()
    expect(
        main.get_by_role("heading", name="Principle scores against targets", level=3)
    ).to_be_visible()
    open_expander(page, "How scores work")
    expect(main.get_by_text("Principle scores.", exact=False).first).to_be_visible()
    open_expander(page, "Table: principle scores against targets")
    open_tab(page, "Practice levels")
    expect(
        main.get_by_role("heading", name="Agreed level of each practice", level=3)
    ).to_be_visible()
    open_tab(page, "Change since the last round")
    expect(
        main.get_by_role(
            "heading",
            name=re.compile(r"Change in principle scores since 202[45] to 202[56]"),
            level=3,
        )
    ).to_be_visible()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "results-jo-williams.png"), full_page=True)
    assert_no_axe_violations(page, "the Results page")


def test_history_page_passes_axe(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, LEAD)
    go_to(page, "History")

    main = page.get_by_test_id("stMain")
    expect(
        main.get_by_text(re.compile(r"[23] rounds: 2024 to 2025(,| and) 2025 to 2026"))
    ).to_be_visible()
    expect(main.get_by_role("heading", name="Principle scores by round", level=3)).to_be_visible()
    expect(main.get_by_test_id("stVegaLiteChart")).to_have_count(1)
    open_expander(page, "Table: principle scores by round")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "history-jo-williams.png"), full_page=True)
    assert_no_axe_violations(page, "the History page")
