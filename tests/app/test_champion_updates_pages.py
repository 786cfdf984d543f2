"""Your monthly update (champions), Champion updates (hub) and Case study drafts (hub)."""

from __future__ import annotations

import pytest

from tests.app.conftest import app_as
from tests.app.test_oversight_pages import open_page, page_text
from tests.db.test_champion_chats import add_champions
from tests.factories import World
from ue_core.authz import SYSTEM
from ue_core.champion_chats import month_label, month_of
from ue_core.services import (
    case_study_drafts,
    champion_chats,
    champion_updates,
    inbox,
    update_reminders,
)
from ue_core.services.case_study_drafts import DraftState
from ue_core.timefmt import uk_today

CHAMPION_PAGE = "screens/your_update.py"
HUB_PAGE = "screens/champion_updates.py"
DRAFTS_PAGE = "screens/case_study_drafts.py"


@pytest.fixture
def chats(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    for name in ("UE_SMTP_HOST", "UE_SMTP_PORT", "UE_SMTP_FROM", "UE_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    add_champions(world)
    view = champion_chats.draw_round(world.db, SYSTEM, uk_today(), uk_today(), seed=4)
    champion_chats.publish_round(world.db, SYSTEM, view.round_id, view.version)
    return world


def send(world: World, who: str, categories: tuple[str, ...], text: str) -> int:
    return champion_updates.send_update(
        world.db,
        world.actor(who),
        uk_today(),
        categories=categories,
        text=text,
        links="",
        today=uk_today(),
        expected_version=None,
    ).id


def test_a_champion_sends_their_update_then_changes_it(chats: World) -> None:
    at = open_page(chats, "champion", CHAMPION_PAGE)
    assert not at.exception and not at.error
    this_month = month_label(month_of(uk_today()))
    assert f"Your update for {this_month}" in page_text(at)
    categories = next(box for box in at.multiselect if box.label == "Categories")
    categories.set_value(["internal_launch", "web_analytics"])
    next(t for t in at.text_area if t.label == "What your organisation did").input(
        "We launched the strategy *internally*."
    )
    next(t for t in at.text_area if t.label == "Links (optional)").input("not a link")
    next(b for b in at.button if b.label == "Send your update").click().run()
    assert [e.value.replace("\u2060", "") for e in at.error] == [
        "'not a link' is not a web address: start it with https:// (or http://)."
    ]
    next(t for t in at.text_area if t.label == "Links (optional)").input(
        "https://example.gov.uk/launch"
    )
    next(b for b in at.button if b.label == "Send your update").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == f"Sent your update for {this_month}. Thank you."
    text = page_text(at)
    assert "We launched the strategy \\*internally\\*." in text  # shown literally
    assert "Categories: Launched the strategy internally; Web analytics and similar tools" in text

    next(t for t in at.text_area if t.label == "What your organisation did").input("Changed.")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert at.success[0].value == f"Changed your update for {this_month}."


def test_the_hub_sees_the_roll_up_reminds_and_drafts_a_case_study(chats: World) -> None:
    send(chats, "champion1", ("internal_launch", "case_study"), "A user panel worked well.")
    send(chats, "champion2", ("internal_launch",), "We held a launch.")
    at = open_page(chats, "consultant", HUB_PAGE)
    assert not at.exception and not at.error
    by_category = at.dataframe[0].value
    row = by_category[by_category["Category"] == "Launched the strategy internally"].iloc[0]
    assert (row["Updates"], row["Organisations"]) == (2, 2)
    text = page_text(at)
    assert "Updates by category" in text
    assert "2 of 8 champions in the Chats of" in text
    missing = next(d.value for d in at.dataframe if "Reminded today" in d.value.columns)
    assert len(missing) == 6

    next(b for b in at.button if b.label == "Send reminders to 6 champions").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Reminded 6 champions in their inbox."
    assert "Everyone without an update has been reminded today." in page_text(at)
    assert inbox.unread_count(chats.db, chats.actor("champion")) == 1

    title = next(t for t in at.text_input if t.label == "Title of the case study")
    title.input("A user panel")
    next(b for b in at.button if b.label == "Make a case-study draft").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Made a case-study draft from")
    drafts = case_study_drafts.case_study_drafts(chats.db, SYSTEM, DraftState.DRAFT)
    assert [d.title for d in drafts] == ["A user panel"]


def test_a_reminder_in_the_inbox_opens_the_update_page(chats: World) -> None:
    update_reminders.send_reminders(chats.db, SYSTEM, uk_today(), uk_today())
    at = open_page(chats, "champion", "screens/inbox.py")
    assert not at.exception
    assert f"Send your Champion Chat update for {month_label(uk_today())}" in page_text(at)
    next(b for b in at.button if b.label == "Open your monthly update").click().run()
    assert not at.exception
    assert at.title[0].value == "Your monthly update"
    assert inbox.unread_count(chats.db, chats.actor("champion")) == 0


def test_the_hub_publishes_a_draft_in_the_library(chats: World) -> None:
    update_id = send(chats, "champion1", ("case_study",), "A panel changed our release.")
    champion_updates.draft_from_update(chats.db, SYSTEM, update_id, "A panel")
    at = open_page(chats, "admin", DRAFTS_PAGE)
    assert not at.exception and not at.error
    assert "1 draft waiting, newest first." in page_text(at)
    next(box for box in at.multiselect if box.label == "Principles it shows").set_value(
        ["proactively-involving-users"]
    )
    next(box for box in at.multiselect if box.label == "Methods it used").set_value(["user-forum"])
    next(b for b in at.button if b.label == "Publish in the library").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Published 'A panel' in the library."
    assert "No drafts are waiting for review." in page_text(at)
    reviewed = at.dataframe[0].value
    assert list(reviewed["Outcome"]) == ["Published"]


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("member", CHAMPION_PAGE),
        ("consultant", CHAMPION_PAGE),
        ("champion", HUB_PAGE),
        ("lead", HUB_PAGE),
        ("champion", DRAFTS_PAGE),
        ("member", DRAFTS_PAGE),
    ],
)
def test_people_without_access_cannot_reach_the_pages(world: World, who: str, page: str) -> None:
    at = app_as(world, who, page).run()
    assert at.error[0].value.startswith("You do not have access to this")
    assert not at.title
