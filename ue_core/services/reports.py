"""Downloads of a team's assessment: an HTML report, a spreadsheet (ODS and XLSX) and CSV files.

Everything is read from the database when asked for, through the same read model as the
Results screen (``results.results_of``): the scores, the targets that count (suggested targets
included, and marked as suggestions), the summary and the chart descriptions are the screen's
own, so a download always says what the screen says. Each function checks access first: the team's
members and lead, the organisation's champion and USER hub staff may download a team's results.

The spreadsheet follows the Analysis Function checklist through ``ue_core.io.spreadsheet``: a
cover sheet, a notes sheet and one table per sheet. The HTML report is one accessible,
printable page (``ue_core.io.html_report``). CSV files are formula-safe
(``ue_core.io.safe_csv``).

Individual ratings are kept with the submitted assessment: they are included once the
assessment is submitted, and before that only in the team lead's downloads (as on screen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import select

from ue_core.authz import Actor, can_see_individual_ratings
from ue_core.db.engine import Database
from ue_core.db.models import Membership, Rating, Role, User
from ue_core.io.svg_charts import BarRow, Series, SvgChart, bar_chart
from ue_core.palette import AF_CATEGORICAL
from ue_core.scoring import (
    LEVEL_NAMES,
    AssessmentScores,
    format_score,
    is_stale,
    project_scores,
    round_score,
)
from ue_core.services.actions import (
    ActionView,
    action_views,
    planned_levels,
    sort_actions,
)
from ue_core.services.assessment_reads import (
    AssessmentRef,
    PracticeAnswer,
    assessment_ref,
    practice_answers,
    visible_assessment,
)
from ue_core.services.results import ResultsView, results_of
from ue_core.services.scores_against_targets import ScoreFigures, TargetBasis
from ue_core.services.theme_evidence import evidence_in
from ue_core.theme_evidence import ThemeEvidence, export_cell
from ue_core.timefmt import format_datetime
from ue_core.vocabulary import EVIDENCE_STRENGTH_LABELS

AUTHOR = "USER hub user engagement workbench"


PUBLISHER = "USER hub (User Support and Engagement Resource)"


NOTE_SCORES = (
    "[note 1]",
    "Scores are worked out from the team's agreed levels (1 Beginning to 5 Mastering). A "
    "principle's score is the average level of its rated practices, and the overall score is "
    "the average of the principle scores, each principle counting the same. Scores are shown to "
    "one decimal place, halves rounded up; the level is the whole-number part of the score as "
    "shown. The gap is the target minus the score: a positive gap means the team is short of "
    "its target.",
)


NOTE_STALE = (
    "[note 2]",
    "Evidence dated more than 12 months before the date this file was made is marked as out of "
    "date. It still counts towards the score, but the team should check it is still true. A "
    "rated practice with no evidence date is marked as undated.",
)


NOTE_NOT_APPLICABLE = (
    "[note 3]",
    "A practice the team marked as not applicable has no level and is left out of the scores. "
    "The team's reason is in the Note column.",
)


NOTE_INDIVIDUAL = (
    "[note 4]",
    "Each team member rates every practice on their own before the team lead records the "
    "agreed level. These individual ratings are kept with the submitted assessment.",
)


NOTE_ACTIONS = (
    "[note 5]",
    "An action is overdue when its due date has passed and it is not done. The projected score "
    "is the score the team would reach if every action in the plan reached its intended level; "
    "a plan never lowers a practice's level.",
)


NOTE_SUGGESTED = (
    "[note 6]",
    "A target 'Suggested from the profile' is the level the workbench suggests from the team's "
    "answers about its statistics: how much public interest there is, how wide the range of "
    "users is and how often the statistics change. It counts as the team's target until the "
    "team sets a different level, with a reason, on the Results page. A target 'Set by the "
    "team' is one the team chose itself.",
)


@dataclass(frozen=True)
class IndividualRating:
    principle_title: str
    practice_title: str
    person: str
    level: int | None
    not_applicable: bool


@dataclass(frozen=True)
class ReportData:
    """Everything the downloads hold, read in one transaction and scored as of ``today``."""

    assessment: AssessmentRef
    results: ResultsView  # what the Results screen shows
    practices: list[PracticeAnswer]
    projected: AssessmentScores
    actions: list[ActionView]
    individual: list[IndividualRating] | None  # None when this person may not see them yet
    leads: list[str]
    today: date
    #: Survey themes the hub attached as evidence, by practice key (issue 14, item 5).
    theme_evidence: dict[str, list[ThemeEvidence]] = field(default_factory=dict)

    @property
    def scores(self) -> AssessmentScores:
        return self.results.scores

    @property
    def figures(self) -> ScoreFigures:
        return self.results.figures

    @property
    def targets(self) -> dict[str, int]:
        return {t.principle_key: t.level for t in self.results.targets if t.level is not None}

    @property
    def principle_titles(self) -> dict[str, str]:
        return dict(self.results.principle_titles)

    @property
    def title(self) -> str:
        ref = self.assessment
        return f"User engagement self-assessment: {ref.team_name}, {ref.round_label}"


def report_data(db: Database, actor: Actor, assessment_id: int, today: date) -> ReportData:
    """Read and score one assessment for download (access-checked)."""
    with db.read() as session:
        assessment = visible_assessment(session, actor, assessment_id)
        ref = assessment_ref(session, assessment)
        results = results_of(session, assessment, today)
        practices = practice_answers(session, assessment)
        actions = sort_actions(action_views(session, assessment.id), today)
        theme_evidence = evidence_in(session, assessment.id)
        may_see_individual = can_see_individual_ratings(
            actor, assessment.team_id, submitted=ref.is_submitted
        )
        individual: list[IndividualRating] | None = None
        if may_see_individual:
            by_id = {p.id: p for p in practices}
            order = {p.id: index for index, p in enumerate(practices)}
            rows = session.execute(
                select(Rating, User.display_name)
                .join(User, Rating.user_id == User.id)
                .where(Rating.assessment_id == assessment.id)
            ).all()
            rows = sorted(rows, key=lambda r: (order.get(r[0].practice_id, 0), r[1]))
            individual = [
                IndividualRating(
                    principle_title=by_id[rating.practice_id].principle_title,
                    practice_title=by_id[rating.practice_id].title,
                    person=name,
                    level=None if rating.not_applicable else rating.level,
                    not_applicable=rating.not_applicable,
                )
                for rating, name in rows
                if rating.practice_id in by_id
            ]
        leads = list(
            session.scalars(
                select(User.display_name)
                .join(Membership, Membership.user_id == User.id)
                .where(
                    Membership.team_id == assessment.team_id,
                    Membership.role == Role.LEAD.value,
                    User.is_active.is_(True),
                )
                .order_by(User.display_name)
            )
        )
    ratings = [p.rating() for p in practices]
    targets = {t.principle_key: t.level for t in results.targets if t.level is not None}
    return ReportData(
        assessment=ref,
        results=results,
        practices=practices,
        projected=project_scores(ratings, planned_levels(actions), as_of=today, targets=targets),
        actions=actions,
        individual=individual,
        leads=leads,
        today=today,
        theme_evidence=theme_evidence,
    )


def _score(value: float | None) -> float | None:
    return None if value is None else float(round_score(value))


def scores_frame(data: ReportData) -> pd.DataFrame:
    """One row per principle, then the overall score: the Results screen's own table."""
    return data.figures.table()


