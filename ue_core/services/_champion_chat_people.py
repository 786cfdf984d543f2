"""What the Champion Chat services share: who a champion is to the others in a group, and a
month's stored groups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.champion_chats import Group
from ue_core.db.models import ChatGroup, ChatMember, Membership, Organisation, Role, User


@dataclass(frozen=True)
class ChatPerson:
    """A champion as the others in a group see them: how to reach them."""

    user_id: int
    name: str
    organisation: str
    email: str


def _champion_people(
    session: Session, user_ids: Iterable[int] | None = None
) -> dict[int, ChatPerson]:
    """Active champions (or these people, active or not), with their first organisation."""
    query = (
        select(User.id, User.display_name, User.email, Organisation.id, Organisation.name)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.role == Role.CHAMPION.value)
        .order_by(User.id, Organisation.id)
    )
    if user_ids is None:
        query = query.where(User.is_active.is_(True))
    else:
        query = query.where(User.id.in_(sorted(set(user_ids))))
    people: dict[int, ChatPerson] = {}
    for user_id, name, email, _org_id, organisation in session.execute(query):
        people.setdefault(user_id, ChatPerson(user_id, name, organisation, email))
    return people


def _organisation_ids(session: Session, user_ids: Iterable[int]) -> dict[int, int]:
    """Each champion's organisation for the drawing (the first, for someone with two)."""
    rows = session.execute(
        select(Membership.user_id, Membership.organisation_id)
        .where(
            Membership.role == Role.CHAMPION.value,
            Membership.user_id.in_(sorted(set(user_ids))),
        )
        .order_by(Membership.user_id, Membership.organisation_id)
    )
    found: dict[int, int] = {}
    for user_id, organisation_id in rows:
        if organisation_id is not None:
            found.setdefault(user_id, organisation_id)
    return found


def _groups_of(session: Session, round_id: int) -> list[Group]:
    rows = session.execute(
        select(ChatGroup.number, ChatMember.user_id)
        .join(ChatMember, ChatMember.group_id == ChatGroup.id)
        .where(ChatGroup.round_id == round_id)
        .order_by(ChatGroup.number, ChatMember.user_id)
    )
    groups: dict[int, list[int]] = {}
    for number, user_id in rows:
        groups.setdefault(number, []).append(user_id)
    return [tuple(members) for _, members in sorted(groups.items())]
