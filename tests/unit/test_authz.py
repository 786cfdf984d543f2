from __future__ import annotations

import pytest

from ue_core.authz import (
    ROLE_PERMISSIONS,
    SYSTEM,
    AccessDenied,
    Actor,
    MembershipView,
    Permission,
    can_attach_theme_evidence,
    require,
    require_attach_theme_evidence,
    require_team,
)
from ue_core.db.models import Role


def actor_with(*memberships: MembershipView) -> Actor:
    return Actor(user_id=1, email="a@test.example", display_name="A", memberships=memberships)


def test_every_role_has_permissions_and_library_access() -> None:
    for role in Role:
        assert Permission.USE_LIBRARY in ROLE_PERMISSIONS[role]


def test_member_can_assess_but_not_triage_or_administer() -> None:
    member = actor_with(MembershipView(Role.MEMBER, team_id=3, team_name="T"))
    assert require(member, Permission.ASSESS) is member
    with pytest.raises(AccessDenied):
        require(member, Permission.TRIAGE_REQUESTS)
    with pytest.raises(AccessDenied):
        require(member, Permission.ADMINISTER)
    assert not member.can(Permission.AGREE)


def test_nobody_signed_in_is_refused() -> None:
    with pytest.raises(AccessDenied, match="Sign in"):
        require(None, Permission.USE_LIBRARY)


def test_team_scope_uses_roles() -> None:
    person = actor_with(
        MembershipView(Role.MEMBER, team_id=3),
        MembershipView(Role.LEAD, team_id=4),
        MembershipView(Role.CHAMPION, organisation_id=9),
    )
    assert person.team_ids() == (3, 4)
    assert person.team_ids(Role.LEAD) == (4,)
    assert person.champion_organisation_ids() == (9,)
    require_team(person, 3)
    with pytest.raises(AccessDenied):
        require_team(person, 3, Role.LEAD)
    with pytest.raises(AccessDenied):
        require_team(person, 5)


def test_roles_combine() -> None:
    person = actor_with(
        MembershipView(Role.CHAMPION, organisation_id=1), MembershipView(Role.ADMIN)
    )
    assert person.can(Permission.VIEW_ORGANISATION)
    assert person.can(Permission.ADMINISTER)
    assert not person.can(Permission.ASSESS)
    assert person.is_hub_staff()


@pytest.mark.parametrize(
    ("membership", "may_attach"),
    [
        (MembershipView(Role.CONSULTANT), True),
        (MembershipView(Role.ADMIN), False),  # admins do not analyse surveys
        (MembershipView(Role.MEMBER, team_id=3, team_name="T"), False),
        (MembershipView(Role.LEAD, team_id=3, team_name="T"), False),
        (MembershipView(Role.CHAMPION, organisation_id=1, organisation_name="O"), False),
    ],
)
def test_only_those_who_analyse_surveys_attach_themes_as_evidence(
    membership: MembershipView, may_attach: bool
) -> None:
    person = actor_with(membership)
    assert can_attach_theme_evidence(person) is may_attach
    if may_attach:
        assert require_attach_theme_evidence(person) is person
    else:
        with pytest.raises(AccessDenied, match="Only USER hub consultants"):
            require_attach_theme_evidence(person)
    assert can_attach_theme_evidence(SYSTEM)
