"""The forum pages: everyone searches the register and reads a forum; a host's champion records
a success; hub staff add and change forums and see the join-up pairs; others are refused; the
Results page shows forums on the team's topics when working together is below target."""

from __future__ import annotations

from datetime import date

import pytest

from tests.app.conftest import app_as
from tests.app.test_oversight_pages import open_page, page_text
from tests.db.test_actions import submitted_assessment
from tests.db.test_commitments import other_organisation
from tests.factories import World
from ue_core.authz import SYSTEM
from ue_core.forums import ForumStatus
from ue_core.services import forum_edits, forum_successes
from ue_core.services.forum_successes import SuccessDraft
from ue_core.services.forums import ForumDraft
from ue_core.timefmt import uk_today

REGISTER = "screens/forums.py"
EDIT = "screens/forum_edit.py"
JOIN_UP = "screens/forum_join_up.py"


def add_forum(world: World, name: str, themes: tuple[str, ...], host: int | None = None) -> int:
    draft = ForumDraft(
        name=name,
        description=f"{name} meets to talk about the statistics.",
        host_organisation_id=host or world.organisation_id,
        member_organisation_ids=(other_organisation(world),),
        themes=themes,
        attendees=("producer_analysts", "academics"),
        frequency="quarterly",
        last_met=uk_today(),
        join_text="Join our group on StatsUserNet.",
        join_url="https://www.statsusernet.org.uk/example",
    )
    return forum_edits.add_forum(world.db, SYSTEM, draft, uk_today())


def two_forums(world: World) -> tuple[int, int]:
    return (
        add_forum(world, "Housing users", ("housing", "population")),
        add_forum(world, "Homes and census forum", ("housing", "population", "local_areas")),
    )


def test_a_member_searches_and_reads_a_forum(world: World) -> None:
    two_forums(world)
    add_forum(world, "Roads forum", ("transport",), host=other_organisation(world))
    at = open_page(world, "member", REGISTER)
    assert not at.exception and not at.error
    assert at.title[0].value == "User forums"
    assert "3 forums shown, 3 active." in page_text(at)
    at.text_input[0].input("regions").run()
    assert "1 forum shown, 1 active." in page_text(at)
    assert at.dataframe[0].value["Forum"].tolist() == ["Homes and census forum"]
    text = page_text(at)
    assert "Join our group on StatsUserNet." in text and "Go to Homes and census forum" in text
    assert "Record the success" not in [b.label for b in at.button]  # not the host's champion
    assert "Successes suggested as case studies" not in [h.value for h in at.header]


def test_filters_by_theme_and_status(world: World) -> None:
    two_forums(world)
    at = open_page(world, "outsider", REGISTER)
    boxes = {s.label: s for s in at.selectbox}
    boxes["Theme"].set_value("local_areas").run()
    assert at.dataframe[0].value["Forum"].tolist() == ["Homes and census forum"]
    boxes = {s.label: s for s in at.selectbox}
    boxes["Status"].set_value(ForumStatus.LAPSED).run()
    assert "No forums match these choices." in page_text(at)


def test_the_hosts_champion_records_a_success_and_suggests_it(world: World) -> None:
    two_forums(world)
    at = open_page(world, "champion", REGISTER)
    next(t for t in at.text_area if t.label == "What the forum achieved").input(
        "Users helped design a new local table"
    )
    next(t for t in at.text_input if t.label == "Date of the success").input("1 3 2026")
    next(c for c in at.checkbox if c.label.startswith("Suggest it")).check()
    next(b for b in at.button if b.label == "Record the success").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "The success is recorded."
    assert "Users helped design a new local table (suggested as a case study)" in page_text(at)
    hub = open_page(world, "consultant", REGISTER)
    assert "Successes suggested as case studies" in [h.value for h in hub.header]
    assert hub.dataframe[1].value["Success"].tolist() == ["Users helped design a new local table"]


