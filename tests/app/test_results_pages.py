"""The Results and History pages: happy paths, empty states, targets, and other teams refused."""

from __future__ import annotations

from collections.abc import Iterable

from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_as
from tests.db.test_results import (
    FIRST_ROUND_DAY,
    SECOND_ROUND_DAY,
    agree_round,
    changed_framework,
)
from tests.factories import World
from ue_core.authz import SYSTEM
from ue_core.services import agreeing, assessments, results, starting
from ue_core.services.frameworks import sync_framework

RESULTS = "screens/results.py"
HISTORY = "screens/history.py"


def open_page(world: World, who: str, page: str) -> AppTest:
    """Sign in through the router, then go to ``page`` (so links to other pages work)."""
    at = app_as(world, who).run()
    return at.switch_page(page).run()


def _texts(elements: Iterable[object]) -> str:
    return " ".join(str(getattr(e, "value", "")) for e in elements)


def test_results_show_scores_change_and_evidence_for_the_latest_round(world: World) -> None:
    agree_round(world, FIRST_ROUND_DAY, {"know-your-users": 1})
    agree_round(world, SECOND_ROUND_DAY, {"know-your-users": 4, "user-groups": None})

    at = open_page(world, "member", RESULTS)

    assert not at.exception
    assert at.title[0].value == "Results"
    assert at.selectbox[0].value == 0  # the latest submitted round
    headers = [h.value for h in at.header]
    assert headers[:3] == ["Summary", "Next steps", "Contents"]
    assert [t.label for t in at.tabs][:3] == [
        "Scores against targets",
        "Practice levels",
        "Change since the last round",
    ]
    assert "Change since the last round" in headers and "Targets" in headers
    summary = at.markdown[0].value
    assert "Your overall level is" in summary and "Since the last round" in summary
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Overall score"] == "2.1"
    assert metrics["Change since 2025 to 2026"] == "+0.1"
    # the practice that moved is listed with both levels
    tables = [d.value for d in at.dataframe]
    changed = next(t for t in tables if {"Practice", "Change"} <= set(t.columns))
    assert list(changed["Practice"]) == ["Know who uses the statistics"]
    assert list(changed["2025 to 2026"]) == ["1 Beginning"]
    assert list(changed["Change"]) == ["+3"]
    assert "How scores work" in [e.label for e in at.expander]


def test_member_answers_the_profile_and_changes_a_target_with_a_reason(world: World) -> None:
    assessment_id = agree_round(world, FIRST_ROUND_DAY, {})

    at = open_page(world, "member", RESULTS)
    assert "Answer the questions above" in _texts(at.markdown)
    at.radio(key=f"interest_{assessment_id}").set_value("high")
    at.radio(key=f"breadth_{assessment_id}").set_value("wide")
    at.radio(key=f"frequency_{assessment_id}").set_value("stable")
    at.button(key=f"FormSubmitter:profile_{assessment_id}-Save and suggest targets").click()
    at.run()
    assert not at.exception and not at.error
    targets = results.targets(world.db, world.actor("member"), assessment_id)
    assert all(t.saved and t.level == 5 for t in targets)

    level = next(s for s in at.selectbox if s.label == "Target for Working together and joining up")
    level.set_value(4)
    submit = f"FormSubmitter:target_{assessment_id}_working-together-Save target for "
    submit += "Working together and joining up"
    at.button(key=submit).click().run()
    assert "Say why" in at.error[0].value

    [reason] = [
        t for t in at.text_area if (t.key or "").startswith(f"target_reason_{assessment_id}_work")
    ]
    reason.input("Our partners run the user network for us.")
    at.button(key=submit).click().run()
    assert not at.error
    lead = world.actor("lead")
    saved = {t.principle_key: t for t in results.targets(world.db, lead, assessment_id)}
    assert saved["working-together"].level == 4
    assert saved["working-together"].reason_for_change.startswith("Our partners")

    # a new profile moves the suggested targets; saving one afterwards is not a conflict
    at.radio(key=f"interest_{assessment_id}").set_value("low")
    at.button(key=f"FormSubmitter:profile_{assessment_id}-Save and suggest targets").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    other = f"FormSubmitter:target_{assessment_id}_open-and-transparent-Save target for "
    at.button(key=other + "Open and transparent").click().run()
    assert not at.error, [e.value for e in at.error]
    saved = {t.principle_key: t for t in results.targets(world.db, lead, assessment_id)}
    assert saved["open-and-transparent"].level == 3  # low interest, wide use, rarely changes
    assert saved["working-together"].level == 4  # the team's own choice, with its reason


