"""Read models of surveys and theme sets: listing surveys, the current theme set, coded answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    ThemeAssignment,
    ThemeSet,
    User,
)
from ue_core.errors import NotFound
from ue_core.services.surveys._shared import _counts, _set_themes, _set_top_themes
from ue_core.survey_import import tidy_header

#: Most answers shown as typical of a theme.
REPRESENTATIVES: Final = 5


DRAFT: Final = "draft"


APPROVED: Final = "approved"


REPLACED: Final = "replaced"


@dataclass(frozen=True)
class QuestionView:
    id: int
    survey_id: int
    column_name: str
    kind: str
    answer_count: int
    wording: str = ""

    @property
    def label(self) -> str:
        """How the question is shown: as worded at import, or its tidied column header."""
        return self.wording or tidy_header(self.column_name)


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
class ThemeView:
    id: int
    label: str
    top_terms: tuple[str, ...]
    position: int
    size: int
    renamed: bool
    representatives: tuple[str, ...]
    top_theme_id: int | None = None


@dataclass(frozen=True)
class TopThemeView:
    """A top-level theme: its own name, terms and typical answers, and its sub-themes' ids."""

    id: int
    label: str
    top_terms: tuple[str, ...]
    position: int
    size: int
    renamed: bool
    representatives: tuple[str, ...]
    theme_ids: tuple[int, ...]


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
    top_themes: tuple[TopThemeView, ...] = ()

    def theme(self, theme_id: int) -> ThemeView:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise NotFound("That theme is no longer in this theme set. Reload the page.")

    def top_theme(self, top_theme_id: int) -> TopThemeView:
        for top in self.top_themes:
            if top.id == top_theme_id:
                return top
        raise NotFound("That top-level theme is no longer in this theme set. Reload the page.")

    def sub_themes(self, top_theme_id: int) -> list[ThemeView]:
        """The sub-themes of one top-level theme, in theme order."""
        return [theme for theme in self.themes if theme.top_theme_id == top_theme_id]


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
    top_theme_id: int | None = None
    top_theme_label: str | None = None


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
                QuestionView(
                    q.id, q.survey_id, q.column_name, q.kind, answers.get(q.id, 0), q.wording
                )
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
    views = [
        ThemeView(
            id=theme.id,
            label=theme.label,
            top_terms=tuple(str(t) for t in theme.top_terms),
            position=theme.position,
            size=len(members.get(theme.id, [])),
            renamed=theme.renamed,
            representatives=_typical(members.get(theme.id, [])),
            top_theme_id=theme.top_theme_id,
        )
        for theme in themes
    ]
    tops = []
    for top in _set_top_themes(session, found.id):
        children = tuple(theme.id for theme in themes if theme.top_theme_id == top.id)
        # A top-level theme's typical answers are its sub-themes' most typical ones.
        pooled = [item for child in children for item in members.get(child, [])]
        tops.append(
            TopThemeView(
                id=top.id,
                label=top.label,
                top_terms=tuple(str(t) for t in top.top_terms),
                position=top.position,
                size=len(pooled),
                renamed=top.renamed,
                representatives=_typical(pooled),
                theme_ids=children,
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
        top_themes=tuple(tops),
    )


def _typical(members: list[tuple[float, int, str]]) -> tuple[str, ...]:
    """The most typical answers (highest confidence first), each distinct answer once."""
    ordered = sorted(members, key=lambda item: (-item[0], item[1]))
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
    return tuple(shown)


def coded_answers(db: Database, actor: Actor, set_id: int) -> list[CodedAnswer]:
    """Every answer in a theme set with its theme, in respondent order."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        return _coded(session, set_id)


def _coded(session: Session, set_id: int) -> list[CodedAnswer]:
    themes = _set_themes(session, set_id)
    labels = {theme.id: theme.label for theme in themes}
    parent = {theme.id: theme.top_theme_id for theme in themes}
    top_labels = {top.id: top.label for top in _set_top_themes(session, set_id)}
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
            top_theme_id=parent.get(assignment.theme_id) if assignment.theme_id else None,
            top_theme_label=top_labels.get(parent.get(assignment.theme_id) or 0)
            if assignment.theme_id
            else None,
        )
        for assignment, text, ref, closed in rows
    ]
