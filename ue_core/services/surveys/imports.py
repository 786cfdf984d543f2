"""Importing survey responses: read, check and store a file in one go; add later responses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    ThemeSet,
    utcnow,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services.surveys._shared import _bytes, _counts
from ue_core.services.surveys.embeddings import _embed_in_set_space
from ue_core.services.surveys.theme_sets import _assign_new_answers
from ue_core.services.surveys.views import APPROVED
from ue_core.survey_import import (
    ColumnMapping,
    ImportProblem,
    PreparedSurvey,
    RawTable,
    prepare,
    preview,
    read_table,
)

MAX_TITLE: Final = 300


MAX_REF: Final = 120


MAX_COLUMN_NAME: Final = 300


REDACTION_LABELS: Final[dict[str, str]] = {
    "email": "E-mail addresses",
    "phone": "Phone numbers",
    "url": "Web addresses (URLs)",
    "ni number": "National Insurance numbers",
    "postcode": "Postcodes",
}


@dataclass(frozen=True)
class ImportResult:
    survey_id: int
    responses: int
    answers: int
    redaction_counts: dict[str, int]
    assigned: int = 0
    needs_review: int = 0


def read_file(data: bytes, filename: str, header_row: int | None = None) -> RawTable:
    """Read an uploaded file, turning a problem into an InputError with its message.

    ``header_row`` is the row holding the column names, when the person has chosen one.
    """
    try:
        return read_table(data, filename, header_row=header_row)
    except ImportProblem as problem:
        raise InputError(problem.message) from problem


def _check_prepared(prepared: PreparedSurvey) -> None:
    for response in prepared.responses:
        if len(response.respondent_id) > MAX_REF:
            raise InputError(
                f"Row {response.row}: the respondent ID is longer than {MAX_REF} characters"
            )
    for column in [*prepared.mapping.free_text, *prepared.mapping.closed]:
        if len(column) > MAX_COLUMN_NAME:
            raise InputError(
                f"The column name '{column[:40]}...' is longer than {MAX_COLUMN_NAME} characters"
            )


def _prepare(raw: RawTable, mapping: ColumnMapping) -> PreparedSurvey:
    try:
        prepared = prepare(raw, mapping)
    except ImportProblem as problem:
        raise InputError(problem.message) from problem
    _check_prepared(prepared)
    return prepared


def import_survey(
    db: Database, actor: Actor, raw: RawTable, mapping: ColumnMapping, title: str
) -> ImportResult:
    """Check and store a survey in one transaction: all of it is saved, or none of it."""
    require(actor, Permission.ANALYSE_SURVEYS)
    title = " ".join(title.split())
    if not title:
        raise InputError("Enter a title for the survey.")
    if len(title) > MAX_TITLE:
        raise InputError(f"The title must be {MAX_TITLE} characters or fewer.")
    prepared = _prepare(raw, mapping)
    counts = _counts(prepared.redaction_counts)
    with db.transaction() as session:
        survey = Survey(
            title=title,
            source_filename=prepared.filename[:300],
            imported_by_id=actor.user_id,
            redaction_counts=counts,
        )
        session.add(survey)
        session.flush()
        columns = [(c, "closed") for c in mapping.closed] + [
            (c, "free_text") for c in mapping.free_text
        ]
        question_ids = list(
            session.scalars(
                insert(SurveyQuestion).returning(SurveyQuestion.id, sort_by_parameter_order=True),
                [
                    {
                        "survey_id": survey.id,
                        "column_name": c,
                        "wording": mapping.wording_of(c),
                        "kind": k,
                        "position": i,
                    }
                    for i, (c, k) in enumerate(columns)
                ],
            )
        )
        by_column = {c: qid for (c, _), qid in zip(columns, question_ids, strict=True)}
        answers = _insert_responses(session, survey.id, prepared, by_column)
        audit.record(
            session,
            actor,
            "import_survey",
            "survey",
            survey.id,
            after={"title": title, "responses": len(prepared.responses), "answers": answers},
        )
        return ImportResult(survey.id, len(prepared.responses), answers, counts)


def _insert_responses(
    session: Session,
    survey_id: int,
    prepared: PreparedSurvey,
    question_ids: dict[str, int],
    embeddings: dict[tuple[int, str], tuple[bytes, str, str]] | None = None,
) -> int:
    """Insert responses and their non-empty answers in bulk; returns the number of answers."""
    now = utcnow()
    response_ids = list(
        session.scalars(
            insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True),
            [
                {
                    "survey_id": survey_id,
                    "respondent_ref": response.respondent_id,
                    "closed_answers": dict(response.closed),
                    "imported_at": now,
                }
                for response in prepared.responses
            ],
        )
    )
    rows: list[dict[str, Any]] = []
    for response, response_id in zip(prepared.responses, response_ids, strict=True):
        for column in prepared.mapping.free_text:
            text = response.free_text[column].strip()
            if not text:
                continue
            stored = (embeddings or {}).get((response.row, column))
            rows.append(
                {
                    "response_id": response_id,
                    "question_id": question_ids[column],
                    "text": text,
                    "embedding": stored[0] if stored else None,
                    "embedding_backend": stored[1] if stored else None,
                    "embedding_space": stored[2] if stored else None,
                }
            )
    if rows:
        session.execute(insert(SurveyAnswer), rows)
    return len(rows)


def import_survey_file(
    db: Database,
    actor: Actor,
    data: bytes,
    filename: str,
    title: str,
    mapping: ColumnMapping | None = None,
) -> ImportResult:
    """Read, check and store a file in one go (the suggested mapping when none is given)."""
    require(actor, Permission.ANALYSE_SURVEYS)
    raw = read_file(data, filename)
    return import_survey(db, actor, raw, mapping or preview(raw).suggested_mapping, title)


def add_responses(
    db: Database, actor: Actor, survey_id: int, raw: RawTable, mapping: ColumnMapping
) -> ImportResult:
    """Add later responses to a survey, in one transaction.

    The file must use the survey's column names. Answers to a question with an approved theme
    set are given its nearest theme with a confidence; the least typical wait for review.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    prepared = _prepare(raw, mapping)
    with db.read() as session:
        survey = session.get(Survey, survey_id)
        if survey is None:
            raise NotFound("That survey no longer exists.")
        questions = {q.column_name: q for q in survey.questions}
        for column, kind in [(c, "free_text") for c in mapping.free_text] + [
            (c, "closed") for c in mapping.closed
        ]:
            question = questions.get(column)
            if question is None or question.kind != kind:
                raise InputError(
                    f"The survey has no {'free-text' if kind == 'free_text' else 'closed'} "
                    f"question called '{column}'. Use the same column names as the first file."
                )
        existing = set(
            session.scalars(
                select(SurveyResponse.respondent_ref).where(SurveyResponse.survey_id == survey_id)
            )
        )
        for response in prepared.responses:
            if response.respondent_id in existing:
                raise InputError(
                    f"Row {response.row}: respondent ID '{response.respondent_id}' is already "
                    "in this survey"
                )
        approved = {
            question_id: theme_set
            for theme_set, question_id in session.execute(
                select(ThemeSet, ThemeSet.question_id)
                .join(SurveyQuestion, SurveyQuestion.id == ThemeSet.question_id)
                .where(SurveyQuestion.survey_id == survey_id, ThemeSet.status == APPROVED)
            )
        }
    # Embed the new answers of themed questions before the write transaction.
    embeddings: dict[tuple[int, str], tuple[bytes, str, str]] = {}
    for column in mapping.free_text:
        question = questions[column]
        theme_set = approved.get(question.id)
        if theme_set is None:
            continue
        keyed = [
            (response.row, response.free_text[column].strip())
            for response in prepared.responses
            if response.free_text[column].strip()
        ]
        if not keyed:
            continue
        # In the approved set's own space (a set found with an older recipe moves first).
        with db.transaction() as session:
            vectors, space = _embed_in_set_space(session, theme_set.id, [text for _, text in keyed])
        for (row, _), vector in zip(keyed, vectors, strict=True):
            embeddings[(row, column)] = (_bytes(vector), theme_set.backend, space)
    try:
        return _add_in_one_transaction(
            db, actor, survey_id, prepared, questions, embeddings, [s.id for s in approved.values()]
        )
    except IntegrityError:
        raise ConflictError(
            "Someone else added responses to this survey at the same moment, with some of the "
            "same respondent IDs. Nothing from your file was saved; check the survey, then add "
            "the responses it does not have yet."
        ) from None


