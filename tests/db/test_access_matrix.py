"""The access matrix: every public service function, called as every kind of person.

One row per public function in ``ue_core.services`` lists who may call it. The test calls each
function as each case below on one small seeded world per database and checks that the allowed
cases get past the access policy and the others are refused with ``AccessDenied``. A function
with no row (and no exemption saying why it needs none) fails the test: a new service function
must come with its row.

"Allowed" means the call ran. A few rows say which domain error an allowed call may meet after
the access check (a version another case changed first, an assessment not ready to submit);
any other error fails the test, so a refusal cannot hide behind bad arguments.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select

import ue_core.services
from tests.conftest import _postgres_database, sqlite_database
from tests.db.test_actions import submitted_assessment
from tests.db.test_surveys import MAPPING, survey_csv
from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied, Actor
from ue_core.champion_chats import add_months
from ue_core.champion_profiles import ProfileForm
from ue_core.commitment_themes import CommitmentStatus
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    Membership,
    Notification,
    Practice,
    Resource,
    Role,
    Team,
    ThemeAction,
)
from ue_core.db.models import ThemeEvidence as ThemeEvidenceRow
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.jobs import JobContext
from ue_core.jobs import store as job_store
from ue_core.progress_report import ReportPeriod
from ue_core.services import (
    access_facts,
    accounts,
    actions,
    admin,
    agreeing,
    assessment_reads,
    assessments,
    audit_log,
    case_study_drafts,
    catalogue_admin,
    champion_chats,
    champion_terms,
    champion_updates,
    champions,
    commitments,
    conversation,
    database,
    fingerprints,
    forum_edits,
    forum_join_up,
    forum_successes,
    forums,
    frameworks,
    home,
    inbox,
    individual_ratings,
    jobs,
    oversight,
    progress_report,
    progress_sections,
    reopening,
    report_files,
    reports,
    request_context,
    results,
    rounds,
    router_jobs,
    score_history,
    scores_against_targets,
    sign_in,
    sign_in_sessions,
    starting,
    statistical_outputs,
    submissions,
    support,
    target_setting,
    theme_evidence,
    triage_suggestions,
    update_reminders,
    your_champion_chat,
)
from ue_core.services.actions import ActionDraft
from ue_core.services.assessments import Answer
from ue_core.services.frameworks import current_version_id, sync_framework
from ue_core.services.library import (
    browse,
    catalogue,
    follow_up,
    peer_contacts,
    recommendations,
    usage,
)
from ue_core.services.requests import (
    help_now,
    hub_report_tables,
    hub_reports,
    outcomes,
    queue_views,
    rating,
    request_index,
    similar,
    skills,
    triage,
)
from ue_core.services.surveys import (
    deletion,
    embeddings,
    export_jobs,
    exports,
    imports,
    read_across,
    refine,
    theme_jobs,
    theme_sets,
    top_level_edits,
    views,
    you_said_we_did,
)
from ue_core.survey_import import read_table
from ue_core.targets import StatisticsProfile
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA
from ue_core.vocabulary import ActionStatus, RequestStatus

TODAY = date(2026, 5, 1)  # in the 2026 to 2027 round
REPORT_PERIOD = ReportPeriod(date(2025, 5, 1), TODAY)
OUTPUTS_LIST = b"title,team,release frequency,next release\nHousing starts,Test team,Quarterly,\n"

# The cases, each the name of a person in the seeded world. "Own" is the team "Test team" in
# the "Office for Test Statistics"; the neighbour's team is in the same organisation.
CASES: dict[str, str] = {
    "own team member": "member",
    "member, other team, same organisation": "neighbour",
    "member, other organisation": "outsider",
    "own team lead": "lead",
    "champion, same organisation": "champion",
    "champion, other organisation": "other_champion",
    "hub consultant": "consultant",
    "admin": "admin",
}

EVERYONE = frozenset(CASES)
OWN_TEAM = frozenset({"own team member", "own team lead"})
OWN_MEMBER = frozenset({"own team member"})
LEAD = frozenset({"own team lead"})
TEAM_VIEWERS = OWN_TEAM | {"champion, same organisation", "hub consultant", "admin"}
CHAMPIONS = frozenset({"champion, same organisation", "champion, other organisation"})
OWN_CHAMPION = frozenset({"champion, same organisation"})
HUB = frozenset({"hub consultant", "admin"})
CONSULTANT = frozenset({"hub consultant"})
ADMIN = frozenset({"admin"})


@dataclass
class Seeded:
    """The world every row is called in, with the ids the calls need."""

    world: World
    draft_id: int
    submitted_id: int
    practice_id: int
    principle_key: str
    request_id: int
    resolved_request_id: int
    resource_id: int
    resource_slug: str
    survey_id: int
    question_id: int
    set_id: int
    answer_ids: list[int]
    theme_ids: list[int]
    counter: Iterator[int]

    @property
    def db(self) -> Database:
        return self.world.db

    @property
    def team_id(self) -> int:
        return self.world.team_id

    def unique(self) -> int:
        return next(self.counter)


Call = Callable[[Seeded, Actor], object]


@dataclass(frozen=True)
class Row:
    """Who may call ``function``; ``call`` calls it for the seeded world as one person.

    ``tolerates`` names the domain errors an allowed call may meet after it got past the access
    check, because the world is shared by every case (say why in a comment on the row).
    """

    function: Callable[..., Any]
    allowed: frozenset[str]
    call: Call
    tolerates: tuple[type[Exception], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.function.__module__}.{self.function.__qualname__}"


# --- Fresh things for the calls that change or remove them ----------------------------------


def new_action(s: Seeded) -> actions.ActionView:
    draft = ActionDraft(s.practice_id, "Run a user event", "Lead", None)
    return actions.add_action(s.db, SYSTEM, s.draft_id, draft)


def new_user(s: Seeded) -> int:
    return accounts.create_user(
        s.db,
        SYSTEM,
        email=f"new{s.unique()}@test.example",
        display_name="New person",
        password=None,
        role=Role.MEMBER,
        team_id=s.team_id,
    )


def new_membership(s: Seeded) -> int:
    user_id = new_user(s)
    with s.db.read() as session:
        found = session.scalar(select(Membership.id).where(Membership.user_id == user_id))
        assert found is not None
        return found


def new_survey_action(s: Seeded) -> int:
    return you_said_we_did.add_theme_action(s.db, SYSTEM, s.theme_ids[0], "We listened", "planned")


def fresh_survey_action(s: Seeded) -> tuple[int, int]:
    """A new theme action's id and the version a person would have seen."""
    action_id = new_survey_action(s)
    with s.db.read() as session:
        row = session.get(ThemeAction, action_id)
        assert row is not None
        return action_id, row.version


def new_survey(s: Seeded) -> deletion.SurveyContents:
    consultant = s.world.actor("consultant")
    texts = ["We have no time to talk to users", "We cannot find our users"]
    imported = imports.import_survey_file(
        s.db, consultant, survey_csv(texts), "d.csv", "To delete", MAPPING
    )
    return deletion.survey_contents(s.db, consultant, imported.survey_id)


_EVIDENCE_THEMES: dict[int, int] = {}


def evidence_theme(s: Seeded) -> int:
    """A theme of an approved set of its own (the seeded set is approved by another row)."""
    if id(s) not in _EVIDENCE_THEMES:
        consultant = s.world.actor("consultant")
        imported = imports.import_survey_file(
            s.db, consultant, survey_csv(), "e.csv", "Evidence", MAPPING
        )
        survey = views.get_survey(s.db, consultant, imported.survey_id)
        question_id = next(q.id for q in survey.questions if q.kind == "free_text")
        set_id = theme_sets.find_themes(s.db, consultant, question_id, 4, expected_current=None)
        version = views.theme_set(s.db, SYSTEM, set_id).version
        theme_sets.approve(s.db, SYSTEM, set_id, expected_version=version)
        themes = views.theme_set(s.db, SYSTEM, set_id).themes
        _EVIDENCE_THEMES[id(s)] = next(t.id for t in themes if t.size)
    return _EVIDENCE_THEMES[id(s)]


def fresh_evidence_call(s: Seeded) -> int:
    """Clear the draft's theme evidence, so an attach is never refused as a repeat."""
    theme_id = evidence_theme(s)
    with s.db.transaction() as session:
        session.execute(
            delete(ThemeEvidenceRow).where(ThemeEvidenceRow.assessment_id == s.draft_id)
        )
    return theme_id


def fresh_evidence(s: Seeded) -> int:
    """A theme just attached to the draft's rating of 'Seek users' views actively'."""
    theme_id = fresh_evidence_call(s)
    return theme_evidence.attach_theme(s.db, SYSTEM, theme_id, s.draft_id, "seek-views").id


def theme_set_version(s: Seeded) -> int:
    return views.theme_set(s.db, SYSTEM, s.set_id).version


def assessment_version(s: Seeded) -> int:
    with s.db.read() as session:
        assessment = session.get(Assessment, s.draft_id)
        assert assessment is not None
        return assessment.version


