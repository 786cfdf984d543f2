"""The action plan page: empty state, adding an action, overdue first, conflicts, access."""

from __future__ import annotations

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_as
from tests.db.test_actions import submitted_assessment
from tests.factories import World
from ue_core.db.models import ActionStatus
from ue_core.services import actions
from ue_core.services.actions import ActionDraft
from ue_core.timefmt import uk_today

PAGE = "screens/action_plan.py"


def open_page(world: World, who: str) -> AppTest:
    """The whole app (so page links work) switched to the action plan."""
    at = app_as(world, who).run()
    return at.switch_page(PAGE).run()


def click(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    return button.click().run()


def all_text(at: AppTest) -> str:
    parts = (
        [m.value for m in at.markdown] + [e.value for e in at.info] + [w.value for w in at.warning]
    )
    return "\n".join(str(p) for p in parts)


def test_empty_states_explain_what_to_do(world: World) -> None:
    at = open_page(world, "member")
    assert not at.exception
    assert "has not started a self-assessment yet" in all_text(at)

    submitted_assessment(world)
    at = open_page(world, "member")
    assert not at.exception and not at.error
    text = all_text(at)
    assert "An action plan lists what your team will do" in text
    assert "Your team has no actions yet." in text
    assert "To add your first action" in text
    assert [h.value for h in at.header][:3] == ["Your actions", "Add an action", "Projected scores"]


def test_member_adds_an_action_and_overdue_ones_come_first(world: World) -> None:
    built = submitted_assessment(world)
    keys = list(built.practice_ids)
    actions.add_action(
        world.db,
        world.actor("lead"),
        built.assessment_id,
        ActionDraft(
            practice_id=built.practice_ids[keys[2]],
            description="Publish the feedback log",
            owner="Lead",
            due_on=uk_today() - timedelta(days=10),
            status=ActionStatus.IN_PROGRESS,
        ),
    )
    at = open_page(world, "member")
    aid = built.assessment_id
    at.selectbox(key=f"add_practice_{aid}").set_value(built.practice_ids[keys[1]])
    at.text_area(key=f"add_description_{aid}").input("Run a user panel every quarter")
    due = uk_today() + timedelta(days=60)
    at.text_input(key=f"add_due_{aid}_day").input(str(due.day))
    at.text_input(key=f"add_due_{aid}_month").input(str(due.month))
    at.text_input(key=f"add_due_{aid}_year").input(str(due.year))
    at.selectbox(key=f"add_intended_{aid}").set_value(4)
    at = click(at, "Add action")
    assert not at.exception and not at.error

    table = at.dataframe[0].value
    assert list(table["Action"]) == ["Publish the feedback log", "Run a user panel every quarter"]
    assert list(table["Overdue"]) == ["Overdue", ""]
    assert list(table["Owner"]) == ["Lead", "Member"]
    assert at.text_area(key=f"add_description_{aid}").value == ""
    assert any(w.value.startswith("Overdue: 1 action is past") for w in at.warning)
    assert at.expander[0].label.startswith("Overdue: Publish the feedback log")
    plan = actions.action_plan(world.db, world.actor("member"), aid, uk_today())
    assert plan.projected.principles[0].score is not None
    assert plan.current.principles[0].score is not None
    assert plan.projected.principles[0].score > plan.current.principles[0].score


def test_a_clashing_edit_shows_the_other_persons_values(world: World) -> None:
    built = submitted_assessment(world)
    added = actions.add_action(
        world.db,
        world.actor("member"),
        built.assessment_id,
        ActionDraft(
            practice_id=next(iter(built.practice_ids.values())),
            description="Set up a user group",
            owner="Member",
            due_on=date(2027, 1, 31),
        ),
    )
    at = open_page(world, "member")
    actions.update_action(
        world.db,
        world.actor("member2"),
        added.id,
        ActionDraft(
            practice_id=added.practice_id,
            description="Set up a user group",
            owner="Member2",
            due_on=date(2027, 1, 31),
        ),
        expected_version=added.version,
    )
    at.text_input(key=f"edit_owner_{added.id}").input("Someone else")
    at = click(at, "Save changes")
    assert "Someone else changed this action" in at.error[0].value
    assert "Member2" in list(at.table[0].value["Their value"])
    [row] = actions.action_plan(
        world.db, world.actor("member"), built.assessment_id, uk_today()
    ).actions
    assert row.owner == "Member2"


def test_other_teams_and_other_roles_cannot_see_the_plan(world: World) -> None:
    built = submitted_assessment(world)
    actions.add_action(
        world.db,
        world.actor("member"),
        built.assessment_id,
        ActionDraft(
            practice_id=next(iter(built.practice_ids.values())),
            description="A confidential plan",
            owner="Member",
            due_on=date(2027, 1, 31),
        ),
    )
    at = open_page(world, "outsider")
    assert not at.exception
    assert "A confidential plan" not in all_text(at)
    assert "has not started a self-assessment yet" in all_text(at)
    at = app_as(world, "consultant", PAGE).run()  # not in their menu
    assert at.error and "do not have access" in at.error[0].value
