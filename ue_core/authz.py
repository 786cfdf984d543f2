"""Who may do what: the workbench's one access policy.

Every service call takes the acting person and asks here, once, whether they may see or change a
team, an assessment, a survey, a support request or an organisation. The policy is pure: services
load the facts it needs (a team's organisation, whether an assessment is submitted) and pass them
in as small frozen values, so every rule is unit-tested without a database.

Hiding a page from the menu is a convenience; these checks are the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ue_core.vocabulary import Role


class Permission(StrEnum):
    """Things a person can do in the workbench, named after the job."""

    ASSESS = "assess"  # rate practices in their own team's assessment
    AGREE = "agree"  # agree the team's ratings and submit (team lead)
    VIEW_TEAM_RESULTS = "view_team_results"
    REQUEST_SUPPORT = "request_support"
    USE_LIBRARY = "use_library"
    VIEW_ORGANISATION = "view_organisation"  # champion's organisation dashboard
    MANAGE_OUTPUTS = "manage_outputs"  # an organisation's list of statistical outputs
    TRIAGE_REQUESTS = "triage_requests"
    DECLARE_SKILLS = "declare_skills"  # hub staff's areas and kinds of help, for triage
    VIEW_DESK_REPORTS = "view_desk_reports"  # the hub's reports on its requests (hub staff)
    ANALYSE_SURVEYS = "analyse_surveys"
    VIEW_SYSTEM = "view_system"
    ADMINISTER = "administer"
    RUN_CHAMPION_CHATS = "run_champion_chats"  # the hub draws and publishes the monthly Chats
    JOIN_CHAMPION_CHATS = "join_champion_chats"  # a champion's own Chat group and skipped months
    MANAGE_CHAMPIONS = "manage_champions"  # hub staff add and retire an organisation's champions
    COMMITMENTS = "commitments"  # organisations' commitments: champions keep theirs, hub sees all
    VIEW_FORUMS = "view_forums"  # the register of theme-based user groups and forums (everyone)
    MANAGE_FORUMS = "manage_forums"  # hub staff keep the forum register and join forums up
    REVIEW_CASE_STUDIES = "review_case_studies"  # hub staff draft, publish or decline case studies
    VIEW_PROGRESS_REPORT = "view_progress_report"  # the strategy's progress report (hub staff)
    RUN_JOBS = "run_jobs"  # long work in the background, and the Your jobs page (hub staff)


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.MEMBER: frozenset(
        {
            Permission.ASSESS,
            Permission.VIEW_TEAM_RESULTS,
            Permission.REQUEST_SUPPORT,
            Permission.USE_LIBRARY,
            Permission.VIEW_FORUMS,
        }
    ),
    Role.LEAD: frozenset(
        {
            Permission.ASSESS,
            Permission.AGREE,
            Permission.VIEW_TEAM_RESULTS,
            Permission.REQUEST_SUPPORT,
            Permission.USE_LIBRARY,
            Permission.VIEW_FORUMS,
        }
    ),
    Role.CHAMPION: frozenset(
        {
            Permission.VIEW_ORGANISATION,
            Permission.MANAGE_OUTPUTS,
            Permission.USE_LIBRARY,
            Permission.JOIN_CHAMPION_CHATS,
            Permission.COMMITMENTS,
            Permission.VIEW_FORUMS,
        }
    ),
    Role.CONSULTANT: frozenset(
        {
            Permission.TRIAGE_REQUESTS,
            Permission.DECLARE_SKILLS,
            Permission.VIEW_DESK_REPORTS,
            Permission.ANALYSE_SURVEYS,
            Permission.VIEW_SYSTEM,
            Permission.USE_LIBRARY,
            Permission.RUN_CHAMPION_CHATS,
            Permission.MANAGE_CHAMPIONS,
            Permission.COMMITMENTS,
            Permission.VIEW_FORUMS,
            Permission.MANAGE_FORUMS,
            Permission.REVIEW_CASE_STUDIES,
            Permission.VIEW_PROGRESS_REPORT,
            Permission.RUN_JOBS,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.ADMINISTER,
            Permission.DECLARE_SKILLS,
            Permission.MANAGE_OUTPUTS,
            Permission.VIEW_DESK_REPORTS,
            Permission.VIEW_SYSTEM,
            Permission.USE_LIBRARY,
            Permission.RUN_CHAMPION_CHATS,
            Permission.MANAGE_CHAMPIONS,
            Permission.COMMITMENTS,
            Permission.VIEW_FORUMS,
            Permission.MANAGE_FORUMS,
            Permission.REVIEW_CASE_STUDIES,
            Permission.VIEW_PROGRESS_REPORT,
            Permission.RUN_JOBS,
        }
    ),
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
    """The signed-in person, with the roles their memberships give them.

    The workbench acting for itself (the command line, start-up sync, demo generation and
    migrations) is :data:`SYSTEM`, never ``None``.
    """

    user_id: int
    email: str
    display_name: str
    memberships: tuple[MembershipView, ...]

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(m.role for m in self.memberships)

    @property
    def is_system(self) -> bool:
        return isinstance(self, SystemActor)

    def can(self, permission: Permission) -> bool:
        if self.is_system:
            return True
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
        return self.is_system or bool(self.roles & {Role.CONSULTANT, Role.ADMIN})


@dataclass(frozen=True)
class SystemActor(Actor):
    """The workbench acting for itself: it may do everything and is audited as no person."""


SYSTEM: Final = SystemActor(
    user_id=0,
    email="system@workbench.invalid",
    display_name="The workbench (command line, start-up and demo)",
    memberships=(),
)
"""The only system actor. The command line, start-up sync, demo generation and migrations use it."""


@dataclass(frozen=True)
class TeamRef:
    """The facts about a team that access depends on: which organisation it belongs to."""

    team_id: int
    organisation_id: int


OWN_TEAM_WORK = "You can only see and change your own team's work."


def require(actor: Actor | None, permission: Permission) -> Actor:
    """Return the actor if they hold ``permission``; otherwise raise AccessDenied."""
    if actor is None:
        raise AccessDenied("Sign in to use the workbench.")
    if not actor.can(permission):
        raise AccessDenied("You do not have access to this. Ask your admin if you need it.")
    return actor


# --- Teams and their assessments ------------------------------------------------------------


def is_on_team(actor: Actor, team_id: int, *roles: Role) -> bool:
    """The person belongs to the team (in one of ``roles``; member or lead by default)."""
    return actor.is_system or team_id in actor.team_ids(*roles)


def require_team(actor: Actor, team_id: int, *roles: Role, message: str = OWN_TEAM_WORK) -> None:
    """Allow only people who belong to the team (in one of ``roles``): changing its work."""
    if not is_on_team(actor, team_id, *roles):
        raise AccessDenied(message)


def can_view_team(actor: Actor, team: TeamRef) -> bool:
    """The team's own people, its organisation's champion and hub staff see a team's work."""
    return (
        is_on_team(actor, team.team_id)
        or team.organisation_id in actor.champion_organisation_ids()
        or actor.is_hub_staff()
    )


