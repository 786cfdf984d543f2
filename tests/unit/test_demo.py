"""The demo data generator: deterministic, in the promised shape, and safe to re-run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import func, select

from ue_core import survey_import
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.db.models import (
    Action,
    AgreedRating,
    Assessment,
    Base,
    ConsultantSkill,
    Membership,
    Organisation,
    Practice,
    Rating,
    RequestMessage,
    RequestStatusChange,
    Role,
    Round,
    SupportRequest,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Target,
    Team,
    User,
)
from ue_core.demo import DemoError, build_survey_frame, content, generate, survey_text
from ue_core.demo.__main__ import main
from ue_core.demo.generator import CURRENT_ROUND, ROUNDS
from ue_core.demo.survey import (
    ACTIVITIES,
    BARRIERS,
    CLOSED_QUESTIONS,
    DO_NOT_ENGAGE,
    ENGAGEMENT_FREQUENCY,
    FREE_TEXT_QUESTIONS,
    KNOW_USERS,
    RESPONDENT_COLUMN,
    write_survey,
)
from ue_core.framework import PRACTICE_AREA_LABELS, load_framework
from ue_core.personas import DEMO_EMAIL_DOMAIN, DEMO_ORGANISATION, DEMO_TEAM, PERSONAS
from ue_core.request_kinds import shipped_request_kinds
from ue_core.vocabulary import RequestStatus

SEED = 2021


def _url(folder: Path, name: str) -> str:
    return f"sqlite:///{folder / name}.db"


def _database(folder: Path, name: str) -> Database:
    url = _url(folder, name)
    upgrade(url)
    return Database(url)


def _dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    out = {}
    with db.read() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(row) for row in rows]
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = _database(tmp_path_factory.mktemp("demo"), "demo")
    generate(db, scale="small", seed=SEED)
    yield db
    db.dispose()


def _count(db: Database, model: type[Base]) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# --- Determinism and the command line --------------------------------------------------------


def test_same_seed_gives_identical_content_and_if_empty_leaves_it_alone(
    demo: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(tmp_path, "again")
    # --if-empty on an empty database generates, and gives exactly the same content.
    assert main(["--database-url", url, "--seed", str(SEED), "--if-empty"]) == 0
    out = capsys.readouterr().out
    assert "Organisations: 35" in out
    assert "seconds" in out
    again = Database(url)
    try:
        before = _dump(again)
        assert before == _dump(demo)
        # Run again: the database already has organisations, so nothing changes.
        assert main(["--database-url", url, "--seed", "7", "--if-empty"]) == 0
        assert "already has 35 organisations" in capsys.readouterr().out
        assert _dump(again) == before
    finally:
        again.dispose()


def test_different_seed_gives_different_content(demo: Database, tmp_path: Path) -> None:
    other = _database(tmp_path, "other")
    try:
        summary = generate(other, seed=7)
        assert summary.organisations == 35
        dump, reference = _dump(other), _dump(demo)
        assert dump["team"] != reference["team"]
        assert dump["agreed_rating"] != reference["agreed_rating"]
        assert dump["survey_answer"] != reference["survey_answer"]
        # Same framework and rounds: those do not depend on the seed.
        assert dump["practice"] == reference["practice"]
        assert dump["assessment_round"] == reference["assessment_round"]
    finally:
        other.dispose()


def test_generating_twice_or_an_unknown_scale_is_refused(demo: Database) -> None:
    with pytest.raises(DemoError, match="already holds the demo"):
        generate(demo)
    with pytest.raises(DemoError, match="Unknown scale"):
        generate(demo, scale="huge")


def test_no_timestamp_comes_from_the_clock(demo: Database) -> None:
    latest = datetime(2026, 11, 15, tzinfo=UTC)
    earliest = datetime(2024, 1, 1, tzinfo=UTC)
    for table, rows in _dump(demo).items():
        for row in rows:
            for value in row:
                if isinstance(value, datetime):
                    assert earliest <= value < latest, (table, value)


# --- Organisations, teams and people ----------------------------------------------------------


def test_organisations_and_teams(demo: Database) -> None:
    with demo.read() as session:
        orgs = session.scalars(select(Organisation).order_by(Organisation.id)).all()
        assert len(orgs) == 35
        assert orgs[0].name == DEMO_ORGANISATION
        assert {org.kind for org in orgs} == set(content.ORGANISATION_KINDS)
        for org in orgs:
            teams = session.scalars(select(Team).where(Team.organisation_id == org.id)).all()
            assert 4 <= len(teams) <= 15, org.name
            assert all(team.statistics for team in teams)
        happy = session.scalars(select(Team.happy_to_talk)).all()
        assert 0 < sum(happy) < len(happy)
        assert session.scalar(select(func.count()).where(Team.name == DEMO_TEAM)) == 1


def test_people_and_roles(demo: Database) -> None:
    with demo.read() as session:
        users = session.scalars(select(User)).all()
        emails = [user.email for user in users]
        assert len(set(emails)) == len(emails)
        assert all(email.endswith(f"@{DEMO_EMAIL_DOMAIN}") for email in emails)
        assert all(user.password_hash is None for user in users)
        assert len({user.display_name for user in users}) > 0.8 * len(users)
        roles = session.execute(
            select(Membership.role, Membership.team_id, Membership.organisation_id)
        ).all()
        by_team: dict[int, Counter[str]] = {}
        for role, team_id, _ in roles:
            if team_id is not None:
                by_team.setdefault(team_id, Counter())[role] += 1
        assert len(by_team) == _count(demo, Team)
        for counts in by_team.values():
            assert counts["lead"] == 1
            assert 2 <= counts["member"] <= 4
        # every organisation has a champion and some have two: 56 in 35 organisations, as the
        # network had after the strategy's first year; the personas' organisation has one
        champions = Counter(org for role, _, org in roles if role == "champion")
        assert len(champions) == 35 and sum(champions.values()) == 56
        assert set(champions.values()) == {1, 2}
        demo_org = session.scalar(
            select(Organisation.id).where(Organisation.name == DEMO_ORGANISATION)
        )
        assert champions[demo_org] == 1
        assert sum(1 for role, _, _ in roles if role == "consultant") == 3
        assert sum(1 for role, _, _ in roles if role == "admin") == 1


def test_personas_have_their_roles(demo: Database) -> None:
    with demo.read() as session:
        demo_org = session.scalar(
            select(Organisation).where(Organisation.name == DEMO_ORGANISATION)
        )
        assert demo_org is not None
        team = session.scalar(
            select(Team).where(Team.name == DEMO_TEAM, Team.organisation_id == demo_org.id)
        )
        assert team is not None
        for persona in PERSONAS:
            user = session.scalar(select(User).where(User.email == persona.email))
            assert user is not None and user.display_name == persona.display_name
            memberships = [(m.role, m.team_id, m.organisation_id) for m in user.memberships]
            expected: tuple[str, int | None, int | None]
            if persona.role.value in ("member", "lead"):
                expected = (persona.role.value, team.id, None)
            elif persona.role.value == "champion":
                expected = ("champion", None, demo_org.id)
            else:
                expected = (persona.role.value, None, None)
            assert memberships == [expected], persona.display_name


# --- Assessments ------------------------------------------------------------------------------


def test_rounds_and_the_persona_team_history(demo: Database) -> None:
    with demo.read() as session:
        labels = session.scalars(select(Round.label).order_by(Round.starts_on)).all()
        assert labels == [label for label, _, _ in ROUNDS]
        team_id = session.scalar(select(Team.id).where(Team.name == DEMO_TEAM))
        history = session.execute(
            select(
                Round.label, Assessment.status, Assessment.submitted_at, Assessment.submitted_by_id
            )
            .join(Round, Round.id == Assessment.round_id)
            .where(Assessment.team_id == team_id)
            .order_by(Round.starts_on)
        ).all()
        assert [(label, status) for label, status, _, _ in history] == [
            ("2024 to 2025", "submitted"),
            ("2025 to 2026", "submitted"),
        ]
        assert all(at is not None and by is not None for _, _, at, by in history)
        assert CURRENT_ROUND not in [label for label, _, _, _ in history]
        # Later assessments carry over from the same team's previous submitted one.
        pairs = session.execute(
            select(Assessment.team_id, Assessment.carried_over_from_id).where(
                Assessment.carried_over_from_id.is_not(None)
            )
        ).all()
        assert len(pairs) > _count(demo, Team)
        for team, previous_id in pairs:
            previous = session.get(Assessment, previous_id)
            assert previous is not None
            assert previous.team_id == team and previous.status == "submitted"


def test_current_round_is_split_in_thirds(demo: Database) -> None:
    with demo.read() as session:
        teams = _count(demo, Team)
        statuses = Counter(
            session.scalars(
                select(Assessment.status)
                .join(Round, Round.id == Assessment.round_id)
                .where(Round.label == CURRENT_ROUND)
            ).all()
        )
        not_started = teams - sum(statuses.values())
        for value in (statuses["submitted"], statuses["draft"], not_started):
            assert 0.2 * teams <= value <= 0.47 * teams
        past = session.scalar(
            select(func.count())
            .select_from(Assessment)
            .join(Round, Round.id == Assessment.round_id)
            .where(Round.label == "2025 to 2026", Assessment.status == "submitted")
        )
        assert past is not None and past >= 0.75 * teams


def test_submitted_assessments_are_complete(demo: Database) -> None:
    with demo.read() as session:
        practices = _count(demo, Practice)
        submitted = session.scalars(
            select(Assessment).where(Assessment.status == "submitted")
        ).all()
        assert all(a.submitted_at is not None and a.submitted_by_id for a in submitted)
        assert all(a.public_interest and a.user_breadth and a.change_frequency for a in submitted)
        for assessment in submitted[:40]:
            agreed = session.scalar(
                select(func.count()).where(AgreedRating.assessment_id == assessment.id)
            )
            assert agreed == practices
            targets = session.scalars(
                select(Target).where(Target.assessment_id == assessment.id)
            ).all()
            assert len(targets) == 5
            assert all(2 <= t.level <= 5 and t.rationale for t in targets)
            actions = session.scalars(
                select(Action).where(Action.assessment_id == assessment.id)
            ).all()
            assert 2 <= len(actions) <= 4
            assert all(a.description and a.owner and a.due_on for a in actions)
        drafts = session.scalars(select(Assessment).where(Assessment.status == "draft")).all()
        assert all(d.submitted_at is None for d in drafts)


def test_ratings_look_like_a_real_team(demo: Database) -> None:
    with demo.read() as session:
        agreed = session.execute(
            select(
                AgreedRating.assessment_id,
                AgreedRating.practice_id,
                AgreedRating.level,
                AgreedRating.not_applicable,
                AgreedRating.note,
                AgreedRating.evidence,
                AgreedRating.evidence_date,
                AgreedRating.evidence_strength,
                Assessment.submitted_at,
            ).join(Assessment, Assessment.id == AgreedRating.assessment_id)
        ).all()
        levels = Counter(row.level for row in agreed)
        assert set(levels) == {None, 1, 2, 3, 4, 5}
        assert levels[2] + levels[3] > levels[1] + levels[4] + levels[5]
        not_applicable = [row for row in agreed if row.not_applicable]
        assert not_applicable and all(row.note and row.level is None for row in not_applicable)
        evidence = [row.evidence for row in agreed if row.evidence]
        assert len(set(evidence)) > 300
        assert any("responses" in text for text in evidence)
        stale = [
            row
            for row in agreed
            if row.evidence_date
            and row.submitted_at
            and (row.submitted_at.date() - row.evidence_date).days > 365
        ]
        assert 0.03 * len(agreed) < len(stale) < 0.2 * len(agreed)
        assert {row.evidence_strength for row in agreed if row.evidence} == {
            "self_reported",
            "documented",
            "externally_verified",
        }
        agreed_level = {(row.assessment_id, row.practice_id): row.level for row in agreed}
        gaps: Counter[int] = Counter()
        for assessment_id, practice_id, level in session.execute(
            select(Rating.assessment_id, Rating.practice_id, Rating.level)
        ):
            reference = agreed_level.get((assessment_id, practice_id))
            if level is not None and reference is not None:
                gaps[abs(level - reference)] += 1
        total = sum(gaps.values())
        assert max(gaps) == 2
        assert gaps[0] > 0.45 * total and gaps[1] > 0.25 * total and 0 < gaps[2] < 0.1 * total


# --- Survey and support requests ----------------------------------------------------------------


def test_survey_is_stored_without_personal_data(demo: Database) -> None:
    with demo.read() as session:
        survey = session.scalar(select(Survey))
        assert survey is not None and sum(survey.redaction_counts.values()) > 0
        kinds = Counter(session.scalars(select(SurveyQuestion.kind)).all())
        assert kinds["free_text"] == 3 and kinds["closed"] >= 4
        assert _count(demo, SurveyResponse) == 180
        texts = session.scalars(select(SurveyAnswer.text)).all()
        assert 0.9 * 540 < len(texts) < 540
        assert not any("@example" in text or "01632" in text for text in texts)
        assert any("[email]" in text for text in texts)
        answers = session.scalars(select(SurveyResponse.closed_answers)).all()
        engage = Counter(a[ENGAGEMENT_FREQUENCY] for a in answers)
        assert 0.12 <= engage[DO_NOT_ENGAGE] / 180 <= 0.16


def test_support_requests(demo: Database) -> None:
    with demo.read() as session:
        requests = session.scalars(select(SupportRequest)).all()
        assert len(requests) == 150
        assert {r.status for r in requests} <= {s.value for s in RequestStatus}
        assert {r.kind for r in requests} <= set(shipped_request_kinds().by_key())
        assert len({r.kind for r in requests}) > 3
        assert any(r.needed_by for r in requests)
        consultants = set(
            session.scalars(select(Membership.user_id).where(Membership.role == "consultant"))
        )
        for request in requests:
            if request.status in ("new", "triaged"):
                assert request.assignee_id is None
            else:
                assert request.assignee_id in consultants
            assert request.updated_at >= request.created_at
            assert (request.first_response_at is None) == (request.status == "new")
            done = request.status in ("resolved", "closed")
            assert (request.resolved_at is not None) == done
            assert request.rating is None or (done and 1 <= request.rating <= 5)
        assert any(r.rating for r in requests)
        assert any(r.assignee_id for r in requests)
        # One request is from the personas' team and assigned to the consultant persona.
        sam, ruth = (
            session.scalar(select(User.id).where(User.email == persona.email))
            for persona in (
                next(p for p in PERSONAS if p.display_name == "Sam Patel"),
                next(p for p in PERSONAS if p.role.value == "consultant"),
            )
        )
        assert any(r.requested_by_id == sam and r.assignee_id == ruth for r in requests)
        # The personas' team also has a resolved request it has not yet rated.
        assert any(
            r.requested_by_id == sam and r.status == "resolved" and r.rating is None
            for r in requests
        )


def test_survey_frame_is_deterministic_and_in_proportion() -> None:
    frame = build_survey_frame(SEED, 180)
    pd.testing.assert_frame_equal(frame, build_survey_frame(SEED, 180))
    assert not frame.equals(build_survey_frame(SEED + 1, 180))
    assert frame[RESPONDENT_COLUMN].is_unique
    assert (frame[ENGAGEMENT_FREQUENCY] == DO_NOT_ENGAGE).mean() == pytest.approx(0.14, abs=0.02)
    assert (frame[KNOW_USERS] == "Yes").mean() == pytest.approx(0.75, abs=0.03)
    for question in FREE_TEXT_QUESTIONS:
        answers = frame[question]
        assert 0 < answers.isna().sum() < 15
        assert answers.dropna().nunique() >= 90
        lengths = answers.dropna().str.split().str.len()
        assert lengths.min() <= 4 and lengths.max() >= 25
    everything = " ".join(frame[list(FREE_TEXT_QUESTIONS)].fillna("").to_numpy().ravel())
    assert "@example." in everything and "01632" in everything and "https://" in everything
    # People who do not engage are not described as running a user group.
    non_engagers = frame.loc[frame[ENGAGEMENT_FREQUENCY] == DO_NOT_ENGAGE, ACTIVITIES].dropna()
    assert set(non_engagers) <= set(survey_text.NON_ENGAGER_ACTIVITIES)


def test_every_practice_has_its_own_evidence_and_actions() -> None:
    for practice in load_framework().practices():
        strong, weak = content.evidence_pools(practice.key, practice.practice_area)
        assert len(strong) >= 3 and len(weak) <= 1, practice.key
        assert len(content.ACTIONS_BY_PRACTICE[practice.key]) >= 2, practice.key


def test_answer_pools_are_large_and_distinct() -> None:
    for pool in (survey_text.BARRIERS, survey_text.SUPPORT_WANTED, survey_text.ACTIVITIES):
        assert len(pool) >= 60
        assert len(set(pool)) == len(pool)
    assert not set(survey_text.BARRIERS) & set(survey_text.SUPPORT_WANTED)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".ods"])
def test_write_survey_file(tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / f"survey{suffix}"
    assert main(["--write-survey", str(path), "--seed", str(SEED)]) == 0
    assert "180 survey responses" in capsys.readouterr().out
    back = pd.read_csv(path) if suffix == ".csv" else pd.read_excel(path)
    expected = build_survey_frame(SEED, 180)
    assert list(back.columns) == list(expected.columns)
    assert back[BARRIERS].fillna("").tolist() == expected[BARRIERS].fillna("").tolist()
    # The survey import screen reads the file and guesses every column's role correctly.
    raw = survey_import.read_table(path.read_bytes(), path.name)
    mapping = survey_import.preview(raw).suggested_mapping
    assert mapping.respondent_id == RESPONDENT_COLUMN
    assert list(mapping.free_text) == list(FREE_TEXT_QUESTIONS)
    assert list(mapping.closed) == list(CLOSED_QUESTIONS)
    prepared = survey_import.prepare(raw, mapping)
    assert prepared.redaction_counts["email"] > 0


def test_write_survey_refuses_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"use \.csv, \.xlsx or \.ods"):
        write_survey(build_survey_frame(SEED, 5), tmp_path / "survey.txt")


@pytest.mark.postgres
def test_postgresql_ids_keep_working_after_the_demo(any_db: Database) -> None:
    """The demo writes its own ids; PostgreSQL's sequences must move past them."""
    if any_db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite is covered by the other tests")
    summary = generate(any_db, seed=SEED)
    with any_db.transaction() as session:
        org = Organisation(name="Office for Later Additions", kind="Arm's-length body")
        session.add(org)
        session.flush()
        assert org.id == summary.organisations + 1
        session.add(Team(organisation_id=org.id, name="New statistics team"))
        session.add(User(email=f"new.person@{DEMO_EMAIL_DOMAIN}", display_name="New Person"))
        session.flush()
        # The request history tables too: a new status change, message and notification.
        history = summary.request_history
        assert history is not None
        change = RequestStatusChange(request_id=1, status="in_progress")
        message = RequestMessage(request_id=1, body="A later reply.", from_hub=True)
        session.add_all([change, message])
        session.flush()
        assert change.id == history.status_changes + 1
        assert message.id == history.messages + history.internal_notes + 1


def test_every_demo_consultant_declares_skills(demo: Database) -> None:
    with demo.read() as session:
        consultants = set(
            session.scalars(
                select(Membership.user_id).where(Membership.role == Role.CONSULTANT.value)
            )
        )
        rows = session.execute(
            select(ConsultantSkill.user_id, ConsultantSkill.skill, ConsultantSkill.key)
        ).all()
    assert {user_id for user_id, _, _ in rows} == consultants
    assert {key for _, skill, key in rows if skill == "area"} <= set(PRACTICE_AREA_LABELS)
