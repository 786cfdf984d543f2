"""Similar and duplicate requests on SQLite and PostgreSQL: the duplicate flag (same team, similar,
still open), the hub's similar requests and search by meaning, and an index that is never stale."""

from __future__ import annotations

import numpy as np
import pytest

from tests.factories import World, build_world, resolve_request
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import SupportRequest
from ue_core.errors import InputError
from ue_core.services import conversation, support
from ue_core.services.requests import rating, request_index, similar
from ue_core.similar_requests import request_text, text_hash
from ue_core.themes import BACKEND_ENV_VAR, MINILM_ONNX, TFIDF_LSA, backend_status
from ue_core.themes.embedding import normalise_rows
from ue_core.vocabulary import RequestStatus

USER_GROUP = (
    "Setting up a user group",
    "We would like to start a user group for our house price statistics. "
    "Who should be on the user group and how often should it meet?",
)
AGAIN = ("Starting a user group", "Who should be in a user group for house price statistics?")
CHARTS = (
    "Accessible charts",
    "Which colours and chart styles can people with low vision read easily?",
)


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    return build_world(any_db)


def _send(world: World, request: tuple[str, str], who: str = "member") -> int:
    team_id = world.other_team_id if who == "outsider" else world.team_id
    subject, text = request
    return support.submit_request(world.db, world.actor(who), team_id, subject, text)


def _duplicate(world: World, who: str = "member") -> similar.PossibleDuplicate | None:
    team_id = world.other_team_id if who == "outsider" else world.team_id
    return similar.open_duplicate(world.db, world.actor(who), team_id, *AGAIN)


def test_a_team_is_warned_of_its_own_open_request_only(world: World) -> None:
    assert _duplicate(world) is None
    _send(world, CHARTS)
    assert _duplicate(world) is None  # not similar
    theirs = _send(world, USER_GROUP, who="outsider")
    assert _duplicate(world) is None  # another team's
    assert _duplicate(world, who="outsider") == similar.PossibleDuplicate(
        theirs,
        USER_GROUP[0],
        support.team_request(world.db, SYSTEM, theirs).created_at,
        pytest.approx(_duplicate(world, who="outsider").score),  # type: ignore[union-attr]
    )
    ours = _send(world, USER_GROUP)
    found = _duplicate(world)
    assert found is not None and found.request_id == ours and found.subject == USER_GROUP[0]
    resolve_request(world, ours, "Shared the guide to user groups.")
    assert _duplicate(world) is None  # resolved: no longer open
    with pytest.raises(AccessDenied):
        similar.open_duplicate(world.db, world.actor("outsider"), world.team_id, *AGAIN)


def test_the_hub_sees_similar_requests_with_outcomes_and_the_duplicate(world: World) -> None:
    earlier = _send(world, USER_GROUP)
    resolve_request(world, earlier, "Shared the guide to user groups.")
    rating.rate_request(world.db, world.actor("member"), earlier, 5)
    _send(world, CHARTS, who="outsider")
    still_open = _send(world, USER_GROUP)
    opened = _send(world, AGAIN)

    found = similar.similar_requests(world.db, world.actor("consultant"), opened)
    by_id = {m.request_id: m for m in found.matches}
    assert opened not in by_id and set(by_id) == {earlier, still_open}
    assert [m.score for m in found.matches] == sorted(
        (m.score for m in found.matches), reverse=True
    )
    resolved = by_id[earlier]
    assert (resolved.status, resolved.resolution, resolved.rating_label) == (
        RequestStatus.RESOLVED,
        "Shared the guide to user groups.",
        "Very good",
    )
    assert resolved.team_name == "Test team"
    assert found.duplicate is not None and found.duplicate.request_id == still_open
    with pytest.raises(AccessDenied):
        similar.similar_requests(world.db, world.actor("member"), opened)


