"""A survey import is all or nothing, on SQLite and PostgreSQL; stored fields hold no contact
details; and fuzzed uploads either save a whole survey or save nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.factories import World, build_world
from ue_core import audit
from ue_core.db.engine import Database
from ue_core.db.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from ue_core.errors import InputError
from ue_core.services.surveys import imports
from ue_core.survey_import import ColumnMapping
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA

CSV = (
    b"Respondent ID,Team,Comment\n"
    b"R1,Call 0300 123 4567,The tables are slow to load\n"
    b"R2,Prices,Write to jo@example.com about the release\n"
    b"R3,Prices,More regional figures please\n"
)
MAPPING = ColumnMapping("Respondent ID", ["Comment"], ["Team"])


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    return build_world(any_db)


def stored(db: Database) -> tuple[int, int, int, int]:
    with db.read() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Survey, SurveyQuestion, SurveyResponse, SurveyAnswer)
        )


class Interrupted(RuntimeError):
    """Raised from inside the import transaction, after the rows have been inserted."""


def interrupt_at_the_audit_record(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise Interrupted("the database went away")

    monkeypatch.setattr(audit, "record", fail)


def test_an_import_that_fails_after_inserting_leaves_no_rows(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    raw = imports.read_file(CSV, "survey.csv")
    interrupt_at_the_audit_record(monkeypatch)
    with pytest.raises(Interrupted):
        imports.import_survey(world.db, consultant, raw, MAPPING, "Half written")
    assert stored(world.db) == (0, 0, 0, 0)


def test_adding_responses_that_fails_after_inserting_leaves_the_survey_as_it_was(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    first = imports.import_survey(
        world.db, consultant, imports.read_file(CSV, "survey.csv"), MAPPING, "Survey"
    )
    before = stored(world.db)
    later = CSV.replace(b"R1,", b"R4,").replace(b"R2,", b"R5,").replace(b"R3,", b"R6,")
    interrupt_at_the_audit_record(monkeypatch)
    with pytest.raises(Interrupted):
        imports.add_responses(
            world.db, consultant, first.survey_id, imports.read_file(later, "later.csv"), MAPPING
        )
    assert stored(world.db) == before
    with world.db.read() as session:
        survey = session.get(Survey, first.survey_id)
        assert survey is not None
        assert survey.redaction_counts["phone"] == 1


def test_closed_answers_are_stored_without_contact_details_and_counted(world: World) -> None:
    consultant = world.actor("consultant")
    result = imports.import_survey(
        world.db, consultant, imports.read_file(CSV, "survey.csv"), MAPPING, "Survey"
    )
    with world.db.read() as session:
        closed = list(
            session.scalars(
                select(SurveyResponse.closed_answers).order_by(SurveyResponse.respondent_ref)
            )
        )
        survey = session.get(Survey, result.survey_id)
        assert survey is not None
        counts = dict(survey.redaction_counts)
    assert closed[0] == {"Team": "Call [phone]"}
    assert counts["phone"] == 1
    assert counts["email"] == 1
    assert result.redaction_counts["phone"] == 1


def test_a_column_of_email_addresses_is_refused_as_the_respondent_id(world: World) -> None:
    data = b"Email,Comment\na@example.org,fine\nb@example.org,slow\n"
    with pytest.raises(InputError, match="holds personal data"):
        imports.import_survey_file(
            world.db,
            world.actor("consultant"),
            data,
            "emails.csv",
            "Survey",
            ColumnMapping("Email", ["Comment"]),
        )
    assert stored(world.db) == (0, 0, 0, 0)


CELL = st.sampled_from(
    ["R1", "R2", "R1", "", '"', '"open', "a@b.org", "=1+1", "x" * 40_000, "\x00", "é", "ok"]
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6))
def test_a_fuzzed_upload_saves_a_whole_survey_or_nothing(world: World, grid: list) -> None:
    before = stored(world.db)
    data = "\n".join(",".join(row) for row in [["ID", "Comment"], *grid]).encode()
    try:
        result = imports.import_survey_file(
            world.db, world.actor("consultant"), data, "fuzz.csv", "Fuzzed survey"
        )
    except InputError as problem:
        assert str(problem).strip()
        assert stored(world.db) == before
    else:
        after = stored(world.db)
        assert after[0] == before[0] + 1
        assert after[2] == before[2] + result.responses
        assert after[3] == before[3] + result.answers