def entry_version(s: Seeded) -> int:
    entries = catalogue_admin.library_entries(s.db, SYSTEM)
    return next(e.version for e in entries if e.slug == s.resource_slug)


def request_version(s: Seeded) -> int:
    return support.team_request(s.db, SYSTEM, s.request_id).version


def member_notification(s: Seeded) -> int:
    """A notification of the own team member's: a hub reply on the seeded request."""
    conversation.post_reply(s.db, SYSTEM, s.request_id, "We can help with your survey.")
    member = s.world.actor("member").user_id
    with s.db.read() as session:
        found = session.scalar(
            select(Notification.id)
            .where(Notification.user_id == member)
            .order_by(Notification.id.desc())
            .limit(1)
        )
        assert found is not None
        return found


def in_session(check: Callable[..., object], *args: Any) -> Call:
    """A row for a building block that runs inside a service's session."""

    def call(s: Seeded, actor: Actor) -> object:
        with s.db.read() as session:
            return check(session, actor, *(arg(s) if callable(arg) else arg for arg in args))

    return call


ANSWER = Answer(level=2, evidence="Minutes of the user group")

ROWS: tuple[Row, ...] = (
    # accounts
    Row(
        accounts.create_user,
        ADMIN,
        lambda s, a: accounts.create_user(
            s.db,
            a,
            email=f"made{s.unique()}@test.example",
            display_name="Made",
            password=None,
            role=Role.CONSULTANT,
        ),
    ),
    Row(
        accounts.add_role,
        ADMIN,
        lambda s, a: accounts.add_role(s.db, a, user_id=new_user(s), role=Role.CONSULTANT),
    ),
    Row(
        accounts.change_password,
        EVERYONE,
        lambda s, a: accounts.change_password(
            s.db, a, current_password="not the password", new_password="a new long password"
        ),
        tolerates=(accounts.AccountError,),  # the current password is wrong: refused for that
    ),
    Row(
        accounts.deactivate_user,
        ADMIN,
        lambda s, a: accounts.deactivate_user(s.db, a, user_id=new_user(s)),
    ),
    Row(
        accounts.issue_password_reset,
        ADMIN,
        lambda s, a: accounts.issue_password_reset(s.db, a, user_id=new_user(s)),
    ),
    Row(
        accounts.reactivate_user,
        ADMIN,
        lambda s, a: accounts.reactivate_user(s.db, a, user_id=new_user(s)),
        tolerates=(InputError, accounts.AccountError),  # the new person is already active
    ),
    Row(
        accounts.remove_role,
        ADMIN,
        lambda s, a: accounts.remove_role(s.db, a, membership_id=new_membership(s)),
    ),
    Row(
        accounts.unlock_sign_in,
        ADMIN,
        lambda s, a: accounts.unlock_sign_in(s.db, a, user_id=new_user(s)),
    ),
    # the policy's facts, inside a service's session
    Row(
        access_facts.viewable_assessment,
        TEAM_VIEWERS,
        in_session(access_facts.viewable_assessment, lambda s: s.draft_id),
    ),
    Row(
        access_facts.viewable_team,
        TEAM_VIEWERS,
        in_session(access_facts.viewable_team, lambda s: s.team_id),
    ),
    # action plans
    Row(
        actions.action_plan,
        TEAM_VIEWERS,
        lambda s, a: actions.action_plan(s.db, a, s.draft_id, TODAY),
    ),
    Row(
        actions.add_action,
        OWN_TEAM,
        lambda s, a: actions.add_action(
            s.db, a, s.draft_id, ActionDraft(s.practice_id, "Ask users", "Member", None)
        ),
    ),
    Row(
        actions.change_status,
        OWN_TEAM,
        lambda s, a: (
            lambda view: actions.change_status(
                s.db, a, view.id, ActionStatus.DONE, expected_version=view.version
            )
        )(new_action(s)),
    ),
    Row(
        actions.update_action,
        OWN_TEAM,
        lambda s, a: (
            lambda view: actions.update_action(
                s.db,
                a,
                view.id,
                ActionDraft(s.practice_id, "Changed", "Lead", None),
                expected_version=view.version,
            )
        )(new_action(s)),
    ),
    Row(
        actions.delete_action,
        OWN_TEAM,
        lambda s, a: (
            lambda view: actions.delete_action(s.db, a, view.id, expected_version=view.version)
        )(new_action(s)),
    ),
    Row(
        actions.plan_choices,
        OWN_TEAM,
        lambda s, a: actions.plan_choices(s.db, a, s.team_id, TODAY),
    ),
    Row(
        assessment_reads.visible_assessment,
        TEAM_VIEWERS,
        in_session(assessment_reads.visible_assessment, lambda s: s.draft_id),
    ),
    # admin
    Row(admin.organisation_choices, ADMIN, lambda s, a: admin.organisation_choices(s.db, a)),
    Row(admin.people, ADMIN, lambda s, a: admin.people(s.db, a)),
    # the audit log
    Row(audit_log.audit_choices, ADMIN, lambda s, a: audit_log.audit_choices(s.db, a)),
    Row(
        audit_log.audit_csv,
        ADMIN,
        lambda s, a: audit_log.audit_csv(s.db, a, audit_log.AuditFilter()),
    ),
    Row(
        audit_log.audit_page,
        ADMIN,
        lambda s, a: audit_log.audit_page(s.db, a, audit_log.AuditFilter()),
    ),
    Row(admin.team_choices, ADMIN, lambda s, a: admin.team_choices(s.db, a)),
    # signing in: anyone who has just proved who they are may bind their browser's token
    Row(
        sign_in_sessions.start_session,
        EVERYONE,
        lambda s, a: sign_in_sessions.start_session(s.db, a, sign_in_sessions.new_token()),
    ),
    # reopening a submitted assessment
    Row(
        reopening.reopen,
        LEAD | ADMIN,
        lambda s, a: reopening.reopen(
            s.db, a, s.submitted_id, reason="A figure was wrong", expected_version=-1
        ),
        # a version nobody saw: an allowed call stops at the version check, after the access
        # check, so the submitted assessment stays submitted for the other rows
        tolerates=(ConflictError,),
    ),
    Row(
        reopening.submission_history,
        TEAM_VIEWERS,
        lambda s, a: reopening.submission_history(s.db, a, s.submitted_id),
    ),
    Row(
        reopening.submitted_assessments,
        ADMIN,
        lambda s, a: reopening.submitted_assessments(s.db, a),
    ),
    # assessments
    Row(
        agreeing.agree_where_everyone_agrees,
        LEAD,
        lambda s, a: agreeing.agree_where_everyone_agrees(s.db, a, s.draft_id, TODAY),
    ),
    Row(
        agreeing.compare_team_ratings,
        LEAD,
        lambda s, a: agreeing.compare_team_ratings(s.db, a, s.draft_id),
    ),
    Row(
        assessments.current_assessment_id,
        OWN_TEAM,
        lambda s, a: assessments.current_assessment_id(s.db, a, s.team_id, TODAY),
    ),
    Row(
        individual_ratings.keep_carried_over,
        OWN_TEAM,
        lambda s, a: individual_ratings.keep_carried_over(s.db, a, s.draft_id, TODAY),
    ),
    Row(
        assessments.load_state,
        TEAM_VIEWERS,
        lambda s, a: assessments.load_state(s.db, a, s.draft_id),
    ),
    Row(
        agreeing.save_agreed,
        LEAD,
        lambda s, a: agreeing.save_agreed(
            s.db, a, s.draft_id, s.practice_id, ANSWER, expected_version=None, today=TODAY
        ),
    ),
    Row(
        individual_ratings.save_rating,
        OWN_TEAM,
        lambda s, a: individual_ratings.save_rating(
            s.db, a, s.draft_id, s.practice_id, ANSWER, expected_version=None, today=TODAY
        ),
        # answers carried over from the last round have a version the row does not track
        tolerates=(ConflictError,),
    ),
    Row(
        starting.start_assessment,
        OWN_TEAM,
        lambda s, a: starting.start_assessment(s.db, a, s.team_id, TODAY),
    ),
    Row(
        starting.start_preview,
        OWN_TEAM,
        lambda s, a: starting.start_preview(s.db, a, s.team_id, TODAY),
    ),
    Row(
        assessments.submit,
        LEAD,
        lambda s, a: assessments.submit(
            s.db, a, s.draft_id, expected_version=assessment_version(s)
        ),
        tolerates=(InputError,),  # the draft is not fully agreed: refused for that, not access
    ),
    Row(
        assessments.team_rounds,
        TEAM_VIEWERS,
        lambda s, a: assessments.team_rounds(s.db, a, s.team_id),
    ),
    # the library catalogue, as admins edit it
    Row(
        catalogue_admin.edit_entry,
        ADMIN,
        lambda s, a: catalogue_admin.edit_entry(
            s.db,
            a,
            s.resource_slug,
            title="Edited title",
            summary="A short guide to talking with users.",
            is_active=True,
            expected_version=entry_version(s),
        ),
    ),
    Row(
        catalogue_admin.library_entries,
        ADMIN,
        lambda s, a: catalogue_admin.library_entries(s.db, a),
    ),
    Row(
        catalogue_admin.restore_file_version,
        ADMIN,
        lambda s, a: catalogue_admin.restore_file_version(s.db, a, s.resource_slug),
    ),
    # frameworks
    Row(frameworks.list_versions, ADMIN, lambda s, a: frameworks.list_versions(s.db, a)),
    Row(frameworks.sync_framework, ADMIN, lambda s, a: frameworks.sync_framework(s.db, a)),
    # home
    Row(home.attention_items, EVERYONE, lambda s, a: home.attention_items(s.db, a, TODAY)),
    # the library
    Row(browse.filter_options, EVERYONE, lambda s, a: browse.filter_options(s.db, a)),
    Row(
        follow_up.follow_up,
        TEAM_VIEWERS,
        lambda s, a: follow_up.follow_up(s.db, a, s.submitted_id),
    ),
    Row(browse.get_item, EVERYONE, lambda s, a: browse.get_item(s.db, a, s.resource_id)),
    Row(
        browse.get_item_by_slug,
        EVERYONE,
        lambda s, a: browse.get_item_by_slug(s.db, a, s.resource_slug),
    ),
    Row(
        peer_contacts.happy_to_talk,
        OWN_TEAM,
        lambda s, a: peer_contacts.happy_to_talk(s.db, a, s.team_id),
    ),
    Row(
        peer_contacts.peer_contacts,
        TEAM_VIEWERS,
        lambda s, a: peer_contacts.peer_contacts(s.db, a, s.submitted_id),
    ),
    Row(
        recommendations.recommend_for_assessment,
        TEAM_VIEWERS,
        lambda s, a: recommendations.recommend_for_assessment(s.db, a, s.submitted_id),
    ),
    Row(
        recommendations.recommend_for_text,
        EVERYONE,
        lambda s, a: recommendations.recommend_for_text(s.db, a, "talk to users about releases"),
    ),
    Row(
        recommendations.recommendation_panel,
        TEAM_VIEWERS,
        lambda s, a: recommendations.recommendation_panel(s.db, a, s.submitted_id),
    ),
    Row(
        recommendations.record_event,
        OWN_TEAM,
        lambda s, a: recommendations.record_event(
            s.db, a, s.resource_id, recommendations.EventKind.OPENED, team_id=s.team_id
        ),
    ),
    Row(usage.resource_stats, ADMIN, lambda s, a: usage.resource_stats(s.db, a)),
    Row(browse.search, EVERYONE, lambda s, a: browse.search(s.db, a, "users")),
    Row(
        peer_contacts.set_happy_to_talk,
        LEAD,
        lambda s, a: peer_contacts.set_happy_to_talk(s.db, a, s.team_id, True),
    ),
    Row(catalogue.sync_catalogue, ADMIN, lambda s, a: catalogue.sync_catalogue(s.db, a)),
    # oversight
    Row(
        oversight.champion_organisations,
        CHAMPIONS,
        lambda s, a: oversight.champion_organisations(s.db, a),
    ),
    Row(
        oversight.organisation_dashboard,
        OWN_CHAMPION,
        lambda s, a: oversight.organisation_dashboard(s.db, a, s.world.organisation_id, TODAY),
    ),
    Row(oversight.system_overview, HUB, lambda s, a: oversight.system_overview(s.db, a, TODAY)),
    # reports and downloads
    *(
        Row(function, TEAM_VIEWERS, lambda s, a, f=function: f(s.db, a, s.submitted_id, TODAY))
        for function in (
            report_files.action_plan_csv,
            report_files.action_plan_ods,
            report_files.action_plan_workbook,
            report_files.assessment_csv,
            report_files.assessment_ods,
            report_files.assessment_report_html,
            report_files.assessment_workbook,
            report_files.assessment_xlsx,
            reports.report_data,
            report_files.scores_csv,
        )
    ),
    Row(
        reports.export_name,
        TEAM_VIEWERS,
        lambda s, a: reports.export_name(s.db, a, s.submitted_id),
    ),
    # results, targets and history
    Row(
        results.assessment_scores,
        TEAM_VIEWERS,
        lambda s, a: results.assessment_scores(s.db, a, s.submitted_id, TODAY),
    ),
    Row(
        results.assessments_with_results,
        TEAM_VIEWERS,
        lambda s, a: results.assessments_with_results(s.db, a, s.team_id),
    ),
    Row(
        target_setting.set_profile,
        OWN_TEAM,
        lambda s, a: target_setting.set_profile(
            s.db,
            a,
            s.draft_id,
            StatisticsProfile("medium", "mixed", "stable"),
            assessment_version(s),
        ),
    ),
    Row(
        target_setting.set_target,
        OWN_TEAM,
        lambda s, a: target_setting.set_target(
            s.db, a, s.draft_id, s.principle_key, 3, "Proportionate", expected=None
        ),
        # after the first allowed case saved it, the target is not the unsaved one this call saw
        tolerates=(ConflictError,),
    ),
    Row(results.targets, TEAM_VIEWERS, lambda s, a: results.targets(s.db, a, s.submitted_id)),
    Row(
        score_history.team_history,
        TEAM_VIEWERS,
        lambda s, a: score_history.team_history(s.db, a, s.team_id),
    ),
    # support requests
    Row(support.consultants, CONSULTANT, lambda s, a: support.consultants(s.db, a)),
    Row(support.count_by_status, CONSULTANT, lambda s, a: support.count_by_status(s.db, a)),
    Row(support.search_queue, CONSULTANT, lambda s, a: support.search_queue(s.db, a)),
    Row(
        support.submit_request,
        OWN_TEAM,
        lambda s, a: support.submit_request(
            s.db, a, s.team_id, "Help", "Help with planning our user survey"
        ),
    ),
    Row(
        support.team_requests,
        OWN_TEAM,
        lambda s, a: support.team_requests(s.db, a, s.team_id),
    ),
    Row(support.triage_queue, CONSULTANT, lambda s, a: support.triage_queue(s.db, a)),
    Row(
        triage_suggestions.suggest_for_request,
        CONSULTANT,
        lambda s, a: triage_suggestions.suggest_for_request(s.db, a, s.request_id),
    ),
    Row(
        support.team_request,
        OWN_TEAM,
        lambda s, a: support.team_request(s.db, a, s.request_id),
    ),
    Row(
        help_now.help_now,
        OWN_TEAM,
        lambda s, a: help_now.help_now(
            s.db, a, s.team_id, "advice", "Survey help", "How do we ask our users about it?"
        ),
    ),
    Row(
        rating.rate_request,
        OWN_TEAM,
        lambda s, a: rating.rate_request(s.db, a, s.resolved_request_id, 4),
        # the first allowed case rated it; the help is rated once
        tolerates=(InputError,),
    ),
    Row(
        request_context.team_beside_request,
        CONSULTANT,
        lambda s, a: request_context.team_beside_request(s.db, a, s.request_id, TODAY),
    ),
    Row(
        request_context.send_library_item,
        CONSULTANT,
        lambda s, a: request_context.send_library_item(s.db, a, s.request_id, s.resource_slug),
    ),
    Row(
        support.update_request,
        CONSULTANT,
        lambda s, a: support.update_request(
            s.db,
            a,
            s.request_id,
            expected_version=request_version(s),
            status=RequestStatus.IN_PROGRESS,
            assignee_id=None,
            resolution="",
        ),
    ),
    # a request's conversation and the inbox
    Row(
        conversation.post_reply,
        OWN_TEAM | CONSULTANT,
        lambda s, a: conversation.post_reply(s.db, a, s.request_id, "Any news on this?"),
    ),
    Row(
        conversation.post_note,
        CONSULTANT,
        lambda s, a: conversation.post_note(s.db, a, s.request_id, "Ask the survey team."),
    ),
    Row(
        conversation.conversation,
        OWN_TEAM | CONSULTANT,
        lambda s, a: conversation.conversation(s.db, a, s.request_id),
    ),
    Row(inbox.notifications, EVERYONE, lambda s, a: inbox.notifications(s.db, a)),
    Row(inbox.unread_count, EVERYONE, lambda s, a: inbox.unread_count(s.db, a)),
    Row(
        inbox.mark_read,
        frozenset({"own team member"}),
        lambda s, a: inbox.mark_read(s.db, a, member_notification(s)),
    ),
    Row(
        inbox.mark_request_read,
        OWN_TEAM | CONSULTANT,
        lambda s, a: inbox.mark_request_read(s.db, a, s.request_id),
    ),
    # survey themes as evidence for a team's rating
    Row(
        theme_evidence.accepting_practices,
        CONSULTANT,
        lambda s, a: theme_evidence.accepting_practices(s.db, a),
    ),
    Row(
        theme_evidence.evidence_teams,
        CONSULTANT,
        lambda s, a: theme_evidence.evidence_teams(s.db, a, TODAY),
    ),
    Row(
        theme_evidence.attach_theme,
        CONSULTANT,
        lambda s, a: theme_evidence.attach_theme(
            s.db, a, fresh_evidence_call(s), s.draft_id, "seek-views"
        ),
    ),
    Row(
        theme_evidence.detach_theme,
        CONSULTANT,
        lambda s, a: theme_evidence.detach_theme(s.db, a, fresh_evidence(s)),
    ),
    Row(
        theme_evidence.assessment_evidence,
        TEAM_VIEWERS,
        lambda s, a: theme_evidence.assessment_evidence(s.db, a, s.draft_id),
    ),
    Row(
        theme_evidence.survey_evidence,
        CONSULTANT,
        lambda s, a: theme_evidence.survey_evidence(s.db, a, s.survey_id),
    ),
    # user surveys and their themes
    Row(
        theme_sets.accept_review,
        CONSULTANT,
        lambda s, a: theme_sets.accept_review(
            s.db, a, s.set_id, s.answer_ids[:1], expected_version=theme_set_version(s)
        ),
    ),
    *(
        Row(function, CONSULTANT, lambda s, a, f=function: f(s.db, a, s.survey_id))
        for function in (
            you_said_we_did.action_log,
            you_said_we_did.action_log_html,
            you_said_we_did.action_log_ods,
            views.get_survey,
        )
    ),
    Row(
        you_said_we_did.add_theme_action,
        CONSULTANT,
        lambda s, a: you_said_we_did.add_theme_action(
            s.db, a, s.theme_ids[0], "We changed it", "planned"
        ),
    ),
    Row(
        you_said_we_did.update_theme_action,
        CONSULTANT,
        lambda s, a: (
            lambda found: you_said_we_did.update_theme_action(
                s.db, a, found[0], "We changed it again", "done", TODAY, expected_version=found[1]
            )
        )(fresh_survey_action(s)),
    ),
    Row(
        you_said_we_did.delete_theme_action,
        CONSULTANT,
        lambda s, a: (
            lambda found: you_said_we_did.delete_theme_action(
                s.db, a, found[0], expected_version=found[1]
            )
        )(fresh_survey_action(s)),
    ),
    Row(
        imports.add_responses,
        CONSULTANT,
        lambda s, a: imports.add_responses(
            s.db,
            a,
            s.survey_id,
            read_table(survey_csv(["A new answer about time"], start=1000 + s.unique()), "a.csv"),
            MAPPING,
        ),
    ),
    Row(
        deletion.survey_contents,
        CONSULTANT,
        lambda s, a: deletion.survey_contents(s.db, a, s.survey_id),
    ),
    Row(
        deletion.delete_survey,
        CONSULTANT,
        lambda s, a: (
            lambda contents: deletion.delete_survey(
                s.db, a, contents.survey_id, expected_answers=contents.answers
            )
        )(new_survey(s)),
    ),
    Row(
        theme_sets.approve,
        CONSULTANT,
        lambda s, a: theme_sets.approve(s.db, a, s.set_id, expected_version=theme_set_version(s)),
    ),
    *(
        Row(function, CONSULTANT, lambda s, a, f=function: f(s.db, a, s.set_id))
        for function in (
            views.coded_answers,
            exports.coded_csv,
            exports.coded_frame,
            exports.coded_ods,
            exports.coded_xlsx,
            exports.file_stem,
            theme_sets.review_queue,
            views.theme_set,
            exports.theme_summary_html,
        )
    ),
    *(
        Row(function, CONSULTANT, lambda s, a, f=function: f(s.db, a, s.question_id))
        for function in (
            views.current_theme_set,
            embeddings.ensure_embeddings,
            theme_sets.suggested_n_themes,
        )
    ),
    Row(
        theme_sets.draft_edits,
        CONSULTANT,
        lambda s, a: theme_sets.draft_edits(s.db, a, s.question_id),
    ),
    Row(
        theme_sets.find_themes,
        CONSULTANT,
        lambda s, a: theme_sets.find_themes(s.db, a, s.question_id, 4, expected_current=None),
        # the seeded set is current, so an allowed call is refused as a conflict and keeps it
        tolerates=(ConflictError,),
    ),
    Row(
        imports.import_survey,
        CONSULTANT,
        lambda s, a: imports.import_survey(
            s.db, a, read_table(survey_csv(), "s.csv"), MAPPING, "Another survey"
        ),
    ),
    Row(
        imports.import_survey_file,
        CONSULTANT,
        lambda s, a: imports.import_survey_file(
            s.db, a, survey_csv(), "s.csv", "Another survey", MAPPING
        ),
    ),
    Row(views.list_surveys, CONSULTANT, lambda s, a: views.list_surveys(s.db, a)),
    Row(
        refine.merge_themes,
        CONSULTANT,
        lambda s, a: refine.merge_themes(
            s.db, a, s.set_id, s.theme_ids[2:4], expected_version=theme_set_version(s)
        ),
    ),
    Row(
        refine.move_answers,
        CONSULTANT,
        lambda s, a: refine.move_answers(
            s.db,
            a,
            s.set_id,
            s.answer_ids[:1],
            s.theme_ids[1],
            expected_version=theme_set_version(s),
        ),
    ),
    Row(
        read_across.read_across,
        CONSULTANT,
        lambda s, a: read_across.read_across(s.db, a, s.set_id, "Profession"),
    ),
    Row(
        refine.rename_theme,
        CONSULTANT,
        lambda s, a: refine.rename_theme(
            s.db, a, s.set_id, s.theme_ids[0], "Time", expected_version=theme_set_version(s)
        ),
    ),
    Row(
        refine.seed_theme,
        CONSULTANT,
        lambda s, a: refine.seed_theme(
            s.db, a, s.set_id, s.answer_ids[:2], "Seeded", expected_version=theme_set_version(s)
        ),
    ),
    Row(
        refine.set_not_relevant,
        CONSULTANT,
        lambda s, a: refine.set_not_relevant(
            s.db, a, s.set_id, s.answer_ids[:1], expected_version=theme_set_version(s)
        ),
    ),
    Row(
        refine.split_theme,
        CONSULTANT,
        lambda s, a: refine.split_theme(
            s.db, a, s.set_id, s.theme_ids[0], 2, expected_version=theme_set_version(s)
        ),
    ),
    # statistical outputs: an organisation's list is kept by its champions and admins
    Row(
        statistical_outputs.list_organisations,
        CHAMPIONS | ADMIN,
        lambda s, a: statistical_outputs.list_organisations(s.db, a),
    ),
    Row(
        statistical_outputs.import_list,
        OWN_CHAMPION | ADMIN,
        lambda s, a: statistical_outputs.import_list(
            s.db, a, s.world.organisation_id, OUTPUTS_LIST, "outputs.csv"
        ),
    ),
    Row(
        statistical_outputs.outputs_coverage,
        OWN_CHAMPION | ADMIN,
        lambda s, a: statistical_outputs.outputs_coverage(s.db, a, s.world.organisation_id, TODAY),
    ),
    # everyone sees the prompts for their own teams' outputs only
    Row(
        statistical_outputs.team_reassessment_prompts,
        EVERYONE,
        lambda s, a: statistical_outputs.team_reassessment_prompts(s.db, a, TODAY),
    ),
    # similar and duplicate requests: the hub searches all; a team checks only its own
    Row(
        similar.similar_requests,
        CONSULTANT,
        lambda s, a: similar.similar_requests(s.db, a, s.request_id),
    ),
    Row(
        similar.search_by_meaning,
        CONSULTANT,
        lambda s, a: similar.search_by_meaning(s.db, a, "help with a user survey"),
    ),
    Row(
        similar.open_duplicate,
        OWN_TEAM,
        lambda s, a: similar.open_duplicate(
            s.db, a, s.team_id, "Survey help", "Help with planning our user survey"
        ),
    ),
    Row(
        similar.answered_like,
        OWN_TEAM,
        lambda s, a: similar.answered_like(
            s.db, a, s.team_id, "Survey help", "Help with planning our user survey"
        ),
    ),
    # triage: every suggestion, confirming it, and consultants' declared skills
    Row(
        triage_suggestions.suggest_triage,
        CONSULTANT,
        lambda s, a: triage_suggestions.suggest_triage(s.db, a, s.request_id, TODAY),
    ),
    Row(
        triage.confirm_triage,
        CONSULTANT,
        lambda s, a: triage.confirm_triage(
            s.db, a, s.request_id, ["listen"], "advice", "normal", None, request_version(s)
        ),
    ),
    Row(
        triage.confirmed_triage,
        CONSULTANT,
        lambda s, a: triage.confirmed_triage(s.db, a, s.request_id),
    ),
    # consultants declare their own skills; admins set anyone's
    Row(
        skills.skills_of,
        HUB,
        lambda s, a: skills.skills_of(s.db, a, s.world.actor("consultant").user_id),
    ),
    Row(
        skills.set_skills,
        HUB,
        lambda s, a: skills.set_skills(
            s.db,
            a,
            s.world.actor("consultant").user_id,
            ["listen"],
            ["advice"],
            expected=skills.skills_of(s.db, SYSTEM, s.world.actor("consultant").user_id),
        ),
    ),
    Row(skills.hub_consultants, ADMIN, lambda s, a: skills.hub_consultants(s.db, a)),
    # a request's outcome: the hub records it; the team sees its own request's outcome only
    Row(outcomes.practice_choices, CONSULTANT, lambda s, a: outcomes.practice_choices(s.db, a)),
    Row(
        outcomes.record_outcome,
        CONSULTANT,
        lambda s, a: outcomes.record_outcome(
            s.db,
            a,
            s.resolved_request_id,
            expected_version=support.team_request(s.db, SYSTEM, s.resolved_request_id).version,
            help_given="Sent the panel guide and met the team",
            practice_keys=[outcomes.practice_choices(s.db, SYSTEM)[0].key],
            hours=2,
        ),
    ),
    Row(
        outcomes.request_follow_up,
        OWN_TEAM | CONSULTANT,
        lambda s, a: outcomes.request_follow_up(s.db, a, s.resolved_request_id),
    ),
    # Champion Chats: the hub draws, changes and publishes a month; champions see their own
    Row(
        champion_chats.draw_round,
        HUB,
        lambda s, a: champion_chats.draw_round(s.db, a, chat_month(s), TODAY, seed=1),
    ),
    Row(
        champion_chats.chat_round,
        HUB,
        lambda s, a: champion_chats.chat_round(s.db, a, TODAY),
    ),
    Row(champion_chats.chat_history, HUB, lambda s, a: champion_chats.chat_history(s.db, a)),
    Row(
        champion_chats.redraw_round,
        HUB,
        lambda s, a: (
            lambda view: champion_chats.redraw_round(s.db, a, view.round_id, view.version, seed=2)
        )(new_chat_round(s)),
    ),
    Row(
        champion_chats.swap_champions,
        HUB,
        lambda s, a: (
            lambda view: champion_chats.swap_champions(
                s.db,
                a,
                view.round_id,
                view.groups[0].members[0].user_id,
                view.groups[0].members[1].user_id,
                view.version,
            )
        )(new_chat_round(s)),
        # the seeded world's two champions make one group, so an allowed swap within it is
        # refused for that, after the access check
        tolerates=(InputError,),
    ),
    Row(
        champion_chats.publish_round,
        HUB,
        lambda s, a: (
            lambda view: champion_chats.publish_round(s.db, a, view.round_id, view.version)
        )(new_chat_round(s)),
    ),
    Row(
        your_champion_chat.your_chat,
        CHAMPIONS,
        lambda s, a: your_champion_chat.your_chat(s.db, a, TODAY),
    ),
    Row(
        your_champion_chat.skip_month,
        CHAMPIONS,
        lambda s, a: your_champion_chat.skip_month(s.db, a, chat_month(s), TODAY),
    ),
    Row(
        your_champion_chat.unskip_month,
        CHAMPIONS,
        lambda s, a: your_champion_chat.unskip_month(s.db, a, chat_month(s), TODAY),
        tolerates=(InputError,),  # a month the person never skipped: refused for that
    ),
    # the hub's desk reports: hub staff only
    Row(hub_reports.desk_organisations, HUB, lambda s, a: hub_reports.desk_organisations(s.db, a)),
    Row(
        hub_reports.desk_report,
        HUB,
        lambda s, a: hub_reports.desk_report(s.db, a, hub_reports.default_filters(TODAY), TODAY),
    ),
    Row(
        hub_report_tables.desk_report_ods,
        HUB,
        lambda s, a: hub_report_tables.desk_report_ods(
            s.db, a, hub_reports.default_filters(TODAY), TODAY
        ),
    ),
    Row(
        hub_report_tables.desk_report_csv,
        HUB,
        lambda s, a: hub_report_tables.desk_report_csv(
            s.db, a, hub_reports.default_filters(TODAY), "demand", TODAY
        ),
    ),
    # the champions directory: everyone reads it; a champion keeps their own profile
    Row(champions.directory, EVERYONE, lambda s, a: champions.directory(s.db, a)),
    Row(
        champions.directory_organisations,
        EVERYONE,
        lambda s, a: champions.directory_organisations(s.db, a),
    ),
    Row(champions.your_champions, EVERYONE, lambda s, a: champions.your_champions(s.db, a)),
    Row(commitments.your_commitments, EVERYONE, lambda s, a: commitments.your_commitments(s.db, a)),
    Row(champions.own_profile, CHAMPIONS, lambda s, a: champions.own_profile(s.db, a)),
    Row(
        champions.save_profile,
        CHAMPIONS,
        lambda s, a: champions.save_profile(
            s.db, a, ProfileForm(), expected_version=champions.own_profile(s.db, a).version
        ),
    ),
    # hub staff add and retire champions and see the history
    Row(
        champion_terms.champion_choices,
        HUB,
        lambda s, a: champion_terms.champion_choices(s.db, a),
    ),
    Row(
        champion_terms.add_champion,
        HUB,
        lambda s, a: champion_terms.add_champion(
            s.db, a, user_id=new_user(s), organisation_id=s.world.organisation_id, today=TODAY
        ),
    ),
    Row(
        champion_terms.retire_champion,
        HUB,
        lambda s, a: champion_terms.retire_champion(
            s.db, a, user_id=new_champion(s), organisation_id=s.world.organisation_id, today=TODAY
        ),
    ),
    Row(
        champion_terms.champion_history,
        HUB,
        lambda s, a: champion_terms.champion_history(s.db, a),
    ),
    # organisational commitments: kept by the organisation's champions (admins for any), read by
    # its teams too, and every one seen by hub staff
    Row(
        commitments.commitment_organisations,
        CHAMPIONS | HUB,
        lambda s, a: commitments.commitment_organisations(s.db, a),
    ),
    Row(
        commitments.organisation_commitment,
        TEAM_VIEWERS | {"member, other team, same organisation"},
        lambda s, a: commitments.organisation_commitment(s.db, a, s.world.organisation_id),
    ),
    Row(
        commitments.commitments_progress,
        HUB,
        lambda s, a: commitments.commitments_progress(s.db, a, TODAY),
    ),
    Row(
        commitments.save_statement,
        OWN_CHAMPION | ADMIN,
        lambda s, a: commitments.save_statement(
            s.db,
            a,
            s.world.organisation_id,
            "We will put users first.",
            None,
            expected_version=commitment_version(s),
        ),
    ),
    Row(
        commitments.add_commitment_action,
        OWN_CHAMPION | ADMIN,
        lambda s, a: commitments.add_commitment_action(
            s.db, a, s.world.organisation_id, COMMITMENT_ACTION
        ),
    ),
    Row(
        commitments.update_commitment_action,
        OWN_CHAMPION | ADMIN,
        lambda s, a: commitments.update_commitment_action(
            s.db, a, fresh_commitment_action(s)[0], COMMITMENT_ACTION, expected_version=1
        ),
    ),
    Row(
        commitments.change_commitment_action_status,
        OWN_CHAMPION | ADMIN,
        lambda s, a: commitments.change_commitment_action_status(
            s.db, a, fresh_commitment_action(s)[0], CommitmentStatus.DONE, expected_version=1
        ),
    ),
    # Themes at two levels (issue 14). Earlier rows change the shared set, so the top-level
    # themes are looked up when the call is made; a split may find too few sub-themes.
    Row(
        top_level_edits.rename_top_theme,
        CONSULTANT,
        lambda s, a: top_level_edits.rename_top_theme(
            s.db,
            a,
            s.set_id,
            top_ids(s)[0],
            f"Top {next(s.counter)}",
            expected_version=theme_set_version(s),
        ),
    ),
    Row(
        top_level_edits.move_theme,
        CONSULTANT,
        lambda s, a: top_level_edits.move_theme(
            s.db,
            a,
            s.set_id,
            views.theme_set(s.db, SYSTEM, s.set_id).themes[0].id,
            None,
            label=f"Own {next(s.counter)}",
            expected_version=theme_set_version(s),
        ),
    ),
    Row(
        top_level_edits.merge_top_themes,
        CONSULTANT,
        lambda s, a: top_level_edits.merge_top_themes(
            s.db, a, s.set_id, top_ids(s)[:2], expected_version=theme_set_version(s)
        ),
        tolerates=(InputError,),  # fewer than two top-level themes left to merge
    ),
    Row(
        top_level_edits.split_top_theme,
        CONSULTANT,
        lambda s, a: top_level_edits.split_top_theme(
            s.db, a, s.set_id, top_ids(s)[0], 2, expected_version=theme_set_version(s)
        ),
        tolerates=(InputError,),  # the top-level theme may hold one sub-theme only
    ),
    # A job is seen and cancelled by the person who started it (here the own team member) and
    # by hub staff; everyone may list their own jobs.
    Row(jobs.job_status, OWN_MEMBER | HUB, lambda s, a: jobs.job_status(s.db, a, member_job(s))),
    Row(jobs.cancel_job, OWN_MEMBER | HUB, lambda s, a: jobs.cancel_job(s.db, a, member_job(s))),
    Row(jobs.my_jobs, EVERYONE, lambda s, a: jobs.my_jobs(s.db, a)),
    Row(jobs.all_jobs, HUB, lambda s, a: jobs.all_jobs(s.db, a)),
    # retraining the request router: hub consultants, who triage (cancelled at once here)
    Row(
        router_jobs.start_retraining_router,
        CONSULTANT,
        lambda s, a: jobs.cancel_job(s.db, a, router_jobs.start_retraining_router(s.db, a).id),
        tolerates=(InputError,),  # the job thread may have finished it before the cancel
    ),
    Row(router_jobs.router_job, CONSULTANT, lambda s, a: router_jobs.router_job(s.db, a)),
    # a large export of coded responses: survey analysts start it; its file is seen as its job
    Row(
        export_jobs.start_exporting,
        CONSULTANT,
        lambda s, a: jobs.cancel_job(
            s.db, a, export_jobs.start_exporting(s.db, a, s.set_id, "csv").id
        ),
        tolerates=(InputError,),  # the job thread may have finished it before the cancel
    ),
    Row(export_jobs.export_job, CONSULTANT, lambda s, a: export_jobs.export_job(s.db, a, s.set_id)),
    Row(
        export_jobs.export_work,
        CONSULTANT,
        lambda s, a: export_jobs.export_work(
            s.db, a, {"set_id": s.set_id, "format": "csv"}, JobContext(s.db, consultant_job(s))
        ),
    ),
    Row(
        jobs.job_file,
        OWN_MEMBER | HUB,
        lambda s, a: jobs.job_file(s.db, a, member_job(s)),
        tolerates=(NotFound,),  # the member's job made no file: past the access check
    ),
    Row(
        router_jobs.retrain_router_work,
        CONSULTANT,
        lambda s, a: router_jobs.retrain_router_work(s.db, a, {}, JobContext(s.db, 0)),
    ),
    Row(
        theme_jobs.start_finding_themes,
        CONSULTANT,
        lambda s, a: theme_jobs.start_finding_themes(
            s.db, a, s.question_id, 4, expected_current=None
        ),
        # the seeded set is current, so an allowed call is refused as a conflict, no job made
        tolerates=(ConflictError,),
    ),
    Row(
        theme_jobs.theme_job,
        CONSULTANT,
        lambda s, a: theme_jobs.theme_job(s.db, a, s.question_id),
    ),
    Row(
        theme_jobs.find_themes_work,
        CONSULTANT,
        lambda s, a: theme_jobs.find_themes_work(
            s.db, a, {"question_id": s.question_id, "n_themes": 4}, JobContext(s.db, 0)
        ),
        # the work checks the set seen as find_themes does: the seeded set is current
        tolerates=(ConflictError,),
    ),
    Row(
        theme_jobs.start_approving,
        CONSULTANT,
        lambda s, a: theme_jobs.start_approving(s.db, a, s.set_id, expected_version=-1),
        # a version never seen: an allowed call is refused as a conflict, no job made
        tolerates=(ConflictError,),
    ),
    Row(
        theme_jobs.approve_themes_work,
        CONSULTANT,
        lambda s, a: theme_jobs.approve_themes_work(
            s.db, a, {"set_id": s.set_id, "expected_version": -1}, JobContext(s.db, 0)
        ),
        tolerates=(ConflictError,),  # the work saves against the version seen, as approve does
    ),
    # the forum register: everyone reads it, hub staff keep it and join forums up; successes are
    # recorded by hub staff or a champion of the host organisation
    Row(
        forums.forum_register,
        EVERYONE,
        lambda s, a: forums.forum_register(s.db, a, TODAY, text="housing"),
    ),
    Row(forums.forum_organisations, EVERYONE, lambda s, a: forums.forum_organisations(s.db, a)),
    Row(
        forums.forum_detail,
        EVERYONE,
        lambda s, a: forums.forum_detail(s.db, a, new_forum(s), TODAY),
    ),
    Row(
        forums.active_forums,
        EVERYONE,
        lambda s, a: forums.active_forums(s.db, a, date(2026, 4, 1), TODAY),
    ),
    Row(
        forum_edits.forum_edit_choices,
        HUB,
        lambda s, a: forum_edits.forum_edit_choices(s.db, a, TODAY),
    ),
    Row(
        forum_edits.add_forum,
        HUB,
        lambda s, a: forum_edits.add_forum(s.db, a, forum_draft(s), TODAY),
    ),
    Row(
        forum_edits.update_forum,
        HUB,
        lambda s, a: forum_edits.update_forum(
            s.db, a, new_forum(s), forum_draft(s), TODAY, expected_version=1
        ),
    ),
    Row(
        forum_edits.close_forum,
        HUB,
        lambda s, a: forum_edits.close_forum(s.db, a, new_forum(s), TODAY, expected_version=1),
    ),
    Row(
        forum_edits.reopen_forum,
        HUB,
        lambda s, a: forum_edits.reopen_forum(s.db, a, closed_forum(s), expected_version=2),
    ),
    Row(
        forum_successes.record_success,
        HUB | OWN_CHAMPION,
        lambda s, a: forum_successes.record_success(s.db, a, new_forum(s), FORUM_SUCCESS, TODAY),
    ),
    Row(
        forum_successes.suggest_case_study,
        HUB | OWN_CHAMPION,
        lambda s, a: forum_successes.suggest_case_study(
            s.db, a, new_success(s), True, expected_version=1
        ),
    ),
    Row(
        forum_successes.suggested_case_studies,
        HUB,
        lambda s, a: forum_successes.suggested_case_studies(s.db, a),
    ),
    Row(
        forum_successes.draft_from_success,
        HUB,
        lambda s, a: forum_successes.draft_from_success(
            s.db, a, suggested_success(s), "A forum that grew"
        ),
    ),
    Row(forum_join_up.join_up, HUB, lambda s, a: forum_join_up.join_up(s.db, a, TODAY)),
    Row(
        forum_join_up.team_forum_suggestions,
        TEAM_VIEWERS,
        lambda s, a: forum_join_up.team_forum_suggestions(s.db, a, s.team_id, TODAY),
    ),
    # champions' monthly updates: each champion sends and sees their own; hub staff see all,
    # remind, roll up and draft case studies
    Row(
        champion_updates.your_months,
        CHAMPIONS,
        lambda s, a: champion_updates.your_months(s.db, a, TODAY),
    ),
    Row(
        champion_updates.send_update,
        CHAMPIONS,
        lambda s, a: (
            lambda month: champion_updates.send_update(
                s.db,
                a,
                month,
                categories=("other",),
                text="We ran a user event.",
                links="",
                today=month,
                expected_version=None,
            )
        )(new_published_month(s)),
    ),
    Row(
        update_reminders.published_months,
        HUB,
        lambda s, a: update_reminders.published_months(s.db, a, TODAY),
    ),
    Row(
        update_reminders.month_status,
        HUB,
        lambda s, a: (lambda month: update_reminders.month_status(s.db, a, month, month))(
            new_published_month(s)
        ),
    ),
    Row(
        update_reminders.send_reminders,
        HUB,
        lambda s, a: (lambda month: update_reminders.send_reminders(s.db, a, month, month))(
            new_published_month(s)
        ),
    ),
    Row(
        update_reminders.your_reminders,
        EVERYONE,
        lambda s, a: update_reminders.your_reminders(s.db, a),
    ),
    Row(
        update_reminders.mark_reminder_read,
        OWN_CHAMPION,
        lambda s, a: update_reminders.mark_reminder_read(s.db, a, new_reminder(s)),
    ),
    Row(
        champion_updates.updates_by_category,
        HUB,
        lambda s, a: champion_updates.updates_by_category(s.db, a, TODAY, TODAY),
    ),
    Row(
        champion_updates.update_rollup,
        HUB,
        lambda s, a: champion_updates.update_rollup(s.db, a, TODAY, TODAY),
    ),
    Row(
        champion_updates.update_organisations,
        HUB,
        lambda s, a: champion_updates.update_organisations(s.db, a),
    ),
    Row(
        champion_updates.organisation_timeline,
        HUB,
        lambda s, a: champion_updates.organisation_timeline(s.db, a, s.world.organisation_id),
    ),
    Row(
        champion_updates.case_study_offers,
        HUB,
        lambda s, a: champion_updates.case_study_offers(s.db, a, TODAY, TODAY),
    ),
    Row(
        champion_updates.draft_from_update,
        HUB,
        lambda s, a: champion_updates.draft_from_update(
            s.db, a, new_case_study_update(s), "A panel that worked"
        ),
    ),
    # case-study drafts: hub staff draft, review, publish and decline
    Row(
        case_study_drafts.draft_case_study,
        HUB,
        lambda s, a: case_study_drafts.draft_case_study(
            s.db,
            a,
            source_kind="forum_success",
            source_id=s.unique(),
            title="A forum that grew",
            summary="It opened to all users.",
        ),
    ),
    Row(
        case_study_drafts.drafts_for_sources,
        HUB,
        lambda s, a: case_study_drafts.drafts_for_sources(s.db, a, "forum_success", [1, 2]),
    ),
    Row(
        case_study_drafts.case_study_drafts,
        HUB,
        lambda s, a: case_study_drafts.case_study_drafts(s.db, a),
    ),
    Row(
        case_study_drafts.publish_case_study,
        HUB,
        lambda s, a: case_study_drafts.publish_case_study(
            s.db,
            a,
            new_case_study_draft(s),
            case_study_drafts.Publication(
                "A forum that grew",
                "It opened to all users.",
                ("working-together",),
                ("user-forum",),
            ),
            expected_version=1,
            today=TODAY,
        ),
    ),
    Row(
        case_study_drafts.decline_case_study,
        HUB,
        lambda s, a: case_study_drafts.decline_case_study(
            s.db, a, new_case_study_draft(s), "Too thin", expected_version=1
        ),
    ),
    # the strategy's progress report: hub staff only
    Row(
        progress_report.progress_report,
        HUB,
        lambda s, a: progress_report.progress_report(s.db, a, REPORT_PERIOD, TODAY),
    ),
    Row(
        progress_report.progress_report_html,
        HUB,
        lambda s, a: progress_report.progress_report_html(s.db, a, REPORT_PERIOD, TODAY),
    ),
    Row(
        progress_report.progress_report_ods,
        HUB,
        lambda s, a: progress_report.progress_report_ods(s.db, a, REPORT_PERIOD, TODAY),
    ),
)


