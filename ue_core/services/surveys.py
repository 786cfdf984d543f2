"""Surveys and their themes: import, find themes, refine, approve, read across, report.

Hub consultants (``Permission.ANALYSE_SURVEYS``) do all of this; surveys belong to the hub, not
to a team. Free text is stored only after personal data has been removed
(:mod:`ue_core.survey_import`). Each answer's embedding is computed once and kept as ``float32``
bytes, so trying another number of themes only re-runs k-means.

A question has at most one draft theme set (finding themes again replaces it) and at most one
approved set (approving a draft replaces the approved one). Every edit to a theme set is
checked against the version the person saw and moves the version on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Theme,
    ThemeAction,
    ThemeAssignment,
    ThemeSet,
    User,
    utcnow,
)
from ue_core.disclosure import suppress_counts
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.io.html_report import HtmlReport
from ue_core.io.safe_csv import to_csv_bytes
from ue_core.io.spreadsheet import Table, Workbook, to_ods, to_xlsx
from ue_core.redaction import RedactionKind
from ue_core.survey_import import (
    ColumnMapping,
    ImportProblem,
    PreparedSurvey,
    RawTable,
    prepare,
    preview,
    read_table,
)
from ue_core.themes import (
    TFIDF_LSA,
    BackendUnavailable,
    assign_to_themes,
    choose_backend,
    cluster_embeddings,
    embed_texts,
    label_themes,
)
from ue_core.themes.embedding import is_usable, normalise_rows
from ue_core.timefmt import format_date

FloatMatrix = npt.NDArray[np.float32]
Progress = Callable[[float, str], None]

MAX_TITLE: Final = 300
MAX_REF: Final = 120
MAX_COLUMN_NAME: Final = 300
MAX_LABEL: Final = 120
MAX_THEMES: Final = 30
MAX_ACTION: Final = 2_000
#: Distinct answers embedded per step, so a progress bar can move.
EMBED_CHUNK: Final = 2_048
#: Most answers shown as typical of a theme.
REPRESENTATIVES: Final = 5
#: A later answer waits for review when it is less typical of its theme than this share of the
#: theme's own answers (its confidence is below the theme's 10th percentile).
REVIEW_PERCENTILE: Final = 10.0
SUPPRESSED: Final = "[c]"
SUPPRESSED_NOTE: Final = (
    "[c] means fewer than 5 answers, so the figure is not shown to protect respondents. Where "
    "only one figure in a group would be hidden, the next smallest is hidden too, so it cannot "
    "be worked out from the group's total."
)

DRAFT: Final = "draft"
APPROVED: Final = "approved"
REPLACED: Final = "replaced"

ACTION_STATUSES: Final[dict[str, str]] = {
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
}

REDACTION_LABELS: Final[dict[str, str]] = {
    "email": "E-mail addresses",
    "phone": "Phone numbers",
    "url": "Web addresses (URLs)",
    "ni number": "National Insurance numbers",
    "postcode": "Postcodes",
}


# ---------------------------------------------------------------------------------------------
# Views


@dataclass(frozen=True)
class QuestionView:
    id: int
    survey_id: int
    column_name: str
    kind: str
    answer_count: int


@dataclass(frozen=True)
class SurveyView:
    id: int
    title: str
    source_filename: str
    imported_at: datetime
    imported_by: str | None
    response_count: int
    redaction_counts: dict[str, int]
    questions: tuple[QuestionView, ...]

    @property
    def free_text_questions(self) -> list[QuestionView]:
        return [q for q in self.questions if q.kind == "free_text"]

    @property
    def closed_questions(self) -> list[QuestionView]:
        return [q for q in self.questions if q.kind == "closed"]


@dataclass(frozen=True)
class ImportResult:
    survey_id: int
    responses: int
    answers: int
    redaction_counts: dict[str, int]
    assigned: int = 0
    needs_review: int = 0


@dataclass(frozen=True)
class ThemeView:
    id: int
    label: str
    top_terms: tuple[str, ...]
    position: int
    size: int
    renamed: bool
    representatives: tuple[str, ...]


@dataclass(frozen=True)
class ThemeSetView:
    id: int
    question_id: int
    backend: str
    seed: int
    status: str
    version: int
    created_at: datetime
    approved_at: datetime | None
    themes: tuple[ThemeView, ...]
    answer_count: int
    not_relevant_count: int
    unthemed_count: int
    review_count: int
    approved_set_id: int | None

    def theme(self, theme_id: int) -> ThemeView:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise NotFound("That theme is no longer in this theme set. Reload the page.")


@dataclass(frozen=True)
class CodedAnswer:
    answer_id: int
    respondent_ref: str
    text: str
    theme_id: int | None
    theme_label: str | None
    confidence: float | None
    moved_by_hand: bool
    not_relevant: bool
    needs_review: bool
    closed_answers: dict[str, str]


@dataclass(frozen=True)
class ReadAcross:
    """Themes by the answers to one closed question, with small counts suppressed.

    ``counts[(theme, category)]`` is ``None`` when suppressed (1 to 4 answers). ``percent`` is the
    share of that category's themed answers in the theme, also ``None`` when suppressed.
    """

    question: str
    themes: tuple[str, ...]
    categories: tuple[str, ...]
    counts: dict[tuple[str, str], int | None]
    percent: dict[tuple[str, str], float | None]
    category_totals: dict[str, int]

    @property
    def any_suppressed(self) -> bool:
        return any(value is None for value in self.counts.values())

    def table(self) -> pd.DataFrame:
        """One row per theme and category, as text: counts, percentages and [c]."""
        rows = []
        for theme in self.themes:
            for category in self.categories:
                count = self.counts[(theme, category)]
                share = self.percent[(theme, category)]
                rows.append(
                    {
                        "Theme": theme,
                        self.question: category,
                        "Answers": SUPPRESSED if count is None else str(count),
                        "Percentage of answers": SUPPRESSED if share is None else f"{share:.0f}%",
                    }
                )
        return pd.DataFrame(rows)

    def wide_table(self) -> pd.DataFrame:
        """Themes down, categories across; each cell 'count (percent)' or [c]."""
        data: dict[str, list[str]] = {"Theme": list(self.themes)}
        for category in self.categories:
            cells = []
            for theme in self.themes:
                count = self.counts[(theme, category)]
                share = self.percent[(theme, category)]
                cells.append(
                    SUPPRESSED if count is None or share is None else f"{count} ({share:.0f}%)"
                )
            data[f"{category} (answers {self.category_totals[category]})"] = cells
        return pd.DataFrame(data)


@dataclass(frozen=True)
class ActionView:
    id: int
    theme_id: int
    theme_label: str
    question: str
    action: str
    status: str
    published_on: date | None

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.get(self.status, self.status)


# ---------------------------------------------------------------------------------------------
# Helpers


def _vector(data: bytes | None) -> FloatMatrix | None:
    if data is None:
        return None
    return np.frombuffer(data, dtype=np.float32).copy()


def _bytes(vector: npt.ArrayLike) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _counts(raw: dict[str, Any] | dict[RedactionKind, int]) -> dict[str, int]:
    return {str(key): int(value) for key, value in raw.items()}


def _lock_set(session: Session, set_id: int, expected_version: int) -> ThemeSet:
    """Load a theme set and move its version on, or raise ConflictError if it moved already."""
    theme_set = session.get(ThemeSet, set_id)
    if theme_set is None:
        raise NotFound("That theme set no longer exists. Reload the page.")
    if theme_set.version != expected_version:
        raise ConflictError(
            "Someone else changed these themes first. The page now shows their version; "
            "check it, then make your change again.",
            current={"Version": theme_set.version, "Status": theme_set.status},
        )
    result = session.execute(
        update(ThemeSet)
        .where(ThemeSet.id == set_id, ThemeSet.version == expected_version)
        .values(version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) != 1:
        raise ConflictError(
            "Someone else changed these themes first. Reload and try again.",
            current={"Version": expected_version + 1},
        )
    session.expire(theme_set)
    return theme_set


def _question(session: Session, question_id: int) -> SurveyQuestion:
    question = session.get(SurveyQuestion, question_id)
    if question is None:
        raise NotFound("That question no longer exists.")
    return question


def _set_themes(session: Session, set_id: int) -> list[Theme]:
    return list(
        session.scalars(
            select(Theme).where(Theme.theme_set_id == set_id).order_by(Theme.position, Theme.id)
        )
    )


def _theme_in_set(session: Session, set_id: int, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None or theme.theme_set_id != set_id:
        raise NotFound("That theme is no longer in this theme set. Reload the page.")
    return theme


def _clean_label(label: str) -> str:
    cleaned = " ".join(label.split())
    if not cleaned:
        raise InputError("Enter a name for the theme.")
    if len(cleaned) > MAX_LABEL:
        raise InputError(f"A theme name must be {MAX_LABEL} characters or fewer.")
    return cleaned


# ---------------------------------------------------------------------------------------------
# Import


def read_file(data: bytes, filename: str) -> RawTable:
    """Read an uploaded file, turning a problem into an InputError with its message."""
    try:
        return read_table(data, filename)
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
                    {"survey_id": survey.id, "column_name": c, "kind": k, "position": i}
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
    embeddings: dict[tuple[int, str], tuple[bytes, str]] | None = None,
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
    embeddings: dict[tuple[int, str], tuple[bytes, str]] = {}
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
        vectors = _embed_like(db, question.id, theme_set.backend, [text for _, text in keyed])
        for (row, _), vector in zip(keyed, vectors, strict=True):
            embeddings[(row, column)] = (_bytes(vector), theme_set.backend)
    assigned = review = 0
    counts = _counts(prepared.redaction_counts)
    with db.transaction() as session:
        survey = session.get(Survey, survey_id)
        if survey is None:
            raise NotFound("That survey no longer exists.")
        answers = _insert_responses(
            session, survey_id, prepared, {c: q.id for c, q in questions.items()}, embeddings
        )
        totals = dict(survey.redaction_counts)
        for key, value in counts.items():
            totals[key] = int(totals.get(key, 0)) + value
        survey.redaction_counts = totals
        for theme_set in approved.values():
            done, waiting = _assign_new_answers(session, theme_set.id)
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


def _embed_like(db: Database, question_id: int, backend: str, texts: list[str]) -> FloatMatrix:
    """Embed texts in the same space as the question's stored embeddings."""
    fit: list[str] | None = None
    if backend == TFIDF_LSA:
        with db.read() as session:
            fit = list(
                session.scalars(
                    select(SurveyAnswer.text).where(
                        SurveyAnswer.question_id == question_id,
                        SurveyAnswer.embedding_backend == backend,
                    )
                )
            )
    try:
        vectors, _ = embed_texts(texts, backend=backend, fit_texts=fit)
    except BackendUnavailable as error:
        raise InputError(
            f"The themes were made with {backend}, which cannot run here now ({error})."
        ) from error
    return vectors


