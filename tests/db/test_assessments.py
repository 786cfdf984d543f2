"""The assessment service on SQLite and PostgreSQL: start, carry-over, saves, conflicts, submit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, EvidenceStrength
from ue_core.errors import ConflictError, InputError
from ue_core.services import agreeing, assessments, individual_ratings, starting
from ue_core.services.assessments import Answer, Progress
from ue_core.services.frameworks import sync_framework

LAST_YEAR = date(2025, 9, 1)  # in the "2025 to 2026" round
THIS_YEAR = date(2026, 9, 1)  # in the "2026 to 2027" round


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def _audit_actions(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _agree_everything(world: World, assessment_id: int, today: date, level: int = 3) -> None:
    lead = world.actor("lead")
    state = assessments.load_state(world.db, lead, assessment_id)
    for item in state.practices:
        agreeing.save_agreed(
            world.db,
            lead,
            assessment_id,
            item.id,
            Answer(level=level, reason="Agreed at the team meeting.", evidence="Minutes"),
            expected_version=None,
            today=today,
        )


def _submitted_last_year(world: World) -> int:
    previous = starting.start_assessment(world.db, world.actor("lead"), world.team_id, LAST_YEAR)
    _agree_everything(world, previous, LAST_YEAR, level=2)
    state = assessments.load_state(world.db, world.actor("lead"), previous)
    assessments.submit(
        world.db, world.actor("lead"), previous, expected_version=state.summary.version
    )
    return previous


def test_start_carries_over_last_rounds_agreed_answers(world: World) -> None:
    member = world.actor("member")
    preview = starting.start_preview(world.db, member, world.team_id, THIS_YEAR)
    assert preview == starting.StartPreview("2026 to 2027", None)

    previous = _submitted_last_year(world)
    preview = starting.start_preview(world.db, member, world.team_id, THIS_YEAR)
    assert preview == starting.StartPreview("2026 to 2027", "2025 to 2026")

    assessment_id = starting.start_assessment(world.db, member, world.team_id, THIS_YEAR)
    again = starting.start_assessment(world.db, world.actor("member2"), world.team_id, THIS_YEAR)
    assert again == assessment_id  # one assessment per team and round
    assert assessments.current_assessment_id(world.db, member, world.team_id, THIS_YEAR) == (
        assessment_id
    )

    state = assessments.load_state(world.db, member, assessment_id)
    assert state.summary.carried_over_from_id == previous
    assert state.summary.carried_over_from_label == "2025 to 2026"
    assert len(state.carried) == len(state.practices) == 29
    assert {answer.level for answer in state.carried.values()} == {2}
    assert state.mine == {}
    assert {p.status for p in state.my_progress()} == {Progress.NOT_STARTED}

    kept = individual_ratings.keep_carried_over(world.db, member, assessment_id, THIS_YEAR)
    assert kept == 29
    state = assessments.load_state(world.db, member, assessment_id)
    assert all(saved.carried_over for saved in state.mine.values())
    assert {p.status for p in state.my_progress()} == {Progress.COMPLETED}
    # Keeping again adds nothing; another member's ratings are their own.
    assert individual_ratings.keep_carried_over(world.db, member, assessment_id, THIS_YEAR) == 0
    assert assessments.load_state(world.db, world.actor("member2"), assessment_id).mine == {}

    # Changing a carried-over rating makes it the person's own.
    first = state.practices[0].id
    saved = individual_ratings.save_rating(
        world.db,
        member,
        assessment_id,
        first,
        Answer(level=4),
        expected_version=state.mine[first].version,
        today=THIS_YEAR,
    )
    assert not saved.carried_over and saved.answer.level == 4


def test_progress_counts_answered_practices_per_principle(world: World) -> None:
    member = world.actor("member")
    assessment_id = starting.start_assessment(world.db, member, world.team_id, THIS_YEAR)
    state = assessments.load_state(world.db, member, assessment_id)
    first, second = state.practices[0], state.practices[1]
    individual_ratings.save_rating(
        world.db,
        member,
        assessment_id,
        first.id,
        Answer(level=3),
        expected_version=None,
        today=THIS_YEAR,
    )
    # Not applicable without a reason is saved but not yet an answer.
    individual_ratings.save_rating(
        world.db,
        member,
        assessment_id,
        second.id,
        Answer(not_applicable=True),
        expected_version=None,
        today=THIS_YEAR,
    )
    progress = assessments.load_state(world.db, member, assessment_id).my_progress()
    assert progress[0].answered == 1
    assert progress[0].status is Progress.IN_PROGRESS
    assert progress[1].status is Progress.NOT_STARTED


def test_two_sessions_save_the_same_rating_the_second_gets_the_conflict(world: World) -> None:
    member = world.actor("member")
    assessment_id = starting.start_assessment(world.db, member, world.team_id, THIS_YEAR)
    practice_id = assessments.load_state(world.db, member, assessment_id).practices[0].id
    original = individual_ratings.save_rating(
        world.db,
        member,
        assessment_id,
        practice_id,
        Answer(level=2),
        expected_version=None,
        today=THIS_YEAR,
    )
    # Two windows both show version `original.version`.
    first = Answer(
        level=4,
        evidence="User map reviewed in June",
        evidence_date=date(2026, 6, 1),
        evidence_strength=EvidenceStrength.DOCUMENTED,
    )
    individual_ratings.save_rating(
        world.db,
        member,
        assessment_id,
        practice_id,
        first,
        expected_version=original.version,
        today=THIS_YEAR,
    )
    with pytest.raises(ConflictError) as raised:
        individual_ratings.save_rating(
            world.db,
            member,
            assessment_id,
            practice_id,
            Answer(level=1),
            expected_version=original.version,
            today=THIS_YEAR,
        )
    assert raised.value.current["level"] == 4
    assert raised.value.current["evidence"] == "User map reviewed in June"
    assert raised.value.current["evidence_strength"] == "documented"
    saved = assessments.load_state(world.db, member, assessment_id).mine[practice_id]
    assert saved.answer == first  # nothing lost

    # Two windows both starting from no rating: the second is told too.
    other_id = assessments.load_state(world.db, member, assessment_id).practices[1].id
    individual_ratings.save_rating(
        world.db,
        member,
        assessment_id,
        other_id,
        Answer(level=5),
        expected_version=None,
        today=THIS_YEAR,
    )
    with pytest.raises(ConflictError) as raised:
        individual_ratings.save_rating(
            world.db,
            member,
            assessment_id,
            other_id,
            Answer(level=1),
            expected_version=None,
            today=THIS_YEAR,
        )
    assert raised.value.current["level"] == 5

    # Having seen the saved version, the person can save again.
    resaved = individual_ratings.save_rating(
        world.db,
        member,
        assessment_id,
        practice_id,
        Answer(level=1),
        expected_version=saved.version,
        today=THIS_YEAR,
    )
    assert resaved.answer.level == 1 and resaved.version > saved.version


def test_two_sessions_save_the_agreed_answer_the_second_gets_the_conflict(world: World) -> None:
    lead = world.actor("lead")
    assessment_id = starting.start_assessment(world.db, lead, world.team_id, THIS_YEAR)
    practice_id = assessments.load_state(world.db, lead, assessment_id).practices[0].id
    first = agreeing.save_agreed(
        world.db,
        lead,
        assessment_id,
        practice_id,
        Answer(level=3, reason="We agreed."),
        expected_version=None,
        today=THIS_YEAR,
    )
    with pytest.raises(ConflictError) as raised:
        agreeing.save_agreed(
            world.db,
            lead,
            assessment_id,
            practice_id,
            Answer(level=5, reason="Too high"),
            expected_version=None,
            today=THIS_YEAR,
        )
    assert "Lead recorded an agreed answer" in str(raised.value)
    assert raised.value.current["level"] == 3
    assert raised.value.current["reason"] == "We agreed."
    second = agreeing.save_agreed(
        world.db,
        lead,
        assessment_id,
        practice_id,
        Answer(level=4, reason="Revisited."),
        expected_version=first.version,
        today=THIS_YEAR,
    )
    with pytest.raises(ConflictError):
        agreeing.save_agreed(
            world.db,
            lead,
            assessment_id,
            practice_id,
            Answer(level=2, reason="Old view"),
            expected_version=first.version,
            today=THIS_YEAR,
        )
    agreed = assessments.load_state(world.db, lead, assessment_id).agreed[practice_id]
    assert agreed.answer.level == 4 and agreed.version == second.version


def test_access_is_limited_to_the_team_and_agreeing_to_its_lead(world: World) -> None:
    member = world.actor("member")
    assessment_id = starting.start_assessment(world.db, member, world.team_id, THIS_YEAR)
    practice_id = assessments.load_state(world.db, member, assessment_id).practices[0].id
    outsider = world.actor("outsider")
    with pytest.raises(AccessDenied):
        assessments.load_state(world.db, outsider, assessment_id)
    with pytest.raises(AccessDenied):
        starting.start_assessment(world.db, outsider, world.team_id, THIS_YEAR)
    with pytest.raises(AccessDenied):
        individual_ratings.save_rating(
            world.db,
            outsider,
            assessment_id,
            practice_id,
            Answer(level=3),
            expected_version=None,
            today=THIS_YEAR,
        )
    with pytest.raises(AccessDenied):
        agreeing.save_agreed(
            world.db,
            member,
            assessment_id,
            practice_id,
            Answer(level=3, reason="x"),
            expected_version=None,
            today=THIS_YEAR,
        )
    with pytest.raises(AccessDenied):
        agreeing.compare_team_ratings(world.db, member, assessment_id)
    with pytest.raises(AccessDenied):
        assessments.submit(world.db, member, assessment_id, expected_version=1)


def test_answers_are_checked(world: World) -> None:
    member = world.actor("member")
    assessment_id = starting.start_assessment(world.db, member, world.team_id, THIS_YEAR)
    practice_id = assessments.load_state(world.db, member, assessment_id).practices[0].id
    for answer, message in [
        (Answer(level=6), "from 1"),
        (Answer(level=3, not_applicable=True), "not both"),
        (Answer(level=3, evidence_date=date(2026, 9, 2)), "today or in the past"),
    ]:
        with pytest.raises(InputError, match=message):
            individual_ratings.save_rating(
                world.db,
                member,
                assessment_id,
                practice_id,
                answer,
                expected_version=None,
                today=THIS_YEAR,
            )
    assert assessments.load_state(world.db, member, assessment_id).mine == {}


def test_lead_compares_ratings_and_flags_differences(world: World) -> None:
    member, member2, lead = world.actor("member"), world.actor("member2"), world.actor("lead")
    assessment_id = starting.start_assessment(world.db, member, world.team_id, THIS_YEAR)
    practices = assessments.load_state(world.db, member, assessment_id).practices
    apart, same = practices[0].id, practices[1].id
    for who, level in ((member, 1), (member2, 4)):
        individual_ratings.save_rating(
            world.db,
            who,
            assessment_id,
            apart,
            Answer(level=level),
            expected_version=None,
            today=THIS_YEAR,
        )
    for who in (member, member2):
        individual_ratings.save_rating(
            world.db,
            who,
            assessment_id,
            same,
            Answer(
                level=3,
                evidence="Survey report",
                evidence_date=date(2026, 5, 1),
                evidence_strength=EvidenceStrength.DOCUMENTED,
            ),
            expected_version=None,
            today=THIS_YEAR,
        )
    comparisons = {
        c.practice.id: c for c in agreeing.compare_team_ratings(world.db, lead, assessment_id)
    }
    assert comparisons[apart].agreement.spread == 3
    assert comparisons[apart].agreement.needs_discussion
    assert comparisons[same].agreement.all_agree
    suggested = agreeing.suggested_answer(comparisons[same])
    assert suggested == Answer(
        level=3,
        evidence="Survey report",
        evidence_date=date(2026, 5, 1),
        evidence_strength=EvidenceStrength.DOCUMENTED,
    )

    assert agreeing.agree_where_everyone_agrees(world.db, lead, assessment_id, THIS_YEAR) == 1
    state = assessments.load_state(world.db, lead, assessment_id)
    assert set(state.agreed) == {same}
    assert state.agreed[same].answer.level == 3
    # Individual ratings are kept alongside the agreed answer.
    comparisons = {
        c.practice.id: c for c in agreeing.compare_team_ratings(world.db, lead, assessment_id)
    }
    assert len(comparisons[same].ratings) == 2


def test_submission_is_blocked_by_unanswered_practices(world: World) -> None:
    lead = world.actor("lead")
    assessment_id = starting.start_assessment(world.db, lead, world.team_id, THIS_YEAR)
    state = assessments.load_state(world.db, lead, assessment_id)
    first, second = state.practices[0], state.practices[1]
    agreeing.save_agreed(
        world.db,
        lead,
        assessment_id,
        first.id,
        Answer(level=3, reason="Agreed"),
        expected_version=None,
        today=THIS_YEAR,
    )
    agreeing.save_agreed(
        world.db,
        lead,
        assessment_id,
        second.id,
        Answer(not_applicable=True),
        expected_version=None,
        today=THIS_YEAR,
    )
    state = assessments.load_state(world.db, lead, assessment_id)
    problems = assessments.submission_problems(state)
    assert len(problems) == 28
    assert problems[0].practice_id == second.id
    assert problems[0].message == f"Say why '{second.title}' is not applicable"
    assert problems[1].message == f"Agree a level for '{state.practices[2].title}'"
    with pytest.raises(InputError, match="28 practices still need an agreed answer"):
        assessments.submit(world.db, lead, assessment_id, expected_version=state.summary.version)
    assert not assessments.load_state(world.db, lead, assessment_id).summary.is_submitted


def test_submit_freezes_the_assessment_and_is_audited(world: World) -> None:
    member, lead = world.actor("member"), world.actor("lead")
    assessment_id = starting.start_assessment(world.db, member, world.team_id, THIS_YEAR)
    practice_id = assessments.load_state(world.db, member, assessment_id).practices[0].id
    rating = individual_ratings.save_rating(
        world.db,
        member,
        assessment_id,
        practice_id,
        Answer(level=3),
        expected_version=None,
        today=THIS_YEAR,
    )
    _agree_everything(world, assessment_id, THIS_YEAR)
    version = assessments.load_state(world.db, lead, assessment_id).summary.version
    with pytest.raises(ConflictError):
        assessments.submit(world.db, lead, assessment_id, expected_version=version + 1)
    assessments.submit(world.db, lead, assessment_id, expected_version=version)

    state = assessments.load_state(world.db, member, assessment_id)
    assert state.summary.is_submitted
    assert state.summary.submitted_by == "Lead"
    assert state.summary.submitted_at is not None
    with pytest.raises(InputError, match="submitted"):
        individual_ratings.save_rating(
            world.db,
            member,
            assessment_id,
            practice_id,
            Answer(level=5),
            expected_version=rating.version,
            today=THIS_YEAR,
        )
    with pytest.raises(InputError, match="submitted"):
        agreeing.save_agreed(
            world.db,
            lead,
            assessment_id,
            practice_id,
            Answer(level=5, reason="Later"),
            expected_version=state.agreed[practice_id].version,
            today=THIS_YEAR,
        )
    with pytest.raises(InputError, match="submitted"):
        assessments.submit(world.db, lead, assessment_id, expected_version=version + 1)
    # The individual ratings are kept with the submitted assessment, visible to the team.
    comparisons = agreeing.compare_team_ratings(world.db, member, assessment_id)
    assert comparisons[0].ratings[member.user_id].answer.level == 3

    actions = _audit_actions(world.db)
    actions = actions[actions.index("start_assessment") :]
    assert actions[0] == "start_assessment"
    assert actions.count("rate_practice") == 1
    assert actions.count("agree_rating") == 29
    assert actions[-1] == "submit_assessment"
    with world.db.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "submit_assessment")
        ).one()
    assert event.actor_user_id == lead.user_id
    assert event.entity_id == assessment_id
    assert event.after == {"status": "submitted", "submission": 1}


@pytest.mark.parametrize("agreed", [False, True], ids=["own-rating", "agreed-answer"])
@pytest.mark.parametrize("first_save", [True, False], ids=["update", "insert"])
def test_two_saves_at_the_same_moment_one_wins_and_the_other_gets_the_conflict(
    world: World, monkeypatch: pytest.MonkeyPatch, first_save: bool, agreed: bool
) -> None:
    """Both sessions reach the assessment at once: its lock lets one in, then the other.

    The second finds the rating saved by the first (a newer version, or a row where it expected
    none) and gets a ConflictError carrying the first's value; nothing is lost.
    """
    member = world.actor("lead" if agreed else "member")
    save_fn = agreeing.save_agreed if agreed else individual_ratings.save_rating
    assessment_id = starting.start_assessment(world.db, member, world.team_id, THIS_YEAR)
    practice_id = assessments.load_state(world.db, member, assessment_id).practices[0].id
    expected: int | None = None
    if first_save:
        expected = save_fn(
            world.db,
            member,
            assessment_id,
            practice_id,
            Answer(level=2, reason="First view"),
            expected_version=None,
            today=THIS_YEAR,
        ).version
    both_arrived = threading.Barrier(2, timeout=20)
    real_transaction = world.db.transaction

    @contextmanager
    def wait_then_begin(*, locking: bool = False) -> Iterator[Session]:
        # Both saves have been checked and are about to begin their transaction together.
        both_arrived.wait()
        with real_transaction(locking=locking) as session:
            yield session

    monkeypatch.setattr(world.db, "transaction", wait_then_begin)
    outcomes: dict[int, object] = {}

    def save(level: int) -> None:
        try:
            outcomes[level] = save_fn(
                world.db,
                member,
                assessment_id,
                practice_id,
                Answer(level=level, reason="Agreed"),
                expected_version=expected,
                today=THIS_YEAR,
            )
        except ConflictError as conflict:
            outcomes[level] = conflict

    threads = [threading.Thread(target=save, args=(level,)) for level in (4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    monkeypatch.setattr(world.db, "transaction", real_transaction)

    conflicts = [o for o in outcomes.values() if isinstance(o, ConflictError)]
    wins = [o for o in outcomes.values() if isinstance(o, assessments.SavedAnswer)]
    assert len(conflicts) == 1 and len(wins) == 1
    winner = wins[0].answer.level
    assert conflicts[0].current["level"] == winner  # the loser is shown the winner's value
    state = assessments.load_state(world.db, member, assessment_id)
    saved = (state.agreed if agreed else state.mine)[practice_id]
    assert saved.answer.level == winner


def test_submit_refuses_when_an_agreed_answer_changed_after_checking(world: World) -> None:
    """A second lead's change while the first is on the check page blocks the first's submit."""
    any_db = world.db
    lead = world.actor("lead")
    assessment_id = starting.start_assessment(any_db, lead, world.team_id, THIS_YEAR)
    state = assessments.load_state(any_db, lead, assessment_id)
    for item in state.practices:
        agreeing.save_agreed(
            any_db,
            lead,
            assessment_id,
            item.id,
            assessments.Answer(level=3),
            expected_version=None,
            today=THIS_YEAR,
        )
    checked = assessments.load_state(any_db, lead, assessment_id)
    first = checked.practices[0]
    agreeing.save_agreed(
        any_db,
        lead,
        assessment_id,
        first.id,
        assessments.Answer(level=4),
        expected_version=checked.agreed[first.id].version,
        today=THIS_YEAR,
    )
    with pytest.raises(ConflictError, match="changed an agreed answer"):
        assessments.submit(
            any_db,
            lead,
            assessment_id,
            expected_version=checked.summary.version,
            expected_answers=checked.answers_fingerprint(),
        )
    latest = assessments.load_state(any_db, lead, assessment_id)
    assessments.submit(
        any_db,
        lead,
        assessment_id,
        expected_version=latest.summary.version,
        expected_answers=latest.answers_fingerprint(),
    )
