"""Ask the hub for help (teams) and the triage queue (hub consultants)."""

from __future__ import annotations

import pytest

from tests.app.conftest import app_as
from tests.factories import World
from ue_core.db.models import RequestStatus
from ue_core.services import support
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA


def test_team_with_no_requests_sees_an_empty_state(world: World) -> None:
    at = app_as(world, "member", "screens/request_support.py").run()
    assert "has not asked the hub for help yet" in at.markdown[-1].value


def test_member_sends_a_request_and_sees_it_listed(world: World) -> None:
    at = app_as(world, "member", "screens/request_support.py").run()
    at.text_input[0].input("Setting up a user group")
    at.text_area[0].input("We want a user group for our housing statistics; where do we start?")
    at.button[0].click().run()
    assert at.success[0].value.startswith("Request ")
    table = at.dataframe[0].value
    assert list(table["Summary"]) == ["Setting up a user group"]
    assert list(table["Status"]) == ["New"]


def test_too_short_a_request_is_explained_and_not_saved(world: World) -> None:
    at = app_as(world, "member", "screens/request_support.py").run()
    at.text_input[0].input("Help")
    at.text_area[0].input("Please")
    at.button[0].click().run()
    assert "at least 20 characters" in at.error[0].value
    assert support.team_requests(world.db, world.actor("member"), world.team_id) == []


def test_consultant_assigns_a_request(world: World) -> None:
    request_id = support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Survey advice",
        "We are redesigning our user survey and want a second opinion.",
    )
    at = app_as(world, "consultant", "screens/triage.py").run()
    assert at.dataframe[0].value["Summary"].tolist() == ["Survey advice"]
    assert at.header[0].value == "Survey advice"
    at.selectbox(key=f"status_{request_id}").set_value(RequestStatus.ASSIGNED)
    at.selectbox(key=f"assignee_{request_id}").set_value(world.actor("consultant").user_id)
    at.button[0].click().run()
    assert not at.error
    [view] = support.triage_queue(world.db, world.actor("consultant"))
    assert view.status is RequestStatus.ASSIGNED
    assert view.assignee_name == "Consultant"


def test_triage_conflict_shows_the_other_persons_change(world: World) -> None:
    request_id = support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Survey advice",
        "We are redesigning our user survey and want a second opinion.",
    )
    at = app_as(world, "consultant", "screens/triage.py").run()
    # Another consultant saves first.
    support.update_request(
        world.db,
        world.actor("consultant"),
        request_id,
        expected_version=1,
        status=RequestStatus.IN_PROGRESS,
        assignee_id=world.actor("consultant").user_id,
        resolution="",
    )
    at.selectbox(key=f"status_{request_id}").set_value(RequestStatus.RESOLVED)
    at.text_area(key=f"resolution_{request_id}").input("Sent our survey guidance.")
    at.button[0].click().run()
    assert "Someone else changed this request" in at.error[0].value
    [view] = support.triage_queue(world.db, world.actor("consultant"))
    assert view.status is RequestStatus.IN_PROGRESS  # nothing overwritten


def test_team_member_from_another_team_cannot_see_requests(world: World) -> None:
    support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Survey advice",
        "We are redesigning our user survey and want a second opinion.",
    )
    at = app_as(world, "outsider", "screens/request_support.py").run()
    assert "has not asked the hub for help yet" in at.markdown[-1].value


def test_triage_queue_is_searched_and_paged(world: World) -> None:
    member = world.actor("member")
    for number in range(30):
        support.submit_request(
            world.db,
            member,
            world.team_id,
            f"Question {number:02d}",
            "A question about engaging with the users of our statistics.",
        )
    support.submit_request(
        world.db,
        member,
        world.team_id,
        "Citizen panel advice",
        "We would like to run a citizen panel on our statistics next year.",
    )
    consultant = world.actor("consultant")
    first = support.search_queue(world.db, consultant, page_size=25)
    assert (first.total, first.pages, len(first.requests)) == (31, 2, 25)
    second = support.search_queue(world.db, consultant, page=2, page_size=25)
    assert len(second.requests) == 6
    assert not {r.id for r in first.requests} & {r.id for r in second.requests}
    found = support.search_queue(world.db, consultant, text="citizen PANEL")
    assert [r.subject for r in found.requests] == ["Citizen panel advice"]

    at = app_as(world, "consultant", "screens/triage.py").run()
    assert "31 requests match, sorted by sent: newest first. Page 1 of 2." in [
        m.value for m in at.markdown
    ]
    at.text_input[0].input("citizen").run()
    assert at.dataframe[0].value["Summary"].tolist() == ["Citizen panel advice"]


