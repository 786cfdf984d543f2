"""Sign-in that can be trusted: demo mode says so and needs loopback, refusals give nothing
away, idle sign-ins end, and people set their own passwords."""

from __future__ import annotations

import logging
import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_as
from tests.factories import World
from ue_core.db.models import Role
from ue_core.personas import PERSONAS
from ue_core.services import accounts
from ui.auth import LAST_SEEN_KEY
from ui.demo_banner import DEMO_NOTICE

PASSWORD = "correct horse battery staple"


def _demo_persona(world: World) -> str:
    persona = next(p for p in PERSONAS if p.role is Role.ADMIN)
    accounts.create_user(
        world.db,
        world.actor("admin"),
        email=persona.email,
        display_name=persona.display_name,
        password=None,
        role=persona.role,
    )
    return persona.email


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


@pytest.mark.usefixtures("loopback_server")
def test_every_page_in_demo_mode_says_it_is_a_demo(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = _demo_persona(world)
    monkeypatch.setenv("UE_AUTH_MODE", "demo")
    at = app_as(world, None).run()
    assert DEMO_NOTICE in _warnings(at)
    at.button(key=f"persona_{email}").click().run()
    assert at.title[0].value.startswith("Welcome")
    assert DEMO_NOTICE in _warnings(at)
    at.switch_page("screens/admin.py").run()
    assert at.title[0].value == "Admin"
    assert DEMO_NOTICE in _warnings(at)


def test_local_sign_in_shows_no_demo_notice(world: World) -> None:
    at = app_as(world, "member").run()
    assert DEMO_NOTICE not in _warnings(at)


def test_demo_sign_in_refuses_to_start_on_a_reachable_address(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _demo_persona(world)
    monkeypatch.setenv("UE_AUTH_MODE", "demo")
    # No server.address, as `streamlit run` without one: it listens on every interface.
    with caplog.at_level(logging.ERROR, logger="ui.auth"):
        at = app_as(world, None).run()
    assert at.title[0].value == "The workbench is not available"
    assert not at.button  # no persona to choose
    assert not at.error
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "only on a loopback address" in logged
    assert "--server.address 127.0.0.1" in logged


def test_unknown_email_and_locked_account_get_the_same_message(world: World) -> None:
    for _ in range(accounts.LOCK_AFTER):
        accounts.authenticate(world.db, "member@test.example", "wrong password here")
    messages = []
    for email in ("member@test.example", "nobody@test.example"):
        at = app_as(world, None).run()
        at.text_input[0].input(email)
        at.text_input[1].input(PASSWORD)
        at.button[0].click().run()
        messages.append(at.error[0].value)
    assert messages == [accounts.SIGN_IN_REFUSED, accounts.SIGN_IN_REFUSED]


def test_a_sign_in_left_unused_ends_after_the_idle_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UE_SESSION_IDLE_MINUTES", "30")
    at = app_as(world, "member").run()
    assert at.title[0].value == "Welcome, Member"
    at.session_state[LAST_SEEN_KEY] = time.time() - 31 * 60
    at.run()
    assert at.title[0].value == "Sign in to the user engagement workbench"
    assert "not used for 30 minutes" in at.info[0].value


def test_a_person_changes_their_password_in_the_sidebar(world: World) -> None:
    at = app_as(world, "member").run()
    fields = {t.label: t for t in at.sidebar.text_input}
    fields["Current password"].input(PASSWORD)
    fields["New password"].input("a new passphrase")
    fields["New password again"].input("a new passphrase")
    at.sidebar.button(key="FormSubmitter:change_password-Change password").click().run()
    assert "Your password is changed" in at.sidebar.success[0].value
    assert accounts.authenticate(world.db, "member@test.example", "a new passphrase")


def test_a_reset_code_sets_a_new_password_from_the_sign_in_page(world: World) -> None:
    member = world.actor("member")
    reset = accounts.issue_password_reset(world.db, world.actor("admin"), user_id=member.user_id)
    at = app_as(world, None).run()
    fields = {t.label: t for t in at.text_input}
    fields["Your email address"].input(member.email)
    fields["Reset code"].input(reset.code)
    fields["New password"].input("a new passphrase")
    fields["New password again"].input("a new passphrase")
    at.button(key="FormSubmitter:reset_password-Set the new password").click().run()
    assert "Your new password is set" in at.success[0].value
    at.button(key="FormSubmitter:reset_password-Set the new password").click().run()
    assert accounts.authenticate(world.db, member.email, "a new passphrase")
