"""The sign-in check's one-query Actor is the Actor the ORM read gives, on SQLite and
PostgreSQL: every role with its team or organisation, in the same order; nobody deactivated."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tests.factories import World, build_world
from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.models import Membership, Role, Team, User
from ue_core.services import accounts


def _orm_actor(db: Database, email: str) -> accounts.Actor:
    with db.read() as session:
        user = session.scalar(
            select(User)
            .where(User.email == email)
            .options(
                selectinload(User.memberships)
                .selectinload(Membership.team)
                .selectinload(Team.organisation),
                selectinload(User.memberships).selectinload(Membership.organisation),
            )
        )
        assert user is not None
        return accounts.actor_from_user(user)


def test_every_person_reads_as_the_orm_reads_them(any_db: Database) -> None:
    world: World = build_world(any_db)
    champion = world.actor("champion")
    # One person with roles of every scope: a team, an organisation and the hub.
    accounts.add_role(
        any_db, SYSTEM, user_id=champion.user_id, role=Role.MEMBER, team_id=world.other_team_id
    )
    accounts.add_role(any_db, SYSTEM, user_id=champion.user_id, role=Role.CONSULTANT)
    for name in ("member", "lead", "champion", "consultant", "admin"):
        email = f"{name}@test.example"
        fast = accounts.actor_for_email(any_db, email.upper())
        assert fast == _orm_actor(any_db, email)
        assert fast is not None and accounts.actor_for_user_id(any_db, fast.user_id) == fast
    assert len(accounts.actor_for_email(any_db, "champion@test.example").memberships) == 3  # type: ignore[union-attr]

    accounts.deactivate_user(any_db, SYSTEM, user_id=world.actor("member").user_id)
    assert accounts.actor_for_email(any_db, "member@test.example") is None
    assert accounts.actor_for_email(any_db, "nobody@test.example") is None
