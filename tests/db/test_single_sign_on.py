"""Single sign-on binds an account to the sign-in service's account on first sign-in and
refuses a different one afterwards; every outcome is audited. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import World, build_world
from ue_core.authz import SYSTEM
from ue_core.config import OidcTrust
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, User
from ue_core.services import accounts, sign_in

ISSUER = "https://login.example/v2.0"
TRUST = OidcTrust(issuer=ISSUER)


@pytest.fixture
def world(any_db: Database) -> World:
    return build_world(any_db)


def _claims(email: str, sub: str, **more: object) -> dict[str, object]:
    return {"iss": ISSUER, "sub": sub, "email": email, "email_verified": True, **more}


def _events(db: Database, action: str) -> list[dict[str, Any]]:
    with db.read() as session:
        return [
            event.after or {}
            for event in session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


def _bound(db: Database, email: str) -> tuple[str | None, str | None]:
    with db.read() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        return user.oidc_issuer, user.oidc_subject


def test_first_sign_in_binds_the_account_and_later_ones_use_it(world: World) -> None:
    lead = world.actor("lead")
    actor = sign_in.sign_in_with_oidc(world.db, _claims("LEAD@test.example", "sub-1"), TRUST)
    assert actor == lead
    assert _bound(world.db, lead.email) == (ISSUER, "sub-1")
    assert _events(world.db, "link_single_sign_on") == [{"issuer": ISSUER, "subject": "sub-1"}]

    assert sign_in.sign_in_with_oidc(world.db, _claims(lead.email, "sub-1"), TRUST) == lead
    assert len(_events(world.db, "link_single_sign_on")) == 1
    assert sign_in.actor_for_identity(world.db, ISSUER, "sub-1") == lead
    assert sign_in.actor_for_identity(world.db, ISSUER, "sub-2") is None


def test_a_different_sub_for_a_bound_email_is_refused_and_audited(world: World) -> None:
    lead = world.actor("lead")
    sign_in.sign_in_with_oidc(world.db, _claims(lead.email, "sub-1"), TRUST)
    with pytest.raises(sign_in.SignInRefused) as refused:
        sign_in.sign_in_with_oidc(world.db, _claims(lead.email, "sub-2"), TRUST)
    assert str(refused.value) == sign_in.ALREADY_LINKED
    assert _bound(world.db, lead.email) == (ISSUER, "sub-1")
    failures = _events(world.db, "sign_in_failed")
    assert failures[-1]["email"] == lead.email
    assert "'sub-2'" in failures[-1]["reason"]


def test_one_sign_in_account_cannot_be_bound_to_two_people(world: World) -> None:
    sign_in.sign_in_with_oidc(world.db, _claims("lead@test.example", "sub-1"), TRUST)
    with pytest.raises(sign_in.SignInRefused) as refused:
        sign_in.sign_in_with_oidc(world.db, _claims("member@test.example", "sub-1"), TRUST)
    assert str(refused.value) == sign_in.ACCOUNT_TAKEN
    assert _bound(world.db, "member@test.example") == (None, None)


def test_refused_claims_bind_nothing_and_are_audited(world: World) -> None:
    with pytest.raises(sign_in.SignInRefused) as refused:
        sign_in.sign_in_with_oidc(
            world.db, _claims("lead@test.example", "sub-1", email_verified=False), TRUST
        )
    assert str(refused.value) == sign_in.UNVERIFIED_EMAIL
    with pytest.raises(sign_in.SignInRefused):
        sign_in.sign_in_with_oidc(
            world.db, _claims("lead@test.example", "sub-1", iss="https://other.example"), TRUST
        )
    assert _bound(world.db, "lead@test.example") == (None, None)
    reasons = [event["reason"] for event in _events(world.db, "sign_in_failed")]
    assert "email_verified is False" in reasons[0]
    assert "'https://other.example'" in reasons[1]


def test_no_account_and_deactivated_accounts_do_not_sign_in(world: World) -> None:
    assert sign_in.sign_in_with_oidc(world.db, _claims("new@test.example", "s"), TRUST) is None
    lead = world.actor("lead")
    sign_in.sign_in_with_oidc(world.db, _claims(lead.email, "sub-1"), TRUST)
    accounts.deactivate_user(world.db, SYSTEM, user_id=lead.user_id)
    assert sign_in.actor_for_identity(world.db, ISSUER, "sub-1") is None
    assert sign_in.sign_in_with_oidc(world.db, _claims(lead.email, "sub-1"), TRUST) is None