def top_ids(s: Seeded) -> list[int]:
    return [t.id for t in views.theme_set(s.db, SYSTEM, s.set_id).top_themes]


def member_job(s: Seeded) -> int:
    """A fresh queued job started by the own team member (never run)."""
    member = s.world.actor("member")
    with s.db.transaction() as session:
        return job_store.add_job(session, "find_themes", member.user_id, None, {}, "Waiting").id


def consultant_job(s: Seeded) -> int:
    """A fresh queued job started by the hub consultant (never run)."""
    consultant = s.world.actor("consultant")
    with s.db.transaction() as session:
        return job_store.add_job(
            session, "export_coded", consultant.user_id, None, {}, "Waiting"
        ).id


def forum_draft(s: Seeded) -> forums.ForumDraft:
    """A forum hosted by the own organisation, with a name no other call has used."""
    return forums.ForumDraft(
        name=f"Housing user group {s.unique()}",
        description="",
        host_organisation_id=s.world.organisation_id,
        member_organisation_ids=(),
        themes=("housing",),
        attendees=("producer_analysts",),
        frequency="quarterly",
        last_met=date(2026, 3, 1),
        join_text="Ask the host.",
        join_url="",
    )


def new_forum(s: Seeded) -> int:
    return forum_edits.add_forum(s.db, SYSTEM, forum_draft(s), TODAY)


