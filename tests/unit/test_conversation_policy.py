"""The access policy for a request's conversation: the team and the hub reply; only the hub
sees internal notes."""

from __future__ import annotations

import pytest

from ue_core.authz import (
    SYSTEM,
    AccessDenied,
    Actor,
    MembershipView,
    can_join_conversation,
    can_see_internal_notes,
    require_conversation,
    require_internal_notes,
)
from ue_core.vocabulary import Role

TEAM_ID = 7


def person(role: Role, team_id: int | None = None) -> Actor:
    return Actor(1, "p@test.example", "P", (MembershipView(role=role, team_id=team_id),))


@pytest.mark.parametrize(
    ("actor", "joins", "sees_notes"),
    [
        (person(Role.MEMBER, TEAM_ID), True, False),
        (person(Role.LEAD, TEAM_ID), True, False),
        (person(Role.MEMBER, TEAM_ID + 1), False, False),
        (person(Role.CHAMPION), False, False),
        (person(Role.CONSULTANT), True, True),
        (person(Role.ADMIN), False, False),
        (SYSTEM, True, True),
    ],
    ids=["member", "lead", "other team", "champion", "consultant", "admin", "system"],
)
def test_who_joins_and_who_sees_notes(actor: Actor, joins: bool, sees_notes: bool) -> None:
    assert can_join_conversation(actor, TEAM_ID) is joins
    assert can_see_internal_notes(actor) is sees_notes


def test_refusals_say_why() -> None:
    with pytest.raises(AccessDenied, match="your own team"):
        require_conversation(person(Role.MEMBER, TEAM_ID + 1), TEAM_ID)
    with pytest.raises(AccessDenied, match="Only hub staff"):
        require_internal_notes(person(Role.LEAD, TEAM_ID))
