"""The HTML report downloaded from Results, in a real browser: it draws the scores chart as
inline SVG (named, described, no script, nothing fetched) and shows the page's targets."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
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
from ue_core.io.svg_charts import SVG_NAMESPACE

pytestmark = pytest.mark.e2e

LEAD = "Jo Williams"
ICON_NAME = re.compile(r"keyboard_arrow_\w+")
TARGET_LABEL = re.compile(r"^(?P<title>[^:]+): target (?P<level>\d) \w+", re.MULTILINE)


def test_the_html_report_has_the_chart_and_the_targets_shown_on_results(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    sign_in_as(page, app_url, LEAD)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Results", exact=True).click()
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    main = page.get_by_test_id("stMain")
    assert_no_axe_violations(page, "the Results page")

    # What the page says: the chart's description, and each principle's target.
    heading = main.get_by_role("heading", name="Principle scores against targets", level=3)
    expect(heading).to_be_visible()
    description = main.get_by_text("A bar chart of the score for each of the", exact=False)
    page_description = description.first.inner_text().strip()
    main.get_by_role("tab", name="Targets", exact=True).click()  # Results puts each part in a tab
    wait_for_app(page)
    page_targets: dict[str, int] = {}
    for label in main.get_by_test_id("stExpander").locator("summary").all_inner_texts():
        match = TARGET_LABEL.search(ICON_NAME.sub("", label))  # the expander's icon ligature
        if match:
            page_targets[match["title"].strip()] = int(match["level"])
    assert len(page_targets) == 5, main.get_by_test_id("stExpander").all_inner_texts()

    main.get_by_role("tab", name="Download your results", exact=True).click()
    wait_for_app(page)
    with page.expect_download() as download:
        main.get_by_role("button", name="Download report (HTML)").click()
    html = download.value.path().read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)=["'](?!#)""", html), "the report links to something"

    # Open the report as a person would, from disk, recording any request it makes.
    report_path = tmp_path / download.value.suggested_filename
    report_path.write_text(html, encoding="utf-8")
    assert report_path.suffix == ".html"
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report_path.resolve().as_uri())
    chart = page.locator("svg[role='img']").first
    expect(chart).to_be_visible()
    assert [r for r in requests if not r.startswith("file:")] == []

    svg = ET.fromstring(chart.evaluate("node => node.outerHTML"))
    ns = {"svg": SVG_NAMESPACE}
    title = svg.find("svg:title", ns)
    desc = svg.find("svg:desc", ns)
    assert title is not None and (title.text or "").startswith("Principle scores and targets")
    assert desc is not None and desc.text == page_description
    markers = {
        m.get("data-category"): int(m.get("data-value", ""))
        for m in svg.findall(".//svg:line[@class='marker']", ns)
    }
    assert markers == page_targets
    bars = svg.findall(".//svg:rect[@class='bar']", ns)
    assert len(bars) == 5
    expect(page.locator("figure > p").get_by_text(page_description, exact=True)).to_be_visible()

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "html_report.png"), full_page=True)
    assert_no_axe_violations(page, "the HTML report")