def test_team_with_no_submitted_assessment_sees_what_to_do(world: World) -> None:
    at = open_page(world, "member", RESULTS)
    assert not at.exception
    assert at.info[0].value == "Your team has not submitted an assessment yet."
    assert not at.header


def test_another_team_sees_only_its_own_empty_results(world: World) -> None:
    agree_round(world, FIRST_ROUND_DAY, {})
    at = open_page(world, "outsider", RESULTS)
    assert at.info[0].value == "Your team has not submitted an assessment yet."
    assert "Test team" not in _texts(at.caption)
    champion = app_as(world, "champion", RESULTS).run()  # not in their menu
    assert "You do not have access" in champion.error[0].value


def test_history_shows_a_trend_per_principle(world: World) -> None:
    agree_round(world, FIRST_ROUND_DAY, {}, default=2)
    agree_round(world, SECOND_ROUND_DAY, {}, default=3)

    at = open_page(world, "lead", HISTORY)

    assert not at.exception
    assert at.title[0].value == "History"
    assert "2 rounds: 2025 to 2026 and 2026 to 2027" in at.markdown[0].value
    assert [h.value for h in at.header] == ["Trend by principle", "Round by round"]
    rounds = at.dataframe[-1].value
    assert list(rounds["Overall score"]) == [2.0, 3.0]
    assert list(rounds["Change"]) == ["Not compared", "+1.0"]


def test_history_empty_state_and_another_team(world: World) -> None:
    agree_round(world, FIRST_ROUND_DAY, {})
    at = open_page(world, "outsider", HISTORY)
    assert not at.exception
    assert at.info[0].value == "Your team has not submitted an assessment yet."
    assert not at.dataframe


def test_history_says_when_the_framework_changed(world: World) -> None:
    agree_round(world, FIRST_ROUND_DAY, {})
    sync_framework(world.db, SYSTEM, changed_framework())
    agree_round(world, SECOND_ROUND_DAY, {})

    at = open_page(world, "member", HISTORY)

    assert not at.exception
    note = at.info[0].value
    assert note.startswith("The framework changed between 2025 to 2026 and 2026 to 2027")
    assert "1 practices in 2026 to 2027 are new or changed" not in note
    assert "1 practice in 2026 to 2027 is new or changed and is not compared" in note
    assert at.expander[0].label == "Practices not compared in 2026 to 2027"
    assert "Plan for future needs" in at.markdown[1].value


def test_draft_results_say_they_use_the_answers_agreed_so_far(world: World) -> None:
    lead = world.actor("lead")
    assessment_id = starting.start_assessment(world.db, lead, world.team_id, FIRST_ROUND_DAY)
    first = assessments.load_state(world.db, lead, assessment_id).practices[0]
    agreeing.save_agreed(
        world.db,
        lead,
        assessment_id,
        first.id,
        assessments.Answer(level=4),
        expected_version=None,
        today=FIRST_ROUND_DAY,
    )

    at = open_page(world, "lead", RESULTS)

    assert not at.exception
    assert at.info[0].value == "Your team has not submitted an assessment yet."
    assert "still a draft" in at.warning[0].value
    assert "first submitted round" in _texts(at.markdown)
    assert "No targets are set yet" in _texts(at.markdown)
    assert "practices have no agreed answer yet" in _texts(at.info)
    assert "no evidence date" in _texts(at.warning)
