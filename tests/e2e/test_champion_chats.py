"""The hub draws, changes and publishes this month's Champion Chats; a champion sees their group."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    rerun,
    screenshot,
    sign_in_as,
    sign_out,
    wait_for_app,
)
from tests.e2e.test_statistical_outputs import open_screen

pytestmark = pytest.mark.e2e

CHAMPION = "Chris Evans"


def choose(page: Page, box: Locator, group: int) -> str:
    """Pick the first champion of ``group`` in a select box (typing filters the long list)."""
    box.click()
    page.keyboard.type(f"group {group})")
    option = page.get_by_role("option").filter(has_text=f"(group {group})").first
    label = option.inner_text()
    option.click()
    wait_for_app(page)
    return label


def test_the_hub_draws_swaps_and_publishes_and_a_champion_sees_their_group(
    page: Page, app_url: str
) -> None:
    sign_in_as(page, app_url, "Ruth Okafor")
    open_screen(page, "Champion Chats")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("The groups for this month have not been drawn yet.")
    expect(main.get_by_test_id("stDataFrame")).to_have_count(1)  # the months drawn so far
    assert_no_axe_violations(page, "the Champion Chats page before drawing")

    main.get_by_role("button", name="Draw the groups").click()
    rerun(page)
    expect(main.get_by_test_id("stAlert").filter(has_text="Drew the Chats of")).to_be_visible()
    expect(main).to_contain_text("0 groups with two people from one organisation")
    assert_no_axe_violations(page, "a drawn month of Champion Chats")

    form = main.get_by_test_id("stForm")
    first_label = choose(page, form.get_by_role("combobox", name="Champion", exact=True), 1)
    choose(page, form.get_by_role("combobox", name="Swap with", exact=True), 2)
    form.get_by_role("button", name="Swap them").click()
    rerun(page)
    swapped = main.get_by_test_id("stAlert").filter(has_text="Swapped")
    expect(swapped).to_contain_text(f"Swapped {first_label.split(',')[0].strip()} and ")

    main.get_by_role("button", name="Publish the Chats").click()
    rerun(page)
    expect(
        main.get_by_test_id("stAlert").filter(has_text="champions can now see their groups")
    ).to_be_visible()
    expect(main.get_by_role("button", name="Swap them")).to_have_count(0)
    expect(main.get_by_role("button", name="Publish the Chats")).to_have_count(0)
    screenshot(page, "champion-chats-hub.png")
    assert_no_axe_violations(page, "a published month of Champion Chats")
    sign_out(page)

    sign_in_as(page, app_url, CHAMPION)
    open_screen(page, "Your Champion Chat")
    expect(main.get_by_role("heading", level=2).first).to_contain_text("Your group for")
    expect(main).to_contain_text("this month")
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    assert_no_axe_violations(page, "the champion's own Chat page")

    main.get_by_role("button", name=re.compile(r"^Skip ")).click()
    rerun(page)
    expect(
        main.get_by_test_id("stAlert").filter(has_text="You will not be in the drawing for")
    ).to_be_visible()
    expect(main.get_by_role("button", name="I can take part after all")).to_be_visible()
    screenshot(page, "your-champion-chat.png")
    assert_no_axe_violations(page, "the champion's page after skipping next month")