def _embed_missing_like(db: Database, question_id: int, backend: str) -> None:
    """Embed the question's answers that have no embedding from ``backend``, in its space."""
    with db.read() as session:
        missing = session.execute(
            select(SurveyAnswer.id, SurveyAnswer.text).where(
                SurveyAnswer.question_id == question_id,
                (SurveyAnswer.embedding_backend != backend)
                | SurveyAnswer.embedding_backend.is_(None),
            )
        ).all()
    if not missing:
        return
    vectors = _embed_like(db, question_id, backend, [text for _, text in missing])
    with db.transaction() as session:
        session.execute(
            update(SurveyAnswer),
            [
                {"id": answer_id, "embedding": _bytes(vector), "embedding_backend": backend}
                for (answer_id, _), vector in zip(missing, vectors, strict=True)
            ],
        )


def _assign_new_answers(session: Session, set_id: int) -> tuple[int, int]:
    """Give answers of the set's question that have no assignment yet their nearest theme."""
    theme_set = session.get(ThemeSet, set_id)
    assert theme_set is not None
    themes = _set_themes(session, set_id)
    centroids = [_vector(theme.centroid) for theme in themes]
    if not themes or any(c is None for c in centroids):
        return 0, 0
    centres = np.vstack([c for c in centroids if c is not None])
    have = select(ThemeAssignment.answer_id).where(ThemeAssignment.theme_set_id == set_id)
    new = session.execute(
        select(SurveyAnswer.id, SurveyAnswer.embedding, SurveyAnswer.text).where(
            SurveyAnswer.question_id == theme_set.question_id, SurveyAnswer.id.not_in(have)
        )
    ).all()
    if not new:
        return 0, 0
    dims = centres.shape[1]
    matrix = np.zeros((len(new), dims), dtype=np.float32)
    for row, (_, data, text) in enumerate(new):
        vector = _vector(data)
        if vector is not None and len(vector) == dims and is_usable(text):
            matrix[row] = vector
    indices, confidences = assign_to_themes(matrix, centres)
    # Each theme's own answers set the bar for "typical enough".
    bars: dict[int, float] = {}
    for owner, values in _confidences_by_theme(session, set_id).items():
        bars[owner] = float(np.percentile(values, REVIEW_PERCENTILE)) if values else 0.0
    rows = []
    review = 0
    for (answer_id, _, text), index, confidence in zip(new, indices, confidences, strict=True):
        theme_id: int | None = themes[int(index)].id if index >= 0 else None
        # An answer with words but nothing in common with any theme waits for review too.
        waits = (theme_id is None and is_usable(text)) or (
            theme_id is not None and float(confidence) < bars.get(theme_id, 0.0)
        )
        review += int(waits)
        rows.append(
            {
                "theme_set_id": set_id,
                "answer_id": answer_id,
                "theme_id": theme_id,
                "confidence": float(confidence) if theme_id is not None else None,
                "moved_by_hand": False,
                "not_relevant": False,
                "needs_review": waits,
            }
        )
    session.execute(insert(ThemeAssignment), rows)
    return len(rows), review