def require_view_team(actor: Actor, team: TeamRef, message: str = OWN_TEAM_WORK) -> None:
    """Refuse anyone who may not see this team's assessments, results and plans."""
    if not can_view_team(actor, team):
        raise AccessDenied(message)


def can_see_individual_ratings(actor: Actor, team_id: int, *, submitted: bool) -> bool:
    """Everyone's own ratings: the lead before submission, anyone who sees the team after."""
    return submitted or is_on_team(actor, team_id, Role.LEAD)


# --- Organisations ---------------------------------------------------------------------------


def can_view_organisation(actor: Actor, organisation_id: int) -> bool:
    """An organisation's dashboard is for its champions."""
    return actor.is_system or (
        actor.can(Permission.VIEW_ORGANISATION)
        and organisation_id in actor.champion_organisation_ids()
    )


def require_view_organisation(actor: Actor, organisation_id: int) -> None:
    require(actor, Permission.VIEW_ORGANISATION)
    if not can_view_organisation(actor, organisation_id):
        raise AccessDenied("You can only see the dashboard of an organisation you champion.")


def can_manage_outputs(actor: Actor, organisation_id: int) -> bool:
    """An organisation's list of statistical outputs is kept by its champions, or an admin."""
    return actor.is_system or (
        actor.can(Permission.MANAGE_OUTPUTS)
        and (Role.ADMIN in actor.roles or organisation_id in actor.champion_organisation_ids())
    )


def require_manage_outputs(actor: Actor, organisation_id: int) -> None:
    require(actor, Permission.MANAGE_OUTPUTS)
    if not can_manage_outputs(actor, organisation_id):
        raise AccessDenied(
            "You can only see and change the list of outputs of an organisation you champion."
        )


# --- Support requests and surveys ------------------------------------------------------------


def can_request_support(actor: Actor, team_id: int) -> bool:
    """A team's own people raise and follow its support requests."""
    return actor.can(Permission.REQUEST_SUPPORT) and is_on_team(actor, team_id)


def require_request_support(actor: Actor, team_id: int) -> None:
    require(actor, Permission.REQUEST_SUPPORT)
    require_team(actor, team_id)


def require_triage(actor: Actor) -> Actor:
    """Hub consultants triage every team's support requests."""
    return require(actor, Permission.TRIAGE_REQUESTS)


def require_analyse_surveys(actor: Actor) -> Actor:
    """Hub consultants import user surveys and work on their themes."""
    return require(actor, Permission.ANALYSE_SURVEYS)


# --- A request's conversation (replies and internal notes) -----------------------------------


def acts_for_hub(actor: Actor) -> bool:
    """The person speaks for the hub on requests: those who triage them."""
    return actor.can(Permission.TRIAGE_REQUESTS)


def can_join_conversation(actor: Actor, team_id: int) -> bool:
    """A request's replies are for the team that raised it and the hub."""
    return acts_for_hub(actor) or can_request_support(actor, team_id)


