"""The champions directory on both databases: adding and retiring champions keeps their terms,
contacts a champion hides are never shown to others, and a stale profile save is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from tests.factories import build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.champion_profiles import Contact, ProfileError, ProfileForm
from ue_core.db.engine import Database
from ue_core.db.migrate import alembic_config
from ue_core.db.models import AuditEvent, ChampionTerm, Membership, Role
from ue_core.errors import ConflictError, NotFound
from ue_core.services import accounts, champion_terms, champions
from ue_core.services.frameworks import sync_framework

START = date(2026, 4, 1)
END = date(2026, 10, 1)


def test_adding_and_retiring_a_champion_keeps_the_history(any_db: Database) -> None:
    sync_framework(any_db, SYSTEM)
    world = build_world(any_db)
    hub = world.actor("consultant")
    lead = world.actor("lead")
    champion_terms.add_champion(
        any_db, hub, user_id=lead.user_id, organisation_id=world.organisation_id, today=START
    )
    with pytest.raises(champion_terms.ChampionChangeError, match="already a champion"):
        champion_terms.add_champion(
            any_db, hub, user_id=lead.user_id, organisation_id=world.organisation_id, today=START
        )
    listed = champions.directory(
        any_db, world.actor("member"), organisation_id=world.organisation_id
    )
    assert [(c.name, c.since is not None) for c in listed] == [("Champion", True), ("Lead", True)]
    assert next(c for c in listed if c.name == "Lead").since == START

    champion_terms.retire_champion(
        any_db, hub, user_id=lead.user_id, organisation_id=world.organisation_id, today=END
    )
    with pytest.raises(NotFound):
        champion_terms.retire_champion(
            any_db, hub, user_id=lead.user_id, organisation_id=world.organisation_id, today=END
        )
    assert [c.name for c in champions.directory(any_db, hub)] == ["Champion"]
    history = champion_terms.champion_history(any_db, hub, organisation_id=world.organisation_id)
    assert [(t.name, t.ended_on) for t in history] == [("Champion", None), ("Lead", END)]
    past = history[1]
    assert (past.started_on, past.started_by, past.ended_by) == (START, "Consultant", "Consultant")
    with any_db.read() as session:
        roles = session.scalars(
            select(Membership.role).where(Membership.user_id == lead.user_id)
        ).all()
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == lead.user_id)
        ).all()
    assert Role.CHAMPION.value not in roles
    assert {"add_champion", "retire_champion"} <= set(actions)


def test_a_member_cannot_add_or_retire_a_champion(any_db: Database) -> None:
    world = build_world(any_db)
    member = world.actor("member")
    with pytest.raises(AccessDenied):
        champion_terms.add_champion(
            any_db,
            member,
            user_id=member.user_id,
            organisation_id=world.organisation_id,
            today=START,
        )
    with pytest.raises(AccessDenied):
        champion_terms.champion_history(any_db, world.actor("champion"))


def test_contacts_a_champion_hides_are_not_shown_to_others(any_db: Database) -> None:
    world = build_world(any_db)
    champion = world.actor("champion")
    form = ProfileForm(
        profession="Statistician",
        interests="Running user panels",
        areas=("listen", "promote"),
        phone="020 7946 0000",
        teams_handle="Champion (Test Statistics)",
        show_email=False,
        show_phone=True,
        show_teams=False,
    )
    assert champions.save_profile(any_db, champion, form, expected_version=0) == 1
    [card] = champions.your_champions(any_db, world.actor("member"))
    assert card.contacts == (Contact("Phone", "020 7946 0000"),)
    assert card.areas == ("promote", "listen")  # in the framework's order
    assert (card.profession, card.interests) == ("Statistician", "Running user panels")
    shown = repr(champions.directory(any_db, world.actor("outsider")))
    assert "champion@test.example" not in shown and "Champion (Test Statistics)" not in shown
    assert champions.directory(any_db, world.actor("outsider"), area="act") == []
    # The champion still sees everything they entered, to edit it.
    own = champions.own_profile(any_db, champion)
    assert own.form.teams_handle == "Champion (Test Statistics)" and own.version == 1
    # Another organisation's member does not get this champion on their home page.
    assert champions.your_champions(any_db, world.actor("outsider")) == []


def test_a_stale_profile_save_is_refused(any_db: Database) -> None:
    world = build_world(any_db)
    champion = world.actor("champion")
    champions.save_profile(any_db, champion, ProfileForm(profession="Analyst"), expected_version=0)
    with pytest.raises(ConflictError):
        champions.save_profile(
            any_db, champion, ProfileForm(profession="Economist"), expected_version=0
        )
    assert champions.own_profile(any_db, champion).form.profession == "Analyst"
    with pytest.raises(ProfileError, match="phone number"):
        champions.save_profile(any_db, champion, ProfileForm(show_phone=True), expected_version=1)
    with pytest.raises(AccessDenied):
        champions.save_profile(any_db, world.actor("member"), ProfileForm(), expected_version=0)


def test_giving_and_removing_the_role_in_admin_starts_and_ends_a_term(any_db: Database) -> None:
    world = build_world(any_db)
    with any_db.read() as session:
        membership_id = session.scalar(
            select(Membership.id).where(
                Membership.user_id == world.actor("champion").user_id,
                Membership.role == Role.CHAMPION.value,
            )
        )
    assert membership_id is not None
    accounts.remove_role(any_db, world.actor("admin"), membership_id=membership_id)
    with any_db.read() as session:
        term = session.scalars(select(ChampionTerm)).one()
    assert term.ended_on is not None and term.ended_by_id == world.actor("admin").user_id


def test_migration_backfills_terms_for_existing_champions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'terms.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0016")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisation (id, name, kind, created_at)"
                " VALUES (1, 'Org', 'department', '2026-01-01 09:00:00+00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO user_account (id, email, display_name, is_active, created_at,"
                " failed_sign_ins) VALUES (1, 'c@test.example', 'C', 1,"
                " '2026-01-01 09:00:00+00:00', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO membership (id, user_id, role, organisation_id)"
                " VALUES (1, 1, 'champion', 1)"
            )
        )
    command.upgrade(config, "0017")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT user_id, organisation_id, ended_on FROM champion_term")
        ).all()
    assert [tuple(r) for r in rows] == [(1, 1, None)]
    command.downgrade(config, "0016")
    command.upgrade(config, "head")
    engine.dispose()