def projection_frame(data: ReportData) -> pd.DataFrame:
    """Current, projected and target score per principle."""
    titles = data.principle_titles
    rows = []
    for current in data.scores.principles:
        projected = data.projected.principle(current.principle_key)
        rows.append(
            {
                "Principle": titles.get(current.principle_key, current.principle_key),
                "Current score": _score(current.score),
                "Projected score": _score(projected.score),
                "Target level": current.target,
                "Target source": None
                if current.target is None
                else data.figures.principle(current.principle_key).target_basis.value,
            }
        )
    return pd.DataFrame(rows).astype({"Target level": "Int64"})


def _evidence_check(practice: PracticeAnswer, today: date) -> str | None:
    if practice.level is None:
        return None
    if practice.evidence_date is None:
        return "Undated"
    return "Out of date" if is_stale(practice.evidence_date, today) else "Current"


def practices_frame(data: ReportData) -> pd.DataFrame:
    """One row per practice: the agreed level and its evidence."""
    rows = [
        {
            "Principle": p.principle_title,
            "Practice": p.title,
            "Agreed level": p.level,
            "Level name": LEVEL_NAMES[p.level] if p.level is not None else None,
            "Not applicable": "Yes" if p.not_applicable else "No",
            "Evidence": p.evidence,
            "Evidence date": p.evidence_date,
            "Evidence strength": EVIDENCE_STRENGTH_LABELS.get(p.evidence_strength or ""),
            "Evidence check": _evidence_check(p, data.today),
            "Evidence from surveys": export_cell(data.theme_evidence.get(p.key, [])),
            "Note": p.note,
        }
        for p in data.practices
    ]
    return pd.DataFrame(rows).astype({"Agreed level": "Int64"})