def closed_forum(s: Seeded) -> int:
    forum_id = new_forum(s)
    forum_edits.close_forum(s.db, SYSTEM, forum_id, TODAY, expected_version=1)
    return forum_id


FORUM_SUCCESS = forum_successes.SuccessDraft("Users shaped a new table", date(2026, 3, 1))


def new_success(s: Seeded) -> int:
    return forum_successes.record_success(s.db, SYSTEM, new_forum(s), FORUM_SUCCESS, TODAY)


def suggested_success(s: Seeded) -> int:
    """A fresh success suggested as a case study."""
    success_id = new_success(s)
    forum_successes.suggest_case_study(s.db, SYSTEM, success_id, True, expected_version=1)
    return success_id


def new_published_month(s: Seeded) -> date:
    """A fresh month far ahead, drawn and published with every champion in it."""
    view = new_chat_round(s)
    champion_chats.publish_round(s.db, SYSTEM, view.round_id, view.version)
    return view.month


def new_reminder(s: Seeded) -> int:
    """A fresh update reminder in the own organisation's champion's inbox; its id."""
    month = new_published_month(s)
    update_reminders.send_reminders(s.db, SYSTEM, month, month)
    with s.db.read() as session:
        found = session.scalar(
            select(Notification.id).where(
                Notification.user_id == s.world.actor("champion").user_id,
                Notification.chat_month == month,
            )
        )
        assert found is not None
        return found