def _confidences_by_theme(session: Session, set_id: int) -> dict[int, list[float]]:
    out: dict[int, list[float]] = {}
    for theme_id, confidence in session.execute(
        select(ThemeAssignment.theme_id, ThemeAssignment.confidence).where(
            ThemeAssignment.theme_set_id == set_id,
            ThemeAssignment.theme_id.is_not(None),
            ThemeAssignment.confidence.is_not(None),
            ThemeAssignment.needs_review.is_(False),
        )
    ):
        if theme_id is not None and confidence is not None:
            out.setdefault(theme_id, []).append(float(confidence))
    return out


# ---------------------------------------------------------------------------------------------
# Listing


def list_surveys(db: Database, actor: Actor) -> list[SurveyView]:
    """Every survey, newest first, with its questions and how many answers each has."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        surveys = session.execute(
            select(Survey, User.display_name)
            .outerjoin(User, User.id == Survey.imported_by_id)
            .order_by(Survey.imported_at.desc(), Survey.id.desc())
        ).all()
        responses = dict(
            session.execute(
                select(SurveyResponse.survey_id, func.count()).group_by(SurveyResponse.survey_id)
            ).all()
        )
        answers = dict(
            session.execute(
                select(SurveyAnswer.question_id, func.count()).group_by(SurveyAnswer.question_id)
            ).all()
        )
        questions: dict[int, list[QuestionView]] = {}
        for q in session.scalars(
            select(SurveyQuestion).order_by(SurveyQuestion.survey_id, SurveyQuestion.position)
        ):
            questions.setdefault(q.survey_id, []).append(
                QuestionView(q.id, q.survey_id, q.column_name, q.kind, answers.get(q.id, 0))
            )
    return [
        SurveyView(
            id=survey.id,
            title=survey.title,
            source_filename=survey.source_filename,
            imported_at=survey.imported_at,
            imported_by=name,
            response_count=responses.get(survey.id, 0),
            redaction_counts=_counts(survey.redaction_counts),
            questions=tuple(questions.get(survey.id, [])),
        )
        for survey, name in surveys
    ]


def get_survey(db: Database, actor: Actor, survey_id: int) -> SurveyView:
    for survey in list_surveys(db, actor):
        if survey.id == survey_id:
            return survey
    raise NotFound("That survey no longer exists.")


# ---------------------------------------------------------------------------------------------
# Embeddings and finding themes


def ensure_embeddings(
    db: Database,
    actor: Actor,
    question_id: int,
    *,
    backend: str | None = None,
    progress: Progress | None = None,
) -> str:
    """Compute and store embeddings for the question's answers that have none (or another
    backend's). Returns the backend used. Already stored embeddings are not computed again."""
    require(actor, Permission.ANALYSE_SURVEYS)
    try:
        name = choose_backend(backend)
    except BackendUnavailable as error:
        raise InputError(str(error)) from error
    with db.read() as session:
        _question(session, question_id)
        rows = session.execute(
            select(SurveyAnswer.id, SurveyAnswer.text, SurveyAnswer.embedding_backend)
            .where(SurveyAnswer.question_id == question_id)
            .order_by(SurveyAnswer.id)
        ).all()
    missing = [(answer_id, text) for answer_id, text, used in rows if used != name]
    if not missing:
        return name
    if name == TFIDF_LSA:
        # The LSA space is fitted to the answers: refit on all of them, so every stored vector
        # shares one space.
        missing = [(answer_id, text) for answer_id, text, _ in rows]
        if progress:
            progress(0.1, "Working out word patterns in the answers")
        vectors, _ = embed_texts([text for _, text in missing], backend=name)
        updates = [
            {"id": answer_id, "embedding": _bytes(vector), "embedding_backend": name}
            for (answer_id, _), vector in zip(missing, vectors, strict=True)
        ]
    else:
        # Embed each distinct answer once, shortest first (batches of similar length need
        # little padding), in large steps so a progress bar can move.
        unique = sorted({text for _, text in missing}, key=lambda t: (len(t), t))
        vectors_by_text: dict[str, FloatMatrix] = {}
        for start in range(0, len(unique), EMBED_CHUNK):
            chunk = unique[start : start + EMBED_CHUNK]
            if progress:
                progress(
                    0.85 * start / len(unique),
                    f"Reading answers: {start:,} of {len(unique):,} done",
                )
            vectors, _ = embed_texts(chunk, backend=name)
            vectors_by_text.update(zip(chunk, vectors, strict=True))
        updates = [
            {
                "id": answer_id,
                "embedding": _bytes(vectors_by_text[text]),
                "embedding_backend": name,
            }
            for answer_id, text in missing
        ]
    with db.transaction() as session:
        session.execute(update(SurveyAnswer), updates)
    return name


def _load_answers(
    session: Session, question_id: int
) -> tuple[list[int], list[str], FloatMatrix, str | None]:
    rows = session.execute(
        select(
            SurveyAnswer.id,
            SurveyAnswer.text,
            SurveyAnswer.embedding,
            SurveyAnswer.embedding_backend,
        )
        .where(SurveyAnswer.question_id == question_id)
        .order_by(SurveyAnswer.id)
    ).all()
    ids = [row[0] for row in rows]
    texts = [row[1] for row in rows]
    backends = {row[3] for row in rows}
    vectors = [_vector(row[2]) for row in rows]
    if not rows or None in backends or any(v is None for v in vectors):
        return ids, texts, np.zeros((len(rows), 0), dtype=np.float32), None
    return ids, texts, np.vstack([v for v in vectors if v is not None]), backends.pop()


def suggested_n_themes(db: Database, actor: Actor, question_id: int, seed: int = 0) -> int:
    """The suggested number of themes for a question (embeddings computed if needed)."""
    from ue_core.themes import suggest_n_themes

    ensure_embeddings(db, actor, question_id)
    with db.read() as session:
        _, texts, matrix, _ = _load_answers(session, question_id)
    usable = matrix[[is_usable(t) for t in texts]] if len(texts) else matrix
    return suggest_n_themes(usable, seed) if len(usable) else 1


