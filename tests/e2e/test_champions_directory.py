"""The champions directory: a champion chooses what it shows about them, a team member finds
their champion on their home page and in the directory, and the hub adds and retires a champion
(axe on every page used)."""

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
)
from tests.e2e.test_statistical_outputs import open_screen

pytestmark = pytest.mark.e2e

CHAMPION = "Chris Evans"
TEAMS_NAME = "Chris Evans (Fictional Statistics)"


def test_a_champion_shows_a_teams_name_and_a_member_finds_them(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, CHAMPION)
    open_screen(page, "Champions")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Your champion profile")).to_be_visible()
    assert_no_axe_violations(page, "the champions directory for a champion")

    form = main.get_by_test_id("stForm").filter(has_text="Save your profile")
    form.get_by_label("Profession", exact=True).fill("Data engineer")
    form.get_by_label("Microsoft Teams name (optional)", exact=True).fill(TEAMS_NAME)
    email = form.get_by_test_id("stCheckbox").filter(has_text="Show my email address")
    if email.get_by_role("checkbox").is_checked():
        email.locator("label").click()
    teams = form.get_by_test_id("stCheckbox").filter(has_text="Show my Microsoft Teams name")
    if not teams.get_by_role("checkbox").is_checked():
        teams.locator("label").click()
    form.get_by_role("button", name="Save your profile").click()
    rerun(page)
    expect(
        main.get_by_test_id("stAlert").filter(has_text="Your champion profile is saved.")
    ).to_be_visible()
    assert_no_axe_violations(page, "the champions directory after saving a profile")
    sign_out(page)

    sign_in_as(page, app_url, "Sam Patel")
    expect(main.get_by_role("heading", name="Your organisation's champion")).to_be_visible()
    expect(main).to_contain_text(f"Microsoft Teams: {TEAMS_NAME}")
    expect(main).not_to_contain_text("chris.evans@demo.example")
    assert_no_axe_violations(page, "the member's home page naming their champion")

    open_screen(page, "Champions")
    organisation_box = main.get_by_role("combobox", name="Organisation")
    choose_option(page, organisation_box, "Department for Fictional")
    expect(main.get_by_role("heading", name=CHAMPION)).to_be_visible()
    expect(main).to_contain_text("Profession: Data engineer")
    expect(main.get_by_role("button", name="Add champion")).to_have_count(0)
    screenshot(page, "champions-directory.png")
    assert_no_axe_violations(page, "the champions directory for a team member")
    sign_out(page)


def test_the_hub_adds_and_retires_a_champion(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Ruth Okafor")
    open_screen(page, "Champions")
    main = page.get_by_test_id("stMain")
    add = main.get_by_test_id("stForm").filter(has_text="Add champion")
    choose_option(page, add.get_by_role("combobox", name="Person"), "Alex Morgan")
    choose_option(
        page,
        add.get_by_role("combobox", name="Organisation they champion"),
        "Department for Fictional",
    )
    add.get_by_role("button", name="Add champion").click()
    rerun(page)
    expect(main.get_by_test_id("stAlert").filter(has_text="is now a champion of")).to_be_visible()
    assert_no_axe_violations(page, "the champions page after adding a champion")

    retire = main.get_by_test_id("stForm").filter(has_text="Retire champion")
    choose_option(page, retire.get_by_role("combobox", name="Champion"), "Alex Morgan")
    retire.get_by_role("button", name="Retire champion").click()
    rerun(page)
    expect(
        main.get_by_test_id("stAlert").filter(has_text="their term is kept in the history")
    ).to_be_visible()
    expect(main.get_by_role("heading", name="Champions past and present")).to_be_visible()
    assert_no_axe_violations(page, "the champions page after retiring a champion")
    sign_out(page)
