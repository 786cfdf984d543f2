"""A hub consultant opens the progress report on the demo data, previews it for the last 12
months and downloads the ODS (read back with pandas) and the HTML (every chart an inline SVG,
nothing fetched, axe clean); a team member has no such page; axe on the page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    screenshot,
    sidebar_page_titles,
    sign_in_as,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

SHEETS = [
    "Cover",
    "Notes",
    "Maturity",
    "Support",
    "Champion chats",
    "Champion updates",
    "Forums",
    "Commitments",
    "Champions",
]


def test_a_consultant_downloads_the_progress_report(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Ruth Okafor")
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Progress report", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress report")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    main.get_by_text("Last 12 months", exact=True).click()
    wait_for_app(page)
    expect(main).to_contain_text("The report covers")
    for heading in ("Self-assessments and maturity", "Champion Chats", "Champions in post"):
        expect(main.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(main).to_contain_text("Champion Chats held in 11 months")
    screenshot(page, "progress-report-consultant.png")
    assert_no_axe_violations(page, "the progress report page for a hub consultant")

    with page.expect_download() as waiting:
        main.get_by_role("button", name="Download the tables (ODS)").click()
    assert waiting.value.suggested_filename.endswith(".ods")
    sheets = pd.read_excel(
        io.BytesIO(Path(waiting.value.path()).read_bytes()),
        engine="odf",
        sheet_name=None,
        header=None,
    )
    assert list(sheets) == SHEETS
    chats = sheets["Champion chats"]
    header = chats.index[chats[0] == "Month"][0]
    months = chats.iloc[header + 1 :]
    assert len(months) == 11  # a year of demo Chats, November 2025 before the period
    assert (months[2].astype(int) >= 40).all()  # champions taking part each month

    with page.expect_download() as waiting:
        main.get_by_role("button", name="Download the report (HTML)").click()
    html = Path(waiting.value.path()).read_text(encoding="utf-8")
    assert html.count("<svg") == 7 and html.count("<title id=") == 7
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    page.set_content(html)
    expect(page.get_by_role("heading", level=1)).to_contain_text("progress report")
    screenshot(page, "progress-report-html.png")
    assert_no_axe_violations(page, "the downloaded progress report")


def test_a_team_member_has_no_progress_report(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Alex Morgan")
    assert "Progress report" not in sidebar_page_titles(page)
