"""Champions: the directory for everyone, a champion's own profile form, the hub adding and
retiring champions, and the home page naming a team member's champion."""

from __future__ import annotations

from tests.app.conftest import app_as
from tests.app.test_oversight_pages import open_page, page_text
from tests.factories import World
from ue_core.champion_profiles import ProfileForm
from ue_core.services import champion_terms, champions

PAGE = "screens/champions.py"


def show_phone_only(world: World) -> None:
    form = ProfileForm(
        profession="Statistician", phone="020 7946 0000", show_email=False, show_phone=True
    )
    champions.save_profile(world.db, world.actor("champion"), form, expected_version=0)


def test_a_member_sees_the_directory_but_no_forms(world: World) -> None:
    show_phone_only(world)
    at = open_page(world, "member", PAGE)
    assert not at.exception and not at.error
    assert at.title[0].value == "Champions"
    text = page_text(at)
    assert "Profession: Statistician" in text and "020 7946 0000" in text
    assert "champion@test.example" not in text  # the champion hides their email
    assert [s.label for s in at.selectbox] == ["Organisation", "Practice area"]
    mine = {"Save your profile", "Add champion", "Retire champion"}
    assert not mine & {b.label for b in at.button}  # no profile form, no adding or retiring
    assert "Add a champion" not in [h.value for h in at.header]


def test_filtering_by_area_leaves_champions_without_it_out(world: World) -> None:
    at = open_page(world, "outsider", PAGE)
    at.selectbox[1].set_value("listen").run()
    assert not at.exception
    assert "No champions match these choices." in page_text(at)


def test_a_champion_fills_in_their_profile(world: World) -> None:
    at = open_page(world, "champion", PAGE)
    assert not at.exception and not at.error
    assert "Your champion profile" in [h.value for h in at.header]
    next(t for t in at.text_input if t.label == "Profession").input("Social researcher")
    next(t for t in at.text_area if t.label == "Interests").input("User panels")
    next(m for m in at.multiselect if m.label.startswith("Practice areas")).set_value(["listen"])
    next(b for b in at.button if b.label == "Save your profile").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Your champion profile is saved."
    text = page_text(at)
    assert "Profession: Social researcher" in text
    assert "Areas: Listen to what users say" in text
    assert "champion@test.example" in text  # shown by default


def test_a_champion_is_told_what_to_fix(world: World) -> None:
    at = open_page(world, "champion", PAGE)
    next(c for c in at.checkbox if c.label == "Show my phone number").check()
    next(b for b in at.button if b.label == "Save your profile").click().run()
    assert not at.exception
    assert "Enter a phone number to show it" in at.error[0].value


def test_the_hub_adds_and_retires_a_champion(world: World) -> None:
    at = open_page(world, "consultant", PAGE)
    assert not at.exception and not at.error
    boxes = {s.label: s for s in at.selectbox}
    boxes["Person"].set_value(world.actor("lead").user_id)
    boxes["Organisation they champion"].set_value(world.organisation_id)
    next(b for b in at.button if b.label == "Add champion").click().run()
    assert not at.exception and not at.error
    assert "is now a champion of Office for Test Statistics" in at.success[0].value
    retire = next(s for s in at.selectbox if s.label == "Champion")
    retire.set_value((world.actor("lead").user_id, world.organisation_id))
    next(b for b in at.button if b.label == "Retire champion").click().run()
    assert not at.exception and not at.error
    assert "retired" in at.success[0].value
    history = at.dataframe[0].value
    assert list(history["Champion"]) == ["Champion", "Lead"]
    assert list(history["Retired by"]) == ["", "Consultant"]


def test_a_member_cannot_add_a_champion(world: World) -> None:
    at = open_page(world, "member", PAGE)
    assert "Person" not in [s.label for s in at.selectbox]
    with_terms = champion_terms.champion_history(world.db, world.actor("admin"))
    assert len(with_terms) == 1  # nothing was added


def test_home_names_the_members_champion(world: World) -> None:
    show_phone_only(world)
    at = app_as(world, "member").run()
    assert not at.exception
    assert "Your organisation's champion" in [h.value for h in at.header]
    assert "Champion" in [s.value for s in at.subheader]
    assert "Phone: 020 7946 0000" in page_text(at)
    # Someone in another organisation is not shown this champion.
    at = app_as(world, "outsider").run()
    assert "Your organisation's champion" not in [h.value for h in at.header]
