"""A hub consultant opens the desk reports on the demo data, reads a chart's table and
downloads the workbook and a table; a team member has no such page; axe on the page."""

from __future__ import annotations

import io
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


def test_a_consultant_reads_and_downloads_the_desk_reports(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Ruth Okafor")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Desk reports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Desk reports")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Requests from all organisations")
    expect(main.get_by_role("heading", name="Service levels by month")).to_be_visible()
    expect(
        main.get_by_role("heading", name="Open requests at the end of each month")
    ).to_be_visible()
    main.get_by_text("Table: requests by month").click()
    expect(main.get_by_test_id("stDataFrame").first).to_be_visible()
    screenshot(page, "desk-reports-consultant.png")
    assert_no_axe_violations(page, "the desk reports for a hub consultant")

    with page.expect_download() as waiting:
        main.get_by_role("button", name="Download every table (ODS)").click()
    sheets = pd.read_excel(
        io.BytesIO(Path(waiting.value.path()).read_bytes()), engine="odf", sheet_name=None
    )
    assert {"Cover", "Notes", "By_month", "Timeliness", "Demand"} <= set(sheets)

    with page.expect_download() as waiting:
        main.get_by_role("button", name="Download requests by kind of help (CSV)").click()
    data = Path(waiting.value.path()).read_bytes()
    assert data.startswith(b'\xef\xbb\xbf"Kind of help","Requests"')


def test_a_team_member_has_no_desk_reports(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Alex Morgan")
    assert "Desk reports" not in sidebar_page_titles(page)
