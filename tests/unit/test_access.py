"""The access policy in ``ue_core.authz``, on facts alone (no database)."""

from __future__ import annotations

import pytest

from ue_core import audit
from ue_core.authz import (
    OWN_TEAM_WORK,
    SYSTEM,
    AccessDenied,
    Actor,
    MembershipView,
    Permission,
    TeamRef,
    can_request_support,
    can_see_individual_ratings,
    can_view_organisation,
    can_view_team,
    is_on_team,
    require,
    require_analyse_surveys,
    require_request_support,
    require_team,
    require_triage,
    require_view_organisation,
    require_view_team,
)
from ue_core.db.models import AuditEvent
from ue_core.vocabulary import Role

OWN = TeamRef(team_id=1, organisation_id=10)
NEIGHBOUR = TeamRef(team_id=2, organisation_id=10)
ELSEWHERE = TeamRef(team_id=3, organisation_id=20)


def person(*memberships: MembershipView) -> Actor:
    return Actor(user_id=7, email="p@test.example", display_name="P", memberships=memberships)


MEMBER = person(MembershipView(Role.MEMBER, team_id=1, organisation_id=10))
LEAD = person(MembershipView(Role.LEAD, team_id=1, organisation_id=10))
CHAMPION = person(MembershipView(Role.CHAMPION, organisation_id=10))
CONSULTANT = person(MembershipView(Role.CONSULTANT))
ADMIN = person(MembershipView(Role.ADMIN))


def test_a_team_is_seen_by_its_people_its_champion_and_the_hub() -> None:
    for actor in (MEMBER, LEAD, CHAMPION, CONSULTANT, ADMIN, SYSTEM):
        assert can_view_team(actor, OWN)
        require_view_team(actor, OWN)
    assert not can_view_team(MEMBER, NEIGHBOUR)
    assert not can_view_team(CHAMPION, ELSEWHERE)
    assert can_view_team(CHAMPION, NEIGHBOUR)  # every team in the organisation


def test_refusals_carry_the_callers_message() -> None:
    with pytest.raises(AccessDenied, match="own team's work"):
        require_view_team(MEMBER, ELSEWHERE)
    with pytest.raises(AccessDenied, match="own team's results"):
        require_view_team(MEMBER, ELSEWHERE, "You can only see your own team's results.")
    assert "change" in OWN_TEAM_WORK


def test_only_the_team_changes_its_work() -> None:
    assert is_on_team(MEMBER, 1) and is_on_team(LEAD, 1)
    assert is_on_team(LEAD, 1, Role.LEAD) and not is_on_team(MEMBER, 1, Role.LEAD)
    for actor in (CHAMPION, CONSULTANT, ADMIN):
        assert not is_on_team(actor, 1)
        with pytest.raises(AccessDenied):
            require_team(actor, 1)
    require_team(LEAD, 1, Role.LEAD)


def test_individual_ratings_are_for_the_lead_until_submission() -> None:
    assert can_see_individual_ratings(LEAD, 1, submitted=False)
    assert not can_see_individual_ratings(MEMBER, 1, submitted=False)
    assert can_see_individual_ratings(MEMBER, 1, submitted=True)


def test_an_organisation_is_for_its_champions() -> None:
    assert can_view_organisation(CHAMPION, 10)
    require_view_organisation(CHAMPION, 10)
    assert not can_view_organisation(CHAMPION, 20)
    with pytest.raises(AccessDenied, match="organisation you champion"):
        require_view_organisation(CHAMPION, 20)
    for actor in (MEMBER, CONSULTANT, ADMIN):
        assert not can_view_organisation(actor, 10)
        with pytest.raises(AccessDenied, match="do not have access"):
            require_view_organisation(actor, 10)


def test_support_requests_come_from_the_team_and_the_hub_triages() -> None:
    assert can_request_support(MEMBER, 1) and can_request_support(LEAD, 1)
    assert not can_request_support(MEMBER, 2)
    assert not can_request_support(CONSULTANT, 1)
    with pytest.raises(AccessDenied):
        require_request_support(CHAMPION, 1)
    assert require_triage(CONSULTANT) is CONSULTANT
    for actor in (MEMBER, CHAMPION, ADMIN):
        with pytest.raises(AccessDenied):
            require_triage(actor)


def test_surveys_are_for_hub_consultants() -> None:
    assert require_analyse_surveys(CONSULTANT) is CONSULTANT
    for actor in (MEMBER, LEAD, CHAMPION, ADMIN):
        with pytest.raises(AccessDenied):
            require_analyse_surveys(actor)


def test_the_system_may_do_everything_and_is_audited_as_nobody() -> None:
    assert SYSTEM.is_system and not ADMIN.is_system
    assert all(SYSTEM.can(permission) for permission in Permission)
    assert require(SYSTEM, Permission.ADMINISTER) is SYSTEM
    assert is_on_team(SYSTEM, 99) and can_view_organisation(SYSTEM, 99)

    class Session:  # stands in for the transaction: audit.record only adds to it
        def __init__(self) -> None:
            self.added: list[AuditEvent] = []

        def add(self, event: AuditEvent) -> None:
            self.added.append(event)

    session = Session()
    audit.record(session, SYSTEM, "load", "thing", 1)  # type: ignore[arg-type]
    audit.record(session, ADMIN, "load", "thing", 1)  # type: ignore[arg-type]
    assert [event.actor_user_id for event in session.added] == [None, 7]


def test_nobody_signed_in_is_refused_not_waved_through() -> None:
    with pytest.raises(AccessDenied, match="Sign in"):
        require(None, Permission.USE_LIBRARY)