def find_themes(
    db: Database,
    actor: Actor,
    question_id: int,
    n_themes: int | None = None,
    *,
    seed: int = 0,
    progress: Progress | None = None,
) -> int:
    """Group the question's answers into themes and save them as a new draft theme set.

    ``n_themes=None`` uses the suggested number. Any earlier draft for the question is
    replaced; an approved set stays until a new one is approved. Returns the new set's id.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    if n_themes is not None and not 1 <= n_themes <= MAX_THEMES:
        raise InputError(f"Choose from 1 to {MAX_THEMES} themes.")
    backend = ensure_embeddings(db, actor, question_id, progress=progress)
    with db.read() as session:
        ids, texts, matrix, stored_backend = _load_answers(session, question_id)
    if not ids:
        raise InputError("This question has no answers to find themes in.")
    if not any(is_usable(text) for text in texts):
        raise InputError("None of the answers to this question has any words to group.")
    if progress:
        progress(0.9, "Grouping answers into themes")
    result = cluster_embeddings(texts, matrix, n_themes, seed, backend=stored_backend or backend)
    with db.transaction() as session:
        _delete_drafts(session, question_id)
        theme_set = ThemeSet(
            question_id=question_id,
            backend=result.backend,
            n_themes=result.n_themes,
            seed=seed,
            status=DRAFT,
            created_by_id=actor.user_id,
        )
        session.add(theme_set)
        session.flush()
        theme_ids = (
            list(
                session.scalars(
                    insert(Theme).returning(Theme.id, sort_by_parameter_order=True),
                    [
                        {
                            "theme_set_id": theme_set.id,
                            "label": theme.label[:MAX_LABEL] or f"Theme {theme.index + 1}",
                            "top_terms": list(theme.top_terms),
                            "position": theme.index,
                            "centroid": _bytes(result.centroids[theme.index]),
                            "renamed": False,
                        }
                        for theme in result.themes
                    ],
                )
            )
            if result.themes
            else []
        )
        session.execute(
            insert(ThemeAssignment),
            [
                {
                    "theme_set_id": theme_set.id,
                    "answer_id": answer_id,
                    "theme_id": theme_ids[index] if index >= 0 else None,
                    "confidence": confidence if index >= 0 else None,
                    "moved_by_hand": False,
                    "not_relevant": False,
                    "needs_review": False,
                }
                for answer_id, index, confidence in zip(
                    ids, result.assignments, result.confidences, strict=True
                )
            ],
        )
        audit.record(
            session,
            actor,
            "find_themes",
            "theme_set",
            theme_set.id,
            after={"question_id": question_id, "n_themes": result.n_themes, "backend": backend},
        )
        if progress:
            progress(1.0, "Themes saved")
        return theme_set.id


def _delete_drafts(session: Session, question_id: int) -> None:
    drafts = select(ThemeSet.id).where(
        ThemeSet.question_id == question_id, ThemeSet.status == DRAFT
    )
    draft_themes = select(Theme.id).where(Theme.theme_set_id.in_(drafts))
    session.execute(delete(ThemeAction).where(ThemeAction.theme_id.in_(draft_themes)))
    session.execute(delete(ThemeAssignment).where(ThemeAssignment.theme_set_id.in_(drafts)))
    session.execute(delete(Theme).where(Theme.theme_set_id.in_(drafts)))
    session.execute(
        delete(ThemeSet).where(ThemeSet.question_id == question_id, ThemeSet.status == DRAFT)
    )


# ---------------------------------------------------------------------------------------------
# Reading theme sets


def current_theme_set(db: Database, actor: Actor, question_id: int) -> ThemeSetView | None:
    """The question's latest theme set (a draft if there is one, else the approved one)."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        sets = list(
            session.scalars(
                select(ThemeSet)
                .where(ThemeSet.question_id == question_id, ThemeSet.status != REPLACED)
                .order_by(ThemeSet.id.desc())
            )
        )
        if not sets:
            return None
        approved = next((s.id for s in sets if s.status == APPROVED), None)
        return _set_view(session, sets[0], approved)


def theme_set(db: Database, actor: Actor, set_id: int) -> ThemeSetView:
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        found = session.get(ThemeSet, set_id)
        if found is None:
            raise NotFound("That theme set no longer exists. Reload the page.")
        return _set_view(session, found, found.id if found.status == APPROVED else None)


def _set_view(session: Session, found: ThemeSet, approved_id: int | None) -> ThemeSetView:
    themes = _set_themes(session, found.id)
    rows = session.execute(
        select(
            ThemeAssignment.theme_id,
            ThemeAssignment.confidence,
            ThemeAssignment.not_relevant,
            ThemeAssignment.needs_review,
            SurveyAnswer.text,
            SurveyAnswer.id,
        )
        .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
        .where(ThemeAssignment.theme_set_id == found.id)
    ).all()
    members: dict[int, list[tuple[float, int, str]]] = {}
    not_relevant = unthemed = review = 0
    for theme_id, confidence, irrelevant, waits, text, answer_id in rows:
        if irrelevant:
            not_relevant += 1
            continue
        review += int(waits)
        if theme_id is None:
            unthemed += int(not waits)
            continue
        members.setdefault(theme_id, []).append((float(confidence or 0.0), answer_id, text))
    views = []
    for theme in themes:
        ordered = sorted(members.get(theme.id, []), key=lambda item: (-item[0], item[1]))
        shown: list[str] = []
        seen: set[str] = set()
        for _, _, text in ordered:
            key = " ".join(text.split()).casefold()
            if key in seen:
                continue
            seen.add(key)
            shown.append(text)
            if len(shown) == REPRESENTATIVES:
                break
        views.append(
            ThemeView(
                id=theme.id,
                label=theme.label,
                top_terms=tuple(str(t) for t in theme.top_terms),
                position=theme.position,
                size=len(members.get(theme.id, [])),
                renamed=theme.renamed,
                representatives=tuple(shown),
            )
        )
    return ThemeSetView(
        id=found.id,
        question_id=found.question_id,
        backend=found.backend,
        seed=found.seed,
        status=found.status,
        version=found.version,
        created_at=found.created_at,
        approved_at=found.approved_at,
        themes=tuple(views),
        answer_count=len(rows),
        not_relevant_count=not_relevant,
        unthemed_count=unthemed,
        review_count=review,
        approved_set_id=approved_id,
    )