def require_conversation(actor: Actor, team_id: int) -> None:
    if not can_join_conversation(actor, team_id):
        raise AccessDenied("You can only see the requests of your own team.")


def can_see_internal_notes(actor: Actor) -> bool:
    """Internal notes on a request are for the hub only, never for the team."""
    return acts_for_hub(actor)


def require_internal_notes(actor: Actor) -> None:
    if not can_see_internal_notes(actor):
        raise AccessDenied("Only hub staff can write or read internal notes.")


# --- Consultants' declared skills --------------------------------------------------------------


def can_set_skills(actor: Actor, user_id: int) -> bool:
    """Consultants declare their own skills; admins set anyone's."""
    if actor.can(Permission.ADMINISTER):
        return True
    return actor.can(Permission.DECLARE_SKILLS) and actor.user_id == user_id


def require_set_skills(actor: Actor, user_id: int) -> None:
    require(actor, Permission.DECLARE_SKILLS)
    if not can_set_skills(actor, user_id):
        raise AccessDenied("You can only declare your own skills; an admin can set anyone's.")


# --- The champions directory (everyone signed in reads it) -------------------------------------


def require_champion(actor: Actor) -> None:
    """A champion keeps their own directory profile; nobody else changes it."""
    if not actor.is_system and Role.CHAMPION not in actor.roles:
        raise AccessDenied("Only champions have a profile in the champions directory.")


# --- Organisational commitments ---------------------------------------------------------------


def can_keep_commitment(actor: Actor, organisation_id: int) -> bool:
    """An organisation's commitment is kept by its champions, or an admin for any."""
    return actor.is_system or (
        actor.can(Permission.COMMITMENTS)
        and (Role.ADMIN in actor.roles or organisation_id in actor.champion_organisation_ids())
    )


def require_keep_commitment(actor: Actor, organisation_id: int) -> None:
    if not can_keep_commitment(actor, organisation_id):
        raise AccessDenied("You can only change the commitment of an organisation you champion.")


def can_read_commitment(actor: Actor, organisation_id: int) -> bool:
    """Its keepers and hub staff; the organisation's team members may read it."""
    return (
        can_keep_commitment(actor, organisation_id)
        or actor.is_hub_staff()
        or any(m.organisation_id == organisation_id for m in actor.memberships)
    )


def require_read_commitment(actor: Actor, organisation_id: int) -> None:
    if not can_read_commitment(actor, organisation_id):
        raise AccessDenied("You can only see the commitment of your own organisation.")


def require_commitments_overview(actor: Actor) -> Actor:
    """Every organisation's commitment and progress: hub staff only."""
    require(actor, Permission.COMMITMENTS)
    if not actor.is_hub_staff():
        raise AccessDenied("Only hub staff can see every organisation's commitment.")
    return actor


# --- Background jobs (issue 13) -------------------------------------------------------------------


def can_see_job(actor: Actor, started_by_id: int) -> bool:
    """The person who started a job sees it, cancels it and reads its result; so do hub staff."""
    return actor.user_id == started_by_id or actor.is_hub_staff()


def require_see_job(actor: Actor, started_by_id: int) -> None:
    if not can_see_job(actor, started_by_id):
        raise AccessDenied("You can only see the jobs you started.")


# --- The register of theme-based user groups and forums ---------------------------------------


def require_view_forums(actor: Actor) -> Actor:
    """Everyone signed in reads the forum register."""
    return require(actor, Permission.VIEW_FORUMS)


def require_manage_forums(actor: Actor) -> Actor:
    """Hub staff add, change and close forums, and see which ones to join up."""
    return require(actor, Permission.MANAGE_FORUMS)


def can_record_forum_success(actor: Actor, host_organisation_id: int) -> bool:
    """A forum's successes are recorded by hub staff, or by a champion of its host organisation."""
    return actor.can(Permission.MANAGE_FORUMS) or (
        actor.can(Permission.VIEW_FORUMS)
        and host_organisation_id in actor.champion_organisation_ids()
    )


def require_record_forum_success(actor: Actor, host_organisation_id: int) -> None:
    require_view_forums(actor)
    if not can_record_forum_success(actor, host_organisation_id):
        raise AccessDenied(
            "Only hub staff, or a champion of the organisation that hosts the forum, can record "
            "its successes."
        )


# --- Survey themes as evidence for a team's rating (issue 14, item 5) --------------------------


def can_attach_theme_evidence(actor: Actor) -> bool:
    """Surveys are the hub's: those who analyse them attach and remove a theme as evidence.

    Seeing the evidence follows the assessment it is attached to (``can_view_team``).
    """
    return actor.can(Permission.ANALYSE_SURVEYS)


def require_attach_theme_evidence(actor: Actor) -> Actor:
    if not can_attach_theme_evidence(actor):
        raise AccessDenied(
            "Only USER hub consultants, who analyse the surveys, can attach survey themes as "
            "evidence."
        )
    return actor