def new_case_study_update(s: Seeded) -> int:
    """A fresh update by the own organisation's champion offering a case study; its id."""
    month = new_published_month(s)
    return champion_updates.send_update(
        s.db,
        s.world.actor("champion"),
        month,
        categories=("case_study",),
        text="Our user panel changed a release.",
        links="https://example.gov.uk/panel",
        today=month,
        expected_version=None,
    ).id


def new_case_study_draft(s: Seeded) -> int:
    return case_study_drafts.draft_case_study(
        s.db,
        SYSTEM,
        source_kind="forum_success",
        source_id=s.unique() + 1_000_000,
        title="A forum that grew",
        summary="It opened to all users.",
    )


def new_champion(s: Seeded) -> int:
    """A fresh person made champion of the own organisation, to retire."""
    user_id = new_user(s)
    champion_terms.add_champion(
        s.db, SYSTEM, user_id=user_id, organisation_id=s.world.organisation_id, today=TODAY
    )
    return user_id


def commitment_version(s: Seeded) -> int:
    return commitments.organisation_commitment(s.db, SYSTEM, s.world.organisation_id).version


COMMITMENT_ACTION = commitments.ActionDraft(
    "raise_profile", "Launch the strategy internally", "Champion", date(2026, 4, 1), TODAY
)


