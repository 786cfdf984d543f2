"""A champion imports the organisation's list of statistical outputs and sees its coverage."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_axe_violations, screenshot, sign_in_as, wait_for_app
from ue_core.personas import DEMO_TEAM

pytestmark = pytest.mark.e2e


def open_screen(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    wait_for_app(page)


def upload(page: Page, path: Path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_for_app(page)
    page.get_by_role("button", name="Import the list").click()
    wait_for_app(page)


def test_a_champion_imports_the_outputs_list_and_sees_coverage(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad-outputs.csv"
    bad.write_text(
        f"title,team,release frequency,next release\nHousing starts,{DEMO_TEAM},every so often,\n",
        encoding="utf-8",
    )
    good = tmp_path / "outputs.csv"
    good.write_text(
        "Statistical outputs,,,\n"
        "title,team,release frequency,next release\n"
        f"Housing starts,{DEMO_TEAM},Quarterly,15/01/2099\n"
        "Fuel poverty,Energy statistics team that is not here,Annual,\n",
        encoding="utf-8",
    )
    sign_in_as(page, app_url, "Chris Evans")
    open_screen(page, "Statistical outputs")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("No list has been imported yet.")
    assert_no_axe_violations(page, "the statistical outputs page before an import")

    main.get_by_text("Import a list of outputs").click()
    upload(page, bad)
    expect(main.get_by_test_id("stExpanderDetails").get_by_test_id("stAlert")).to_contain_text(
        "Row 2: the release frequency 'every so often' is not one we know"
    )
    expect(main).to_contain_text("No list has been imported yet.")

    upload(page, good)
    expect(main.get_by_test_id("stExpanderDetails").get_by_test_id("stAlert")).to_contain_text(
        "Saved 2 outputs"
    )
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    metrics = main.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="No team in the workbench")).to_contain_text("1")
    screenshot(page, "statistical-outputs-champion.png")
    assert_no_axe_violations(page, "the statistical outputs page after an import")

    open_screen(page, "Your organisation")
    expect(main).to_contain_text("2 outputs on your list")
    assert_no_axe_violations(page, "the organisation page with its outputs")
