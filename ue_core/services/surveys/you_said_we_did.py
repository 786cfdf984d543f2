"""You said, we did: what the hub did about each theme, and the log's downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    SurveyQuestion,
    Theme,
    ThemeAction,
    ThemeSet,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.io.html_report import HtmlReport
from ue_core.io.spreadsheet import Table, Workbook, to_ods
from ue_core.services.surveys.views import get_survey
from ue_core.timefmt import format_date
from ue_core.vocabulary import ACTION_STATUS_LABELS

MAX_ACTION: Final = 2_000


@dataclass(frozen=True)
class ThemeActionView:
    id: int
    theme_id: int
    theme_label: str
    question: str
    action: str
    status: str
    published_on: date | None
    version: int

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS.get(self.status, self.status)


def _clean_action(action: str, status: str) -> str:
    cleaned = action.strip()
    if not cleaned:
        raise InputError("Say what the hub did or will do about this theme.")
    if len(cleaned) > MAX_ACTION:
        raise InputError(f"The action must be {MAX_ACTION:,} characters or fewer.")
    if status not in ACTION_STATUS_LABELS:
        raise InputError("Choose a status: planned, in progress or done.")
    return cleaned


def _seen_action(session: Session, action_id: int, expected_version: int) -> ThemeAction:
    row = session.scalar(select(ThemeAction).where(ThemeAction.id == action_id).with_for_update())
    if row is None:
        raise NotFound("That action no longer exists. Reload the page.")
    if row.version != expected_version:
        raise ConflictError(
            "Someone else changed this action after you opened the page. The page now shows "
            "theirs; check it, then make your change again.",
            current={"Version": row.version, "action": row.action, "status": row.status},
        )
    return row


def add_theme_action(
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


def update_theme_action(
    db: Database,
    actor: Actor,
    action_id: int,
    action: str,
    status: str,
    published_on: date | None,
    *,
    expected_version: int,
) -> None:
    """Change an action; refused with ConflictError if it changed since ``expected_version``."""
    require(actor, Permission.ANALYSE_SURVEYS)
    cleaned = _clean_action(action, status)
    with db.transaction(locking=True) as session:
        row = _seen_action(session, action_id, expected_version)
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


def delete_theme_action(
    db: Database, actor: Actor, action_id: int, *, expected_version: int
) -> None:
    """Delete an action; refused with ConflictError if it changed since ``expected_version``."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.transaction(locking=True) as session:
        row = _seen_action(session, action_id, expected_version)
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


def action_log(db: Database, actor: Actor, survey_id: int) -> list[ThemeActionView]:
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
        ThemeActionView(
            a.id, a.theme_id, label, question, a.action, a.status, a.published_on, a.version
        )
        for a, label, question in rows
    ]


def _actions_frame(actions: list[ThemeActionView]) -> pd.DataFrame:
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
