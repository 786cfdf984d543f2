"""The triage screen's cached read models are never stale: each test reads (filling the cache),
changes the data through a service, and reads the new value at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.factories import World, build_world
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.services import catalogue_admin, support, triage_suggestions
from ue_core.services.frameworks import current_version_id, framework_for_version, sync_framework
from ue_core.services.library import catalogue
from ue_core.services.requests import triage
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    return build_world(any_db)


def _histories(world: World) -> triage_suggestions._Histories:
    with world.db.read() as session:
        return triage_suggestions._histories(world.db, session)


def test_a_confirmed_triage_reaches_the_cached_histories_at_once(world: World) -> None:
    consultant = world.actor("consultant")
    request_id = support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Survey of our users",
        "Please help us design a survey of the people who use our statistics.",
    )
    found = triage_suggestions.suggest_triage(world.db, consultant, request_id)
    before = _histories(world)
    assert before is _histories(world)  # a second read with no change is served from memory
    assert request_id not in {c.request_id for c in before.areas}

    triage.confirm_triage(
        world.db,
        consultant,
        request_id,
        ["understand"],
        "survey_design",
        "normal",
        None,
        found.version,
    )

    after = _histories(world)
    assert after is not before
    assert [c.labels for c in after.areas if c.request_id == request_id] == [("understand",)]
    assert [c.labels for c in after.kinds if c.request_id == request_id] == [("survey_design",)]


def _edit(world: World, slug: str, *, is_active: bool) -> None:
    [entry] = [
        e for e in catalogue_admin.library_entries(world.db, world.actor("admin")) if e.slug == slug
    ]
    catalogue_admin.edit_entry(
        world.db,
        world.actor("admin"),
        slug,
        title="A title changed just now",
        summary="One plain sentence.",
        is_active=is_active,
        expected_version=entry.version,
    )


def test_an_edited_library_entry_is_read_again_at_once(world: World) -> None:
    slug = catalogue_admin.library_entries(world.db, world.actor("admin"))[0].slug
    assert any(item.slug == slug for item in catalogue._items(world.db))
    _edit(world, slug, is_active=True)
    titles = {item.slug: item.resource.title for item in catalogue._items(world.db)}
    assert titles[slug] == "A title changed just now"
    _edit(world, slug, is_active=False)
    assert all(item.slug != slug for item in catalogue._items(world.db))


def test_a_stored_framework_version_is_validated_once_and_read_as_stored(world: World) -> None:
    sync_framework(world.db, SYSTEM)
    with world.db.read() as session:
        version_id = current_version_id(session)
        assert version_id is not None
        first = framework_for_version(session, version_id)
        again = framework_for_version(session, version_id)
        with pytest.raises(LookupError):
            framework_for_version(session, version_id + 1_000)
    assert again is first
    assert first.principles
