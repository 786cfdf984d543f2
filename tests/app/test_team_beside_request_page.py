"""The team beside a request on the triage screen: its scores against targets, its earlier
requests and champion, and a library item sent to the team in one click."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_as
from tests.db.test_actions import submitted_assessment
from tests.factories import World
from ue_core.services import conversation, support
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA
from ui.request_context import HEADING, SEND


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


@pytest.fixture(autouse=True)
def quick_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)


def _request(world: World) -> int:
    return support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Survey help",
        "How should we ask users what they think of our releases?",
    )


def test_a_consultant_sees_the_team_beside_the_request(world: World) -> None:
    submitted_assessment(world)
    _request(world)
    at = app_as(world, "consultant", "screens/triage.py").run()
    assert not at.exception
    assert HEADING in [s.value for s in at.subheader]
    shown = markdown(at)
    assert "**Organisation's champion:** Champion" in shown
    assert any(m.startswith("**Scores against targets**") for m in shown)
    [scores] = [t for t in at.table if "Target" in t.value.columns]
    assert len(scores.value) > 0
    assert set(scores.value["Target"]) == {"3"}
    assert "**Largest gaps**" in shown
    assert "This is the team's first request." in shown
    assert "**Library items for this request**" in shown
    assert "**Library items for the team's gaps**" in shown
    assert any(b.label == SEND for b in at.button)


def test_without_a_submitted_assessment_the_section_says_so(world: World) -> None:
    _request(world)
    at = app_as(world, "consultant", "screens/triage.py").run()
    assert not at.exception
    assert any("no submitted assessment yet" in m for m in markdown(at))


def test_send_to_the_team_posts_the_reply_and_confirms_it(world: World) -> None:
    request_id = _request(world)
    at = app_as(world, "consultant", "screens/triage.py").run()
    next(b for b in at.button if b.label == SEND).click().run()
    assert not at.exception
    [confirmation] = [s.value for s in at.success]
    assert confirmation.startswith("Sent to the team: ")
    [message] = conversation.conversation(world.db, world.actor("member"), request_id).messages
    assert message.from_hub and message.body.startswith("This may help: ")
    assert any("This may help" in m for m in markdown(at))