def coded_answers(db: Database, actor: Actor, set_id: int) -> list[CodedAnswer]:
    """Every answer in a theme set with its theme, in respondent order."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        return _coded(session, set_id)


def _coded(session: Session, set_id: int) -> list[CodedAnswer]:
    labels = {theme.id: theme.label for theme in _set_themes(session, set_id)}
    rows = session.execute(
        select(
            ThemeAssignment,
            SurveyAnswer.text,
            SurveyResponse.respondent_ref,
            SurveyResponse.closed_answers,
        )
        .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(ThemeAssignment.theme_set_id == set_id)
        .order_by(SurveyResponse.id)
    ).all()
    return [
        CodedAnswer(
            answer_id=assignment.answer_id,
            respondent_ref=ref,
            text=text,
            theme_id=assignment.theme_id,
            theme_label=labels.get(assignment.theme_id) if assignment.theme_id else None,
            confidence=assignment.confidence,
            moved_by_hand=assignment.moved_by_hand,
            not_relevant=assignment.not_relevant,
            needs_review=assignment.needs_review,
            closed_answers={str(k): str(v) for k, v in (closed or {}).items()},
        )
        for assignment, text, ref, closed in rows
    ]


# ---------------------------------------------------------------------------------------------
# Refining


def _recompute(
    session: Session, set_id: int, relabel: Sequence[int] = (), *, labels_for_all: bool = False
) -> None:
    """Recompute every theme's centre, its answers' confidence and top terms after an edit.

    Themes in ``relabel`` (or all with ``labels_for_all``) also get a new label unless a person
    renamed them.
    """
    themes = _set_themes(session, set_id)
    rows = session.execute(
        select(
            ThemeAssignment.id,
            ThemeAssignment.theme_id,
            ThemeAssignment.not_relevant,
            SurveyAnswer.text,
            SurveyAnswer.embedding,
        )
        .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
        .where(ThemeAssignment.theme_set_id == set_id)
        .order_by(ThemeAssignment.answer_id)
    ).all()
    position = {theme.id: index for index, theme in enumerate(themes)}
    texts = [row[3] for row in rows]
    assignments = [position[row[1]] if row[1] is not None and not row[2] else -1 for row in rows]
    vectors = [_vector(row[4]) for row in rows]
    dims = next((len(v) for v in vectors if v is not None), 0)
    matrix = np.zeros((len(rows), dims), dtype=np.float32)
    for index, vector in enumerate(vectors):
        if vector is not None and len(vector) == dims:
            matrix[index] = vector
    matrix = normalise_rows(matrix)
    chosen = np.asarray(assignments, dtype=np.int64)
    conf_updates: list[dict[str, Any]] = []
    labels = label_themes(texts, assignments, len(themes)) if themes else []
    wanted = {theme.id for theme in themes} if labels_for_all else set(relabel)
    for index, theme in enumerate(themes):
        members = np.flatnonzero(chosen == index)
        if len(members):
            centre = normalise_rows(matrix[members].mean(axis=0, keepdims=True))[0]
            theme.centroid = _bytes(centre)
            similarity = np.clip(matrix[members] @ centre, 0.0, 1.0)
            conf_updates.extend(
                {"id": rows[int(m)][0], "confidence": float(s)}
                for m, s in zip(members, similarity, strict=True)
            )
        theme.top_terms = list(labels[index].top_terms)
        theme.position = index
        if theme.id in wanted and not theme.renamed:
            theme.label = labels[index].label[:MAX_LABEL] or f"Theme {index + 1}"
    if conf_updates:
        session.execute(update(ThemeAssignment), conf_updates)
    session.execute(
        update(ThemeSet)
        .where(ThemeSet.id == set_id)
        .values(n_themes=len(themes))
        .execution_options(synchronize_session=False)
    )


def rename_theme(
    db: Database, actor: Actor, set_id: int, theme_id: int, label: str, *, expected_version: int
) -> None:
    require(actor, Permission.ANALYSE_SURVEYS)
    cleaned = _clean_label(label)
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        theme = _theme_in_set(session, set_id, theme_id)
        others = {t.label.casefold() for t in _set_themes(session, set_id) if t.id != theme_id}
        if cleaned.casefold() in others:
            raise InputError(f"Another theme is already called '{cleaned}'. Choose another name.")
        before = theme.label
        theme.label = cleaned
        theme.renamed = True
        audit.record(
            session, actor, "rename_theme", "theme", theme_id, {"label": before}, {"label": cleaned}
        )


def merge_themes(
    db: Database,
    actor: Actor,
    set_id: int,
    theme_ids: Sequence[int],
    *,
    expected_version: int,
    label: str | None = None,
) -> int:
    """Merge two or more themes into the first; returns the kept theme's id."""
    require(actor, Permission.ANALYSE_SURVEYS)
    chosen = list(dict.fromkeys(theme_ids))
    if len(chosen) < 2:
        raise InputError("Choose two or more themes to merge.")
    cleaned = _clean_label(label) if label and label.strip() else None
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        themes = [_theme_in_set(session, set_id, theme_id) for theme_id in chosen]
        keep, others = themes[0], themes[1:]
        other_ids = [t.id for t in others]
        session.execute(
            update(ThemeAssignment)
            .where(ThemeAssignment.theme_set_id == set_id, ThemeAssignment.theme_id.in_(other_ids))
            .values(theme_id=keep.id)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(ThemeAction)
            .where(ThemeAction.theme_id.in_(other_ids))
            .values(theme_id=keep.id)
            .execution_options(synchronize_session=False)
        )
        before = [t.label for t in themes]
        for other in others:
            session.delete(other)
        if cleaned is not None:
            keep.label, keep.renamed = cleaned, True
        else:
            keep.renamed = False
        session.flush()
        _recompute(session, set_id, [keep.id])
        audit.record(
            session,
            actor,
            "merge_themes",
            "theme",
            keep.id,
            {"labels": before},
            {"label": keep.label},
        )
        return keep.id


def split_theme(
    db: Database, actor: Actor, set_id: int, theme_id: int, parts: int, *, expected_version: int
) -> list[int]:
    """Split a theme into ``parts`` themes by grouping its own answers again."""
    require(actor, Permission.ANALYSE_SURVEYS)
    if not 2 <= parts <= 10:
        raise InputError("Split a theme into 2 to 10 themes.")
    with db.transaction() as session:
        theme_set = _lock_set(session, set_id, expected_version)
        theme = _theme_in_set(session, set_id, theme_id)
        members = session.execute(
            select(ThemeAssignment.id, SurveyAnswer.text, SurveyAnswer.embedding)
            .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
            .where(
                ThemeAssignment.theme_set_id == set_id,
                ThemeAssignment.theme_id == theme_id,
                ThemeAssignment.not_relevant.is_(False),
            )
            .order_by(ThemeAssignment.answer_id)
        ).all()
        texts = [row[1] for row in members]
        distinct = len({" ".join(t.split()).casefold() for t in texts if is_usable(t)})
        if distinct < parts:
            raise InputError(
                f"This theme has {distinct} different answers, too few to split into {parts}."
            )
        vectors = [_vector(row[2]) for row in members]
        matrix = np.vstack([v for v in vectors if v is not None])
        result = cluster_embeddings(texts, matrix, parts, theme_set.seed, backend="split")
        themes = _set_themes(session, set_id)
        new_ids = [theme.id]
        theme.label = result.themes[0].label[:MAX_LABEL]
        theme.renamed = False
        for part in result.themes[1:]:
            created = Theme(
                theme_set_id=set_id,
                label=part.label[:MAX_LABEL],
                top_terms=list(part.top_terms),
                position=theme.position,
                renamed=False,
            )
            session.add(created)
            session.flush()
            new_ids.append(created.id)
        mapping = []
        for (assignment_id, _, _), index in zip(members, result.assignments, strict=True):
            mapping.append(
                {"id": assignment_id, "theme_id": new_ids[index] if index >= 0 else None}
            )
        session.execute(update(ThemeAssignment), mapping)
        # Keep the new parts right after the theme they came from.
        order = []
        for existing in themes:
            order.append(existing.id)
            if existing.id == theme.id:
                order.extend(new_ids[1:])
        for position, tid in enumerate(order):
            session.execute(
                update(Theme)
                .where(Theme.id == tid)
                .values(position=position)
                .execution_options(synchronize_session=False)
            )
        session.expire_all()
        _recompute(session, set_id, new_ids)
        audit.record(
            session, actor, "split_theme", "theme", theme_id, None, {"parts": len(new_ids)}
        )
        return new_ids