def test_a_success_with_a_bad_date_says_so(world: World) -> None:
    two_forums(world)
    at = open_page(world, "champion", REGISTER)
    next(t for t in at.text_area if t.label == "What the forum achieved").input("Something")
    next(t for t in at.text_input if t.label == "Date of the success").input("31 2 2026")
    next(b for b in at.button if b.label == "Record the success").click().run()
    assert "Enter the date of the success as day, month and year" in at.error[0].value


def test_the_hub_adds_a_forum(world: World) -> None:
    at = open_page(world, "consultant", EDIT)
    assert not at.exception and not at.error
    next(t for t in at.text_input if t.label == "Name").input("Crime statistics user forum")
    next(s for s in at.selectbox if s.label == "Host organisation").set_value(world.organisation_id)
    next(m for m in at.multiselect if m.label == "Themes").set_value(["crime_justice"])
    next(m for m in at.multiselect if m.label == "Who attends").set_value(["academics"])
    next(t for t in at.text_area if t.label == "How to join").input("Email the secretary.")
    next(b for b in at.button if b.label == "Add the forum").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "The forum is added to the register."


def test_the_hub_is_told_what_to_fix(world: World) -> None:
    at = open_page(world, "admin", EDIT)
    next(t for t in at.text_input if t.label == "Name").input("No themes forum")
    next(b for b in at.button if b.label == "Add the forum").click().run()
    assert "Choose the organisation that hosts the forum." in at.error[0].value


def test_a_clash_shows_the_other_version(world: World) -> None:
    forum_id, _ = two_forums(world)
    at = open_page(world, "consultant", EDIT)
    next(s for s in at.selectbox if s.label == "Forum to change").set_value(forum_id).run()
    forum_edits.close_forum(world.db, SYSTEM, forum_id, uk_today(), expected_version=1)
    next(b for b in at.button if b.label == "Save the changes").click().run()
    assert "Someone else changed this forum" in at.error[0].value


def test_join_up_lists_the_overlapping_pair(world: World) -> None:
    two_forums(world)
    at = open_page(world, "consultant", JOIN_UP)
    assert not at.exception and not at.error
    frame = at.dataframe[0].value
    assert frame["Forum"].tolist() == ["Homes and census forum"]
    assert frame["Overlaps with"].tolist() == ["Housing users"]
    assert frame["Why"][0].startswith("Both cover Housing and planning and Population and census")


@pytest.mark.parametrize(("who", "page"), [("member", EDIT), ("champion", JOIN_UP)])
def test_hub_pages_refuse_others(world: World, who: str, page: str) -> None:
    at = app_as(world, who, page).run()
    assert "do not have access" in at.error[0].value
    assert not at.title


def test_results_show_forums_when_working_together_is_below_target(world: World) -> None:
    submitted_assessment(world)  # working-together practices at 3, 2, 2; targets 3
    add_forum(world, "Our organisation's forum", ("health",))
    at = open_page(world, "member", "screens/results.py")
    assert not at.exception
    assert "User forums on your topics" in [h.value for h in at.header]
    text = page_text(at)
    assert "Work with other producers (level 2, target 3)" in text
    assert "Our organisation's forum" in text  # no topic found: the organisation's own forums


def test_results_show_no_forum_section_before_a_submission(world: World) -> None:
    add_forum(world, "Our organisation's forum", ("health",))
    at = open_page(world, "member", "screens/results.py")
    assert "User forums on your topics" not in [h.value for h in at.header]


def test_a_success_is_listed_for_the_hub_once_suggested(world: World) -> None:
    forum_id, _ = two_forums(world)
    draft = SuccessDraft("A joint release calendar", date(2026, 1, 5))
    forum_successes.record_success(world.db, SYSTEM, forum_id, draft, uk_today())
    at = open_page(world, "consultant", REGISTER)
    next(s for s in at.selectbox if s.label == "Forum").set_value(forum_id).run()
    button = next(b for b in at.button if b.label.startswith("Suggest as a case study"))
    button.click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Suggested as a case study."