def fresh_commitment_action(s: Seeded) -> tuple[int, int]:
    """A new action of the own organisation's commitment (seeded), with its version."""
    added = commitments.add_commitment_action(
        s.db, SYSTEM, s.world.organisation_id, COMMITMENT_ACTION
    )
    return added.id, added.version


def chat_month(s: Seeded) -> date:
    """A month far ahead that no other call has drawn or skipped."""
    return add_months(date(2100, 1, 1), s.unique())


def new_chat_round(s: Seeded) -> champion_chats.ChatRoundView:
    """A fresh draft month of the seeded world's two champions."""
    return champion_chats.draw_round(s.db, SYSTEM, chat_month(s), TODAY, seed=1)


# Public functions that take no actor: pure helpers, view-model builders and the steps of
# signing in. Each says why it needs no row.
EXEMPT: dict[Callable[..., Any], str] = {
    agreeing.members_differ: "pure: reads an agreement already loaded",
    support.check_request: "pure: checks a request's fields before it is sent",
    support.record_first_response: "write inside a service's transaction, after its check",
    queue_views.view_clause: "the query condition of a queue view, inside a service's session",
    agreeing.unanimous_practices: "pure: filters comparisons already checked",
    sign_in_sessions.new_token: "pure: a random token for a browser",
    sign_in_sessions.actor_for_session: "signing in: finds who a browser's token belongs to",
    sign_in_sessions.is_live: "signing in: whether a browser's token still signs it in",
    sign_in_sessions.end_session: "signing out: ends the session a browser's token names",
    submissions.answers_of: "pure: the answers stored in a loaded submission",
    submissions.ever_submitted: "pure: a query condition",
    submissions.latest_submission: "read inside a service's session, after its access check",
    submissions.record_submission: "write inside submit's transaction, after its check",
    submissions.reopened_answers: "read inside a service's session, after its access check",
    conversation.first_hub_reply_at: "read inside a service's session, after its access check",
    inbox.notify: "write inside a posting or status change's transaction, after its check",
    access_facts.team_ref: "pure: turns a loaded team into the policy's facts",
    accounts.actor_for_email: "signing in: finds who is signing in, before there is an actor",
    accounts.actor_from_user: "pure: builds the actor from a loaded account",
    accounts.actor_for_user_id: "background jobs: the person who started a job, to run it as",
    jobs.job_view: "read inside a service's session, after its access check",
    accounts.authenticate: "signing in: checks a password, before there is an actor",
    sign_in.check_claims: "pure: checks a sign-in service's claims, before there is an actor",
    sign_in.sign_in_with_oidc: "signing in: single sign-on, before there is an actor",
    sign_in.actor_for_identity: "signing in: finds who a bound sign-in account belongs to",
    accounts.demo_personas: "signing in: demo sign-in choices, refused unless demo mode is on",
    audit_log.describe: "pure: a recorded action's code in words",
    accounts.normalise_email: "pure: tidies an email address",
    accounts.membership_view: "pure: the policy's view of a loaded membership",
    accounts.redeem_password_reset: "signing in: a reset code stands in for the actor",
    actions.action_views: "read model inside a service's session, after its access check",
    actions.is_overdue: "pure: date arithmetic",
    actions.parse_due_date: "pure: parses a date entered in three boxes",
    actions.planned_levels: "pure: summarises actions already loaded",
    actions.sort_actions: "pure: orders actions already loaded",
    assessment_reads.agreed_levels: "read inside a service's session, after its access check",
    assessment_reads.assessment_ref: "read inside a service's session, after its access check",
    assessment_reads.practice_answers: "read inside a service's session, after its access check",
    assessment_reads.practice_in: "read inside a service's session, after its access check",
    assessment_reads.previous_submitted: "read inside a service's session, after its check",
    database.open_database: "opens the connection at start-up; reads nothing",
    assessments.practice_ids_in_order: "pure: orders practices already loaded",
    assessments.submission_problems: "pure: checks an assessment state already loaded",
    agreeing.suggested_answer: "pure: suggests an agreed answer from a comparison",
    frameworks.current_version_id: "read inside a service's session: the newest framework",
    frameworks.framework_for_version: "read inside a service's session: framework content",
    reports.actions_frame: "pure: a table from report data already checked",
    reports.individual_frame: "pure: a table from report data already checked",
    reports.practices_frame: "pure: a table from report data already checked",
    reports.projection_chart: "pure: a chart from report data already checked",
    reports.scores_chart: "pure: a chart from figures already checked",
    reports.projection_description: "pure: text from report data already checked",
    reports.projection_frame: "pure: a table from report data already checked",
    reports.scores_frame: "pure: a table from report data already checked",
    reports.slug: "pure: a file-name part from text",
    results.build_crosswalk: "pure: matches practices between two framework versions",
    results.results_of: "read model inside a service's session, after its access check",
    scores_against_targets.profile_of: "pure: the profile stored on a loaded assessment",
    scores_against_targets.score_figures: "pure: figures from scores already checked",
    scores_against_targets.target_levels: "read inside a service's session, after its check",
    scores_against_targets.target_views: "read inside a service's session, after its check",
    score_history.principle_trend: "pure: trend points from a history already checked",
    rounds.current_round: "read inside a service's session: today's round",
    embeddings.available_backend: "reports which text-embedding backend is installed; no data",
    embeddings.describe_backend: "pure: a backend's name for people",
    you_said_we_did.parse_published: "pure: parses a date typed by a person",
    imports.read_file: "pure: reads an uploaded file into cells; nothing is saved",
    request_index.index_for: "read for a service after its access check: the similarity index",
    skills.consultant_candidates: "read inside a service's session, after its access check",
    skills.is_hub_consultant: "read inside a service's session, after its access check",
    outcomes.follow_ups_in: "read inside a service's session, after its access check",
    queue_views.status_histories: "read inside a service's session, after its access check",
    queue_views.excused_from_overdue: "read inside a service's session, after its check",
    hub_reports.default_filters: "pure: the twelve months up to a day",
    queue_views.request_deadlines: "pure: a loaded request's due dates, after its check",
    hub_report_tables.desk_tables: "pure: tables from a report already checked",
    fingerprints.database_key: "pure: which database a cached value came from",
    fingerprints.requests_version: "read inside a service's session, after its access check",
    fingerprints.maturity_version: "read inside a service's session, after its access check",
    fingerprints.organisations_version: "read inside a service's session, after its access check",
    commitments.parse_day: "pure: parses a date typed by a person",
    commitments.check_action: "pure: checks a planned action's fields before it is saved",
    forums.summaries: "read model inside a service's session, after its access check",
    forums.split_keys: "pure: the keys of a stored list",
    forums.organisation_names: "read inside a service's session, after its access check",
    forums.all_summaries: "read inside a service's session, after its access check",
    forums.success_views: "read inside a service's session, after its access check",
    forum_edits.check_forum: "pure: checks a forum's fields before it is saved",
    forum_successes.check_success: "pure: checks a success's fields before it is saved",
    update_reminders.unread_reminders: "read inside the inbox's session: own reminders only",
    theme_evidence.evidence_in: "read inside a service's session, after its access check",
    progress_sections.maturity_section: "pure: a report section from data already checked",
    progress_sections.support_section: "pure: a report section from data already checked",
    progress_sections.chats_section: "pure: a report section from data already checked",
    progress_sections.updates_section: "pure: a report section from data already checked",
    progress_sections.forums_section: "pure: a report section from data already checked",
    progress_sections.commitments_section: "pure: a report section from data already checked",
    progress_sections.champions_section: "pure: a report section from data already checked",
}


