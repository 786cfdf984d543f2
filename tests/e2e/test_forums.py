"""The forum register in a browser: a team member searches it and reads a forum, the hub sees
the forums to join up and adds a forum, which the register then lists (axe on every page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    choose_option,
    rerun,
    screenshot,
    sign_in_as,
    sign_out,
    wait_for_app,
)
from tests.e2e.test_statistical_outputs import open_screen

pytestmark = pytest.mark.e2e

NEW_FORUM = "Coastal towns data forum"


def search(page: Page, words: str) -> None:
    box = page.get_by_test_id("stMain").get_by_role("textbox", name="Search forums")
    box.fill(words)
    box.press("Enter")
    rerun(page)


def test_a_member_searches_the_register_and_reads_a_forum(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Sam Patel")
    open_screen(page, "User forums")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    assert_no_axe_violations(page, "the forum register")

    search(page, "homelessness")
    expect(main).to_contain_text("1 forum shown")
    expect(main.get_by_role("heading", name="Homelessness data forum")).to_be_visible()
    expect(main).to_contain_text("Housing and planning, Health and care")
    expect(main.get_by_role("button", name="Record the success")).to_have_count(0)
    assert_no_axe_violations(page, "a forum's details")

    search(page, "")
    choose_option(page, main.get_by_role("combobox", name="Theme"), "Migration and borders")
    expect(main.get_by_role("heading", name="Asylum and borders data group")).to_be_visible()
    expect(main).to_contain_text("3 forums shown")
    screenshot(page, "user-forums.png")
    assert_no_axe_violations(page, "the forum register filtered by theme")
    sign_out(page)


def test_the_hub_joins_up_forums_and_adds_one(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Ruth Okafor")
    main = page.get_by_test_id("stMain")
    open_screen(page, "Join up forums")
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    expect(main).to_contain_text("pairs of forums, the most overlapping first")
    screenshot(page, "join-up-forums.png")
    assert_no_axe_violations(page, "the join-up view")

    open_screen(page, "Manage forums")
    form = main.get_by_test_id("stForm").filter(has_text="Add the forum")
    form.get_by_label("Name", exact=True).fill(NEW_FORUM)
    form.get_by_label("What the forum is for", exact=True).fill("Data on seaside towns.")
    choose_option(page, form.get_by_role("combobox", name="Host organisation"), "Made-up Tourism")
    choose_option(page, form.get_by_role("combobox", name="Themes"), "Culture, sport and tourism")
    page.keyboard.press("Escape")
    choose_option(page, form.get_by_role("combobox", name="Who attends"), "Local government users")
    page.keyboard.press("Escape")
    form.get_by_label("Date it last met (optional)", exact=True).fill("2 11 2026")
    form.get_by_label("How to join", exact=True).fill("Email the tourism board's statistics team.")
    assert_no_axe_violations(page, "the form to add a forum")
    form.get_by_role("button", name="Add the forum").click()
    rerun(page)
    expect(
        main.get_by_test_id("stAlert").filter(has_text="The forum is added to the register.")
    ).to_be_visible()
    assert_no_axe_violations(page, "the manage forums page after adding one")

    open_screen(page, "User forums")
    search(page, "coastal")
    expect(main.get_by_role("heading", name=NEW_FORUM)).to_be_visible()
    expect(main).to_contain_text("Made-up Tourism Board")
    expect(main.get_by_role("heading", name="Successes suggested as case studies")).to_be_visible()
    wait_for_app(page)
    assert_no_axe_violations(page, "the register listing the new forum")
    sign_out(page)
