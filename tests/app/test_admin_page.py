"""Admin: people, framework versions, library entries and reopening an assessment."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_as
from tests.factories import World
from ue_core.db.models import Role
from ue_core.services import accounts, agreeing, assessments, reopening, starting
from ue_core.services.assessments import Answer
from ue_core.timefmt import uk_today


def test_admin_adds_a_consultant(world: World) -> None:
    at = app_as(world, "admin", "screens/admin.py").run()
    at.selectbox[0].set_value(Role.CONSULTANT).run()
    at.text_input[0].input("Priya Shah")
    at.text_input[1].input("Priya.Shah@test.example")
    at.button(key="FormSubmitter:add_person-Add person").click().run()
    assert not at.error
    actor = accounts.actor_for_email(world.db, "priya.shah@test.example")
    assert actor is not None and actor.roles == {Role.CONSULTANT}


def test_duplicate_email_is_refused_with_a_message(world: World) -> None:
    at = app_as(world, "admin", "screens/admin.py").run()
    at.text_input[0].input("Someone")
    at.text_input[1].input("member@test.example")
    at.button(key="FormSubmitter:add_person-Add person").click().run()
    assert "already exists" in at.error[0].value


def test_loading_an_unchanged_framework_says_so(world: World) -> None:
    at = app_as(world, "admin", "screens/admin.py").run()
    load = next(b for b in at.button if b.label == "Load the framework file")
    load.click().run()
    assert "has not changed" in at.info[0].value
    assert at.dataframe[1].value["Practices"].iloc[0] >= 24


def test_admin_edits_a_library_entry(world: World) -> None:
    at = app_as(world, "admin", "screens/admin.py").run()
    entry_box = next(s for s in at.selectbox if s.label == "Entry")
    slug = entry_box.value
    title_box = next(t for t in at.text_input if t.label == "Title")
    title_box.input("Edited in the app")
    at.button(key=f"FormSubmitter:edit_{slug}-Save entry").click().run()
    assert not at.error
    assert any("Changed in the app by Admin" in i.value for i in at.info)


def _choose_person(at: AppTest, world: World, who: str) -> AppTest:
    person = next(s for s in at.selectbox if s.label == "Person")
    return person.set_value(world.actor(who).user_id).run()


def test_admin_deactivates_and_reactivates_a_person(world: World) -> None:
    at = _choose_person(app_as(world, "admin", "screens/admin.py").run(), world, "member")
    next(b for b in at.button if b.label == "Deactivate this person").click().run()
    assert not at.error
    assert accounts.actor_for_email(world.db, "member@test.example") is None
    assert any("Deactivated" in m.value for m in at.markdown)

    # The member's open session is refused on its next run.
    member_page = app_as(world, "member", "screens/home.py").run()
    assert "Sign in to use the workbench." in member_page.error[0].value

    next(b for b in at.button if b.label == "Reactivate this person").click().run()
    assert accounts.actor_for_email(world.db, "member@test.example") is not None


def test_admin_removes_a_role(world: World) -> None:
    at = _choose_person(app_as(world, "admin", "screens/admin.py").run(), world, "lead")
    remove = next(b for b in at.button if "Team lead" in b.label)
    remove.click().run()
    assert not at.error
    lead = accounts.actor_for_email(world.db, "lead@test.example")
    assert lead is not None and lead.roles == frozenset()


def test_admin_issues_a_reset_code_that_the_person_can_use(world: World) -> None:
    at = _choose_person(app_as(world, "admin", "screens/admin.py").run(), world, "member")
    next(b for b in at.button if b.label == "Issue a password reset code").click().run()
    assert "It works once" in at.success[0].value
    code = at.code[0].value
    accounts.redeem_password_reset(
        world.db, email="member@test.example", code=code, new_password="a new passphrase"
    )
    assert accounts.authenticate(world.db, "member@test.example", "a new passphrase")


def test_admin_cannot_deactivate_themselves(world: World) -> None:
    at = _choose_person(app_as(world, "admin", "screens/admin.py").run(), world, "admin")
    next(b for b in at.button if b.label == "Deactivate this person").click().run()
    assert "your own account" in at.error[0].value


def test_admin_reopens_a_submitted_assessment_with_a_reason(world: World) -> None:
    lead = world.actor("lead")
    today = uk_today()
    assessment_id = starting.start_assessment(world.db, lead, world.team_id, today)
    state = assessments.load_state(world.db, lead, assessment_id)
    for item in state.practices:
        agreeing.save_agreed(
            world.db,
            lead,
            assessment_id,
            item.id,
            Answer(level=3),
            expected_version=None,
            today=today,
        )
    version = assessments.load_state(world.db, lead, assessment_id).summary.version
    assessments.submit(world.db, lead, assessment_id, expected_version=version)

    at = app_as(world, "admin", "screens/admin.py").run()
    reopen = at.button(key="FormSubmitter:admin_reopen-Reopen the assessment")
    reopen.click().run()
    assert at.error[0].value == "Say why the assessment is being reopened."
    at.text_area[-1].input("The lead submitted by mistake and is on leave.")
    at.button(key="FormSubmitter:admin_reopen-Reopen the assessment").click().run()
    assert at.success[0].value.startswith("Reopened Test team's assessment for")
    assert not assessments.load_state(world.db, lead, assessment_id).summary.is_submitted
    [record] = reopening.submission_history(world.db, lead, assessment_id)
    assert record.reopened_by == "Admin"
    assert record.reopen_reason == "The lead submitted by mistake and is on leave."
    assert "No assessment is submitted at the moment." in [m.value for m in at.markdown]
