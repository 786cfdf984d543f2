"""Triage suggestions for a stored request on SQLite and PostgreSQL: the practice area with
its confidence and why, "needs a person" for an unrelated request, and hub consultants only."""

from __future__ import annotations

import pytest

from tests.factories import World, build_world
from ue_core.authz import AccessDenied
from ue_core.db.engine import Database
from ue_core.errors import NotFound
from ue_core.framework import PRACTICE_AREA_LABELS
from ue_core.services import support, triage_suggestions
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    return build_world(any_db)


def _request(world: World, subject: str, text: str) -> int:
    return support.submit_request(world.db, world.actor("member"), world.team_id, subject, text)


def test_a_request_gets_its_practice_area_with_a_confidence_and_why(world: World) -> None:
    request_id = _request(
        world,
        "Who uses our statistics?",
        "We want to know who uses our statistics, what they use them for and which users we miss.",
    )
    found = triage_suggestions.suggest_for_request(world.db, world.actor("consultant"), request_id)
    assert found.request_id == request_id
    assert found.best_guess == "understand"
    assert found.best_guess_label == PRACTICE_AREA_LABELS["understand"]
    assert 0.0 <= found.confidence <= 1.0
    assert len(found.why) == triage_suggestions.WHY_COUNT
    assert all(text for text in found.why)
    assert [label for label, _ in found.alternatives] != []
    assert found.area in (None, "understand")


def test_an_unrelated_request_needs_a_person(world: World) -> None:
    request_id = _request(world, "Lunch", "Which sandwich shop near the office opens earliest?")
    found = triage_suggestions.suggest_for_request(world.db, world.actor("consultant"), request_id)
    assert found.needs_person
    assert found.area is None


def test_only_hub_staff_get_suggestions(world: World) -> None:
    request_id = _request(world, "Survey help", "Please help us plan a survey of our data users.")
    with pytest.raises(AccessDenied):
        triage_suggestions.suggest_for_request(world.db, world.actor("member"), request_id)
    with pytest.raises(NotFound):
        triage_suggestions.suggest_for_request(world.db, world.actor("consultant"), 10_000)
