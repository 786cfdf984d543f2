"""Withdrawing access: deactivating people, removing roles, changing and resetting passwords.

On SQLite and PostgreSQL. Each change is audited.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import World, build_world
from ue_core.authz import AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, Membership, Role
from ue_core.services import accounts, sign_in_sessions

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def world(any_db: Database) -> World:
    return build_world(any_db)


def _actions(db: Database, user_id: int) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user_id)
                .order_by(AuditEvent.id)
            )
        )


def test_a_deactivated_person_is_refused_everywhere_until_reactivated(world: World) -> None:
    admin, member = world.actor("admin"), world.actor("member")
    accounts.deactivate_user(world.db, admin, user_id=member.user_id)

    # The open session looks the person up again on its next run, and finds no one.
    assert accounts.actor_for_email(world.db, member.email) is None
    assert accounts.authenticate(world.db, member.email, PASSWORD) is None

    accounts.reactivate_user(world.db, admin, user_id=member.user_id)
    again = accounts.authenticate(world.db, member.email, PASSWORD)
    assert again is not None and again.roles == {Role.MEMBER}
    assert _actions(world.db, member.user_id)[-4:-1] == [
        "deactivate_user",
        "sign_in_failed",
        "reactivate_user",
    ]


def test_only_admins_withdraw_access_and_not_from_themselves(world: World) -> None:
    admin, lead = world.actor("admin"), world.actor("lead")
    member = world.actor("member")
    with pytest.raises(AccessDenied):
        accounts.deactivate_user(world.db, lead, user_id=member.user_id)
    with pytest.raises(AccessDenied):
        accounts.issue_password_reset(world.db, world.actor("consultant"), user_id=lead.user_id)
    with pytest.raises(accounts.AccountError, match="your own account"):
        accounts.deactivate_user(world.db, admin, user_id=admin.user_id)
    own_admin_role = _membership_ids(world.db, admin.user_id)[0]
    with pytest.raises(accounts.AccountError, match="your own admin role"):
        accounts.remove_role(world.db, admin, membership_id=own_admin_role)
    assert accounts.actor_for_email(world.db, member.email) is not None


def _membership_ids(db: Database, user_id: int) -> list[int]:
    with db.read() as session:
        return list(
            session.scalars(
                select(Membership.id).where(Membership.user_id == user_id).order_by(Membership.id)
            )
        )


def test_removing_a_role_takes_its_access_away_at_once(world: World) -> None:
    admin, lead = world.actor("admin"), world.actor("lead")
    accounts.add_role(world.db, admin, user_id=lead.user_id, role=Role.CONSULTANT)
    lead_role = _membership_ids(world.db, lead.user_id)[0]

    accounts.remove_role(world.db, admin, membership_id=lead_role)

    now = accounts.actor_for_email(world.db, lead.email)
    assert now is not None and now.roles == {Role.CONSULTANT}
    assert _actions(world.db, lead.user_id)[-1] == "remove_role"
    with pytest.raises(accounts.AccountError, match="already been removed"):
        accounts.remove_role(world.db, admin, membership_id=lead_role)


def test_a_person_changes_their_own_password(world: World) -> None:
    member = world.actor("member")
    with pytest.raises(accounts.AccountError, match="current password is not right"):
        accounts.change_password(
            world.db, member, current_password="not my password", new_password=NEW_PASSWORD
        )
    with pytest.raises(accounts.AccountError, match="at least 12"):
        accounts.change_password(world.db, member, current_password=PASSWORD, new_password="short")
    accounts.change_password(world.db, member, current_password=PASSWORD, new_password=NEW_PASSWORD)
    assert accounts.authenticate(world.db, member.email, PASSWORD) is None
    assert accounts.authenticate(world.db, member.email, NEW_PASSWORD) is not None
    assert "change_password" in _actions(world.db, member.user_id)


def test_a_reset_code_sets_a_new_password_once_and_expires(world: World) -> None:
    admin, member = world.actor("admin"), world.actor("member")
    issued = datetime(2026, 5, 1, 9, tzinfo=UTC)
    reset = accounts.issue_password_reset(world.db, admin, user_id=member.user_id, now=issued)
    # Until it is used the old password still works: issuing a code locks nobody out.
    assert accounts.authenticate(world.db, member.email, PASSWORD) is not None

    with pytest.raises(accounts.AccountError, match="does not work"):
        accounts.redeem_password_reset(
            world.db, email="lead@test.example", code=reset.code, new_password=NEW_PASSWORD
        )
    accounts.redeem_password_reset(
        world.db,
        email=member.email,
        code=reset.code,
        new_password=NEW_PASSWORD,
        now=issued + timedelta(hours=1),
    )
    assert accounts.authenticate(world.db, member.email, PASSWORD) is None
    assert accounts.authenticate(world.db, member.email, NEW_PASSWORD) is not None
    with pytest.raises(accounts.AccountError, match="does not work"):
        accounts.redeem_password_reset(
            world.db,
            email=member.email,
            code=reset.code,
            new_password="yet another passphrase",
            now=issued + timedelta(hours=2),
        )

    late = accounts.issue_password_reset(world.db, admin, user_id=member.user_id, now=issued)
    with pytest.raises(accounts.AccountError, match="does not work"):
        accounts.redeem_password_reset(
            world.db,
            email=member.email,
            code=late.code,
            new_password="yet another passphrase",
            now=issued + accounts.RESET_CODE_LIFETIME + timedelta(seconds=1),
        )
    assert _actions(world.db, member.user_id).count("password_reset_failed") == 2
    assert "redeem_password_reset" in _actions(world.db, member.user_id)


def test_a_new_reset_code_cancels_the_earlier_one(world: World) -> None:
    admin, member = world.actor("admin"), world.actor("member")
    first = accounts.issue_password_reset(world.db, admin, user_id=member.user_id)
    second = accounts.issue_password_reset(world.db, admin, user_id=member.user_id)
    with pytest.raises(accounts.AccountError, match="does not work"):
        accounts.redeem_password_reset(
            world.db, email=member.email, code=first.code, new_password=NEW_PASSWORD
        )
    accounts.redeem_password_reset(
        world.db, email=member.email, code=second.code, new_password=NEW_PASSWORD
    )


def test_deactivating_or_resetting_ends_every_sign_in_session(world: World) -> None:
    admin, member = world.actor("admin"), world.actor("member")
    phone, laptop = sign_in_sessions.new_token(), sign_in_sessions.new_token()
    sign_in_sessions.start_session(world.db, member, phone)
    sign_in_sessions.start_session(world.db, member, laptop)

    accounts.deactivate_user(world.db, admin, user_id=member.user_id)
    accounts.reactivate_user(world.db, admin, user_id=member.user_id)
    # Reactivating does not bring the old sessions back: the person signs in again.
    assert sign_in_sessions.actor_for_session(world.db, phone) is None
    assert sign_in_sessions.actor_for_session(world.db, laptop) is None

    tablet = sign_in_sessions.new_token()
    sign_in_sessions.start_session(world.db, member, tablet)
    reset = accounts.issue_password_reset(world.db, admin, user_id=member.user_id)
    accounts.redeem_password_reset(
        world.db, email=member.email, code=reset.code, new_password=NEW_PASSWORD
    )
    assert sign_in_sessions.actor_for_session(world.db, tablet) is None
