"""Each role sees its own pages; pages refuse people without access; demo sign-in rules."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import REPO, app_as
from tests.factories import World
from ue_core.authz import SYSTEM
from ue_core.db.models import Role
from ue_core.personas import PERSONAS
from ue_core.services import accounts
from ui.navigation import SCREENS

TEAM_PAGES = {"Self-assessment", "Check and submit", "Results", "History", "Action plan"}
EXPECTED_LINKS = {
    "member": TEAM_PAGES
    | {"Inbox", "Ask the hub for help", "Your requests", "Library", "Champions", "User forums"},
    "lead": TEAM_PAGES
    | {
        "Inbox",
        "Agree ratings",
        "Ask the hub for help",
        "Your requests",
        "Library",
        "Champions",
        "User forums",
    },
    "champion": {
        "Inbox",
        "Your organisation",
        "Team results",
        "Statistical outputs",
        "Your Champion Chat",
        "Your monthly update",
        "Commitments",
        "Library",
        "Champions",
        "User forums",
    },
    "consultant": {
        "Inbox",
        "Your jobs",
        "Support requests",
        "Desk reports",
        "Progress report",
        "System overview",
        "Import a survey",
        "Survey themes",
        "Champion Chats",
        "Champion updates",
        "Case study drafts",
        "Commitments",
        "Library",
        "Your skills",
        "Champions",
        "User forums",
        "Manage forums",
        "Join up forums",
    },
    "admin": {
        "Inbox",
        "Your jobs",
        "Desk reports",
        "Progress report",
        "System overview",
        "Library",
        "Admin",
        "Audit log",
        "Statistical outputs",
        "Champion Chats",
        "Champion updates",
        "Case study drafts",
        "Your skills",
        "Champions",
        "Commitments",
        "User forums",
        "Manage forums",
        "Join up forums",
    },
}


def all_links(at: AppTest) -> set[str]:
    return {el.proto.label for el in at.main if type(el).__name__ == "PageLink"}


def page_links(at: AppTest) -> set[str]:
    """The 'What you can do here' links: one per screen the person may use."""
    return all_links(at) & {screen.title for screen in SCREENS}


@pytest.mark.parametrize("who", sorted(EXPECTED_LINKS))
def test_each_role_sees_its_own_pages(world: World, who: str) -> None:
    at = app_as(world, who).run()
    assert not at.exception
    assert at.title[0].value == f"Welcome, {world.actor(who).display_name}"
    assert page_links(at) == EXPECTED_LINKS[who]


def test_home_says_what_needs_attention(world: World) -> None:
    at = app_as(world, "member").run()
    assert "Start Test team's 2026 to 2027 self-assessment" in all_links(at)
    at = app_as(world, "champion").run()
    assert "0 of 1 teams in Office for Test Statistics have submitted" in all_links(at)
    at = app_as(world, "admin").run()
    assert "Nothing needs your attention right now." in [m.value for m in at.markdown]


def test_team_member_cannot_switch_to_a_consultant_page(world: World) -> None:
    at = app_as(world, "member").run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(str(REPO / "screens/triage.py"))


def test_consultant_page_refuses_a_team_member_on_its_own(world: World) -> None:
    at = app_as(world, "member", "screens/triage.py").run()
    assert [e.value for e in at.error] == [
        "You do not have access to this. Ask your admin if you need it."
    ]
    assert not at.title  # nothing of the page was drawn


def test_admin_page_refuses_a_consultant(world: World) -> None:
    at = app_as(world, "consultant", "screens/admin.py").run()
    assert "do not have access" in at.error[0].value


def test_signed_out_visitor_gets_the_sign_in_page(world: World) -> None:
    at = app_as(world, None).run()
    assert at.title[0].value == "Sign in to the user engagement workbench"
    assert [t.label for t in at.text_input] == [
        "Email address",
        "Password",
        # Below it, setting a new password with a reset code from an admin.
        "Your email address",
        "Reset code",
        "New password",
        "New password again",
    ]


def test_local_sign_in_checks_the_password(world: World) -> None:
    at = app_as(world, None).run()
    at.text_input[0].input("member@test.example")
    at.text_input[1].input("wrong password here")
    at.button[0].click().run()
    assert "not right" in at.error[0].value
    at.text_input[1].input("correct horse battery staple")
    at.button[0].click().run()
    assert at.title[0].value == "Welcome, Member"


def test_demo_sign_in_is_refused_in_production_without_showing_the_configuration(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("UE_AUTH_MODE", "demo")
    monkeypatch.setenv("UE_ENV", "production")
    with caplog.at_level(logging.ERROR, logger="ui.auth"):
        at = app_as(world, None).run()
    assert at.title[0].value == "The workbench is not available"
    shown = " ".join(
        str(element.value)
        for kind in (at.markdown, at.error, at.warning, at.info, at.caption)
        for element in kind
    )
    assert "not available at the moment" in shown
    for secret in ("UE_", "demo", "production", "oidc", "local"):
        assert secret not in shown
    assert not at.button
    assert not at.error
    # Operators find the reason in the server log.
    assert any("switched off in production" in record.getMessage() for record in caplog.records)
    assert any("UE_AUTH_MODE" in record.getMessage() for record in caplog.records)


@pytest.mark.usefixtures("loopback_server")
def test_demo_persona_picker_signs_in(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    persona = next(p for p in PERSONAS if p.role is Role.CONSULTANT)
    accounts.create_user(
        world.db,
        SYSTEM,
        email=persona.email,
        display_name=persona.display_name,
        password=None,
        role=persona.role,
    )
    monkeypatch.setenv("UE_AUTH_MODE", "demo")
    at = app_as(world, None).run()
    assert "made-up organisations" in at.info[0].value
    at.button(key=f"persona_{persona.email}").click().run()
    assert at.title[0].value == f"Welcome, {persona.display_name}"
    assert page_links(at) == EXPECTED_LINKS["consultant"]
