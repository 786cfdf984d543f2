"""Confirming a request's triage on SQLite and PostgreSQL: practice areas, kind, priority and
consultant saved in one transaction, the status moved on and recorded, audited; a stale
version and a bad area refused with clear messages; consultants' declared skills; and the
area router learning from the confirmed history."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.factories import World, build_world
from ue_core.authz import AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, RequestPracticeArea, RequestStatusChange
from ue_core.errors import ConflictError, InputError
from ue_core.services import support, triage_suggestions
from ue_core.services.requests import skills, triage
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA
from ue_core.vocabulary import RequestPriority, RequestStatus

#: Requests about two areas, confirmed, so the router has history to learn from.
HISTORY = (
    (
        "Release calendar",
        "Where should we announce our release calendar to reach users?",
        "promote",
    ),
    ("Bulletin reach", "How can we promote our bulletin so more users find it?", "promote"),
    ("Social media", "Help us promote the statistics on social media channels.", "promote"),
    (
        "Feedback form",
        "We collect feedback from users and want to listen to what they say.",
        "listen",
    ),
    ("User comments", "How do we record and listen to the comments users send us?", "listen"),
    ("Complaints", "Users complain by e-mail; how do we listen and log what they say?", "listen"),
)


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    return build_world(any_db)


def _request(world: World, subject: str = "Survey help", text: str = "") -> int:
    text = text or "Please help us plan a survey of the people who use our statistics."
    return support.submit_request(world.db, world.actor("member"), world.team_id, subject, text)


def _version(world: World, request_id: int) -> int:
    return support.team_request(world.db, world.actor("member"), request_id).version


def _confirm(world: World, request_id: int, areas: list[str], **changes: object) -> object:
    values: dict[str, object] = {
        "kind": "survey_design",
        "priority": "normal",
        "assignee_id": None,
        "expected_version": _version(world, request_id),
        **changes,
    }
    return triage.confirm_triage(
        world.db,
        world.actor("consultant"),
        request_id,
        areas,
        **values,  # type: ignore[arg-type]
    )


def test_confirming_saves_areas_kind_priority_and_assignee_in_one_go(world: World) -> None:
    request_id = _request(world)
    consultant = world.actor("consultant")
    assert triage.confirmed_triage(world.db, consultant, request_id) is None
    saved = triage.confirm_triage(
        world.db,
        consultant,
        request_id,
        ["understand", "listen"],
        "survey_design",
        "high",
        consultant.user_id,
        _version(world, request_id),
    )
    assert saved.areas == ("listen", "understand")
    assert saved.priority is RequestPriority.HIGH
    assert saved.status is RequestStatus.ASSIGNED
    assert saved.assignee_name == "Consultant"
    assert "high priority" in saved.summary
    assert triage.confirmed_triage(world.db, consultant, request_id) == saved
    view = support.team_request(world.db, world.actor("member"), request_id)
    assert view.status is RequestStatus.ASSIGNED and view.first_response_at is not None
    with world.db.read() as session:
        statuses = session.scalars(
            select(RequestStatusChange.status)
            .where(RequestStatusChange.request_id == request_id)
            .order_by(RequestStatusChange.id)
        ).all()
        assert statuses == ["new", "assigned"]
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == request_id)
        ).all()
        assert "confirm_triage" in actions


def test_without_a_consultant_the_request_is_triaged_and_areas_are_replaced(world: World) -> None:
    request_id = _request(world)
    first = _confirm(world, request_id, ["listen"])
    assert isinstance(first, triage.ConfirmedTriage)
    assert first.status is RequestStatus.TRIAGED
    again = _confirm(world, request_id, ["act"], priority="low")
    assert isinstance(again, triage.ConfirmedTriage)
    assert again.areas == ("act",) and again.priority is RequestPriority.LOW
    with world.db.read() as session:
        areas = session.scalars(
            select(RequestPracticeArea.area).where(RequestPracticeArea.request_id == request_id)
        ).all()
    assert areas == ["act"]


def test_a_stale_version_is_refused_and_nothing_is_saved(world: World) -> None:
    request_id = _request(world)
    stale = _version(world, request_id)
    _confirm(world, request_id, ["listen"])
    with pytest.raises(ConflictError, match="Someone else changed this request") as conflict:
        _confirm(world, request_id, ["act"], expected_version=stale)
    assert conflict.value.current == {
        "status": "Triaged",
        "practice areas": "Listen to what users say",
        "priority": "Normal",
        "consultant": "Nobody yet",
    }
    confirmed = triage.confirmed_triage(world.db, world.actor("consultant"), request_id)
    assert confirmed is not None and confirmed.areas == ("listen",)


@pytest.mark.parametrize(
    ("areas", "changes", "message"),
    [
        (["lunch"], {}, "'lunch' is not a practice area of the framework. Choose from: Promote"),
        ([], {}, "Choose at least one practice area"),
        (["listen"], {"kind": "picnic"}, "Choose the kind of help"),
        (["listen"], {"priority": "urgent"}, "Choose a priority: high, normal or low."),
    ],
)
def test_bad_input_gets_a_clear_message(
    world: World, areas: list[str], changes: dict[str, object], message: str
) -> None:
    request_id = _request(world)
    with pytest.raises(InputError, match=message):
        _confirm(world, request_id, areas, **changes)
    assert triage.confirmed_triage(world.db, world.actor("consultant"), request_id) is None


def test_only_consultants_can_be_assigned_and_only_hub_staff_confirm(world: World) -> None:
    request_id = _request(world)
    with pytest.raises(InputError, match="only be assigned to hub consultants"):
        _confirm(world, request_id, ["listen"], assignee_id=world.actor("member").user_id)
    with pytest.raises(AccessDenied):
        triage.confirm_triage(
            world.db, world.actor("member"), request_id, ["listen"], "advice", "low", None, 1
        )


def test_declared_skills_and_load_choose_the_consultant(world: World) -> None:
    consultant = world.actor("consultant")
    seen = skills.skills_of(world.db, consultant, consultant.user_id)
    assert seen.areas == frozenset() and seen.kinds == frozenset()
    saved = skills.set_skills(
        world.db, consultant, consultant.user_id, ["understand"], ["survey_design"], expected=seen
    )
    assert saved.areas == {"understand"} and saved.kinds == {"survey_design"}
    with pytest.raises(ConflictError):
        skills.set_skills(world.db, consultant, consultant.user_id, [], [], expected=seen)
    with pytest.raises(InputError, match="not a practice area"):
        skills.set_skills(world.db, consultant, consultant.user_id, ["x"], [], expected=saved)
    admin = world.actor("admin")
    with pytest.raises(InputError, match="Only hub consultants"):
        skills.set_skills(world.db, admin, admin.user_id, ["act"], [], expected=seen)
    with pytest.raises(AccessDenied):
        skills.skills_of(world.db, consultant, admin.user_id)
    assert [c.name for c in skills.hub_consultants(world.db, admin)] == ["Consultant"]

    request_id = _request(world, "Who uses our data?", "We want to understand who uses our data.")
    found = triage_suggestions.suggest_triage(world.db, consultant, request_id)
    assert found.consultant.best_guess == consultant.user_id
    assert found.consultant.why[0].startswith("Declares")


def test_suggestions_learn_from_confirmed_history(world: World) -> None:
    consultant = world.actor("consultant")
    cold_request = _request(world, "Bulletin", "How do we promote our bulletin to more users?")
    cold = triage_suggestions.suggest_for_request(world.db, consultant, cold_request)
    assert not cold.learned and cold.past == ()
    ids = []
    for subject, text, area in HISTORY:
        request_id = _request(world, subject, text)
        _confirm(world, request_id, [area], kind="advice")
        ids.append(request_id)
    learned = triage_suggestions.suggest_for_request(world.db, consultant, cold_request)
    assert learned.learned
    assert learned.best_guess == "promote"
    assert {p.request_id for p in learned.past} <= set(ids[:3])
    assert learned.why[0] in {f"{s}. {t}" for s, t, _ in HISTORY}
    everything = triage_suggestions.suggest_triage(world.db, consultant, cold_request)
    assert everything.area.best_guess == "promote"
    assert 0.0 <= everything.priority.confidence <= 1.0
    assert everything.kind.team_kind == "other"
    assert everything.default_kind in {"other", everything.kind.best_guess}


def _confirm_at_once(world: World, request_id: int, version: int) -> list[object]:
    """Two confirmations of one request against one version, started together."""
    consultant = world.actor("consultant")
    start = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def confirm(index: int, area: str) -> None:
        start.wait()
        try:
            outcomes[index] = triage.confirm_triage(
                world.db,
                consultant,
                request_id,
                [area, "act"],
                "survey_design",
                "normal",
                None,
                version,
            )
        except Exception as error:  # the outcome under test, raised in another thread
            outcomes[index] = error

    threads = [
        threading.Thread(target=confirm, args=(i, area))
        for i, area in enumerate(("listen", "promote"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_consultants_confirming_one_request_at_once_one_is_told_of_the_other(
    world: World,
) -> None:
    """Found by the load benchmark: both passed the version check, and the second's practice
    areas broke the table's key (a raw database error) instead of being a conflict."""
    consultant = world.actor("consultant")
    for attempt in range(5):
        request_id = _request(world, subject=f"Survey help {attempt}")
        outcomes = _confirm_at_once(world, request_id, _version(world, request_id))
        errors = [o for o in outcomes if isinstance(o, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], ConflictError), outcomes
        saved = next(o for o in outcomes if isinstance(o, triage.ConfirmedTriage))
        assert triage.confirmed_triage(world.db, consultant, request_id) == saved
