"""Downloads of a theme set: coded responses (ODS, XLSX, CSV) and the theme summary (HTML)."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.db.models import (
    ThemeSet,
)
from ue_core.errors import NotFound
from ue_core.io.html_report import HtmlReport
from ue_core.io.safe_csv import to_csv_bytes
from ue_core.io.spreadsheet import Table, Workbook, to_ods, to_xlsx
from ue_core.services.surveys._shared import _question
from ue_core.services.surveys.read_across import SUPPRESSED_NOTE, _read_across
from ue_core.services.surveys.views import (
    APPROVED,
    QuestionView,
    SurveyView,
    ThemeSetView,
    coded_answers,
    get_survey,
    theme_set,
)


def coded_frame(db: Database, actor: Actor, set_id: int) -> pd.DataFrame:
    """One row per answer: respondent, closed answers, the answer, its theme and flags."""
    answers = coded_answers(db, actor, set_id)
    closed = sorted({key for a in answers for key in a.closed_answers})
    data: dict[str, list[Any]] = {"Respondent ID": [a.respondent_ref for a in answers]}
    for column in closed:
        data[column] = [a.closed_answers.get(column, "") for a in answers]
    data["Answer"] = [a.text for a in answers]
    data["Top-level theme"] = [
        "Not relevant" if a.not_relevant else (a.top_theme_label or "No theme") for a in answers
    ]
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
    summary = _summary(view)
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
                "Each theme (sub-theme) under its top-level theme, how many answers it holds "
                "and its top terms.",
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


def _summary(view: ThemeSetView) -> pd.DataFrame:
    """One row per sub-theme, under its top-level theme, top-level themes in order."""
    tops = {top.id: top.label for top in view.top_themes}
    ordered = sorted(
        view.themes,
        key=lambda t: (
            next((i for i, top in enumerate(view.top_themes) if top.id == t.top_theme_id), 999),
            t.position,
        ),
    )
    return pd.DataFrame(
        {
            "Top-level theme": [tops.get(t.top_theme_id or 0, "None") for t in ordered],
            "Theme": [t.label for t in ordered],
            "Answers": [t.size for t in ordered],
            "Top terms": [", ".join(t.top_terms) for t in ordered],
        }
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
        f"{len(view.top_themes)} top-level themes and {len(view.themes)} sub-themes "
        f"({'approved' if view.status == APPROVED else 'draft'})."
    )
    report.table(
        _summary(view),
        "Top-level themes, their sub-themes and their size",
        row_header_column="Theme",
    )
    report.heading("Each theme", 2)
    by_id = {theme.id: theme for theme in view.themes}
    for top in view.top_themes:
        report.heading(f"{top.label} ({top.size} answers)", 3)
        report.paragraph("Top terms: " + (", ".join(top.top_terms) or "none"))
        report.paragraph("Typical answers:")
        report.bullet_list(top.representatives)
        for theme_id in top.theme_ids:
            theme = by_id[theme_id]
            report.heading(f"{theme.label} ({theme.size} answers)", 4)
            report.paragraph("Top terms: " + (", ".join(theme.top_terms) or "none"))
            report.paragraph("Typical answers:")
            report.bullet_list(theme.representatives)
    coded = coded_answers(db, actor, set_id)
    levels = (
        ("Top-level themes", [t.label for t in view.top_themes], True),
        ("Sub-themes", [t.label for t in view.themes], False),
    )
    if survey.closed_questions:
        report.heading("Read across", 2)
        report.paragraph(SUPPRESSED_NOTE)
        for closed in survey.closed_questions:
            for level, labels, by_top in levels:
                across = _read_across(coded, labels, closed.column_name, top=by_top)
                report.heading(f"{level} by {closed.column_name}", 3)
                report.table(
                    across.wide_table(),
                    f"Answers in each of the {level.lower()} by {closed.column_name}: count "
                    "(percentage of the group's answers)",
                    row_header_column="Theme",
                )
    return report.render()


def file_stem(db: Database, actor: Actor, set_id: int) -> str:
    survey, question = _set_context(db, actor, set_id)
    text = f"{survey.title} {question.column_name}".lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "survey"
