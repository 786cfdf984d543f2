"""Self-assessment, agree ratings, and check and submit: the three team-facing screens."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from tests.app.conftest import REPO, app_as
from tests.factories import World
from ue_core.authz import SYSTEM
from ue_core.db.models import Role
from ue_core.services import accounts, agreeing, assessments, individual_ratings, starting
from ue_core.services.assessments import Answer
from ue_core.timefmt import uk_today
from ui.rating_form import NOT_APPLICABLE
from ui.teams import TEAM_KEY

LAST_ROUND_DAY = date(2025, 9, 1)
REFUSED = "You do not have access to this. Ask your admin if you need it."


def open_page(world: World, who: str, page: str) -> AppTest:
    """Sign in through the app, then go to ``page`` the way the menu does."""
    at = app_as(world, who).run()
    at.switch_page(str(REPO / page)).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [e.value for e in at.info]
        + [e.value for e in at.success]
        + [e.value for e in at.warning]
        + [e.value for e in at.error]
        + [c.value for c in at.caption]
    )


def page_links(at: AppTest) -> list[str]:
    return [el.proto.label for el in at.main if type(el).__name__ == "PageLink"]


def started(world: World) -> tuple[int, list[int]]:
    assessment_id = starting.start_assessment(
        world.db, world.actor("member"), world.team_id, uk_today()
    )
    state = assessments.load_state(world.db, world.actor("member"), assessment_id)
    return assessment_id, [item.id for item in state.practices]


def agree_all(world: World, assessment_id: int, practice_ids: list[int], today: date) -> None:
    for practice_id in practice_ids:
        agreeing.save_agreed(
            world.db,
            world.actor("lead"),
            assessment_id,
            practice_id,
            Answer(level=3, reason="Agreed at the team meeting.", evidence="Team minutes"),
            expected_version=None,
            today=today,
        )


# --- Self-assessment ------------------------------------------------------------------------


def test_member_starts_the_assessment_and_each_change_saves_at_once(world: World) -> None:
    at = open_page(world, "member", "screens/assessment.py")
    assert "Test team (Office for Test Statistics) has not started its 2026 to 2027" in texts(at)
    assert "starts from the answers" not in texts(at)  # no earlier round to carry over
    at.button[0].click().run()
    assert "You have rated 0 of 29 practices." in texts(at)
    assert at.selectbox(key="rate_principle").value == "proactively-involving-users"

    [assessment_id] = [
        assessments.current_assessment_id(
            world.db, world.actor("member"), world.team_id, uk_today()
        )
    ]
    assert assessment_id is not None
    state = assessments.load_state(world.db, world.actor("member"), assessment_id)
    first, second = state.practices[0], state.practices[1]
    # Every level descriptor is on the page, not hidden.
    options = at.radio(key=f"level_{first.id}_v0").options
    assert options[2] == f"3 Learning: {first.levels[3]}"
    assert options[-1] == "Not applicable to our statistics"

    at.radio(key=f"level_{first.id}_v0").set_value(4).run()
    assert any(c.value.startswith("Saved ") for c in at.caption)
    at.text_area(key=f"evidence_{first.id}_v1").input("User map reviewed in May").run()
    at.radio(key=f"level_{second.id}_v0").set_value(NOT_APPLICABLE).run()
    at.text_input(key=f"reason_{second.id}_v1").input("We publish no forecasts.").run()
    assert "You have rated 2 of 29 practices." in texts(at)

    mine = assessments.load_state(world.db, world.actor("member"), assessment_id).mine
    assert mine[first.id].answer.level == 4
    assert mine[first.id].answer.evidence == "User map reviewed in May"
    assert mine[second.id].answer.not_applicable
    assert mine[second.id].answer.reason == "We publish no forecasts."

    # Signing in again later resumes with everything saved.
    again = open_page(world, "member", "screens/assessment.py")
    assert again.radio(key=f"level_{first.id}_v2").value == 4
    assert again.text_area(key=f"evidence_{first.id}_v2").value == "User map reviewed in May"


def test_each_code_reference_shows_its_edition_and_short_title(world: World) -> None:
    at = open_page(world, "member", "screens/assessment.py")
    at.button[0].click().run()
    shown = texts(at)
    # 'Know who uses the statistics' cites V1.1 from edition 2.1.
    assert "- Code of Practice for Statistics, edition 2.1:" in shown
    assert "V1.1 Understand use, under [principle V1 Relevance to users](" in shown
    sources = shown[shown.index("- Sources:") :]
    assert "\n    - [OSR regulatory guidance on user engagement](" in sources
    at.selectbox(key="rate_principle").set_value("open-and-transparent").run()
    shown = texts(at)
    # 'Tell users about changes in advance' cites 9.7 from edition 3.0.
    assert "- Code of Practice for Statistics, edition 3.0:" in shown
    assert "9\\.7 Give advance notice of material changes, under [standard 9 Be clear](" in shown


def test_last_rounds_answers_can_be_kept_and_are_marked(world: World) -> None:
    lead = world.actor("lead")
    previous = starting.start_assessment(world.db, lead, world.team_id, LAST_ROUND_DAY)
    ids = [p.id for p in assessments.load_state(world.db, lead, previous).practices]
    agree_all(world, previous, ids, LAST_ROUND_DAY)
    version = assessments.load_state(world.db, lead, previous).summary.version
    assessments.submit(world.db, lead, previous, expected_version=version)

    at = open_page(world, "member", "screens/assessment.py")
    assert "starts from the answers your team agreed in 2025 to 2026" in texts(at)
    at.button[0].click().run()
    assert "29 practices have an answer your team agreed in 2025 to 2026" in texts(at)
    keep = next(b for b in at.button if b.label.startswith("Keep last round's answers"))
    keep.click().run()
    assert "Kept 29 of last round's answers." in texts(at)
    assert "You have rated 29 of 29 practices." in texts(at)
    assert "Carried over from 2025 to 2026" in texts(at)
    assert not any(b.label.startswith("Keep last round's") for b in at.button)


def test_a_stale_save_shows_the_other_value_and_loses_nothing(world: World) -> None:
    assessment_id, ids = started(world)
    member = world.actor("member")
    first = individual_ratings.save_rating(
        world.db,
        member,
        assessment_id,
        ids[0],
        Answer(level=2),
        expected_version=None,
        today=uk_today(),
    )
    at = open_page(world, "member", "screens/assessment.py")
    # The same person saves from another window in the meantime.
    individual_ratings.save_rating(
        world.db,
        member,
        assessment_id,
        ids[0],
        Answer(level=5, evidence="From my laptop"),
        expected_version=first.version,
        today=uk_today(),
    )
    at.radio(key=f"level_{ids[0]}_v{first.version}").set_value(3).run()
    assert "changed in another window" in at.error[0].value
    table = at.table[0].value
    assert list(table["Saved version"])[:3] == ["5 Mastering", "None", "From my laptop"]
    assert table["Your change (not saved)"].iloc[0] == "3 Learning"
    saved = assessments.load_state(world.db, member, assessment_id).mine[ids[0]]
    assert saved.answer.level == 5  # nothing overwritten
    # The form now shows the saved version; the person can make their change again.
    newer = assessments.load_state(world.db, member, assessment_id).mine[ids[0]].version
    assert at.radio(key=f"level_{ids[0]}_v{newer}").value == 5
    at.radio(key=f"level_{ids[0]}_v{newer}").set_value(3).run()
    assert not at.error
    assert assessments.load_state(world.db, member, assessment_id).mine[ids[0]].answer.level == 3


def test_another_team_sees_only_its_own_assessment(world: World) -> None:
    started(world)
    at = app_as(world, "outsider").run()
    at.session_state[TEAM_KEY] = world.team_id  # even if asked for, not theirs
    at.switch_page(str(REPO / "screens/assessment.py")).run()
    assert "Other team (Ministry of Other Tests) has not started" in texts(at)
    assert "Test team" not in texts(at)
    assert not at.radio


# --- Agree ratings --------------------------------------------------------------------------


def _rated_apart(world: World) -> tuple[int, list[int]]:
    assessment_id, ids = started(world)
    for who, level in (("member", 1), ("member2", 4)):
        individual_ratings.save_rating(
            world.db,
            world.actor(who),
            assessment_id,
            ids[0],
            Answer(level=level),
            expected_version=None,
            today=uk_today(),
        )
    return assessment_id, ids


def test_lead_sees_ratings_side_by_side_and_records_the_agreed_level(world: World) -> None:
    assessment_id, ids = _rated_apart(world)
    at = open_page(world, "lead", "screens/agree.py")
    assert "- Lead: Not answered yet\n- Member: 1 Beginning\n- Member2: 4 Developing" in texts(at)
    assert at.warning[0].value.startswith("Ratings differ by 3 levels: discuss.")
    at.radio(key="agree_show").set_value("Practices that need discussion").run()
    assert [b.label for b in at.button if b.label == "Save agreed answer"] == ["Save agreed answer"]
    # The form starts from the suggested level (the median, rounded down).
    assert at.radio(key=f"agreed_level_{ids[0]}").value == 2
    at.radio(key=f"agreed_level_{ids[0]}").set_value(3)
    at.text_input(key=f"agreed_note_{ids[0]}").input("Discussed: a user map, not yet reviewed.")
    next(b for b in at.button if b.label == "Save agreed answer").click().run()
    assert not at.error
    assert "Saved the agreed answer for 'Know who uses the statistics': 3 Learning." in texts(at)
    agreed = assessments.load_state(world.db, world.actor("lead"), assessment_id).agreed[ids[0]]
    assert agreed.answer.level == 3
    assert agreed.answer.reason == "Discussed: a user map, not yet reviewed."


def test_agreed_answer_conflict_shows_the_other_value(world: World) -> None:
    assessment_id, ids = _rated_apart(world)
    at = open_page(world, "lead", "screens/agree.py")
    at.radio(key="agree_show").set_value("Practices that need discussion").run()
    # The lead saves from another window first.
    agreeing.save_agreed(
        world.db,
        world.actor("lead"),
        assessment_id,
        ids[0],
        Answer(level=4, reason="Laptop"),
        expected_version=None,
        today=uk_today(),
    )
    at.radio(key=f"agreed_level_{ids[0]}").set_value(1)
    at.text_input(key=f"agreed_note_{ids[0]}").input("From the desktop")
    next(b for b in at.button if b.label == "Save agreed answer").click().run()
    assert "recorded an agreed answer for this practice after you opened it" in at.error[0].value
    assert list(at.table[0].value["Saved version"])[:2] == ["4 Developing", "Laptop"]
    agreed = assessments.load_state(world.db, world.actor("lead"), assessment_id).agreed[ids[0]]
    assert agreed.answer.level == 4


def _rate(world: World, assessment_id: int, practice_id: int, **levels: int) -> None:
    for who, level in levels.items():
        individual_ratings.save_rating(
            world.db,
            world.actor(who),
            assessment_id,
            practice_id,
            Answer(level=level),
            expected_version=None,
            today=uk_today(),
        )


def test_lead_agrees_every_unanimous_practice_in_one_action(world: World) -> None:
    assessment_id, ids = _rated_apart(world)
    _rate(world, assessment_id, ids[1], member=3, member2=3)
    _rate(world, assessment_id, ids[2], member=2, member2=2)
    _rate(world, assessment_id, ids[3], member=4)
    at = open_page(world, "lead", "screens/agree.py")
    # How many of the three members rated, never "everyone" for fewer.
    captions = [c.value for c in at.caption]
    assert "2 of 3 members rated: both gave Learning (3)." in captions
    assert "1 of 3 members rated: Developing (4)." in captions
    assert not [c for c in captions if c.startswith("Everyone")]
    assert "In 2 practices without an agreed answer, everyone who rated gave the same" in texts(at)
    at.checkbox(key="agree_include_single").check().run()
    assert "In 3 practices without an agreed answer" in texts(at)
    at.checkbox(key="agree_include_single").uncheck().run()
    at.button(key="agree_all_the_same").click().run()
    assert "Agreed the shared answer for 2 practices." in texts(at)
    agreed = assessments.load_state(world.db, world.actor("lead"), assessment_id).agreed
    assert {pid: saved.answer.level for pid, saved in agreed.items()} == {ids[1]: 3, ids[2]: 2}
    # The disputed practice needs a note; saving without one says so and saves nothing.
    at.radio(key="agree_show").set_value("Practices that need discussion").run()
    assert (
        "needed: members gave different answers" in at.text_input(key=f"agreed_note_{ids[0]}").label
    )
    at.radio(key=f"agreed_level_{ids[0]}").set_value(2)
    next(b for b in at.button if b.label == "Save agreed answer").click().run()
    assert at.error[0].value.startswith("Add a note on how the team agreed this")
    assert ids[0] not in assessments.load_state(world.db, world.actor("lead"), assessment_id).agreed


def test_agree_page_empty_state_and_refusals(world: World) -> None:
    at = open_page(world, "lead", "screens/agree.py")
    assert "has not started this round's self-assessment yet" in texts(at)
    for who in ("member", "outsider", "champion"):
        refused = app_as(world, who, "screens/agree.py").run()
        assert [e.value for e in refused.error] == [REFUSED], who
        assert not refused.title


# --- Check and submit -----------------------------------------------------------------------


def test_unanswered_practices_block_submission_with_an_error_summary(world: World) -> None:
    assessment_id, ids = started(world)
    agree_all(world, assessment_id, ids[:27], uk_today())
    at = open_page(world, "lead", "screens/check_answers.py")
    assert "2 practices still need an agreed answer" in texts(at)
    at.button(key="submit_assessment").click().run()
    assert at.header[0].value == "There is a problem"
    assert at.error[0].value.startswith(
        "2 practices still need an agreed answer before you can submit."
    )
    assert at.error[-1].value.startswith("You cannot submit yet: 2 practices need")
    links = page_links(at)
    practices = assessments.load_state(world.db, world.actor("lead"), assessment_id).practices
    assert links[:2] == [f"Agree a level for '{item.title}'" for item in practices[27:]]
    assert "Change 'Know who uses the statistics'" in links
    assert not assessments.load_state(
        world.db, world.actor("lead"), assessment_id
    ).summary.is_submitted


def test_lead_submits_and_the_assessment_becomes_read_only(world: World) -> None:
    assessment_id, ids = started(world)
    agree_all(world, assessment_id, ids, uk_today())
    at = open_page(world, "lead", "screens/check_answers.py")
    assert "Agreed answer: 3 Learning" in texts(at)
    assert "Evidence: Team minutes" in texts(at)
    at.button(key="submit_assessment").click().run()
    # Nothing is submitted until the lead confirms, having been told what submitting means.
    assert at.subheader[-1].value == "Are you sure you want to submit?"
    assert "**The answers are frozen.**" in texts(at)
    assert "with your organisation's user engagement champion and the USER hub" in texts(at)
    assert not assessments.load_state(
        world.db, world.actor("lead"), assessment_id
    ).summary.is_submitted
    at.button(key="confirm_submit").click().run()
    assert at.success[0].value.startswith("Lead submitted this assessment on")
    assert not [b for b in at.button if b.key == "submit_assessment"]
    assert not [link for link in page_links(at) if link.startswith("Change")]
    summary = assessments.load_state(world.db, world.actor("lead"), assessment_id).summary
    assert summary.is_submitted and summary.submitted_by == "Lead"

    member = open_page(world, "member", "screens/assessment.py")
    assert "Lead submitted this assessment on" in texts(member)
    assert not member.radio


def test_going_back_from_the_confirmation_submits_nothing(world: World) -> None:
    assessment_id, ids = started(world)
    agree_all(world, assessment_id, ids, uk_today())
    at = open_page(world, "lead", "screens/check_answers.py")
    assert "You will be asked to confirm first." in texts(at)
    at.button(key="submit_assessment").click().run()
    at.button(key="cancel_submit").click().run()
    assert "Are you sure you want to submit?" not in [h.value for h in at.subheader]
    assert [b for b in at.button if b.key == "submit_assessment"]
    summary = assessments.load_state(world.db, world.actor("lead"), assessment_id).summary
    assert not summary.is_submitted


def test_lead_reopens_a_submitted_assessment_with_a_reason(world: World) -> None:
    assessment_id, ids = started(world)
    agree_all(world, assessment_id, ids, uk_today())
    lead = world.actor("lead")
    state = assessments.load_state(world.db, lead, assessment_id)
    assessments.submit(world.db, lead, assessment_id, expected_version=state.summary.version)
    member = open_page(world, "member", "screens/check_answers.py")
    assert "Reopen the assessment" not in [h.value for h in member.header]
    assert list(member.table[0].value["Submitted by"]) == ["Lead"]

    at = open_page(world, "lead", "screens/check_answers.py")
    reopen = next(b for b in at.button if b.label == "Reopen the assessment")
    reopen.click().run()  # with no reason
    assert at.error[0].value == "Say why the assessment is being reopened."
    assert assessments.load_state(world.db, lead, assessment_id).summary.is_submitted
    at.text_area(key="reopen_reason").input("Submitted before the survey results came in.")
    next(b for b in at.button if b.label == "Reopen the assessment").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("You reopened the assessment.")
    assert not assessments.load_state(world.db, lead, assessment_id).summary.is_submitted
    history = at.table[0].value
    assert list(history["Why it was reopened"]) == ["Submitted before the survey results came in."]
    assert list(history["Reopened by"]) == ["Lead"]
    assert [b for b in at.button if b.key == "submit_assessment"]


def test_check_page_empty_state_member_view_and_another_team(world: World) -> None:
    at = open_page(world, "member", "screens/check_answers.py")
    assert "has not started this round's self-assessment yet" in texts(at)
    started(world)
    at = open_page(world, "member", "screens/check_answers.py")
    assert "Only your team lead can change agreed answers and submit" in texts(at)
    assert not [b for b in at.button if b.key == "submit_assessment"]
    outsider = open_page(world, "outsider", "screens/check_answers.py")
    assert "Other team (Ministry of Other Tests) has not started" in texts(outsider)
    assert "Know who uses the statistics" not in texts(outsider)


def test_change_link_opens_the_one_practice_on_the_agree_page(world: World) -> None:
    _, ids = _rated_apart(world)
    at = app_as(world, "lead").run()
    at.switch_page(str(REPO / "screens/agree.py"))
    at.query_params["practice"] = "know-your-users"
    at.run()
    assert not at.exception
    assert at.header[0].value == "Change one agreed answer"
    assert [b.label for b in at.button if b.label == "Save agreed answer"] == ["Save agreed answer"]
    assert at.radio(key=f"agreed_level_{ids[0]}")
    next(b for b in at.button if b.label == "Show all practices").click().run()
    assert "Change one agreed answer" not in [h.value for h in at.header]
    # Every practice still to agree, in one list (none is agreed yet).
    assert len([b for b in at.button if b.label == "Save agreed answer"]) == 29
    at.radio(key="agree_show").set_value("Every practice, one principle at a time").run()
    assert len([b for b in at.button if b.label == "Save agreed answer"]) == 7


def test_a_person_in_two_teams_chooses_the_team(world: World) -> None:
    started(world)
    accounts.add_role(
        world.db,
        SYSTEM,
        user_id=world.actor("member").user_id,
        role=Role.MEMBER,
        team_id=world.other_team_id,
    )
    at = open_page(world, "member", "screens/assessment.py")
    team = at.selectbox(key="team_choice")
    assert team.options == [
        "Other team (Ministry of Other Tests)",
        "Test team (Office for Test Statistics)",
    ]
    assert "Other team (Ministry of Other Tests) has not started" in texts(at)
    team.set_value(world.team_id).run()
    assert "You have rated 0 of 29 practices." in texts(at)
    # The choice is remembered on the other assessment screens.
    at.switch_page(str(REPO / "screens/check_answers.py")).run()
    assert at.selectbox(key="team_choice").value == world.team_id
    assert "0 of 29 practices have an agreed answer." in texts(at)