def individual_frame(ratings: list[IndividualRating]) -> pd.DataFrame:
    rows = [
        {
            "Principle": r.principle_title,
            "Practice": r.practice_title,
            "Person": r.person,
            "Level": r.level,
            "Not applicable": "Yes" if r.not_applicable else "No",
        }
        for r in ratings
    ]
    columns = ["Principle", "Practice", "Person", "Level", "Not applicable"]
    return pd.DataFrame(rows, columns=columns).astype({"Level": "Int64"})


def actions_frame(actions: list[ActionView], today: date) -> pd.DataFrame:
    """The action plan, overdue actions first."""
    rows = [
        {
            "Overdue": "Yes" if a.is_overdue(today) else "No",
            "Principle": a.principle_title,
            "Practice": a.practice_title,
            "Action": a.description,
            "Owner": a.owner,
            "Due date": a.due_on,
            "Status": a.status_label,
            "Intended level": a.intended_level,
        }
        for a in actions
    ]
    columns = [
        "Overdue",
        "Principle",
        "Practice",
        "Action",
        "Owner",
        "Due date",
        "Status",
        "Intended level",
    ]
    return pd.DataFrame(rows, columns=columns).astype({"Intended level": "Int64"})


def _submitted_text(ref: AssessmentRef) -> str:
    if not ref.is_submitted:
        return "Not submitted yet: this is a draft and its answers may still change."
    who = ref.submitted_by or "a former team member"
    return f"Submitted by {who} on {format_datetime(ref.submitted_at)} (UK time)."


def _contact_text(data: ReportData) -> str:
    leads = ", ".join(data.leads)
    team = f"For questions about these ratings, contact the team lead ({leads}). " if leads else ""
    return (
        f"{team}For help with user engagement, use 'Ask the hub for help' in the workbench to "
        "contact the USER hub."
    )


LEVEL_TICKS = {level: name for level, name in LEVEL_NAMES.items() if 1 <= level <= 5}


SCORE_AXIS = "Score (1 Beginning to 5 Mastering)"


def scores_chart(figures: ScoreFigures, title: str) -> SvgChart:
    """The principle scores with each target marked, as inline SVG."""
    return bar_chart(
        chart_id="scores-chart",
        title=title,
        description=figures.description(),
        rows=[
            BarRow(
                p.title,
                (None if p.score is None else float(p.score),),
                p.label,
                marker=p.target,
            )
            for p in figures.principles
        ],
        axis_title=SCORE_AXIS,
        tick_labels=LEVEL_TICKS,
        marker_name="Target level",
    )


def projection_chart(data: ReportData, title: str) -> SvgChart:
    """Current and projected principle scores with each target marked, as inline SVG."""
    rows = []
    for current in data.figures.principles:
        projected = data.projected.principle(current.principle_key)
        shown = None if projected.score is None else round_score(projected.score)
        text = f"{current.score or 'No score'} now, {shown or 'no score'} with the plan"
        if current.target is not None:
            suggested = current.target_basis is TargetBasis.SUGGESTED
            text += f" (target {current.target}{', suggested' if suggested else ''})"
        rows.append(
            BarRow(
                current.title,
                (
                    None if current.score is None else float(current.score),
                    None if shown is None else float(shown),
                ),
                text,
                marker=current.target,
            )
        )
    return bar_chart(
        chart_id="projection-chart",
        title=title,
        description=projection_description(data),
        rows=rows,
        series=(
            Series("Current score", AF_CATEGORICAL[0]),
            Series("Projected score", AF_CATEGORICAL[1]),
        ),
        axis_title=SCORE_AXIS,
        tick_labels=LEVEL_TICKS,
        marker_name="Target level",
    )


def projection_description(data: ReportData) -> str:
    titles = data.principle_titles
    rises = []
    for current in data.scores.principles:
        projected = data.projected.principle(current.principle_key)
        if current.score is not None and projected.score is not None:
            change = round_score(projected.score) - round_score(current.score)
            if change > 0:
                name = titles.get(current.principle_key, current.principle_key)
                rises.append(
                    f"{name} from {format_score(current.score)} to {format_score(projected.score)}"
                )
    lead = (
        "A bar chart comparing each principle's current score with the score it would reach "
        "if every action reached its intended level, with the target level marked."
    )
    if not rises:
        return f"{lead} The actions do not raise any principle's score."
    return f"{lead} The plan would raise " + "; ".join(rises) + "."


def export_name(db: Database, actor: Actor, assessment_id: int) -> str:
    """A file name stem such as ``housing-statistics-2025-to-2026`` (access-checked)."""
    with db.read() as session:
        ref = assessment_ref(session, visible_assessment(session, actor, assessment_id))
    return slug(f"{ref.team_name} {ref.round_label}")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "assessment"