def move_answers(
    db: Database,
    actor: Actor,
    set_id: int,
    answer_ids: Sequence[int],
    to_theme_id: int,
    *,
    expected_version: int,
) -> None:
    """Move answers to another theme by hand (this also clears them from the review queue)."""
    require(actor, Permission.ANALYSE_SURVEYS)
    if not answer_ids:
        raise InputError("Choose one or more answers to move.")
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        _theme_in_set(session, set_id, to_theme_id)
        result = session.execute(
            update(ThemeAssignment)
            .where(
                ThemeAssignment.theme_set_id == set_id,
                ThemeAssignment.answer_id.in_(list(answer_ids)),
            )
            .values(
                theme_id=to_theme_id, moved_by_hand=True, not_relevant=False, needs_review=False
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", len(answer_ids)) != len(set(answer_ids)):
            raise NotFound("Some of those answers are not in this theme set. Reload the page.")
        _recompute(session, set_id)
        audit.record(
            session,
            actor,
            "move_answers",
            "theme",
            to_theme_id,
            None,
            {"answers": sorted(set(answer_ids))},
        )


def set_not_relevant(
    db: Database,
    actor: Actor,
    set_id: int,
    answer_ids: Sequence[int],
    not_relevant: bool = True,
    *,
    expected_version: int,
) -> None:
    """Mark answers as not relevant (they leave their theme), or bring them back to the
    theme they are nearest to."""
    require(actor, Permission.ANALYSE_SURVEYS)
    if not answer_ids:
        raise InputError("Choose one or more answers.")
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        wanted = list(set(answer_ids))
        if not_relevant:
            session.execute(
                update(ThemeAssignment)
                .where(
                    ThemeAssignment.theme_set_id == set_id,
                    ThemeAssignment.answer_id.in_(wanted),
                )
                .values(theme_id=None, not_relevant=True, needs_review=False, confidence=None)
                .execution_options(synchronize_session=False)
            )
        else:
            themes = _set_themes(session, set_id)
            centres = [_vector(t.centroid) for t in themes]
            rows = session.execute(
                select(ThemeAssignment.id, SurveyAnswer.embedding, SurveyAnswer.text)
                .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
                .where(
                    ThemeAssignment.theme_set_id == set_id,
                    ThemeAssignment.answer_id.in_(wanted),
                )
            ).all()
            if themes and all(c is not None for c in centres):
                matrix = np.vstack([c for c in centres if c is not None])
                vectors = np.zeros((len(rows), matrix.shape[1]), dtype=np.float32)
                for i, (_, data, text) in enumerate(rows):
                    vector = _vector(data)
                    if vector is not None and is_usable(text):
                        vectors[i] = vector
                indices, _ = assign_to_themes(vectors, matrix)
                session.execute(
                    update(ThemeAssignment),
                    [
                        {
                            "id": row[0],
                            "theme_id": themes[int(i)].id if i >= 0 else None,
                            "not_relevant": False,
                            "moved_by_hand": False,
                        }
                        for row, i in zip(rows, indices, strict=True)
                    ],
                )
        _recompute(session, set_id)
        audit.record(
            session,
            actor,
            "mark_not_relevant" if not_relevant else "mark_relevant",
            "theme_set",
            set_id,
            None,
            {"answers": sorted(wanted)},
        )


def seed_theme(
    db: Database,
    actor: Actor,
    set_id: int,
    example_answer_ids: Sequence[int],
    label: str,
    *,
    expected_version: int,
) -> tuple[int, int]:
    """Start a theme from example answers; other answers join it when they are nearer to it
    than to their own theme (answers moved by hand stay where they are).

    Returns the new theme's id and how many answers it holds.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    cleaned = _clean_label(label)
    examples = list(dict.fromkeys(example_answer_ids))
    if not examples:
        raise InputError("Choose one or more example answers for the new theme.")
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        themes = _set_themes(session, set_id)
        if cleaned.casefold() in {t.label.casefold() for t in themes}:
            raise InputError(f"Another theme is already called '{cleaned}'. Choose another name.")
        rows = session.execute(
            select(
                ThemeAssignment.id,
                ThemeAssignment.answer_id,
                ThemeAssignment.theme_id,
                ThemeAssignment.confidence,
                ThemeAssignment.moved_by_hand,
                ThemeAssignment.not_relevant,
                SurveyAnswer.embedding,
                SurveyAnswer.text,
            )
            .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
            .where(ThemeAssignment.theme_set_id == set_id)
        ).all()
        by_answer = {row[1]: row for row in rows}
        missing = [a for a in examples if a not in by_answer]
        if missing:
            raise NotFound("Some example answers are not in this theme set. Reload the page.")
        example_vectors = [_vector(by_answer[a][6]) for a in examples]
        if any(v is None for v in example_vectors) or not all(
            is_usable(by_answer[a][7]) for a in examples
        ):
            raise InputError("Choose example answers that have words in them.")
        centre = normalise_rows(
            np.vstack([v for v in example_vectors if v is not None]).mean(axis=0, keepdims=True)
        )[0]
        created = Theme(
            theme_set_id=set_id,
            label=cleaned,
            top_terms=[],
            position=len(themes),
            centroid=_bytes(centre),
            renamed=True,
        )
        session.add(created)
        session.flush()
        joins = []
        for assignment_id, answer_id, theme_id, confidence, by_hand, irrelevant, data, _ in rows:
            if answer_id in examples:
                joins.append(
                    {
                        "id": assignment_id,
                        "theme_id": created.id,
                        "moved_by_hand": True,
                        "not_relevant": False,
                        "needs_review": False,
                    }
                )
                continue
            if by_hand or irrelevant or theme_id is None:
                continue
            vector = _vector(data)
            if vector is None or len(vector) != len(centre):
                continue
            similarity = float(normalise_rows(vector[None, :])[0] @ centre)
            if similarity > float(confidence or 0.0):
                joins.append({"id": assignment_id, "theme_id": created.id})
        session.execute(update(ThemeAssignment), joins)
        session.expire_all()
        _recompute(session, set_id)
        audit.record(
            session,
            actor,
            "seed_theme",
            "theme",
            created.id,
            None,
            {"label": cleaned, "examples": examples, "size": len(joins)},
        )
        return created.id, len(joins)


def approve(db: Database, actor: Actor, set_id: int, *, expected_version: int) -> None:
    """Approve a theme set: answers imported later are assigned to it."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        found = session.get(ThemeSet, set_id)
        if found is None:
            raise NotFound("That theme set no longer exists. Reload the page.")
        question_id, backend = found.question_id, found.backend
    # Answers imported since the themes were found need embeddings in the same space.
    _embed_missing_like(db, question_id, backend)
    with db.transaction() as session:
        theme_set = _lock_set(session, set_id, expected_version)
        if theme_set.status == APPROVED:
            raise InputError("These themes are already approved.")
        session.execute(
            update(ThemeSet)
            .where(
                ThemeSet.question_id == theme_set.question_id,
                ThemeSet.status == APPROVED,
                ThemeSet.id != set_id,
            )
            .values(status=REPLACED, version=ThemeSet.version + 1)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(ThemeSet)
            .where(ThemeSet.id == set_id)
            .values(status=APPROVED, approved_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        # Answers imported since the themes were found are assigned now.
        _assign_new_answers(session, set_id)
        audit.record(
            session, actor, "approve_themes", "theme_set", set_id, None, {"status": APPROVED}
        )


def review_queue(db: Database, actor: Actor, set_id: int) -> list[CodedAnswer]:
    """Answers given a theme with low confidence, least confident first."""
    answers = [a for a in coded_answers(db, actor, set_id) if a.needs_review]
    return sorted(answers, key=lambda a: (a.confidence or 0.0, a.answer_id))


def accept_review(
    db: Database, actor: Actor, set_id: int, answer_ids: Sequence[int], *, expected_version: int
) -> None:
    """Keep the suggested theme for answers in the review queue."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        session.execute(
            update(ThemeAssignment)
            .where(
                ThemeAssignment.theme_set_id == set_id,
                ThemeAssignment.answer_id.in_(list(answer_ids)),
            )
            .values(needs_review=False)
            .execution_options(synchronize_session=False)
        )


# ---------------------------------------------------------------------------------------------
# Read across


def read_across(db: Database, actor: Actor, set_id: int, closed_question: str) -> ReadAcross:
    """Themes by the answers to a closed question: counts, percentages, [c] for 1 to 4."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        themes = _set_themes(session, set_id)
        if not themes and session.get(ThemeSet, set_id) is None:
            raise NotFound("That theme set no longer exists. Reload the page.")
        coded = _coded(session, set_id)
    return _read_across(coded, [t.label for t in themes], closed_question)


def _read_across(coded: list[CodedAnswer], labels: list[str], question: str) -> ReadAcross:
    counts: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for answer in coded:
        if answer.theme_label is None or answer.not_relevant:
            continue
        category = answer.closed_answers.get(question, "").strip() or "No answer"
        counts[(answer.theme_label, category)] = counts.get((answer.theme_label, category), 0) + 1
        totals[category] = totals.get(category, 0) + 1
    categories = tuple(sorted(totals, key=lambda c: (c == "No answer", -totals[c], c)))
    shown: dict[tuple[str, str], int | None] = {}
    percent: dict[tuple[str, str], float | None] = {}
    for category in categories:
        # Each group's total is shown, so one hidden count in a group takes another with it.
        column = suppress_counts({label: counts.get((label, category), 0) for label in labels})
        for label in labels:
            count = column[label]
            shown[(label, category)] = count
            percent[(label, category)] = None if count is None else 100.0 * count / totals[category]
    return ReadAcross(question, tuple(labels), categories, shown, percent, totals)


# ---------------------------------------------------------------------------------------------
# You said, we did


def _clean_action(action: str, status: str) -> str:
    cleaned = action.strip()
    if not cleaned:
        raise InputError("Say what the hub did or will do about this theme.")
    if len(cleaned) > MAX_ACTION:
        raise InputError(f"The action must be {MAX_ACTION:,} characters or fewer.")
    if status not in ACTION_STATUSES:
        raise InputError("Choose a status: planned, in progress or done.")
    return cleaned


def add_action(
    db: Database,
    actor: Actor,
    theme_id: int,
    action: str,
    status: str,
    published_on: date | None = None,
) -> int:
    require(actor, Permission.ANALYSE_SURVEYS)
    cleaned = _clean_action(action, status)
    with db.transaction() as session:
        if session.get(Theme, theme_id) is None:
            raise NotFound("That theme no longer exists. Reload the page.")
        row = ThemeAction(
            theme_id=theme_id, action=cleaned, status=status, published_on=published_on
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "add_theme_action",
            "theme_action",
            row.id,
            None,
            {"action": cleaned, "status": status},
        )
        return row.id


def update_action(
    db: Database,
    actor: Actor,
    action_id: int,
    action: str,
    status: str,
    published_on: date | None,
) -> None:
    require(actor, Permission.ANALYSE_SURVEYS)
    cleaned = _clean_action(action, status)
    with db.transaction() as session:
        row = session.get(ThemeAction, action_id)
        if row is None:
            raise NotFound("That action no longer exists. Reload the page.")
        before = {"action": row.action, "status": row.status}
        row.action, row.status, row.published_on = cleaned, status, published_on
        audit.record(
            session,
            actor,
            "update_theme_action",
            "theme_action",
            action_id,
            before,
            {"action": cleaned, "status": status},
        )


def delete_action(db: Database, actor: Actor, action_id: int) -> None:
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.transaction() as session:
        row = session.get(ThemeAction, action_id)
        if row is None:
            raise NotFound("That action no longer exists. Reload the page.")
        session.delete(row)
        audit.record(
            session,
            actor,
            "delete_theme_action",
            "theme_action",
            action_id,
            {"action": row.action},
            None,
        )


def action_log(db: Database, actor: Actor, survey_id: int) -> list[ActionView]:
    """The survey's 'you said, we did' log, by question and theme."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        rows = session.execute(
            select(ThemeAction, Theme.label, SurveyQuestion.column_name)
            .join(Theme, Theme.id == ThemeAction.theme_id)
            .join(ThemeSet, ThemeSet.id == Theme.theme_set_id)
            .join(SurveyQuestion, SurveyQuestion.id == ThemeSet.question_id)
            .where(SurveyQuestion.survey_id == survey_id)
            .order_by(SurveyQuestion.position, Theme.position, ThemeAction.id)
        ).all()
    return [
        ActionView(a.id, a.theme_id, label, question, a.action, a.status, a.published_on)
        for a, label, question in rows
    ]


def _actions_frame(actions: list[ActionView]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Question": [a.question for a in actions],
            "You said (theme)": [a.theme_label for a in actions],
            "We did (action)": [a.action for a in actions],
            "Status": [a.status_label for a in actions],
            "Date published": [
                format_date(a.published_on) if a.published_on else None for a in actions
            ],
        }
    )


def action_log_html(db: Database, actor: Actor, survey_id: int) -> str:
    survey = get_survey(db, actor, survey_id)
    actions = action_log(db, actor, survey_id)
    report = HtmlReport(f"You said, we did: {survey.title}")
    report.paragraph(
        "What respondents told the USER hub in this survey, grouped into themes, and what the "
        "hub did about each theme."
    )
    if not actions:
        report.paragraph("No actions have been recorded yet.")
    else:
        report.table(_actions_frame(actions), "You said, we did", row_header_column=None)
    return report.render()


def action_log_ods(db: Database, actor: Actor, survey_id: int) -> bytes:
    survey = get_survey(db, actor, survey_id)
    actions = action_log(db, actor, survey_id)
    workbook = Workbook(
        title=f"You said, we did: {survey.title}",
        cover=[
            (
                "About this spreadsheet",
                "Themes from the survey's free-text answers and what the "
                "USER hub did about each one.",
            ),
        ],
        notes=[],
        tables=[
            Table(
                "You_said_we_did",
                "You said, we did",
                _actions_frame(actions),
                "One row per action: the theme, what the hub did, its status and the date it "
                "was published.",
            )
        ],
        author="USER hub",
        organisation="USER hub",
    )
    return to_ods(workbook)


# ---------------------------------------------------------------------------------------------
# Exports


def coded_frame(db: Database, actor: Actor, set_id: int) -> pd.DataFrame:
    """One row per answer: respondent, closed answers, the answer, its theme and flags."""
    answers = coded_answers(db, actor, set_id)
    closed = sorted({key for a in answers for key in a.closed_answers})
    data: dict[str, list[Any]] = {"Respondent ID": [a.respondent_ref for a in answers]}
    for column in closed:
        data[column] = [a.closed_answers.get(column, "") for a in answers]
    data["Answer"] = [a.text for a in answers]
    data["Theme"] = [
        "Not relevant" if a.not_relevant else (a.theme_label or "No theme") for a in answers
    ]
    data["Confidence"] = [
        round(a.confidence, 2) if a.confidence is not None else None for a in answers
    ]
    data["Moved by hand"] = ["Yes" if a.moved_by_hand else "No" for a in answers]
    data["Waiting for review"] = ["Yes" if a.needs_review else "No" for a in answers]
    return pd.DataFrame(data)


def _set_context(db: Database, actor: Actor, set_id: int) -> tuple[SurveyView, QuestionView]:
    with db.read() as session:
        found = session.get(ThemeSet, set_id)
        if found is None:
            raise NotFound("That theme set no longer exists. Reload the page.")
        question = _question(session, found.question_id)
        survey_id = question.survey_id
    survey = get_survey(db, actor, survey_id)
    return survey, next(q for q in survey.questions if q.id == found.question_id)


def _coded_workbook(db: Database, actor: Actor, set_id: int) -> Workbook:
    survey, question = _set_context(db, actor, set_id)
    view = theme_set(db, actor, set_id)
    summary = pd.DataFrame(
        {
            "Theme": [t.label for t in view.themes],
            "Answers": [t.size for t in view.themes],
            "Top terms": [", ".join(t.top_terms) for t in view.themes],
        }
    )
    return Workbook(
        title=f"Coded responses: {survey.title}",
        cover=[
            (
                "About this spreadsheet",
                f"Answers to '{question.column_name}' with their themes. "
                "Personal data such as e-mail addresses was removed before the answers were "
                "stored.",
            ),
            ("Status", "Approved themes" if view.status == APPROVED else "Draft themes"),
        ],
        notes=[],
        tables=[
            Table(
                "Themes",
                "Themes",
                summary,
                "Each theme, how many answers it holds and its top terms.",
            ),
            Table(
                "Coded_responses",
                "Coded responses",
                coded_frame(db, actor, set_id),
                "One row per answer: the respondent, their closed answers, the answer and its "
                "theme. Confidence is how close the answer is to the theme's centre (0 to 1).",
            ),
        ],
        author="USER hub",
        organisation="USER hub",
    )


def coded_ods(db: Database, actor: Actor, set_id: int) -> bytes:
    return to_ods(_coded_workbook(db, actor, set_id))


def coded_xlsx(db: Database, actor: Actor, set_id: int) -> bytes:
    return to_xlsx(_coded_workbook(db, actor, set_id))


def coded_csv(db: Database, actor: Actor, set_id: int) -> bytes:
    return to_csv_bytes(coded_frame(db, actor, set_id))


def theme_summary_html(db: Database, actor: Actor, set_id: int) -> str:
    """Each theme with its size, label and typical answers, and read-across tables."""
    survey, question = _set_context(db, actor, set_id)
    view = theme_set(db, actor, set_id)
    report = HtmlReport(f"Themes: {question.column_name}")
    report.paragraph(
        f"Survey: {survey.title}. {view.answer_count:,} answers grouped into "
        f"{len(view.themes)} themes ({'approved' if view.status == APPROVED else 'draft'})."
    )
    report.table(
        pd.DataFrame(
            {
                "Theme": [t.label for t in view.themes],
                "Answers": [t.size for t in view.themes],
                "Top terms": [", ".join(t.top_terms) for t in view.themes],
            }
        ),
        "Themes and their size",
        row_header_column="Theme",
    )
    report.heading("Each theme", 2)
    for theme in view.themes:
        report.heading(f"{theme.label} ({theme.size} answers)", 3)
        report.paragraph("Top terms: " + (", ".join(theme.top_terms) or "none"))
        report.paragraph("Typical answers:")
        report.bullet_list(theme.representatives)
    coded = coded_answers(db, actor, set_id)
    labels = [t.label for t in view.themes]
    if survey.closed_questions:
        report.heading("Read across", 2)
        report.paragraph(SUPPRESSED_NOTE)
        for closed in survey.closed_questions:
            across = _read_across(coded, labels, closed.column_name)
            report.heading(f"Themes by {closed.column_name}", 3)
            report.table(
                across.wide_table(),
                f"Answers in each theme by {closed.column_name}: count (percentage of the "
                "group's answers)",
                row_header_column="Theme",
            )
    return report.render()


def file_stem(db: Database, actor: Actor, set_id: int) -> str:
    survey, question = _set_context(db, actor, set_id)
    text = f"{survey.title} {question.column_name}".lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "survey"


# ---------------------------------------------------------------------------------------------
# Which backend finds themes

BACKEND_DESCRIPTIONS: Final[dict[str, str]] = {
    "minilm-onnx-int8": "sentence embeddings from the all-MiniLM-L6-v2 model (ONNX Runtime)",
    "minilm-torch": "sentence embeddings from the all-MiniLM-L6-v2 model (run with PyTorch)",
    TFIDF_LSA: "word patterns (TF-IDF with latent semantic analysis), the fallback used when no "
    "sentence model is installed",
    "split": "the answers' stored embeddings",
}


def describe_backend(name: str) -> str:
    """A plain-English name for an embedding backend."""
    return BACKEND_DESCRIPTIONS.get(name, name)


def available_backend() -> tuple[str, str]:
    """The backend new themes will be found with, and a sentence about it."""
    from ue_core.themes import backend_status

    name = choose_backend()
    status = backend_status()
    text = f"New themes will be found with {describe_backend(name)}."
    if name == TFIDF_LSA:
        reasons = [reason for key, reason in status.items() if key != TFIDF_LSA and reason]
        if reasons:
            text += " The sentence model is not available here: " + reasons[0] + "."
    return name, text


_DATE_PARTS = re.compile(r"^\s*(\d{1,2})[\s/.-]+(\d{1,2})[\s/.-]+(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_published(text: str) -> date | None:
    """Read a date typed as day, month and year ("27 3 2026", "27/03/2026") or "2026-03-27".

    Empty text means not published yet (``None``); anything else that is not a real date raises
    InputError with an example of what to type.
    """
    if not text.strip():
        return None
    match = _DATE_PARTS.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        iso = _ISO_DATE.match(text)
        if iso is None:
            raise InputError("Enter the date published as day, month and year, like 27 3 2026.")
        year, month, day = (int(part) for part in iso.groups())
    try:
        return date(year, month, day)
    except ValueError as error:
        raise InputError("The date published must be a real date, like 27 3 2026.") from error
