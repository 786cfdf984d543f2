"""A champion adds an action to their organisation's commitment; the hub sees every one."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    rerun,
    screenshot,
    sign_in_as,
    sign_out,
)
from tests.e2e.test_statistical_outputs import open_screen

pytestmark = pytest.mark.e2e

ACTION = "Run a user panel on the housing release"


def test_a_champion_adds_an_action_and_the_hub_sees_progress(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Chris Evans")
    open_screen(page, "Commitments")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("commits to the User Engagement Strategy for Statistics")
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    assert_no_axe_violations(page, "a champion's commitments page")

    main.get_by_text("Add an action", exact=True).click()
    form = main.get_by_test_id("stForm").filter(has_text="Add the action")
    form.get_by_role("textbox", name="What you will do").fill(ACTION)
    form.get_by_role("textbox", name="Owner").fill("Head of profession")
    form.get_by_role("textbox", name="Start date").fill("1 4 2026")
    form.get_by_role("textbox", name="Due date").fill("1 1 2026")
    form.get_by_role("button", name="Add the action").click()
    rerun(page)
    expect(
        main.get_by_test_id("stAlert").filter(
            has_text="The due date must be on or after the start date."
        )
    ).to_be_visible()
    form.get_by_role("textbox", name="Due date").fill("31 3 2027")
    form.get_by_role("button", name="Add the action").click()
    rerun(page)
    expect(main.get_by_test_id("stAlert").filter(has_text="Added the action.")).to_be_visible()
    screenshot(page, "commitments-champion.png")
    assert_no_axe_violations(page, "a champion's commitments page after adding an action")
    sign_out(page)

    sign_in_as(page, app_url, "Ruth Okafor")
    open_screen(page, "Commitments")
    expect(main).to_contain_text("Planned actions by theme and status")
    expect(main.get_by_test_id("stMetric").first).to_be_visible()
    assert_no_axe_violations(page, "the hub's commitments page")
    with page.expect_download() as waiting:
        main.get_by_role("button", name="Download the table (CSV)").click()
    data = Path(waiting.value.path()).read_bytes()
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(table.columns)[:3] == ["Organisation", "Commitment", "Planned"]
    assert "No" in set(table["Commitment"]) and "Yes" in set(table["Commitment"])
    screenshot(page, "commitments-hub.png")
