"""Deleting a survey: everything of it goes in one audited transaction, or nothing does.

A survey's responses, answers (with their embeddings), questions, theme sets, themes, coded
answers, you-said-we-did actions and the themes attached from it as evidence to teams' ratings
(even submitted ones: the quotes are the survey's) are removed together. The consultant confirms
first, having been told how many answers will go; if answers were added since, the deletion is
refused.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    Base,
    Job,
    JobFile,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Theme,
    ThemeAction,
    ThemeAssignment,
    ThemeEvidence,
    ThemeSet,
    TopTheme,
)
from ue_core.errors import ConflictError, NotFound
from ue_core.services.surveys.export_jobs import KIND as EXPORT_KIND
from ue_core.text import plural


@dataclass(frozen=True)
class SurveyContents:
    """What deleting a survey removes."""

    survey_id: int
    title: str
    responses: int
    answers: int
    embeddings: int
    theme_sets: int
    themes: int
    theme_actions: int
    theme_evidence: int = 0

    def describe(self) -> str:
        """'12 responses, 30 answers, 2 theme sets, 9 themes and 3 you said, we did actions',
        leaving out the kinds it has none of (the answers' stored embeddings go with them)."""
        parts = [plural(self.responses, "response"), plural(self.answers, "answer")]
        parts += [
            plural(n, one, many)
            for n, one, many in (
                (self.theme_sets, "theme set", None),
                (self.themes, "theme", None),
                (self.theme_actions, "you said, we did action", "you said, we did actions"),
                (self.theme_evidence, "theme attached as evidence", "themes attached as evidence"),
            )
            if n
        ]
        return ", ".join(parts[:-1]) + " and " + parts[-1]


def _count(session: Session, model: type[Base], *where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _contents(session: Session, survey: Survey) -> SurveyContents:
    questions = select(SurveyQuestion.id).where(SurveyQuestion.survey_id == survey.id)
    sets = select(ThemeSet.id).where(ThemeSet.question_id.in_(questions))
    themes = select(Theme.id).where(Theme.theme_set_id.in_(sets))
    return SurveyContents(
        survey_id=survey.id,
        title=survey.title,
        responses=_count(session, SurveyResponse, SurveyResponse.survey_id == survey.id),
        answers=_count(session, SurveyAnswer, SurveyAnswer.question_id.in_(questions)),
        embeddings=_count(
            session,
            SurveyAnswer,
            SurveyAnswer.question_id.in_(questions),
            SurveyAnswer.embedding.is_not(None),
        ),
        theme_sets=_count(session, ThemeSet, ThemeSet.id.in_(sets)),
        themes=_count(session, Theme, Theme.id.in_(themes)),
        theme_actions=_count(session, ThemeAction, ThemeAction.theme_id.in_(themes)),
        theme_evidence=_count(session, ThemeEvidence, ThemeEvidence.survey_id == survey.id),
    )


def survey_contents(db: Database, actor: Actor, survey_id: int) -> SurveyContents:
    """Hub consultants: what deleting this survey would remove, to confirm before deleting."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        survey = session.get(Survey, survey_id)
        if survey is None:
            raise NotFound("That survey no longer exists. Reload the page.")
        return _contents(session, survey)


def delete_survey(
    db: Database, actor: Actor, survey_id: int, *, expected_answers: int
) -> SurveyContents:
    """Hub consultants: delete a survey and everything of it, in one audited transaction.

    ``expected_answers`` is the number of answers the person was shown when they confirmed; if
    answers were added since, nothing is deleted and ConflictError says how many there are now.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.transaction() as session:
        survey = session.scalar(select(Survey).where(Survey.id == survey_id).with_for_update())
        if survey is None:
            raise NotFound("That survey no longer exists. Reload the page.")
        contents = _contents(session, survey)
        if contents.answers != expected_answers:
            raise ConflictError(
                f"This survey now has {contents.answers:,} answers, not the {expected_answers:,} "
                "you confirmed, so nothing was deleted. Check again and confirm.",
                current={"Answers": contents.answers, "Responses": contents.responses},
            )
        questions = select(SurveyQuestion.id).where(SurveyQuestion.survey_id == survey_id)
        sets = select(ThemeSet.id).where(ThemeSet.question_id.in_(questions))
        themes = select(Theme.id).where(Theme.theme_set_id.in_(sets))
        set_ids = list(session.scalars(sets))
        for statement in (
            delete(ThemeEvidence).where(ThemeEvidence.survey_id == survey_id),
            delete(ThemeAction).where(ThemeAction.theme_id.in_(themes)),
            delete(ThemeAssignment).where(ThemeAssignment.theme_set_id.in_(sets)),
            delete(Theme).where(Theme.theme_set_id.in_(sets)),
            delete(TopTheme).where(TopTheme.theme_set_id.in_(sets)),
            delete(ThemeSet).where(ThemeSet.question_id.in_(questions)),
            delete(SurveyAnswer).where(SurveyAnswer.question_id.in_(questions)),
            delete(SurveyResponse).where(SurveyResponse.survey_id == survey_id),
            delete(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id),
            delete(Survey).where(Survey.id == survey_id),
            # Exported files of its answers go too; last, so an export saving meanwhile (it
            # holds its theme set's row) has committed and its file is seen here.
            delete(JobFile).where(
                JobFile.job_id.in_(
                    select(Job.id).where(Job.kind == EXPORT_KIND, Job.subject_id.in_(set_ids))
                )
            ),
        ):
            session.execute(statement.execution_options(synchronize_session=False))
        audit.record(
            session,
            actor,
            "delete_survey",
            "survey",
            survey_id,
            before=asdict(contents),
            after=None,
        )
    return contents
