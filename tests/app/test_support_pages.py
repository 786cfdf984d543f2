"""Ask the hub for help (teams) and the triage queue (hub consultants)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from tests.app.conftest import app_as
from tests.factories import World
from ue_core.db.models import RequestStatus, SupportRequest
from ue_core.services import support
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA

W = TypeVar("W")


def _button(at: AppTest, label: str) -> Button:
    return next(b for b in at.button if b.label == label)


def _widget(widgets: Iterable[W], label: str) -> W:
    """The one widget with this label (the triage form's are keyed by the version seen)."""
    [found] = [w for w in widgets if getattr(w, "label", None) == label]
    return found


def _fill_request_form(at: AppTest, text: str) -> None:
    at.radio(key="request_kind").set_value("survey_design")
    at.text_input(key="request_statistics").input("Housing statistics")
    at.text_input(key="request_subject").input("Setting up a user survey")
    at.text_area(key="request_text").input(text)


@pytest.fixture(autouse=True)
def _quick_text_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's text recommendations in the TF-IDF space: quick, and the same each run."""
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)


def test_team_with_no_requests_sees_an_empty_state(world: World) -> None:
    at = app_as(world, "member", "screens/your_requests.py").run()
    assert any("has not asked the hub for help yet" in m.value for m in at.markdown)


def test_member_sees_what_may_help_then_sends_and_follows_the_request(world: World) -> None:
    answered = support.submit_request(
        world.db,
        world.actor("outsider"),
        world.other_team_id,
        "Questions for a user survey",
        "We need help writing the questions for a user survey of our statistics.",
        kind="survey_design",
    )
    consultant = world.actor("consultant")
    support.update_request(
        world.db,
        consultant,
        answered,
        expected_version=1,
        status=RequestStatus.RESOLVED,
        assignee_id=consultant.user_id,
        resolution="Shared the hub's survey question bank.",
    )
    at = app_as(world, "member", "screens/request_support.py").run()
    _fill_request_form(at, "We want to run a user survey of our statistics; which questions?")
    _button(at, "Continue").click().run()
    assert not at.error
    assert [h.value for h in at.header] == ["These may help now"]
    shown = [m.value for m in at.markdown]
    assert "**Questions for a user survey**" in shown
    assert "Help given: Shared the hub's survey question bank." in shown
    assert "Another team's request" in [c.value for c in at.caption]
    # Another team's request shows no team and none of its own words.
    assert not any("Other team" in m.value for m in at.markdown)
    assert not any("We need help writing" in m.value for m in at.markdown)

    _button(at, "Send request").click().run()
    assert at.success[0].value.startswith("Request ")
    [mine] = support.team_requests(world.db, world.actor("member"), world.team_id)
    assert (mine.kind, mine.statistics, mine.status) == (
        "survey_design",
        "Housing statistics",
        RequestStatus.NEW,
    )

    page = app_as(world, "member", "screens/your_requests.py").run()
    table = page.dataframe[0].value
    assert list(table["Summary"]) == ["Setting up a user survey"]
    assert list(table["Kind of help"]) == ["Survey or consultation design"]
    assert list(table["Status"]) == ["New"]
    assert "Conversation" in [s.value for s in page.subheader]


def test_too_short_a_request_is_explained_and_not_saved(world: World) -> None:
    at = app_as(world, "member", "screens/request_support.py").run()
    _fill_request_form(at, "Please")
    _button(at, "Continue").click().run()
    assert "at least 20 characters" in at.error[0].value
    assert not at.header
    assert support.team_requests(world.db, world.actor("member"), world.team_id) == []


def test_a_kind_of_help_must_be_chosen(world: World) -> None:
    at = app_as(world, "member", "screens/request_support.py").run()
    at.text_input(key="request_subject").input("Setting up a user survey")
    at.text_area(key="request_text").input("We want to run a user survey of our statistics.")
    _button(at, "Continue").click().run()
    assert at.error[0].value == "Choose what kind of help you need."


@pytest.mark.parametrize("who", ["consultant", "champion", "admin"])
def test_people_outside_teams_cannot_reach_the_team_pages(world: World, who: str) -> None:
    for script in ("screens/request_support.py", "screens/your_requests.py"):
        at = app_as(world, who, script).run()
        assert at.error, script  # the page's own access check says why
        assert not at.text_area, script
        assert not at.dataframe, script