def test_triage_confirms_what_each_save_changed(world: World) -> None:
    request_id = support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Survey advice",
        "We are redesigning our user survey and want a second opinion.",
    )
    at = app_as(world, "consultant", "screens/triage.py").run()
    at.selectbox(key=f"status_{request_id}").set_value(RequestStatus.ASSIGNED)
    at.selectbox(key=f"assignee_{request_id}").set_value(world.actor("consultant").user_id)
    at.button[0].click().run()
    assert [s.value for s in at.success] == [
        f"Request {request_id} saved. Status changed from new to assigned. Assigned to Consultant."
    ]
    at.selectbox(key=f"status_{request_id}").set_value(RequestStatus.RESOLVED)
    at.text_area(key=f"resolution_{request_id}").input("Sent our survey guidance.")
    at.button[0].click().run()
    [confirmation] = at.success
    assert "Status changed from assigned to resolved" in confirmation.value
    assert "Outcome recorded" in confirmation.value
    # The resolved request has left the open queue; show every status to find it again.
    at.multiselect[0].set_value(list(RequestStatus)).run()
    # Saving again with nothing changed says so, and changes nothing.
    at.button[0].click().run()
    assert not at.success
    assert "Nothing to save" in at.info[0].value
    [view] = support.search_queue(
        world.db, world.actor("consultant"), tuple(RequestStatus)
    ).requests
    assert view.version == 3


def test_triage_queue_shows_when_each_request_was_sent_and_sorts_by_any_column(
    world: World,
) -> None:
    member = world.actor("member")
    for subject in ["Beta question", "Alpha question", "Gamma question"]:
        support.submit_request(
            world.db, member, world.team_id, subject, "A question about our users' needs."
        )
    at = app_as(world, "consultant", "screens/triage.py").run()
    table = at.dataframe[0].value
    assert table["Summary"].tolist() == ["Gamma question", "Alpha question", "Beta question"]
    sent = table["Sent"].tolist()
    assert all(str(moment.tzinfo) == "Europe/London" for moment in sent)
    assert sent == sorted(sent, reverse=True)

    at.selectbox(key="triage_order").set_value(support.QueueOrder.SUMMARY).run()
    assert at.dataframe[0].value["Summary"].tolist() == [
        "Alpha question",
        "Beta question",
        "Gamma question",
    ]
    assert any("sorted by summary: a to z." in m.value for m in at.markdown)
    at.radio(key=f"triage_descending_{support.QueueOrder.SUMMARY}").set_value(True).run()
    assert at.dataframe[0].value["Summary"].tolist()[0] == "Gamma question"
    for order in support.QueueOrder:
        at.selectbox(key="triage_order").set_value(order).run()
        assert not at.exception
        assert len(at.dataframe[0].value) == 3


def test_an_open_request_shows_its_suggested_practice_area_or_needs_a_person(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Who uses our statistics?",
        "We want to know who uses our statistics, what they use them for and who we miss.",
    )
    at = app_as(world, "consultant", "screens/triage.py").run()
    shown = " ".join(item.value for item in at.markdown)
    assert "Suggested practice area:** Understand the need for information" in shown
    assert any("resembles" in item.value for item in at.caption)

    support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Lunch",
        "Which sandwich shop near the office opens earliest?",
    )
    at = app_as(world, "consultant", "screens/triage.py").run()
    assert at.header[0].value == "Lunch"
    assert any("needs a person to decide" in item.value for item in at.markdown)
    assert not at.info
