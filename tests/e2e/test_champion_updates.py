"""A champion sends their update after this month's Chat; the hub sees the roll-up, reminds
the others, and a reminded champion finds it in their inbox.

The test runs its own server on a copy of the demo database with this month's Chats published,
so it never depends on the order of the other browser tests (one of them draws this month).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import running_app
from tests.e2e.helpers import (
    assert_no_axe_violations,
    rerun,
    screenshot,
    sign_in_as,
    sign_out,
    wait_for_app,
)
from tests.e2e.test_statistical_outputs import open_screen
from ue_core.authz import SYSTEM
from ue_core.champion_chats import month_label
from ue_core.db.engine import Database
from ue_core.services import champion_chats
from ue_core.timefmt import uk_today
from ue_core.vocabulary import ChatRoundState

pytestmark = pytest.mark.e2e

CHAMPION = "Chris Evans"
HUB = "Ruth Okafor"


@pytest.fixture(scope="module")
def updates_url(e2e_dir: Path, demo_database_url: str, chromium_path: str) -> Iterator[str]:
    """The workbench on its own copy of the demo, with this month's Chats published."""
    source = demo_database_url.removeprefix("sqlite:///")
    copy = e2e_dir / "champion-updates.db"
    with sqlite3.connect(source) as original, sqlite3.connect(copy) as target:
        original.backup(target)
    url = f"sqlite:///{copy}"
    db = Database(url)
    # Another browser test on this worker may have drawn (or published) this month already.
    view = champion_chats.chat_round(db, SYSTEM, uk_today())
    if view is None:
        view = champion_chats.draw_round(db, SYSTEM, uk_today(), uk_today(), seed=11)
    if view.state is not ChatRoundState.PUBLISHED:
        champion_chats.publish_round(db, SYSTEM, view.round_id, view.version)
    db.dispose()
    env = {"UE_DATABASE_URL": url, "UE_AUTH_MODE": "demo", "UE_ENV": "test"}
    with running_app(e2e_dir / "champion-updates.log", env) as base:
        yield base


def choose_categories(page: Page, box: Locator, labels: list[str]) -> None:
    """Pick each option in a multiselect: click the box, type, click the first match."""
    for label in labels:
        box.get_by_role("combobox").click()
        page.keyboard.type(label)
        page.get_by_role("option").filter(has_text=label).first.click()
        page.wait_for_timeout(300)
    page.keyboard.press("Escape")
    wait_for_app(page)


def test_a_champion_sends_an_update_and_the_hub_sees_the_roll_up(
    page: Page, updates_url: str
) -> None:
    this_month = month_label(uk_today())
    sign_in_as(page, updates_url, CHAMPION)
    open_screen(page, "Your monthly update")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(f"Your update for {this_month}")
    assert_no_axe_violations(page, "the champion's monthly update page")

    form = main.get_by_test_id("stForm")
    choose_categories(
        page,
        form.get_by_test_id("stMultiSelect"),
        ["Launched the strategy internally", "A case study to share"],
    )
    form.get_by_role("textbox", name="What your organisation did").fill(
        "We launched the strategy at our analysts' away day. A user panel changed a release."
    )
    form.get_by_role("textbox", name="Links (optional)").fill(
        "https://www.gov.uk/government/statistics"
    )
    form.get_by_role("button", name="Send your update").click()
    rerun(page)
    expect(
        main.get_by_test_id("stAlert").filter(has_text=f"Sent your update for {this_month}")
    ).to_be_visible()
    expect(main).to_contain_text("We launched the strategy at our analysts' away day.")
    expect(main.get_by_role("button", name="Save changes")).to_be_visible()
    screenshot(page, "your-monthly-update.png")
    assert_no_axe_violations(page, "the champion's page after sending an update")
    sign_out(page)

    sign_in_as(page, updates_url, HUB)
    open_screen(page, "Champion updates")
    expect(main.get_by_role("heading", name="Updates by category", exact=True)).to_be_visible()
    expect(main.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    expect(main.get_by_role("combobox", name="To", exact=True)).to_have_value(this_month)
    expect(main).to_contain_text(f"in the Chats of {this_month} have sent an update")
    # the champion's offer of a case study is listed, ready to draft
    expect(main).to_contain_text("A user panel changed a release.")
    assert_no_axe_violations(page, "the hub's roll-up of champion updates")

    remind = main.get_by_role("button", name="Send reminders to", exact=False)
    remind.click()
    rerun(page)
    expect(main.get_by_test_id("stAlert").filter(has_text="in their inbox")).to_be_visible()
    expect(main).to_contain_text("Everyone without an update has been reminded today.")

    draft_form = main.get_by_test_id("stForm").filter(has_text="Title of the case study").first
    draft_form.get_by_role("textbox", name="Title of the case study").fill(
        "A user panel shaped a release"
    )
    draft_form.get_by_role("button", name="Make a case-study draft").click()
    rerun(page)
    expect(
        main.get_by_test_id("stAlert").filter(has_text="Made a case-study draft")
    ).to_be_visible()
    screenshot(page, "champion-updates-hub.png")
    assert_no_axe_violations(page, "the hub's roll-up after reminding and drafting")

    open_screen(page, "Case study drafts")
    expect(main).to_contain_text("A user panel shaped a release")
    assert_no_axe_violations(page, "the case study drafts page")
