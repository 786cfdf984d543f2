"""Hub staff add and retire an organisation's champions; every term is kept, so the hub sees
who has been champion of each organisation and when.

Adding gives an existing person the champion role for the organisation and opens a term;
retiring ends the term and takes the role away, in one audited transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import ChampionTerm, Membership, Organisation, Role, User
from ue_core.errors import InputError, NotFound
from ue_core.services._champion_terms import _end_term, _start_term


class ChampionChangeError(InputError):
    """A champion cannot be added or retired as asked; the message says why."""


@dataclass(frozen=True)
class TermView:
    """One person's time as champion of one organisation (``ended_on`` None while current)."""

    user_id: int
    name: str
    organisation_id: int
    organisation: str
    started_on: date
    ended_on: date | None
    started_by: str | None
    ended_by: str | None


@dataclass(frozen=True)
class PersonChoice:
    user_id: int
    label: str


def champion_choices(db: Database, actor: Actor) -> tuple[list[PersonChoice], dict[int, str]]:
    """The active people who could become a champion, and the organisations (for the form)."""
    require(actor, Permission.MANAGE_CHAMPIONS)
    with db.read() as session:
        people = [
            PersonChoice(user_id, f"{name} ({email})")
            for user_id, name, email in session.execute(
                select(User.id, User.display_name, User.email)
                .where(User.is_active.is_(True))
                .order_by(User.display_name, User.id)
            )
        ]
        organisations = {
            org_id: name
            for org_id, name in session.execute(
                select(Organisation.id, Organisation.name).order_by(Organisation.name)
            )
        }
    return people, organisations


def add_champion(
    db: Database, actor: Actor, *, user_id: int, organisation_id: int, today: date
) -> None:
    """Make an existing person a champion of the organisation from ``today``."""
    require(actor, Permission.MANAGE_CHAMPIONS)
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            raise ChampionChangeError("Choose a person with an active account.")
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise ChampionChangeError("Choose the organisation this champion represents.")
        held = session.scalar(
            select(Membership.id).where(
                Membership.user_id == user_id,
                Membership.role == Role.CHAMPION.value,
                Membership.organisation_id == organisation_id,
            )
        )
        if held is not None:
            raise ChampionChangeError(
                f"{user.display_name} is already a champion of {organisation.name}."
            )
        session.add(
            Membership(user_id=user_id, role=Role.CHAMPION.value, organisation_id=organisation_id)
        )
        _start_term(session, actor, user_id, organisation_id, today)
        audit.record(
            session,
            actor,
            "add_champion",
            "user",
            user_id,
            after={"organisation_id": organisation_id, "started_on": today.isoformat()},
        )


def retire_champion(
    db: Database, actor: Actor, *, user_id: int, organisation_id: int, today: date
) -> None:
    """End the person's term as champion of the organisation and take the role away."""
    require(actor, Permission.MANAGE_CHAMPIONS)
    with db.transaction() as session:
        membership = session.scalar(
            select(Membership)
            .where(
                Membership.user_id == user_id,
                Membership.role == Role.CHAMPION.value,
                Membership.organisation_id == organisation_id,
            )
            .with_for_update()
        )
        if membership is None:
            raise NotFound("That person is no longer a champion of that organisation.")
        _end_term(session, actor, user_id, organisation_id, today)
        session.delete(membership)
        audit.record(
            session,
            actor,
            "retire_champion",
            "user",
            user_id,
            before={"organisation_id": organisation_id},
            after={"ended_on": today.isoformat()},
        )


def champion_history(
    db: Database, actor: Actor, *, organisation_id: int | None = None
) -> list[TermView]:
    """Every champion term, current ones first, newest first (of one organisation if chosen)."""
    require(actor, Permission.MANAGE_CHAMPIONS)
    starter, ender = aliased(User), aliased(User)
    query = (
        select(
            ChampionTerm,
            User.display_name,
            Organisation.name,
            starter.display_name,
            ender.display_name,
        )
        .join(User, User.id == ChampionTerm.user_id)
        .join(Organisation, Organisation.id == ChampionTerm.organisation_id)
        .outerjoin(starter, starter.id == ChampionTerm.started_by_id)
        .outerjoin(ender, ender.id == ChampionTerm.ended_by_id)
        .order_by(
            ChampionTerm.ended_on.is_not(None),
            Organisation.name,
            ChampionTerm.started_on.desc(),
            ChampionTerm.id.desc(),
        )
    )
    if organisation_id is not None:
        query = query.where(ChampionTerm.organisation_id == organisation_id)
    with db.read() as session:
        return [
            TermView(
                user_id=term.user_id,
                name=name,
                organisation_id=term.organisation_id,
                organisation=organisation,
                started_on=term.started_on,
                ended_on=term.ended_on,
                started_by=started_by,
                ended_by=ended_by,
            )
            for term, name, organisation, started_by, ended_by in session.execute(query)
        ]
