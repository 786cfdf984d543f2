"""Commitments: a champion keeps their organisation's; hub staff see every organisation's."""

from __future__ import annotations

from datetime import date

from tests.app.conftest import app_as
from tests.app.test_oversight_pages import open_page, page_text
from tests.factories import World
from ue_core.commitment_themes import CommitmentStatus
from ue_core.services import commitments
from ue_core.services.commitments import ActionDraft

PAGE = "screens/commitments.py"


def committed(world: World) -> None:
    champion = world.actor("champion")
    commitments.save_statement(
        world.db, champion, world.organisation_id, "We put users first.", None, expected_version=0
    )
    commitments.add_commitment_action(
        world.db,
        champion,
        world.organisation_id,
        ActionDraft(
            "user_testing", "Test the dashboard", "Lead", date(2025, 1, 6), date(2025, 6, 30)
        ),
    )


def test_a_champion_writes_their_commitment_then_adds_an_action(world: World) -> None:
    at = open_page(world, "champion", PAGE)
    assert not at.exception and not at.error
    assert "This organisation has not written its commitment yet." in page_text(at)
    at.text_area[0].input("We will listen to our users.")
    at.button[0].click().run()  # Save the commitment
    assert not at.exception and not at.error
    assert "Saved the commitment." in [s.value for s in at.success]
    assert "We will listen to our users." in page_text(at)
    form = {t.label: t for t in at.text_input}
    at.text_area(key=f"add_{world.organisation_id}_text").input("Map our users")
    at.text_input(key=f"add_{world.organisation_id}_owner").input("Head of profession")
    at.text_input(key=f"add_{world.organisation_id}_starts").input("1 4 2026")
    at.text_input(key=f"add_{world.organisation_id}_due").input("1 3 2026")
    assert "Start date" in form
    add = next(b for b in at.button if b.label == "Add the action")
    add.click().run()
    assert [e.value for e in at.error] == ["The due date must be on or after the start date."]
    at.text_input(key=f"add_{world.organisation_id}_due").input("30 9 2026")
    next(b for b in at.button if b.label == "Add the action").click().run()
    assert "Added the action." in [s.value for s in at.success]
    table = at.dataframe[0].value
    assert list(table["Action"]) == ["Map our users"]
    assert list(table["Theme"]) == ["Raise the profile of user engagement"]


def test_the_hub_sees_progress_with_a_chart_table_and_download(world: World) -> None:
    committed(world)
    at = open_page(world, "consultant", PAGE)
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Organisations with a commitment": "1",
        "Organisations without one": "1",
        "Overdue actions": "1",
    }
    text = page_text(at)
    assert "Planned actions by theme and status" in text
    assert "1 planned action across 1 commitment; 1 action overdue." in text
    organisations = at.dataframe[1].value
    assert list(organisations["Organisation"]) == [
        "Ministry of Other Tests",
        "Office for Test Statistics",
    ]
    assert list(organisations["Commitment"]) == ["No", "Yes"]
    assert list(organisations["Overdue"]) == [0, 1]
    assert "Ministry of Other Tests." in text
    assert [b.proto.label for b in at.get("download_button")] == ["Download the table (CSV)"]
    # a consultant reads but cannot change an organisation's commitment
    assert not [b for b in at.button if b.label == "Save the commitment"]


def test_team_members_cannot_reach_the_page(world: World) -> None:
    for who in ("member", "lead"):
        at = app_as(world, who, PAGE).run()
        assert at.error[0].value.startswith("You do not have access to this")


def test_a_champion_moves_an_action_on_and_changes_it(world: World) -> None:
    committed(world)
    at = open_page(world, "champion", PAGE)
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == ["1 of 1 actions are overdue."]
    at.radio[0].set_value(CommitmentStatus.DONE)
    next(b for b in at.button if b.label == "Change the status").click().run()
    assert "Changed the action's status." in [s.value for s in at.success]
    assert list(at.dataframe[0].value["Status"]) == ["Done"]
    assert not at.warning
    owner = next(t for t in at.text_input if t.label == "Owner" and t.value == "Lead")
    owner.input("Head of profession")
    next(b for b in at.button if b.label == "Save the changes").click().run()
    assert "Saved the changes to the action." in [s.value for s in at.success]
    assert list(at.dataframe[0].value["Owner"]) == ["Head of profession"]


def test_a_change_someone_else_saved_first_is_not_overwritten(world: World) -> None:
    committed(world)
    at = open_page(world, "champion", PAGE)
    (action,) = commitments.organisation_commitment(
        world.db, world.actor("champion"), world.organisation_id
    ).actions
    commitments.change_commitment_action_status(
        world.db,
        world.actor("admin"),
        action.id,
        CommitmentStatus.DROPPED,
        expected_version=action.version,
    )
    at.radio[0].set_value(CommitmentStatus.DONE)
    next(b for b in at.button if b.label == "Change the status").click().run()
    assert at.error[0].value.startswith("Someone else changed this action")
    assert list(at.dataframe[0].value["Status"]) == ["Dropped"]


def test_a_team_member_reads_their_organisations_commitment_on_home(world: World) -> None:
    at = app_as(world, "member").run()
    assert not at.exception
    heading = "Office for Test Statistics' commitment to the strategy"
    assert heading not in [h.value for h in at.header]  # nothing written down yet
    committed(world)
    at = app_as(world, "member").run()
    assert not at.exception
    assert heading in [h.value for h in at.header]
    assert "We put users first." in page_text(at)
    assert "1 planned action: 0 done, 1 overdue." in " ".join(c.value for c in at.caption)
    assert at.dataframe[0].value["Action"].tolist() == ["Test the dashboard"]
    # Another organisation's member does not see it.
    at = app_as(world, "outsider").run()
    assert heading not in [h.value for h in at.header]