def _add_in_one_transaction(
    db: Database,
    actor: Actor,
    survey_id: int,
    prepared: PreparedSurvey,
    questions: dict[str, SurveyQuestion],
    embeddings: dict[tuple[int, str], tuple[bytes, str, str]],
    approved_set_ids: list[int],
) -> ImportResult:
    assigned = review = 0
    counts = _counts(prepared.redaction_counts)
    # Locking: two additions at once queue up, so neither's redaction counts are lost.
    with db.transaction(locking=True) as session:
        survey = session.scalar(select(Survey).where(Survey.id == survey_id).with_for_update())
        if survey is None:
            raise NotFound("That survey no longer exists.")
        wanted = [response.respondent_id for response in prepared.responses]
        taken = session.scalars(
            select(SurveyResponse.respondent_ref).where(
                SurveyResponse.survey_id == survey_id, SurveyResponse.respondent_ref.in_(wanted)
            )
        ).first()
        if taken is not None:
            raise ConflictError(
                f"Someone else added respondent ID '{taken}' to this survey while you were "
                "adding yours. Nothing from your file was saved; check the survey, then add "
                "the responses it does not have yet."
            )
        answers = _insert_responses(
            session, survey_id, prepared, {c: q.id for c, q in questions.items()}, embeddings
        )
        totals = dict(survey.redaction_counts)
        for key, value in counts.items():
            totals[key] = int(totals.get(key, 0)) + value
        survey.redaction_counts = totals
        for set_id in approved_set_ids:
            done, waiting = _assign_new_answers(session, set_id)
            assigned += done
            review += waiting
        audit.record(
            session,
            actor,
            "add_survey_responses",
            "survey",
            survey_id,
            after={"responses": len(prepared.responses), "answers": answers, "review": review},
        )
    return ImportResult(survey_id, len(prepared.responses), answers, counts, assigned, review)
