"""The downloads of an assessment and its action plan: HTML report, ODS, XLSX and CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd

from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.io.html_report import HtmlReport
from ue_core.io.safe_csv import to_csv_bytes
from ue_core.io.spreadsheet import Table, Workbook, to_ods, to_xlsx
from ue_core.services.reports import (
    AUTHOR,
    NOTE_ACTIONS,
    NOTE_INDIVIDUAL,
    NOTE_NOT_APPLICABLE,
    NOTE_SCORES,
    NOTE_STALE,
    NOTE_SUGGESTED,
    PUBLISHER,
    _contact_text,
    _submitted_text,
    actions_frame,
    individual_frame,
    practices_frame,
    projection_chart,
    projection_description,
    projection_frame,
    report_data,
    scores_chart,
    scores_frame,
)
from ue_core.timefmt import format_date

#: A function that makes one download of an assessment: (db, actor, assessment id, today).
ReportMaker = Callable[[Database, Actor, int, date], bytes | str]


def assessment_workbook(db: Database, actor: Actor, assessment_id: int, today: date) -> Workbook:
    """The assessment as an accessible workbook: cover, notes, scores, practices, individual
    ratings (when they may be shown) and actions (when there are any)."""
    data = report_data(db, actor, assessment_id, today)
    ref = data.assessment
    tables = [
        Table(
            sheet_name="Scores",
            title=f"Principle scores and targets, {ref.team_name}, {ref.round_label}",
            dataframe=scores_frame(data),
            description=(
                "Each principle's score, level, target level, where the target comes from and "
                "the gap to target, then the overall score. " + data.figures.target_sentence()
            ),
            notes=[NOTE_SCORES[0], NOTE_SUGGESTED[0]],
        ),
        Table(
            sheet_name="Practices",
            title=f"Agreed levels and evidence by practice, {ref.team_name}, {ref.round_label}",
            dataframe=practices_frame(data),
            description="The team's agreed level for each practice, with its evidence.",
            notes=[NOTE_STALE[0], NOTE_NOT_APPLICABLE[0]],
        ),
    ]
    contents = [
        "Notes: the notes that apply to the tables.",
        "Scores: principle scores, levels, targets and gaps.",
        "Practices: the agreed level and evidence for each practice.",
    ]
    notes = [NOTE_SCORES, NOTE_STALE, NOTE_NOT_APPLICABLE]
    if data.individual:
        notes.append(NOTE_INDIVIDUAL)
        tables.append(
            Table(
                sheet_name="Individual_ratings",
                title=f"Individual ratings by team member, {ref.team_name}, {ref.round_label}",
                dataframe=individual_frame(data.individual),
                description="Each team member's own level for each practice they rated.",
                notes=[NOTE_INDIVIDUAL[0]],
            )
        )
        contents.append("Individual_ratings: each team member's own ratings.")
    elif data.individual is None:
        contents.append(
            "Individual ratings are not included: they are shown once the assessment is submitted."
        )
    if data.actions:
        notes.append(NOTE_ACTIONS)
        tables.append(
            Table(
                sheet_name="Actions",
                title=f"Action plan, {ref.team_name}, {ref.round_label}",
                dataframe=actions_frame(data.actions, today),
                description="The team's actions, overdue actions first.",
                notes=[NOTE_ACTIONS[0]],
            )
        )
        tables.append(
            Table(
                sheet_name="Projection",
                title=f"Current and projected principle scores, {ref.team_name}",
                dataframe=projection_frame(data),
                description=(
                    "Each principle's current score, the score it would reach if every action "
                    "reached its intended level, its target level and where the target comes "
                    "from."
                ),
                notes=[NOTE_SCORES[0], NOTE_ACTIONS[0], NOTE_SUGGESTED[0]],
            )
        )
        contents.append("Actions: the team's action plan, overdue actions first.")
        contents.append("Projection: current and projected principle scores and targets.")
    else:
        contents.append("The team has no actions in its action plan yet.")
    notes.append(NOTE_SUGGESTED)  # notes in number order
    cover = [
        (
            "About this workbook",
            f"The {ref.team_name} team's user engagement self-assessment for the "
            f"{ref.round_label} round, made on {format_date(today)}.",
        ),
        ("Team", ref.team_name),
        ("Organisation", ref.organisation_name or "Not recorded"),
        ("Round", ref.round_label),
        ("Status", ref.status_label),
        ("Submitted", _submitted_text(ref)),
        ("What this workbook contains", " ".join(contents)),
        (
            "About the framework",
            f"{ref.framework_title}, edition {ref.framework_edition}. "
            + (
                ref.framework_about
                or "This is the USER hub workbench's own framework, not an official scale."
            ),
        ),
        ("Contact", _contact_text(data)),
    ]
    return Workbook(
        title=data.title,
        cover=cover,
        notes=notes,
        tables=tables,
        author=AUTHOR,
        organisation=PUBLISHER,
        subject=f"User engagement maturity self-assessment, {ref.team_name}",
        keywords=("user engagement", "self-assessment", "official statistics"),
    )


def assessment_ods(db: Database, actor: Actor, assessment_id: int, today: date) -> bytes:
    return to_ods(assessment_workbook(db, actor, assessment_id, today))


def assessment_xlsx(db: Database, actor: Actor, assessment_id: int, today: date) -> bytes:
    return to_xlsx(assessment_workbook(db, actor, assessment_id, today))


def assessment_csv(db: Database, actor: Actor, assessment_id: int, today: date) -> bytes:
    """The practices table as formula-safe CSV."""
    return to_csv_bytes(practices_frame(report_data(db, actor, assessment_id, today)))


def scores_csv(db: Database, actor: Actor, assessment_id: int, today: date) -> bytes:
    """The scores against targets table (the Results screen's own) as formula-safe CSV."""
    return to_csv_bytes(scores_frame(report_data(db, actor, assessment_id, today)))


def action_plan_csv(db: Database, actor: Actor, assessment_id: int, today: date) -> bytes:
    """The action plan as formula-safe CSV, overdue actions first."""
    data = report_data(db, actor, assessment_id, today)
    return to_csv_bytes(actions_frame(data.actions, today))


def action_plan_workbook(db: Database, actor: Actor, assessment_id: int, today: date) -> Workbook:
    """The action plan and the projected scores as an accessible workbook."""
    data = report_data(db, actor, assessment_id, today)
    ref = data.assessment
    actions = actions_frame(data.actions, today)
    if actions.empty:
        actions = pd.DataFrame({"Action plan": ["The team has no actions in its action plan yet."]})
    return Workbook(
        title=f"Action plan: {ref.team_name}, {ref.round_label}",
        cover=[
            (
                "About this workbook",
                f"The {ref.team_name} team's user engagement action plan for the "
                f"{ref.round_label} round, made on {format_date(today)}.",
            ),
            ("Organisation", ref.organisation_name or "Not recorded"),
            ("Status of the assessment", ref.status_label),
            (
                "What this workbook contains",
                "Notes: the notes that apply to the tables. Actions: the team's actions, "
                "overdue actions first. Projection: current and projected principle scores "
                "and targets.",
            ),
            ("Contact", _contact_text(data)),
        ],
        notes=[NOTE_SCORES, NOTE_ACTIONS, NOTE_SUGGESTED],
        tables=[
            Table(
                sheet_name="Actions",
                title=f"Action plan, {ref.team_name}, {ref.round_label}",
                dataframe=actions,
                description="The team's actions, overdue actions first.",
                notes=[NOTE_ACTIONS[0]],
            ),
            Table(
                sheet_name="Projection",
                title=f"Current and projected principle scores, {ref.team_name}",
                dataframe=projection_frame(data),
                description=(
                    "Each principle's current score, the score it would reach if every action "
                    "reached its intended level, its target level and where the target comes "
                    "from."
                ),
                notes=[NOTE_SCORES[0], NOTE_ACTIONS[0], NOTE_SUGGESTED[0]],
            ),
        ],
        author=AUTHOR,
        organisation=PUBLISHER,
        keywords=("user engagement", "action plan", "official statistics"),
    )


def action_plan_ods(db: Database, actor: Actor, assessment_id: int, today: date) -> bytes:
    return to_ods(action_plan_workbook(db, actor, assessment_id, today))


def assessment_report_html(db: Database, actor: Actor, assessment_id: int, today: date) -> str:
    """An accessible, printable HTML report of the assessment."""
    data = report_data(db, actor, assessment_id, today)
    ref = data.assessment
    report = HtmlReport(data.title, decimals=1)

    report.heading("About this report")
    report.definition_list(
        [
            ("Team", ref.team_name),
            ("Organisation", ref.organisation_name or "Not recorded"),
            ("Round", ref.round_label),
            ("Status", ref.status_label),
            ("Submitted", _submitted_text(ref)),
            ("Report made on", format_date(today)),
        ]
    )
    report.paragraph(
        f"This report uses the {ref.framework_title} (edition {ref.framework_edition}). "
        + ref.framework_about
    )

    report.heading("Summary")
    report.bullet_list(data.results.summary)

    report.heading("Scores by principle")
    scores_title = f"Principle scores and targets, {ref.team_name}, {ref.round_label}"
    report.figure(
        data.figures.description(),
        scores_frame(data),
        scores_title,
        scores_chart(data.figures, scores_title),
    )
    report.paragraph(NOTE_SUGGESTED[1])
    report.heading("How scores work", 3)
    for _note_id, text in (NOTE_SCORES, NOTE_STALE, NOTE_NOT_APPLICABLE):
        report.paragraph(text)

    report.heading("Practices")
    frame = practices_frame(data)
    for principle_title in dict.fromkeys(p.principle_title for p in data.practices):
        report.heading(principle_title, 3)
        part = frame[frame["Principle"] == principle_title].drop(columns=["Principle"])
        report.table(
            part.reset_index(drop=True),
            f"Agreed levels and evidence: {principle_title}",
            row_header_column="Practice",
        )

    report.heading("Action plan")
    if data.actions:
        overdue = [a for a in data.actions if a.is_overdue(today)]
        report.paragraph(
            f"The plan has {len(data.actions)} action{'s' if len(data.actions) != 1 else ''}"
            + (f", of which {len(overdue)} overdue." if overdue else ", none overdue.")
            + " "
            + NOTE_ACTIONS[1]
        )
        report.table(actions_frame(data.actions, today), "Actions, overdue actions first")
        projection_title = "Current and projected principle scores"
        report.figure(
            projection_description(data),
            projection_frame(data),
            projection_title,
            projection_chart(data, projection_title),
        )
    else:
        report.paragraph("The team has no actions in its action plan yet.")

    if data.individual:
        report.heading("Individual ratings")
        report.paragraph(NOTE_INDIVIDUAL[1])
        report.table(individual_frame(data.individual), "Individual ratings by team member")

    report.heading("Contact")
    report.paragraph(_contact_text(data))
    return report.render()
