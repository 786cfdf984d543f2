"""The page registry: which screens exist and which permission each needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ue_core.authz import Actor, Permission


@dataclass(frozen=True)
class Screen:
    key: str
    path: str
    title: str
    icon: str
    permission: Permission | None
    description: str


SCREENS: tuple[Screen, ...] = (
    Screen(
        "home",
        "screens/home.py",
        "Home",
        ":material/home:",
        None,
        "What needs your attention and where to start.",
    ),
    Screen(
        "inbox",
        "screens/inbox.py",
        "Inbox",
        ":material/mail:",
        None,
        "Replies, notes and status changes on the requests you follow.",
    ),
    Screen(
        "your_jobs",
        "screens/your_jobs.py",
        "Your jobs",
        ":material/pending_actions:",
        Permission.RUN_JOBS,
        "Long work running in the background: how far it has got, cancelling, what it made.",
    ),
    Screen(
        "assessment",
        "screens/assessment.py",
        "Self-assessment",
        ":material/checklist:",
        Permission.ASSESS,
        "Start or continue your team's self-assessment and rate each practice.",
    ),
    Screen(
        "agree",
        "screens/agree.py",
        "Agree ratings",
        ":material/handshake:",
        Permission.AGREE,
        "Compare everyone's ratings and record the team's agreed answer for each practice.",
    ),
    Screen(
        "check",
        "screens/check_answers.py",
        "Check and submit",
        ":material/fact_check:",
        Permission.ASSESS,
        "Check the team's agreed answers and evidence; the team lead submits them.",
    ),
    Screen(
        "results",
        "screens/results.py",
        "Results",
        ":material/bar_chart:",
        Permission.VIEW_TEAM_RESULTS,
        "Your team's scores against its targets, what changed and where to focus.",
    ),
    Screen(
        "history",
        "screens/history.py",
        "History",
        ":material/timeline:",
        Permission.VIEW_TEAM_RESULTS,
        "How your team's scores have changed from round to round.",
    ),
    Screen(
        "action_plan",
        "screens/action_plan.py",
        "Action plan",
        ":material/task_alt:",
        Permission.VIEW_TEAM_RESULTS,
        "Plan what your team will do to improve, track it, and see the scores it would reach.",
    ),
    Screen(
        "request_support",
        "screens/request_support.py",
        "Ask the hub for help",
        ":material/support_agent:",
        Permission.REQUEST_SUPPORT,
        "Ask the USER hub for advice, training or other support.",
    ),
    Screen(
        "your_requests",
        "screens/your_requests.py",
        "Your requests",
        ":material/forum:",
        Permission.REQUEST_SUPPORT,
        "Follow your team's requests to the hub and rate the help once resolved.",
    ),
    Screen(
        "organisation",
        "screens/organisation.py",
        "Your organisation",
        ":material/corporate_fare:",
        Permission.VIEW_ORGANISATION,
        "Your organisation's teams: coverage, scores and trends against the rest of the system.",
    ),
    Screen(
        "team_results",
        "screens/team_results.py",
        "Team results",
        ":material/groups:",
        Permission.VIEW_ORGANISATION,
        "The results of one of your organisation's teams, to read (teams change their own).",
    ),
    Screen(
        "statistical_outputs",
        "screens/statistical_outputs.py",
        "Statistical outputs",
        ":material/event_repeat:",
        Permission.MANAGE_OUTPUTS,
        "Your organisation's list of outputs: which teams to assess, and when to reassess.",
    ),
    Screen(
        "your_champion_chat",
        "screens/your_champion_chat.py",
        "Your Champion Chat",
        ":material/diversity_3:",
        Permission.JOIN_CHAMPION_CHATS,
        "This month's Chat group of champions, how to reach them, and skipping a month.",
    ),
    Screen(
        "your_update",
        "screens/your_update.py",
        "Your monthly update",
        ":material/edit_note:",
        Permission.JOIN_CHAMPION_CHATS,
        "Tell the hub what your organisation did for user engagement after each Chat.",
    ),
    Screen(
        "commitments",
        "screens/commitments.py",
        "Commitments",
        ":material/flag:",
        Permission.COMMITMENTS,
        "Your organisation's commitment to the strategy and its planned actions (the hub: all).",
    ),
    Screen(
        "triage",
        "screens/triage.py",
        "Support requests",
        ":material/inbox:",
        Permission.TRIAGE_REQUESTS,
        "Pick up, assign and resolve teams' requests for help.",
    ),
    Screen(
        "consultant_skills",
        "screens/consultant_skills.py",
        "Your skills",
        ":material/psychology:",
        Permission.DECLARE_SKILLS,
        "The practice areas and kinds of help you can take on, for triage to suggest you.",
    ),
    Screen(
        "desk_reports",
        "screens/desk_reports.py",
        "Desk reports",
        ":material/query_stats:",
        Permission.VIEW_DESK_REPORTS,
        "The hub's requests: demand, service levels, satisfaction, backlog and maturity.",
    ),
    Screen(
        "progress_report",
        "screens/progress_report.py",
        "Progress report",
        ":material/summarize:",
        Permission.VIEW_PROGRESS_REPORT,
        "The strategy's progress report to boards for a period, as HTML and ODS.",
    ),
    Screen(
        "system",
        "screens/system_overview.py",
        "System overview",
        ":material/monitoring:",
        Permission.VIEW_SYSTEM,
        "Coverage, scores and support requests across the statistical system.",
    ),
    Screen(
        "survey_import",
        "screens/survey_import.py",
        "Import a survey",
        ":material/upload_file:",
        Permission.ANALYSE_SURVEYS,
        "Upload survey responses, choose what each column holds and check them before saving.",
    ),
    Screen(
        "survey_themes",
        "screens/survey_themes.py",
        "Survey themes",
        ":material/category:",
        Permission.ANALYSE_SURVEYS,
        "Find themes in survey free text, refine them, read across and report what was done.",
    ),
    Screen(
        "champion_chats",
        "screens/champion_chats.py",
        "Champion Chats",
        ":material/groups_3:",
        Permission.RUN_CHAMPION_CHATS,
        "Draw each month's Chat groups of champions, check and change them, then publish.",
    ),
    Screen(
        "champion_updates",
        "screens/champion_updates.py",
        "Champion updates",
        ":material/summarize:",
        Permission.RUN_CHAMPION_CHATS,
        "Champions' monthly updates by category and organisation, and reminders to send them.",
    ),
    Screen(
        "case_study_drafts",
        "screens/case_study_drafts.py",
        "Case study drafts",
        ":material/rate_review:",
        Permission.REVIEW_CASE_STUDIES,
        "Review suggested case studies, then publish them in the library or decline them.",
    ),
    Screen(
        "champions",
        "screens/champions.py",
        "Champions",
        ":material/record_voice_over:",
        None,
        "Every organisation's user engagement champions, what they work on and how to reach them.",
    ),
    Screen(
        "forums",
        "screens/forums.py",
        "User forums",
        ":material/hub:",
        Permission.VIEW_FORUMS,
        "Theme-based user groups and forums: what each covers, who takes part and how to join.",
    ),
    Screen(
        "forum_edit",
        "screens/forum_edit.py",
        "Manage forums",
        ":material/edit_note:",
        Permission.MANAGE_FORUMS,
        "Add forums to the register, keep their details up to date and close those that stop.",
    ),
    Screen(
        "forum_join_up",
        "screens/forum_join_up.py",
        "Join up forums",
        ":material/join_inner:",
        Permission.MANAGE_FORUMS,
        "The forums whose themes or member organisations overlap most, to coordinate them.",
    ),
    Screen(
        "library",
        "screens/library.py",
        "Library",
        ":material/local_library:",
        Permission.USE_LIBRARY,
        "Case studies and training matched to your team's gaps, with search and filters.",
    ),
    Screen(
        "admin",
        "screens/admin.py",
        "Admin",
        ":material/settings:",
        Permission.ADMINISTER,
        "Manage people and their roles, and load new framework versions.",
    ),
    Screen(
        "audit",
        "screens/audit.py",
        "Audit log",
        ":material/history:",
        Permission.ADMINISTER,
        "Who changed what and when: filter the audit log and download it.",
    ),
)

SCREENS_BY_KEY = {screen.key: screen for screen in SCREENS}


def screens_for(actor: Actor) -> list[Screen]:
    return [s for s in SCREENS if s.permission is None or actor.can(s.permission)]


def sign_in_pages(sign_in: Callable[[], None]) -> list[StreamlitPage]:
    """The sign-in page under every screen's address (the home address is the default)."""
    return [
        st.Page(
            sign_in,
            title="Sign in",
            icon=":material/login:",
            url_path=screen.key,
            default=screen.key == "home",
        )
        for screen in SCREENS
    ]


def pages_for(actor: Actor) -> list[StreamlitPage]:
    """st.navigation input: the actor's screens in registry order, Home first.

    A flat list on purpose: Streamlit draws sectioned menus as <div>s inside a <ul>, which
    fails axe's WCAG 'list' and 'listitem' rules. Registry order keeps related screens together.
    """
    return [
        st.Page(
            screen.path,
            title=screen.title,
            icon=screen.icon,
            url_path=screen.key,
            default=screen.key == "home",
        )
        for screen in screens_for(actor)
    ]
