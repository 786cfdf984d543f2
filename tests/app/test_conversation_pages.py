"""The inbox page and a request's conversation on the triage and team pages."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import REPO, app_as
from tests.factories import World
from ue_core.services import conversation, inbox, support


def new_request(world: World) -> int:
    return support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Survey advice",
        "We are redesigning our user survey and want a second opinion.",
    )


def inbox_page(world: World, who: str) -> AppTest:
    """The inbox as ``who``, reached through the router (its links name other pages)."""
    at = app_as(world, who).run()
    at.switch_page(str(REPO / "screens/inbox.py"))
    return at.run()


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_the_inbox_opens_a_reply_and_the_member_replies_back(world: World) -> None:
    request_id = new_request(world)
    conversation.post_reply(
        world.db, world.actor("consultant"), request_id, "Send us *the* survey, please."
    )
    at = inbox_page(world, "member")
    assert not at.exception
    assert at.title[0].value == "Inbox"
    assert "You have 1 unread notification." in markdown(at)
    assert f"**New reply** on request {request_id}: Survey advice" in markdown(at)

    next(b for b in at.button if b.label == f"Open request {request_id}").click().run()
    assert not at.exception
    assert at.query_params["request"] == str(request_id)
    assert at.header[0].value == f"Request {request_id}: Survey advice"
    # The reply shows literally: its asterisks are escaped, not emphasis.
    assert r"Send us \*the\* survey, please." in markdown(at)
    assert "You have no unread notifications." in markdown(at)
    assert inbox.unread_count(world.db, world.actor("member")) == 0

    at.text_area(key=f"message_{request_id}").input("Here it is, thank you.")
    next(b for b in at.button if b.label == "Send").click().run()
    assert [s.value for s in at.success] == ["Reply sent."]
    assert "Here it is, thank you." in markdown(at)
    assert inbox.unread_count(world.db, world.actor("consultant")) == 1
    assert not at.radio  # the team has no choice of internal notes


def test_the_sidebar_says_how_many_are_unread(world: World) -> None:
    request_id = new_request(world)
    conversation.post_reply(world.db, world.actor("consultant"), request_id, "Hello team")
    at = app_as(world, "member").run()
    links = [el.proto.label for el in at.sidebar if type(el).__name__ == "PageLink"]
    assert links == ["Inbox: 1 unread notification"]
    at = app_as(world, "consultant").run()
    assert not [el for el in at.sidebar if type(el).__name__ == "PageLink"]


def test_reading_the_request_on_the_team_page_clears_the_count_at_once(world: World) -> None:
    request_id = new_request(world)
    conversation.post_reply(world.db, world.actor("consultant"), request_id, "Hello team")
    at = app_as(world, "member").run()
    at.switch_page(str(REPO / "screens/your_requests.py"))
    at.run()
    assert not at.exception
    assert "Hello team" in markdown(at)
    assert not [el for el in at.sidebar if type(el).__name__ == "PageLink"]


def test_an_empty_inbox_says_so(world: World) -> None:
    at = app_as(world, "champion", "screens/inbox.py").run()
    assert "You have no unread notifications." in markdown(at)
    assert any(m.startswith("Nothing yet.") for m in markdown(at))


def test_an_emailed_link_to_another_teams_request_is_refused(world: World) -> None:
    request_id = new_request(world)
    at = app_as(world, "outsider", "screens/inbox.py")
    at.query_params["request"] = str(request_id)
    at.run()
    assert [e.value for e in at.error] == ["You can only see the requests of your own team."]
    assert not at.header or at.header[0].value == "Notifications"


def test_a_signed_out_visitor_cannot_open_the_inbox(world: World) -> None:
    at = app_as(world, None, "screens/inbox.py").run()
    assert [e.value for e in at.error] == ["Sign in to use the workbench."]
    assert not at.title


def test_a_consultant_adds_a_note_on_triage_that_the_team_never_sees(world: World) -> None:
    request_id = new_request(world)
    at = app_as(world, "consultant", "screens/triage.py").run()
    assert not at.exception
    assert "No replies yet." in markdown(at)
    assert any("Only hub staff see notes" in c.value for c in at.caption)
    at.radio(key=f"send_as_{request_id}").set_value("note")
    at.text_area(key=f"message_{request_id}").input("Their survey has a leading question.")
    next(b for b in at.button if b.label == "Send").click().run()
    assert [s.value for s in at.success] == ["Note added. Only hub staff see it."]
    assert "Their survey has a leading question." in markdown(at)
    assert any(m.startswith("**Internal note**") for m in markdown(at))

    team = app_as(world, "member", "screens/your_requests.py").run()
    assert not team.exception
    assert "No replies yet." in markdown(team)
    assert "Their survey has a leading question." not in markdown(team)
    assert inbox.unread_count(world.db, world.actor("member")) == 0


def test_a_consultant_replies_on_triage_and_the_team_page_shows_it(world: World) -> None:
    request_id = new_request(world)
    at = app_as(world, "consultant", "screens/triage.py").run()
    at.text_area(key=f"message_{request_id}").input("We can meet on Tuesday.")
    next(b for b in at.button if b.label == "Send").click().run()
    assert [s.value for s in at.success] == ["Reply sent."]
    assert inbox.unread_count(world.db, world.actor("lead")) == 1

    team = app_as(world, "lead", "screens/your_requests.py").run()
    assert "We can meet on Tuesday." in markdown(team)
    assert inbox.unread_count(world.db, world.actor("lead")) == 0
