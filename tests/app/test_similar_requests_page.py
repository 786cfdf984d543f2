"""Similar and duplicate requests: the panel on the triage page and the team's duplicate warning."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_as
from tests.factories import World, resolve_request
from ue_core.services import support
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA

GROUP_TEXT = "Who should be on a user group for our house price statistics, and how often?"


@pytest.fixture(autouse=True)
def _quick_text_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)


def _send(world: World, who: str, subject: str, text: str) -> int:
    team_id = world.other_team_id if who == "outsider" else world.team_id
    return support.submit_request(world.db, world.actor(who), team_id, subject, text)


def _texts(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.markdown, *at.caption, *at.warning])


def test_the_triage_page_shows_similar_requests_and_the_duplicate(world: World) -> None:
    answered = _send(world, "outsider", "A user group", GROUP_TEXT)
    resolve_request(world, answered, "Shared the guide to running user groups.")
    still_open = _send(world, "member", "Setting up a user group", GROUP_TEXT)
    _send(world, "member", "Starting a user group", "How often should a user group meet?")

    at = app_as(world, "consultant", "screens/triage.py").run()
    assert not at.exception
    assert "Similar requests" in [h.value for h in at.subheader]
    [warning] = at.warning
    assert warning.value.startswith("This looks like the team's open request")
    assert f"(request {still_open})" in warning.value
    table = at.table[-1].value
    assert set(table.index) == {str(answered), str(still_open)}
    assert "Shared the guide to running user groups." in table["Outcome"].tolist()
    assert any(e.label.startswith(f"Open request {answered}") for e in at.expander)

    at.text_input(key="similar_search_query").input("house price user group")
    next(b for b in at.button if b.label == "Search").click().run()
    assert "closest in meaning" in _texts(at)
    assert "Similarity (0 to 1)" in at.table[-1].value.columns


def test_a_search_with_no_words_is_explained(world: World) -> None:
    _send(world, "member", "Setting up a user group", GROUP_TEXT)
    at = app_as(world, "consultant", "screens/triage.py").run()
    at.text_input(key="similar_search_query").input("?!")
    next(b for b in at.button if b.label == "Search").click().run()
    assert [e.value for e in at.error] == [
        "Type a few words that describe the requests you are looking for."
    ]


def test_a_team_member_is_warned_of_the_teams_open_request(world: World) -> None:
    ours = _send(world, "member2", "Setting up a user group", GROUP_TEXT)
    _send(world, "outsider", "Their user group", GROUP_TEXT)  # another team's: never shown
    at = app_as(world, "member", "screens/request_support.py").run()
    at.radio(key="request_kind").set_value("advice")
    at.text_input(key="request_subject").input("A user group")
    at.text_area(key="request_text").input(GROUP_TEXT)
    next(b for b in at.button if b.label == "Continue").click().run()
    assert not at.error
    [warning] = at.warning
    assert warning.value.startswith("This looks like your open request 'Setting up a user group'")
    assert f"(request {ours})" in warning.value
    assert "Their user group" not in _texts(at)


def test_no_warning_when_nothing_open_is_alike(world: World) -> None:
    _send(world, "member", "Accessible charts", "Which colours can people with low vision read?")
    at = app_as(world, "member", "screens/request_support.py").run()
    at.radio(key="request_kind").set_value("advice")
    at.text_input(key="request_subject").input("A user group")
    at.text_area(key="request_text").input(GROUP_TEXT)
    next(b for b in at.button if b.label == "Continue").click().run()
    assert not at.error and not at.warning


def test_team_members_cannot_reach_the_triage_page(world: World) -> None:
    _send(world, "member", "Setting up a user group", GROUP_TEXT)
    at = app_as(world, "member", "screens/triage.py").run()
    assert "Similar requests" not in [h.value for h in at.subheader]
    assert not at.table
