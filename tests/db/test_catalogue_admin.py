"""Admins edit library entries in the app; file syncs leave their edits alone."""

from __future__ import annotations

import pytest

from tests.factories import build_world
from ue_core.authz import AccessDenied
from ue_core.db.engine import Database
from ue_core.errors import ConflictError, InputError
from ue_core.services import catalogue_admin
from ue_core.services.library import browse, catalogue


def test_admin_edit_survives_a_file_sync_until_restored(any_db: Database) -> None:
    world = build_world(any_db)
    admin = world.actor("admin")
    entry = catalogue_admin.library_entries(any_db, admin)[0]
    catalogue_admin.edit_entry(
        any_db,
        admin,
        entry.slug,
        title="A clearer title",
        summary="One plain sentence.",
        is_active=False,
        expected_version=entry.version,
    )
    catalogue.sync_catalogue(any_db, admin)
    [edited] = [e for e in catalogue_admin.library_entries(any_db, admin) if e.slug == entry.slug]
    assert (edited.title, edited.summary, edited.is_active) == (
        "A clearer title",
        "One plain sentence.",
        False,
    )
    assert edited.edited_by == "Admin" and edited.edited_at is not None
    hidden = browse.search(any_db, world.actor("member"), query="A clearer title")
    assert all(item.slug != entry.slug for item in hidden)

    catalogue_admin.restore_file_version(any_db, admin, entry.slug)
    [restored] = [e for e in catalogue_admin.library_entries(any_db, admin) if e.slug == entry.slug]
    assert (restored.title, restored.is_active, restored.edited_at) == (entry.title, True, None)


def test_second_admin_with_a_stale_page_gets_a_conflict(any_db: Database) -> None:
    world = build_world(any_db)
    admin = world.actor("admin")
    entry = catalogue_admin.library_entries(any_db, admin)[0]
    catalogue_admin.edit_entry(
        any_db,
        admin,
        entry.slug,
        title="First",
        summary="First change.",
        is_active=True,
        expected_version=entry.version,
    )
    with pytest.raises(ConflictError) as conflict:
        catalogue_admin.edit_entry(
            any_db,
            admin,
            entry.slug,
            title="Second",
            summary="Second change.",
            is_active=True,
            expected_version=entry.version,
        )
    assert conflict.value.current["title"] == "First"


def test_only_admins_edit_and_summaries_are_checked(any_db: Database) -> None:
    world = build_world(any_db)
    with pytest.raises(AccessDenied):
        catalogue_admin.library_entries(any_db, world.actor("consultant"))
    entry = catalogue_admin.library_entries(any_db, world.actor("admin"))[0]
    with pytest.raises(InputError, match="one to four sentences"):
        catalogue_admin.edit_entry(
            any_db,
            world.actor("admin"),
            entry.slug,
            title="T",
            summary="",
            is_active=True,
            expected_version=entry.version,
        )
