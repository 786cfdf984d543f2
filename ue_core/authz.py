"""Who may do what. Every service call takes the acting person and checks here.

Hiding a page from the menu is a convenience; these checks are the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ue_core.db.models import Role


class Permission(StrEnum):
    """Things a person can do in the workbench, named after the job."""

    ASSESS = "assess"  # rate practices in their own team's assessment
    AGREE = "agree"  # agree the team's ratings and submit (team lead)
    VIEW_TEAM_RESULTS = "view_team_results"
    REQUEST_SUPPORT = "request_support"
    USE_LIBRARY = "use_library"
    VIEW_ORGANISATION = "view_organisation"  # champion's organisation dashboard
    TRIAGE_REQUESTS = "triage_requests"
    ANALYSE_SURVEYS = "analyse_surveys"
    VIEW_SYSTEM = "view_system"
    ADMINISTER = "administer"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.MEMBER: frozenset(
        {
            Permission.ASSESS,
            Permission.VIEW_TEAM_RESULTS,
            Permission.REQUEST_SUPPORT,
            Permission.USE_LIBRARY,
        }
    ),
    Role.LEAD: frozenset(
        {
            Permission.ASSESS,
            Permission.AGREE,
            Permission.VIEW_TEAM_RESULTS,
            Permission.REQUEST_SUPPORT,
            Permission.USE_LIBRARY,
        }
    ),
    Role.CHAMPION: frozenset({Permission.VIEW_ORGANISATION, Permission.USE_LIBRARY}),
    Role.CONSULTANT: frozenset(
        {
            Permission.TRIAGE_REQUESTS,
            Permission.ANALYSE_SURVEYS,
            Permission.VIEW_SYSTEM,
            Permission.USE_LIBRARY,
        }
    ),
    Role.ADMIN: frozenset({Permission.ADMINISTER, Permission.VIEW_SYSTEM, Permission.USE_LIBRARY}),
}

ROLE_LABELS: dict[Role, str] = {
    Role.MEMBER: "Team member",
    Role.LEAD: "Team lead",
    Role.CHAMPION: "Champion",
    Role.CONSULTANT: "Hub consultant",
    Role.ADMIN: "Admin",
}


class AccessDenied(Exception):
    """The acting person may not do this. The message is safe to show them."""


@dataclass(frozen=True)
class MembershipView:
    role: Role
    team_id: int | None = None
    team_name: str | None = None
    organisation_id: int | None = None
    organisation_name: str | None = None

    def describe(self) -> str:
        label = ROLE_LABELS[self.role]
        if self.team_name:
            return f"{label}, {self.team_name} ({self.organisation_name})"
        if self.organisation_name:
            return f"{label}, {self.organisation_name}"
        return f"{label}, USER hub"


@dataclass(frozen=True)
class Actor:
    """The signed-in person, with the roles their memberships give them."""

    user_id: int
    email: str
    display_name: str
    memberships: tuple[MembershipView, ...]

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(m.role for m in self.memberships)

    def can(self, permission: Permission) -> bool:
        return any(permission in ROLE_PERMISSIONS[role] for role in self.roles)

    def team_ids(self, *roles: Role) -> tuple[int, ...]:
        """Teams where this person holds any of ``roles`` (member or lead by default)."""
        wanted = set(roles) or {Role.MEMBER, Role.LEAD}
        ids = {m.team_id for m in self.memberships if m.role in wanted and m.team_id is not None}
        return tuple(sorted(ids))

    def champion_organisation_ids(self) -> tuple[int, ...]:
        ids = {
            m.organisation_id
            for m in self.memberships
            if m.role is Role.CHAMPION and m.organisation_id is not None
        }
        return tuple(sorted(ids))

    def is_hub_staff(self) -> bool:
        return bool(self.roles & {Role.CONSULTANT, Role.ADMIN})


def require(actor: Actor | None, permission: Permission) -> Actor:
    """Return the actor if they hold ``permission``; otherwise raise AccessDenied."""
    if actor is None:
        raise AccessDenied("Sign in to use the workbench.")
    if not actor.can(permission):
        raise AccessDenied("You do not have access to this. Ask your admin if you need it.")
    return actor


def require_team(actor: Actor, team_id: int, *roles: Role) -> None:
    """Allow only people who belong to the team (in one of ``roles``)."""
    if team_id not in actor.team_ids(*roles):
        raise AccessDenied("You can only see and change your own team's work.")
