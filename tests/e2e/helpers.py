"""Helpers for driving the workbench in a real browser.

Streamlit publishes its own state on the root element, which is what we wait on rather than
guessing with sleeps:

    <div data-testid="stApp" data-test-connection-state="CONNECTED"
         data-test-script-state="notRunning">

``data-test-script-state`` goes initial -> running -> notRunning on every run. While a rerun is
in progress, elements from the previous run carry ``data-stale="true"`` and the status widget
shows a running icon; placeholder skeletons (``stSkeleton``) stand in for elements not yet
drawn. The approach follows Streamlit's own end-to-end suite (e2e_playwright/conftest.py,
``wait_for_app_run``).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

#: Screenshots (home page per persona, and any failing test's last view); not committed.
SCREENSHOT_DIR = Path("/tmp/e2e-shots")
#: How long a page may take to run. Generous: the first visit to the support requests page fits
#: the cold-start triage routers, which takes tens of seconds on a loaded two-core machine. A
#: passing test never waits this long.
APP_TIMEOUT_MS = 120_000
#: A click reaches the server through a debounced websocket message; give it time to start.
RERUN_START_MS = 250
#: How long the main block's markup must stay unchanged to count as settled.
SETTLE_MS = 300

#: WCAG 2.2 level AA, which includes every level A and AA rule from 2.0 and 2.1.
WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MAX_TARGETS_SHOWN = 5

_axe = Axe()

_SETTLED_JS = """
([settleMs]) => {
  const main = document.querySelector('[data-testid="stMain"]')
    || document.querySelector('[data-testid="stApp"]');
  if (!main) return false;
  const now = performance.now();
  const html = main.innerHTML;
  const state = window.__ueSettle;
  if (!state || state.html !== html) {
    window.__ueSettle = {html, since: now};
    return false;
  }
  return now - state.since >= settleMs;
}
"""


def wait_for_app(page: Page, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Block until Streamlit is connected, has finished running the script and has drawn it all."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(state="attached", timeout=timeout_ms)
    page.locator('[data-testid="stApp"][data-test-connection-state="CONNECTED"]').wait_for(
        state="attached", timeout=timeout_ms
    )
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=timeout_ms
    )
    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0, timeout=timeout_ms)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout_ms)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=timeout_ms)
    page.evaluate("() => { window.__ueSettle = null; }")
    page.wait_for_function(_SETTLED_JS, arg=[SETTLE_MS], timeout=timeout_ms, polling=50)


def rerun(page: Page) -> None:
    """Wait for the rerun a click has just asked for: let it start, then let it finish."""
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)


def screenshot(page: Page, name: str) -> None:
    """The whole page as ``SCREENSHOT_DIR/name``."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / name), full_page=True)


def open_app(page: Page, base_url: str, path: str = "") -> None:
    """Load the app (optionally one page of it, by URL path) and wait for it to finish."""
    response = page.goto(f"{base_url.rstrip('/')}/{path.lstrip('/')}")
    assert response is not None and response.ok, f"Loading {base_url} failed: {response}"
    wait_for_app(page)


def sign_in_as(page: Page, base_url: str, name: str) -> None:
    """Open the sign-in page and choose the demo persona called ``name``."""
    open_app(page, base_url)
    button = page.get_by_role("button", name=f"Continue as {name}", exact=True)
    expect(button).to_be_visible()
    button.click()
    page.wait_for_timeout(RERUN_START_MS)
    expect(sidebar_button(page, "Sign out")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)


def sign_out(page: Page) -> None:
    """Press the sidebar's "Sign out" button and wait for the sign-in page."""
    sidebar_button(page, "Sign out").click()
    page.wait_for_timeout(RERUN_START_MS)
    expect(page.get_by_role("button", name="Continue as", exact=False).first).to_be_visible(
        timeout=APP_TIMEOUT_MS
    )
    wait_for_app(page)


def sidebar_button(page: Page, name: str) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_role("button", name=name, exact=True)


