"""A request's outcome: the consultant records it on the triage screen (resolving the request),
and the team sees it, with whether the practices moved, on "Your requests"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from tests.app.conftest import app_as
from tests.app.test_support_pages import _button
from tests.app.test_team_beside_request_page import _request
from tests.app.test_team_beside_request_page import quick_index as quick_index
from tests.db.test_actions import submitted_assessment
from tests.factories import World
from ue_core.db.models import AgreedRating, Assessment
from ue_core.services import support
from ue_core.services.requests import outcomes
from ue_core.vocabulary import RequestStatus

RESOLVE = "Resolve with this outcome"


def _first_keys(world: World, count: int) -> list[str]:
    return [c.key for c in outcomes.practice_choices(world.db, world.actor("consultant"))][:count]


def test_a_consultant_resolves_a_request_with_its_outcome(world: World) -> None:
    request_id = _request(world)
    keys = _first_keys(world, 2)
    at = app_as(world, "consultant", "screens/triage.py").run()
    assert not at.exception
    assert "Outcome" in [s.value for s in at.subheader]
    at.text_area(key=f"outcome_help_{request_id}").input("Advice by e-mail and a call")
    at.multiselect(key=f"outcome_practices_{request_id}").set_value(keys)
    at.number_input(key=f"outcome_hours_{request_id}").set_value(1.5)
    _button(at, RESOLVE).click().run()
    assert not at.exception and not at.error
    [saved] = [s.value for s in at.success]
    assert saved.startswith(f"Request {request_id} saved. Status changed from new to resolved.")
    view = support.team_request(world.db, world.actor("member"), request_id)
    assert view.status is RequestStatus.RESOLVED
    found = outcomes.request_follow_up(world.db, world.actor("member"), request_id)
    assert found is not None
    assert (found.outcome.practice_keys, found.outcome.minutes_spent) == (tuple(keys), 90)


def test_an_outcome_without_practices_is_explained_and_nothing_is_resolved(world: World) -> None:
    request_id = _request(world)
    at = app_as(world, "consultant", "screens/triage.py").run()
    at.text_area(key=f"outcome_help_{request_id}").input("Advice by e-mail")
    at.number_input(key=f"outcome_hours_{request_id}").set_value(1.0)
    _button(at, RESOLVE).click().run()
    assert [e.value for e in at.error] == ["Choose at least one practice the help aimed at."]
    assert support.team_request(world.db, world.actor("member"), request_id).status is (
        RequestStatus.NEW
    )


def _record(world: World, request_id: int, keys: list[str]) -> None:
    outcomes.record_outcome(
        world.db,
        world.actor("consultant"),
        request_id,
        expected_version=1,
        help_given="Reviewed the questionnaire with the team",
        practice_keys=keys,
        hours=2,
    )


def test_the_team_sees_the_outcome_and_later_whether_the_practices_moved(world: World) -> None:
    before = submitted_assessment(world)
    request_id = _request(world)
    key = next(iter(before.practice_ids))  # level 3 before
    _record(world, request_id, [key])
    at = app_as(world, "member", "screens/your_requests.py").run()
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert "**Outcome**" in shown
    assert any("Help given: Reviewed the questionnaire with the team" in m for m in shown)
    assert any("Time spent: 2 hours" in m for m in shown)
    assert any("has not submitted an assessment since" in m for m in shown)

    after = submitted_assessment(world, round_label="2026 to 2027")
    with world.db.transaction() as session:
        session.execute(
            update(Assessment)
            .where(Assessment.id == after.assessment_id)
            .values(submitted_at=datetime.now(UTC) + timedelta(days=1))
        )
        session.execute(
            update(AgreedRating)
            .where(
                AgreedRating.assessment_id == after.assessment_id,
                AgreedRating.practice_id == after.practice_ids[key],
            )
            .values(level=4)
        )
    at = app_as(world, "member", "screens/your_requests.py").run()
    [moves] = [t.value for t in at.table if "Change" in t.value.columns]
    assert moves["Change"].tolist() == ["Moved up"]
    assert moves["Before (2025 to 2026)"].tolist() == ["3 Learning"]
    assert moves["After (2026 to 2027)"].tolist() == ["4 Developing"]

    # The consultant sees it beside the team's next request.
    _request(world)
    at = app_as(world, "consultant", "screens/triage.py").run()
    [earlier] = [t.value for t in at.table if "Since then" in t.value.columns]
    assert earlier["Since then"].tolist() == [
        "1 of 1 practice aimed at moved up by the team's 2026 to 2027 assessment."
    ]


@pytest.mark.parametrize("who", ["member", "lead", "champion", "admin"])
def test_only_consultants_reach_the_outcome_form(world: World, who: str) -> None:
    request_id = _request(world)
    at = app_as(world, who, "screens/triage.py").run()
    assert at.error
    assert not [t for t in at.text_area if t.key == f"outcome_help_{request_id}"]


def test_another_team_does_not_see_the_outcome(world: World) -> None:
    _record(world, _request(world), _first_keys(world, 1))
    at = app_as(world, "outsider", "screens/your_requests.py").run()
    assert "**Outcome**" not in [m.value for m in at.markdown]
    assert any("has not asked the hub for help yet" in m.value for m in at.markdown)
