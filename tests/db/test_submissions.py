"""Submitting, reopening and agreeing on SQLite and PostgreSQL.

Submit and every save lock the assessment in one transaction, so a save racing a submit either
lands before it (and is in what was submitted) or is refused; the submitted answers are kept
when a lead or admin reopens the assessment; agreeing every unanimous practice is one action.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import AgreedRating, AssessmentSubmission, AuditEvent
from ue_core.errors import ConflictError, InputError
from ue_core.services import (
    agreeing,
    assessments,
    individual_ratings,
    reopening,
    results,
    score_history,
    starting,
    submissions,
)
from ue_core.services.assessment_reads import practice_in
from ue_core.services.assessments import Answer
from ue_core.services.frameworks import sync_framework
from ue_core.services.submissions import record_submission

TODAY = date(2026, 9, 1)  # in the "2026 to 2027" round
#: How long a save that has passed its checks waits for a submit to finish before writing. With
#: the assessment locked the submit cannot finish meanwhile, so the wait always runs out.
RACE_WINDOW_S = 1.5


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def _all_agreed(world: World, level: int = 3) -> tuple[int, list[int]]:
    lead = world.actor("lead")
    assessment_id = starting.start_assessment(world.db, lead, world.team_id, TODAY)
    ids = [p.id for p in assessments.load_state(world.db, lead, assessment_id).practices]
    for practice_id in ids:
        agreeing.save_agreed(
            world.db,
            lead,
            assessment_id,
            practice_id,
            Answer(level=level, reason="Agreed at the team meeting."),
            expected_version=None,
            today=TODAY,
        )
    return assessment_id, ids


def _submit(world: World, assessment_id: int, who: str = "lead") -> None:
    state = assessments.load_state(world.db, world.actor(who), assessment_id)
    assessments.submit(
        world.db,
        world.actor(who),
        assessment_id,
        expected_version=state.summary.version,
        expected_answers=state.answers_fingerprint(),
    )


def _agreed_levels(db: Database, assessment_id: int) -> dict[int, int | None]:
    with db.read() as session:
        rows = session.scalars(
            select(AgreedRating).where(AgreedRating.assessment_id == assessment_id)
        )
        return {row.practice_id: row.level for row in rows}


def _submitted_levels(db: Database, assessment_id: int) -> list[int | None]:
    with db.read() as session:
        submission = submissions.latest_submission(session, assessment_id)
        assert submission is not None
        return [entry["level"] for entry in submission.answers]


def test_a_save_racing_a_submit_lands_before_it_and_is_what_was_submitted(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lead's save has checked the assessment is a draft; the submit must wait for it."""
    assessment_id, ids = _all_agreed(world)
    lead = world.actor("lead")
    checked = threading.Event()
    submitted = threading.Event()
    real_practice_in = practice_in

    def checked_then_pause(session: Any, assessment: Any, practice_id: int) -> Any:
        found = real_practice_in(session, assessment, practice_id)
        if threading.current_thread().name == "save":
            checked.set()
            submitted.wait(RACE_WINDOW_S)  # an unlocked submit would finish here
        return found

    monkeypatch.setattr(agreeing, "practice_in", checked_then_pause)
    outcomes: dict[str, object] = {}
    state = assessments.load_state(world.db, lead, assessment_id)

    def save() -> None:
        try:
            outcomes["save"] = agreeing.save_agreed(
                world.db,
                lead,
                assessment_id,
                ids[0],
                Answer(level=5, reason="Changed at the last minute."),
                expected_version=state.agreed[ids[0]].version,
                today=TODAY,
            )
        except (InputError, ConflictError) as problem:
            outcomes["save"] = problem

    def submit() -> None:
        checked.wait(20)
        try:
            assessments.submit(
                world.db, lead, assessment_id, expected_version=state.summary.version
            )
            outcomes["submit"] = "submitted"
        except (InputError, ConflictError) as problem:
            outcomes["submit"] = problem
        finally:
            submitted.set()

    threads = [threading.Thread(target=save, name="save"), threading.Thread(target=submit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert isinstance(outcomes["save"], assessments.SavedAnswer)
    assert outcomes["submit"] == "submitted"
    # The save landed before the submit, so what was submitted is what is stored.
    assert _agreed_levels(world.db, assessment_id)[ids[0]] == 5
    assert _submitted_levels(world.db, assessment_id)[0] == 5


@pytest.mark.parametrize("kind", ["rating", "agreed answer", "evidence"])
def test_a_save_that_reaches_a_submitting_assessment_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The submit holds the lock while it writes; a save arriving then waits and is refused."""
    assessment_id, ids = _all_agreed(world)
    lead = world.actor("lead")
    member = world.actor("member")
    submitting = threading.Event()
    save_started = threading.Event()
    real_record = record_submission

    def record_then_pause(*args: Any) -> Any:
        submitting.set()
        save_started.wait(20)
        # Give the save time to reach the assessment while this submit is still open.
        threading.Event().wait(RACE_WINDOW_S)
        return real_record(*args)

    monkeypatch.setattr(assessments, "record_submission", record_then_pause)
    before_agreed = _agreed_levels(world.db, assessment_id)
    outcomes: dict[str, object] = {}

    def save() -> None:
        submitting.wait(20)
        save_started.set()
        try:
            if kind == "agreed answer":
                version = assessments.load_state(world.db, lead, assessment_id).agreed[ids[1]]
                outcomes["save"] = agreeing.save_agreed(
                    world.db,
                    lead,
                    assessment_id,
                    ids[1],
                    Answer(level=1, reason="Too late"),
                    expected_version=version.version,
                    today=TODAY,
                )
            else:
                outcomes["save"] = individual_ratings.save_rating(
                    world.db,
                    member,
                    assessment_id,
                    ids[1],
                    Answer(level=2, evidence="Minutes" if kind == "evidence" else ""),
                    expected_version=None,
                    today=TODAY,
                )
        except (InputError, ConflictError) as problem:
            outcomes["save"] = problem

    saver = threading.Thread(target=save)
    saver.start()
    _submit(world, assessment_id)
    saver.join(60)
    refused = outcomes["save"]
    assert isinstance(refused, InputError) and "submitted" in str(refused)
    assert _agreed_levels(world.db, assessment_id) == before_agreed
    assert assessments.load_state(world.db, member, assessment_id).mine == {}


def test_saves_by_several_people_at_once_are_all_kept(world: World) -> None:
    """No lost update: members rate and the lead agrees, all at the same moment."""
    lead = world.actor("lead")
    assessment_id = starting.start_assessment(world.db, lead, world.team_id, TODAY)
    ids = [p.id for p in assessments.load_state(world.db, lead, assessment_id).practices]
    start = threading.Barrier(3, timeout=20)
    failures: list[BaseException] = []

    def work(who: str, practice_ids: list[int]) -> None:
        actor = world.actor(who)
        start.wait()
        try:
            for practice_id in practice_ids:
                if who == "lead":
                    agreeing.save_agreed(
                        world.db,
                        actor,
                        assessment_id,
                        practice_id,
                        Answer(level=4),
                        expected_version=None,
                        today=TODAY,
                    )
                else:
                    individual_ratings.save_rating(
                        world.db,
                        actor,
                        assessment_id,
                        practice_id,
                        Answer(level=2),
                        expected_version=None,
                        today=TODAY,
                    )
        except BaseException as problem:
            failures.append(problem)

    threads = [
        threading.Thread(target=work, args=("member", ids[:10])),
        threading.Thread(target=work, args=("member2", ids[:10])),
        threading.Thread(target=work, args=("lead", ids[10:20])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    comparisons = agreeing.compare_team_ratings(world.db, lead, assessment_id)
    assert [c.agreement.rater_count for c in comparisons[:10]] == [2] * 10
    assert set(_agreed_levels(world.db, assessment_id)) == set(ids[10:20])


def test_a_lead_reopens_with_a_reason_and_the_submission_is_kept(world: World) -> None:
    assessment_id, ids = _all_agreed(world, level=3)
    lead = world.actor("lead")
    _submit(world, assessment_id)
    version = assessments.load_state(world.db, lead, assessment_id).summary.version

    with pytest.raises(InputError, match="Say why"):
        reopening.reopen(world.db, lead, assessment_id, reason="  ", expected_version=version)
    for who in ("member", "champion", "consultant", "outsider"):
        with pytest.raises(AccessDenied):
            reopening.reopen(
                world.db, world.actor(who), assessment_id, reason="No", expected_version=version
            )
    with pytest.raises(ConflictError):
        reopening.reopen(
            world.db, lead, assessment_id, reason="Stale page", expected_version=version - 1
        )

    reopening.reopen(
        world.db,
        lead,
        assessment_id,
        reason="The survey results arrived after we submitted.",
        expected_version=version,
    )
    summary = assessments.load_state(world.db, lead, assessment_id).summary
    assert not summary.is_submitted
    with pytest.raises(InputError, match="not submitted"):
        reopening.reopen(
            world.db, lead, assessment_id, reason="Again", expected_version=summary.version
        )

    # The team changes an answer; results and history still show what was submitted.
    agreeing.save_agreed(
        world.db,
        lead,
        assessment_id,
        ids[0],
        Answer(level=5, reason="The survey shows more."),
        expected_version=assessments.load_state(world.db, lead, assessment_id)
        .agreed[ids[0]]
        .version,
        today=TODAY,
    )
    view = results.assessment_scores(world.db, lead, assessment_id, TODAY)
    assert view.header.reopened and not view.header.is_submitted
    assert view.practices[0].level == 3
    [round_score] = score_history.team_history(world.db, lead, world.team_id)
    assert round_score.overall_score == pytest.approx(3.0)
    assert [
        h.reopened for h in results.assessments_with_results(world.db, lead, world.team_id)
    ] == [True]

    # Submitted again: the first submission is kept with its answers and the reason.
    _submit(world, assessment_id)
    history = reopening.submission_history(world.db, world.actor("member"), assessment_id)
    assert [(h.number, h.submitted_by, h.reopened_by) for h in history] == [
        (1, "Lead", "Lead"),
        (2, "Lead", None),
    ]
    assert history[0].reopen_reason == "The survey results arrived after we submitted."
    assert history[0].answered == 29
    with world.db.read() as session:
        first, second = session.scalars(
            select(AssessmentSubmission)
            .where(AssessmentSubmission.assessment_id == assessment_id)
            .order_by(AssessmentSubmission.number)
        ).all()
        assert first.answers[0]["level"] == 3 and second.answers[0]["level"] == 5
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "reopen_assessment")
        ).one()
    assert event.actor_user_id == lead.user_id and event.entity_id == assessment_id
    assert event.after == {
        "status": "draft",
        "reason": "The survey results arrived after we submitted.",
    }
    assert results.assessment_scores(world.db, lead, assessment_id, TODAY).practices[0].level == 5


def test_an_admin_reopens_any_teams_assessment(world: World) -> None:
    assessment_id, _ = _all_agreed(world)
    _submit(world, assessment_id)
    admin = world.actor("admin")
    version = assessments.load_state(world.db, world.actor("lead"), assessment_id).summary.version
    reopening.reopen(
        world.db, admin, assessment_id, reason="Submitted by mistake.", expected_version=version
    )
    [record] = reopening.submission_history(world.db, admin, assessment_id)
    assert record.reopened_by == "Admin" and record.reopen_reason == "Submitted by mistake."


def _rate(world: World, assessment_id: int, practice_id: int, levels: dict[str, int]) -> None:
    for who, level in levels.items():
        individual_ratings.save_rating(
            world.db,
            world.actor(who),
            assessment_id,
            practice_id,
            Answer(level=level),
            expected_version=None,
            today=TODAY,
        )


def test_agreeing_every_unanimous_practice_is_one_action(world: World) -> None:
    lead = world.actor("lead")
    assessment_id = starting.start_assessment(world.db, lead, world.team_id, TODAY)
    ids = [p.id for p in assessments.load_state(world.db, lead, assessment_id).practices]
    _rate(world, assessment_id, ids[0], {"member": 3, "member2": 3})
    _rate(world, assessment_id, ids[1], {"member": 3, "member2": 3, "lead": 3})
    _rate(world, assessment_id, ids[2], {"member": 2})
    _rate(world, assessment_id, ids[3], {"member": 1, "member2": 2})

    comparisons = agreeing.compare_team_ratings(world.db, lead, assessment_id)
    assert comparisons[2].agreement.reason == "1 of 3 members rated: Emerging (2)."
    assert comparisons[0].agreement.reason == "2 of 3 members rated: both gave Learning (3)."
    assert comparisons[1].agreement.reason == "Everyone gave Learning (3)."
    assert [c.practice.id for c in agreeing.unanimous_practices(comparisons)] == ids[:2]

    assert agreeing.agree_where_everyone_agrees(world.db, lead, assessment_id, TODAY) == 2
    state = assessments.load_state(world.db, lead, assessment_id)
    assert {pid: s.answer.level for pid, s in state.agreed.items()} == {ids[0]: 3, ids[1]: 3}
    assert state.agreed[ids[0]].answer.reason == ("2 of 3 members rated; both gave Learning.")
    assert state.agreed[ids[1]].answer.reason == "Everyone gave Learning."
    assert (
        agreeing.agree_where_everyone_agrees(
            world.db, lead, assessment_id, TODAY, include_single_ratings=True
        )
        == 1
    )
    state = assessments.load_state(world.db, lead, assessment_id)
    assert state.agreed[ids[2]].answer.level == 2
    assert state.agreed[ids[2]].answer.reason == "Only 1 of 3 members rated, and gave Emerging."

    # A note is needed only where members gave different answers.
    with pytest.raises(InputError, match="members gave different answers"):
        agreeing.save_agreed(
            world.db,
            lead,
            assessment_id,
            ids[3],
            Answer(level=2),
            expected_version=None,
            today=TODAY,
        )
    agreeing.save_agreed(
        world.db, lead, assessment_id, ids[4], Answer(level=2), expected_version=None, today=TODAY
    )
    with pytest.raises(AccessDenied):
        agreeing.agree_where_everyone_agrees(world.db, world.actor("member"), assessment_id, TODAY)


def test_agreeing_in_one_action_is_all_or_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = world.actor("lead")
    assessment_id = starting.start_assessment(world.db, lead, world.team_id, TODAY)
    ids = [p.id for p in assessments.load_state(world.db, lead, assessment_id).practices]
    for practice_id in ids[:3]:
        _rate(world, assessment_id, practice_id, {"member": 4, "member2": 4})
    real_save = agreeing._save_agreed_in
    calls: list[int] = []

    def fail_on_the_third(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise InputError("The database refused the third answer.")
        return real_save(*args, **kwargs)

    monkeypatch.setattr(agreeing, "_save_agreed_in", fail_on_the_third)
    with pytest.raises(InputError):
        agreeing.agree_where_everyone_agrees(world.db, lead, assessment_id, TODAY)
    assert _agreed_levels(world.db, assessment_id) == {}
