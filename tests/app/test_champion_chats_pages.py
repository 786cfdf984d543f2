"""Champion Chats (hub staff) and Your Champion Chat (champions)."""

from __future__ import annotations

import pytest

from tests.app.conftest import app_as
from tests.app.test_oversight_pages import open_page, page_text
from tests.db.test_champion_chats import add_champions
from tests.factories import World
from ue_core.champion_chats import add_months, month_of
from ue_core.services import champion_chats, your_champion_chat
from ue_core.timefmt import uk_today

HUB_PAGE = "screens/champion_chats.py"
CHAMPION_PAGE = "screens/your_champion_chat.py"


@pytest.fixture
def chats(world: World) -> World:
    add_champions(world)
    return world


def test_the_hub_draws_swaps_and_publishes_a_month(chats: World) -> None:
    at = open_page(chats, "consultant", HUB_PAGE)
    assert not at.exception and not at.error
    assert "The groups for this month have not been drawn yet." in page_text(at)
    next(b for b in at.button if b.label == "Draw the groups").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Drew the Chats of")
    mix, people = at.dataframe[0].value, at.dataframe[1].value
    assert list(mix["People"]) == [4, 4]
    assert list(mix["Organisation mix"]) == ["4 organisations, one each"] * 2
    assert len(people) == 8

    view = champion_chats.chat_round(chats.db, chats.actor("consultant"), uk_today())
    assert view is not None
    first, second = view.groups[0].members[0], view.groups[1].members[0]
    form_boxes = [box for box in at.selectbox if box.label in ("Champion", "Swap with")]
    form_boxes[0].set_value(first.user_id)
    form_boxes[1].set_value(second.user_id)
    next(b for b in at.button if b.label == "Swap them").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Swapped")
    swapped = at.dataframe[1].value
    group_of = dict(zip(swapped["Champion"], swapped["Group"], strict=True))
    assert (group_of[first.name], group_of[second.name]) == (2, 1)

    next(b for b in at.button if b.label == "Publish the Chats").click().run()
    assert not at.exception and not at.error
    assert "champions can now see their groups" in at.success[0].value
    assert not [b for b in at.button if b.label in ("Swap them", "Draw again")]
    history = at.dataframe[-1].value
    assert list(history["State"]) == ["Published"]


def test_a_swap_within_one_group_says_why_it_was_refused(chats: World) -> None:
    champion_chats.draw_round(chats.db, chats.actor("admin"), uk_today(), uk_today(), seed=2)
    at = open_page(chats, "admin", HUB_PAGE)
    view = champion_chats.chat_round(chats.db, chats.actor("admin"), uk_today())
    assert view is not None
    a, b = view.groups[0].members[:2]
    boxes = [box for box in at.selectbox if box.label in ("Champion", "Swap with")]
    boxes[0].set_value(a.user_id)
    boxes[1].set_value(b.user_id)
    next(b for b in at.button if b.label == "Swap them").click().run()
    assert [e.value for e in at.error] == [
        "These two people are already in the same group: choose people from two groups."
    ]


def test_a_champion_sees_their_group_and_skips_next_month(chats: World) -> None:
    hub = chats.actor("consultant")
    view = champion_chats.draw_round(chats.db, hub, uk_today(), uk_today(), seed=4)
    champion_chats.publish_round(chats.db, hub, view.round_id, view.version)
    at = open_page(chats, "champion", CHAMPION_PAGE)
    assert not at.exception and not at.error
    mine = your_champion_chat.your_chat(chats.db, chats.actor("champion"), uk_today())
    contacts = at.dataframe[0].value
    assert list(contacts["Name"]) == [p.name for p in mine.others]
    assert list(contacts["E-mail"]) == [p.email for p in mine.others]
    assert f"Group {mine.group_number}, this month." in page_text(at)

    skip = next(b for b in at.button if b.label.startswith("Skip "))
    skip.click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("You will not be in the drawing for")
    assert your_champion_chat.your_chat(
        chats.db, chats.actor("champion"), uk_today()
    ).skipping_next_month
    next(b for b in at.button if b.label == "I can take part after all").click().run()
    assert at.success[0].value.startswith("You are back in the drawing")


def test_before_any_chat_the_champion_page_says_so(chats: World) -> None:
    at = open_page(chats, "champion", CHAMPION_PAGE)
    assert not at.exception and not at.error
    assert "You have not been in a published Chat yet." in page_text(at)
    assert (
        add_months(month_of(uk_today()), 1)
        == your_champion_chat.your_chat(chats.db, chats.actor("champion"), uk_today()).next_month
    )


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("member", HUB_PAGE),
        ("champion", HUB_PAGE),
        ("member", CHAMPION_PAGE),
        ("consultant", CHAMPION_PAGE),
        ("admin", CHAMPION_PAGE),
    ],
)
def test_people_without_access_cannot_reach_the_pages(world: World, who: str, page: str) -> None:
    at = app_as(world, who, page).run()
    assert [e.value for e in at.error] == [
        "You do not have access to this. Ask your admin if you need it."
    ]
    assert not at.title