def test_search_by_meaning_lists_matches_with_scores(world: World) -> None:
    group = _send(world, USER_GROUP)
    _send(world, CHARTS, who="outsider")
    found = similar.search_by_meaning(world.db, world.actor("consultant"), "user group members")
    assert [m.request_id for m in found] == [group]
    assert 0 < found[0].score <= 1
    with pytest.raises(InputError, match="Type a few words"):
        similar.search_by_meaning(world.db, world.actor("consultant"), " ?! ")


def test_the_index_follows_new_and_edited_requests(world: World) -> None:
    consultant = world.actor("consultant")
    assert similar.search_by_meaning(world.db, consultant, "low vision charts") == ()
    charts = _send(world, CHARTS)
    assert [m.request_id for m in similar.search_by_meaning(world.db, consultant, "charts")] == [
        charts
    ]
    with world.db.transaction() as session:
        request = session.get(SupportRequest, charts)
        assert request is not None
        request.subject, request.text = USER_GROUP
    assert similar.search_by_meaning(world.db, consultant, "low vision charts") == ()
    assert [
        m.request_id for m in similar.search_by_meaning(world.db, consultant, "user group")
    ] == [charts]


def test_internal_notes_are_never_searched(world: World) -> None:
    request_id = _send(world, CHARTS, who="outsider")
    conversation.post_note(
        world.db, world.actor("consultant"), request_id, "Zebra tabulation quokka budget."
    )
    resolve_request(world, request_id, "Shared the chart guidance.")
    assert similar.search_by_meaning(world.db, world.actor("consultant"), "zebra quokka") == ()
    assert (
        similar.answered_like(
            world.db,
            world.actor("member"),
            world.team_id,
            "Zebra quokka",
            "Zebra tabulation quokka",
        )
        == ()
    )
    [answered] = similar.answered_like(world.db, world.actor("member"), world.team_id, *CHARTS)
    assert answered == similar.AnsweredRequest(CHARTS[0], "Shared the chart guidance.", False)


@pytest.mark.skipif(backend_status()[MINILM_ONNX] is not None, reason="MiniLM is not installed")
def test_a_reworded_request_is_a_duplicate_by_meaning(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, MINILM_ONNX)
    world = build_world(any_db)
    ours = _send(world, USER_GROUP)
    found = similar.open_duplicate(
        world.db,
        world.actor("member"),
        world.team_id,
        "Starting a users' group",
        "How do we get a group of users together for the house price index, and how many "
        "times a year should they meet?",
    )
    assert found is not None and found.request_id == ours
    assert _duplicate(world, who="outsider") is None


def test_sentence_vectors_are_cached_by_request_and_text(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only new or edited texts are embedded again; a status change embeds nothing."""
    embedded: list[str] = []

    def fake_embed(texts: list[str], backend: str) -> tuple[np.ndarray, str]:
        embedded.extend(texts)
        rows = [np.random.default_rng(int(text_hash(t)[:8], 16)).normal(size=8) for t in texts]
        return normalise_rows(np.array(rows)), backend

    monkeypatch.setattr(request_index, "choose_backend", lambda: MINILM_ONNX)
    monkeypatch.setattr(request_index, "embed_texts", fake_embed)
    request_index._embed_query.cache_clear()
    world = build_world(db)
    try:
        first, _second = _send(world, USER_GROUP), _send(world, CHARTS)
        similar.search_by_meaning(world.db, world.actor("consultant"), "user group")
        assert len(embedded) == 3  # two requests and the query
        embedded.clear()
        third = _send(world, AGAIN)
        found = similar.similar_requests(world.db, world.actor("consultant"), third)
        assert embedded == [request_text(*AGAIN)]
        assert found.duplicate is None or found.duplicate.request_id == first
        embedded.clear()
        resolve_request(world, first, "Shared the guide.")
        similar.similar_requests(world.db, world.actor("consultant"), third)
        assert embedded == []
        with world.db.transaction() as session:
            request = session.get(SupportRequest, first)
            assert request is not None
            request.text = "A different text about surveys."
        similar.similar_requests(world.db, world.actor("consultant"), third)
        assert embedded == [request_text(USER_GROUP[0], "A different text about surveys.")]
    finally:
        request_index._embed_query.cache_clear()