def test_team_rates_the_help_once_when_resolved(world: World) -> None:
    member = world.actor("member")
    request_id = support.submit_request(
        world.db, member, world.team_id, "Survey advice", "A second opinion on our survey."
    )
    support.update_request(
        world.db,
        world.actor("consultant"),
        request_id,
        expected_version=1,
        status=RequestStatus.RESOLVED,
        assignee_id=None,
        resolution="Reviewed the questionnaire.",
    )
    at = app_as(world, "member", "screens/your_requests.py").run()
    at.radio(key=f"rating_{request_id}").set_value(5)
    at.text_area(key=f"rating_comment_{request_id}").input("Quick and clear.")
    _button(at, "Send rating").click().run()
    assert at.success[0].value == "Thank you. Your rating has been sent to the hub."
    assert any("Your team rated the help: Very good" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.label == "Send rating"]
    view = support.team_request(world.db, member, request_id)
    assert (view.rating, view.rating_comment) == (5, "Quick and clear.")


def test_consultant_assigns_a_request(world: World) -> None:
    support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Survey advice",
        "We are redesigning our user survey and want a second opinion.",
    )
    at = app_as(world, "consultant", "screens/triage.py").run()
    assert at.dataframe[0].value["Summary"].tolist() == ["Survey advice"]
    assert at.header[0].value == "Survey advice"
    _widget(at.selectbox, "Status").set_value(RequestStatus.ASSIGNED)
    _widget(at.selectbox, "Assigned to").set_value(world.actor("consultant").user_id)
    _button(at, "Save changes").click().run()
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
    _widget(at.selectbox, "Status").set_value(RequestStatus.RESOLVED)
    _widget(at.text_area, "Outcome").input("Sent our survey guidance.")
    _button(at, "Save changes").click().run()
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
    at = app_as(world, "outsider", "screens/your_requests.py").run()
    assert any("has not asked the hub for help yet" in m.value for m in at.markdown)
    assert not at.dataframe


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
    _widget(at.selectbox, "Status").set_value(RequestStatus.ASSIGNED)
    _widget(at.selectbox, "Assigned to").set_value(world.actor("consultant").user_id)
    _button(at, "Save changes").click().run()
    assert [s.value for s in at.success] == [
        f"Request {request_id} saved. Status changed from new to assigned. Assigned to Consultant."
    ]
    _widget(at.selectbox, "Status").set_value(RequestStatus.RESOLVED)
    _widget(at.text_area, "Outcome").input("Sent our survey guidance.")
    _button(at, "Save changes").click().run()
    [confirmation] = at.success
    assert "Status changed from assigned to resolved" in confirmation.value
    assert "Outcome recorded" in confirmation.value
    # The resolved request has left the open queue; show every status to find it again.
    at.multiselect[0].set_value(list(RequestStatus)).run()
    # Saving again with nothing changed says so, and changes nothing.
    _button(at, "Save changes").click().run()
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


def test_triage_shows_due_dates_and_flags_overdue_requests_in_words(world: World) -> None:
    member = world.actor("member")
    old = support.submit_request(
        world.db, member, world.team_id, "Old question", "A question about our users' needs."
    )
    support.submit_request(
        world.db, member, world.team_id, "New question", "Another question about our users."
    )
    with world.db.transaction() as session:
        request = session.get(SupportRequest, old)
        assert request is not None
        request.created_at = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    at = app_as(world, "consultant", "screens/triage.py").run()
    table = at.dataframe[0].value
    by_subject = dict(zip(table["Summary"], table["Overdue"], strict=True))
    assert by_subject == {"Old question": "Overdue: first response", "New question": ""}
    assert "7 January 2026" in table["First response due"].tolist()
    at.radio(key="triage_view").set_value(support.QueueView.OVERDUE).run()
    assert at.dataframe[0].value["Summary"].tolist() == ["Old question"]
    at.radio(key="triage_view").set_value(support.QueueView.MINE).run()
    assert not at.dataframe
    assert any("No requests match" in m.value for m in at.markdown)