def sidebar_page_titles(page: Page) -> list[str]:
    """The page titles in the sidebar menu, top to bottom (section headings left out).

    Streamlit draws no menu at all when there is only one page, so that gives an empty list.
    Call after ``wait_for_app``, so a missing menu means "not drawn", not "not drawn yet".
    """
    expect(page.get_by_test_id("stSidebarContent")).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    if nav.count() == 0:
        return []
    more = nav.get_by_test_id("stSidebarNavViewButton")
    if more.count() and "more" in more.inner_text().lower():
        more.click()
        wait_for_app(page)
    # Each link holds an icon (a ligature such as "home", hidden from screen readers) and a label.
    labels = nav.get_by_test_id("stSidebarNavLink").get_by_test_id("stMarkdownContainer")
    return [" ".join(text.split()) for text in labels.all_inner_texts()]


def _violation_report(violations: list[dict[str, Any]], context: str) -> str:
    lines = [f"{len(violations)} accessibility rule(s) failed on {context} (WCAG 2.2 AA):"]
    for violation in violations:
        nodes = violation.get("nodes", [])
        lines.append(
            f"- {violation['id']} [{violation.get('impact')}] {violation.get('help')} "
            f"({len(nodes)} element(s)) {violation.get('helpUrl', '')}"
        )
        for node in nodes[:MAX_TARGETS_SHOWN]:
            target = " ".join(str(part) for part in node.get("target", []))
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    {target}\n      html: {node.get('html', '')[:200]}")
            if summary:
                lines.append(f"      why: {summary[:300]}")
        if len(nodes) > MAX_TARGETS_SHOWN:
            lines.append(f"    ... and {len(nodes) - MAX_TARGETS_SHOWN} more")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core over the whole page with the WCAG 2.2 AA rules; return the violations."""
    options = {
        "runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS},
        "resultTypes": ["violations"],
    }
    results = _axe.run(page, options=options)
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def assert_no_axe_violations(page: Page, context: str) -> None:
    """Fail, listing each rule, impact and the first few elements, if axe finds any violation."""
    violations = axe_violations(page)
    if violations:
        report = _violation_report(violations, context)
        print(report)
        raise AssertionError(report)


def search_support_requests(page: Page, words: str, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """On "Support requests", search the queue for ``words`` and wait for the result."""
    search = page.get_by_role("textbox", name="Search by summary, team or organisation")
    search.fill(words)
    search.press("Enter")
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page, timeout_ms=timeout_ms)


def choose_option(page: Page, box: Locator, text: str) -> None:
    """Pick the first option containing ``text`` in the select box ``box``, then wait for the rerun.

    Typing filters the list, so the option is drawn even in a long list (Streamlit draws only the
    options in view). If the list closed again (the box was redrawn by a rerun that was still
    finishing), it is opened once more.
    """
    wait_for_app(page)
    option = page.get_by_role("option").filter(has_text=text).first
    for _attempt in range(2):
        box.click()
        page.keyboard.type(text)
        try:
            option.wait_for(state="visible", timeout=10_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    option.click()
    rerun(page)


_WHO = ["Our team", "The unit", "Analysts here", "Colleagues", "The branch", "We"]
_PROBLEM = [
    "cannot find time to talk to users",
    "do not know who uses the statistics",
    "get few answers to our feedback survey",
    "lack support from senior managers",
    "have no mailing list for users",
    "struggle to explain the methods to users",
    "rarely hear from users outside government",
    "find user events hard to organise",
]
_WHEN = [
    "before each release",
    "during the busy season",
    "this year",
    "since the team shrank",
    "in most quarters",
    "when deadlines slip",
    "after the system changed",
    "for the annual tables",
    "at the start of a round",
    "on the regional data",
]
_HOW = ["sadly", "as before", "again", "as usual", "so far"]


def varied_barrier_answers(id_prefix: str) -> bytes:
    """A CSV of one free-text question with 2,400 different answers about barriers: finding
    themes in it takes some seconds, long enough to watch (or interrupt) the job."""
    rows = ["Respondent ID,Barriers"]
    for number, (who, problem, when, how) in enumerate(
        itertools.product(_WHO, _PROBLEM, _WHEN, _HOW), 1
    ):
        rows.append(f'{id_prefix}{number},"{who} {problem} {when}, {how}"')
    return ("\n".join(rows) + "\n").encode()