def key_of(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def public_service_functions() -> dict[str, Callable[..., Any]]:
    """Every public function defined in a module under ``ue_core.services``."""
    found: dict[str, Callable[..., Any]] = {}
    package = ue_core.services
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                found[key_of(function)] = function
    return found


def test_every_public_service_function_has_a_row_or_an_exemption() -> None:
    functions = public_service_functions()
    rows = [row.key for row in ROWS]
    exempt = {key_of(f) for f in EXEMPT}
    assert len(rows) == len(set(rows)), "a function has two rows"
    missing = sorted(set(functions) - set(rows) - exempt)
    assert not missing, f"add a row to ROWS (or a reasoned exemption) for: {missing}"
    assert not (set(rows) & exempt), "a function is both in the matrix and exempt"
    gone = sorted((set(rows) | exempt) - set(functions))
    assert not gone, f"rows or exemptions name functions that are not services: {gone}"


def test_exempt_functions_take_no_actor() -> None:
    for function, reason in EXEMPT.items():
        assert reason.strip()
        assert "actor" not in inspect.signature(function).parameters, key_of(function)


# --- The seeded world, once per database ----------------------------------------------------


def seed(db: Database) -> Seeded:
    sync_framework(db, SYSTEM)
    world = build_world(db)
    with db.transaction() as session:
        neighbour_team = Team(
            organisation_id=world.organisation_id, name="Neighbour team", statistics="Near"
        )
        session.add(neighbour_team)
        session.flush()
        neighbour_team_id = neighbour_team.id
        other_team = session.get(Team, world.other_team_id)
        assert other_team is not None
        other_organisation_id = other_team.organisation_id
    for name, role, scope in (
        ("neighbour", Role.MEMBER, {"team_id": neighbour_team_id}),
        ("other_champion", Role.CHAMPION, {"organisation_id": other_organisation_id}),
    ):
        accounts.create_user(
            db,
            SYSTEM,
            email=f"{name}@test.example",
            display_name=name.capitalize(),
            password=None,
            role=role,
            **scope,
        )
        actor = accounts.actor_for_email(db, f"{name}@test.example")
        assert actor is not None
        world.actors[name] = actor

    submitted = submitted_assessment(world)
    draft_id = starting.start_assessment(db, world.actor("lead"), world.team_id, TODAY)
    with db.read() as session:
        version_id = current_version_id(session)
        practice_id = session.scalar(
            select(Practice.id)
            .where(Practice.framework_version_id == version_id)
            .order_by(Practice.id)
            .limit(1)
        )
        assert practice_id is not None
    request_id = support.submit_request(
        db, world.actor("member"), world.team_id, "Survey help", "How do we ask users?"
    )
    resolved_request_id = support.submit_request(
        db, world.actor("member"), world.team_id, "Panel help", "How do we run a user panel?"
    )
    support.update_request(
        db,
        world.actor("consultant"),
        resolved_request_id,
        expected_version=1,
        status=RequestStatus.RESOLVED,
        assignee_id=None,
        resolution="Sent the panel guide.",
    )
    catalogue.sync_catalogue(db, SYSTEM)
    with db.read() as session:
        resource = session.scalars(select(Resource).order_by(Resource.id).limit(1)).one()
        resource_id, resource_slug = resource.id, resource.slug

    consultant = world.actor("consultant")
    imported = imports.import_survey_file(
        db, consultant, survey_csv(), "s.csv", "Barriers", MAPPING
    )
    survey = views.get_survey(db, consultant, imported.survey_id)
    question_id = next(q.id for q in survey.questions if q.kind == "free_text")
    set_id = theme_sets.find_themes(db, consultant, question_id, 4, expected_current=None)
    view = views.theme_set(db, consultant, set_id)
    answer_ids = [a.answer_id for a in views.coded_answers(db, consultant, set_id)]
    outcomes.record_outcome(
        db,
        consultant,
        resolved_request_id,
        expected_version=support.team_request(db, SYSTEM, resolved_request_id).version,
        help_given="Sent the panel guide",
        practice_keys=[outcomes.practice_choices(db, consultant)[0].key],
        hours=1,
    )
    commitments.save_statement(
        db, SYSTEM, world.organisation_id, "We commit to the strategy.", None, expected_version=0
    )
    return Seeded(
        world=world,
        draft_id=draft_id,
        submitted_id=submitted.assessment_id,
        practice_id=practice_id,
        principle_key=next(iter(submitted.principle_of.values())),
        request_id=request_id,
        resolved_request_id=resolved_request_id,
        resource_id=resource_id,
        resource_slug=resource_slug,
        survey_id=imported.survey_id,
        question_id=question_id,
        set_id=set_id,
        answer_ids=answer_ids,
        theme_ids=[t.id for t in view.themes],
        counter=itertools.count(1),
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    """One seeded world per database for the whole matrix (the rows tolerate earlier changes)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
        if request.param == "sqlite":
            database = sqlite_database(Path(tmp_path_factory.mktemp("matrix")))
            yield seed(database)
            database.dispose()
        else:
            for database in _postgres_database():
                yield seed(database)


def outcome(row: Row, seeded: Seeded, actor: Actor) -> bool:
    """True if the call got past the access policy, False if it was refused."""
    try:
        row.call(seeded, actor)
    except AccessDenied:
        return False
    except row.tolerates:
        return True
    return True


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.key.removeprefix("ue_core.services."))
def test_who_may_call(row: Row, seeded: Seeded) -> None:
    observed = {
        case: outcome(row, seeded, seeded.world.actor(person)) for case, person in CASES.items()
    }
    expected = {case: case in row.allowed for case in CASES}
    assert observed == expected
