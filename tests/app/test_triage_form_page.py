"""The triage form on the Support requests page: the suggestions with their confidence and why,
confirming them in one form, a clear message for a missing choice; and the skills page, for
consultants (their own), admins (anyone's) and not for a team member."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_as
from tests.factories import World
from ue_core.services import support
from ue_core.services.requests import skills, triage
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA
from ue_core.vocabulary import RequestPriority, RequestStatus
from ui.triage_suggestion import CONFIRM, HEADING

#: The quick TF-IDF index instead of the sentence model (the routers fit in a moment).
pytestmark = pytest.mark.usefixtures("quick_index")
SUBJECT = "Who uses our statistics?"
TEXT = "We want to know who uses our statistics, what they use them for and who we miss."


@pytest.fixture
def quick_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)


def _request(world: World) -> int:
    member = world.actor("member")
    return support.submit_request(world.db, member, world.team_id, SUBJECT, TEXT)


def _shown(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def test_a_consultant_sees_every_suggestion_and_confirms_the_triage(world: World) -> None:
    request_id = _request(world)
    at = app_as(world, "consultant", "screens/triage.py").run()
    assert not at.exception
    assert HEADING in [s.value for s in at.subheader]
    shown = _shown(at)
    assert "Priority: Not triaged yet" in shown
    assert at.dataframe[0].value["Priority"].tolist() == ["Not triaged yet"]
    for name in ("Suggested practice area", "Suggested kind of help", "Suggested priority"):
        assert f"**{name}:**" in shown
    assert "**Consultant best placed:**" in shown
    assert "confident" in shown and "resembles" in shown
    [areas] = [m for m in at.multiselect if m.label == "Practice areas"]
    areas.set_value(["understand", "listen"])
    [priority] = [s for s in at.selectbox if s.label == "Priority"]
    priority.set_value(RequestPriority.HIGH)
    next(b for b in at.button if b.label == CONFIRM).click().run()
    assert not at.exception
    [saved] = [s.value for s in at.success]
    assert saved.startswith(f"Request {request_id} triaged. Triaged as ")
    confirmed = triage.confirmed_triage(world.db, world.actor("consultant"), request_id)
    assert confirmed is not None
    assert confirmed.areas == ("listen", "understand")
    assert confirmed.priority is RequestPriority.HIGH
    assert confirmed.status in (RequestStatus.TRIAGED, RequestStatus.ASSIGNED)
    assert "**Confirmed:**" in _shown(at)
    # The queue and the request's facts show the confirmed priority.
    assert "Priority: High" in _shown(at)
    assert at.dataframe[0].value["Priority"].tolist() == ["High"]
    # The page's own status box shows the new status, so saving it later does not undo it.
    [status] = [s for s in at.selectbox if s.label == "Status"]
    assert status.value is confirmed.status


def test_confirming_without_an_area_says_what_to_choose(world: World) -> None:
    request_id = _request(world)
    at = app_as(world, "consultant", "screens/triage.py").run()
    [areas] = [m for m in at.multiselect if m.label == "Practice areas"]
    areas.set_value([])
    next(b for b in at.button if b.label == CONFIRM).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Choose at least one practice area the request concerns."
    ]
    assert triage.confirmed_triage(world.db, world.actor("consultant"), request_id) is None


def test_a_consultant_declares_their_own_skills(world: World) -> None:
    at = app_as(world, "consultant", "screens/consultant_skills.py").run()
    assert not at.exception
    assert at.title[0].value == "Your skills"
    assert not [s for s in at.selectbox if s.label == "Consultant"]
    at.multiselect[0].set_value(["listen", "act"])
    at.multiselect[1].set_value(["survey_design"])
    at.button[0].click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Skills saved for Consultant."]
    consultant = world.actor("consultant")
    found = skills.skills_of(world.db, consultant, consultant.user_id)
    assert found.areas == {"listen", "act"} and found.kinds == {"survey_design"}


def test_an_admin_sets_a_consultants_skills(world: World) -> None:
    at = app_as(world, "admin", "screens/consultant_skills.py").run()
    assert not at.exception
    assert at.title[0].value == "Consultants' skills"
    [who] = [s for s in at.selectbox if s.label == "Consultant"]
    assert who.options == ["Consultant"]
    at.multiselect[0].set_value(["promote"])
    at.button[0].click().run()
    assert not at.exception
    consultant = world.actor("consultant")
    found = skills.skills_of(world.db, world.actor("admin"), consultant.user_id)
    assert found.areas == {"promote"}


def test_a_team_member_cannot_reach_the_skills_page(world: World) -> None:
    at = app_as(world, "member", "screens/consultant_skills.py").run()
    assert [e.value for e in at.error] == [
        "You do not have access to this. Ask your admin if you need it."
    ]
    assert not at.title
