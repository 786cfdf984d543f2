"""The sections of the strategy's progress report, each made by a plain function from the data.

Every builder takes what one service returns (loaded as the acting person by
``services/progress_report.py``) and the report's period, and returns a
:class:`ue_core.progress_report.Section`: headline sentences, the table as shown and a chart of
it. They never read the database, so each is tested with data made up in the test. Figures
about teams keep their disclosure control: ``[c]`` where fewer than 5 teams are behind them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import pandas as pd

from ue_core.champion_chats import add_months, month_label
from ue_core.commitment_themes import CommitmentStatus
from ue_core.disclosure import (
    SUPPRESSED,
    Aggregate,
    is_disclosive,
    mean_over_teams,
    suppress_counts,
)
from ue_core.progress_report import CountChart, ReportPeriod, Section, shown
from ue_core.scoring import level_for_score
from ue_core.services.champion_chats import PastRound
from ue_core.services.champion_terms import TermView
from ue_core.services.champion_updates import CategoryCount
from ue_core.services.commitments import CommitmentsProgress
from ue_core.services.forums import ActiveForums
from ue_core.services.requests.hub_reports import DeskReport
from ue_core.vocabulary import ChatRoundState

MOVEMENT = ("Moved up a level", "Same level", "Moved down a level")


@dataclass(frozen=True)
class SubmittedAssessment:
    """A submitted assessment's principle scores, and when and in which round it came."""

    team_id: int
    organisation_id: int
    round_order: int  # 0 for the oldest round
    submitted_on: date | None
    principles: Mapping[str, Fraction]


@dataclass(frozen=True)
class MaturityFacts:
    """Every submitted assessment, and the current framework's principles (key, title)."""

    principles: tuple[tuple[str, str], ...]
    assessments: tuple[SubmittedAssessment, ...]


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _number(aggregate: Aggregate) -> float | str:
    if aggregate.value is None:
        return aggregate.display(str)
    return round(aggregate.value, 1) + 0.0  # never "-0.0"


# --- Self-assessments and maturity -----------------------------------------------------------


def _comparisons(
    facts: MaturityFacts, period: ReportPeriod
) -> tuple[list[SubmittedAssessment], list[tuple[SubmittedAssessment, SubmittedAssessment]]]:
    """The assessments submitted in the period, and for each team the latest of them with the
    team's latest submitted assessment from an earlier round (when it has one)."""
    done = [a for a in facts.assessments if a.submitted_on and period.contains(a.submitted_on)]
    latest: dict[int, SubmittedAssessment] = {}
    for item in sorted(done, key=lambda a: (a.round_order, a.submitted_on or date.min)):
        latest[item.team_id] = item
    pairs = []
    for team_id, now in latest.items():
        earlier = [
            a for a in facts.assessments if a.team_id == team_id and a.round_order < now.round_order
        ]
        if earlier:
            pairs.append((max(earlier, key=lambda a: a.round_order), now))
    return done, pairs


def maturity_section(facts: MaturityFacts, period: ReportPeriod) -> Section:
    """Self-assessments submitted in the period and, per principle, how many teams moved up
    or down a maturity level since their assessment of an earlier round."""
    done, pairs = _comparisons(facts, period)
    teams = {a.team_id for a in done}
    rows: list[dict[str, object]] = []
    chart_rows: list[tuple[str, tuple[int | None, ...]]] = []
    for key, title in facts.principles:
        moves = [
            (before.principles[key], now.principles[key])
            for before, now in pairs
            if key in before.principles and key in now.principles
        ]
        steps = [level_for_score(now) - level_for_score(before) for before, now in moves]
        counts = suppress_counts(
            {
                MOVEMENT[0]: sum(1 for s in steps if s > 0),
                MOVEMENT[1]: sum(1 for s in steps if s == 0),
                MOVEMENT[2]: sum(1 for s in steps if s < 0),
            }
        )
        change = mean_over_teams(now - before for before, now in moves)
        rows.append(
            {
                "Principle": title,
                "Teams compared": len(moves),
                **{name: shown(counts[name]) for name in MOVEMENT},
                "Average change in score": _number(change),
            }
        )
        chart_rows.append((title, tuple(counts[name] for name in MOVEMENT)))
    if is_disclosive(len(teams)):
        headline = (
            f"Fewer than 5 teams submitted a self-assessment, so the figures are {SUPPRESSED}."
        )
    else:
        organisations = len({a.organisation_id for a in done})
        headline = (
            f"{_plural(len(done), 'self-assessment')} submitted by {_plural(len(teams), 'team')} "
            f"in {_plural(organisations, 'organisation')}."
        )
    compared = (
        f"{_plural(len(pairs), 'team')} had an assessment from an earlier round to compare with."
    )
    description = (
        "A bar chart of how many teams moved up a maturity level, stayed at the same level or "
        "moved down, on each principle, comparing each team's latest assessment submitted in "
        "the period with its assessment of the round before. The average change is in score "
        f"points (1 Beginning to 5 Mastering). {SUPPRESSED} marks figures from fewer than 5 teams."
    )
    return Section(
        key="maturity",
        title="Self-assessments and maturity",
        summary=(headline, compared),
        description=description,
        table=pd.DataFrame(rows, dtype=object),
        chart=CountChart(
            "Teams moving between maturity levels, by principle",
            description,
            "Principle",
            "Teams",
            MOVEMENT,
            tuple(chart_rows),
        ),
        suppressed=True,
    )


# --- Support requests ------------------------------------------------------------------------


def support_section(report: DeskReport, period: ReportPeriod) -> Section:
    """Requests for help the hub received in the period, by kind, as the desk reports count
    them (``ue_core.desk_figures``, with its disclosure control)."""
    figures = report.figures
    counts = {report.kind_labels.get(k, k): v for k, v in figures.by_kind.items()}
    total = "" if figures.total is None else f"{figures.total:,}"
    summary = (
        f"Teams sent the hub {total or SUPPRESSED} requests for help.",
        f"The median time to a first response was {figures.median_first_response.display()} "
        f"working days, and to resolution {figures.median_resolution.display()}.",
        f"Teams rated the help with resolved requests {figures.mean_rating.display()} out of "
        "5 on average.",
    )
    description = (
        "A bar chart of the requests for help sent in the period, by the kind of help asked "
        f"for. {SUPPRESSED} marks figures from the requests of fewer than 5 teams."
    )
    return Section(
        key="support",
        title="Support requests",
        summary=summary,
        description=description,
        table=pd.DataFrame(
            {"Kind of help": list(counts), "Requests": [shown(v) for v in counts.values()]},
            dtype=object,
        ),
        chart=CountChart(
            "Requests for help by kind",
            description,
            "Kind of help",
            "Requests",
            ("Requests",),
            tuple((name, (count,)) for name, count in counts.items()),
        ),
        suppressed=True,
    )


# --- Champion Chats --------------------------------------------------------------------------


def chats_section(history: Sequence[PastRound], period: ReportPeriod) -> Section:
    """The published months of Champion Chats in the period: groups and champions taking part."""
    months = set(period.months())
    held = sorted(
        (r for r in history if r.state is ChatRoundState.PUBLISHED and r.month in months),
        key=lambda r: r.month,
    )
    groups = sum(r.groups for r in held)
    places = sum(r.champions for r in held)
    summary = [
        f"{_plural(groups, 'Champion Chat')} held in {_plural(len(held), 'month')}, "
        f"with {_plural(places, 'place')} taken by champions."
    ]
    if held:
        summary.append(
            f"On average {places / len(held):.0f} champions took part each month; "
            f"{_plural(sum(r.repeat_pairs for r in held), 'pair')} of champions met again."
        )
    description = (
        "A bar chart of the champions taking part in each month's Champion Chats and the "
        "number of Chats (groups of three to five) held; months not drawn or not published "
        "are left out."
    )
    return Section(
        key="champion_chats",
        title="Champion Chats",
        summary=tuple(summary),
        description=description,
        table=pd.DataFrame(
            {
                "Month": [r.label for r in held],
                "Chats held": [r.groups for r in held],
                "Champions taking part": [r.champions for r in held],
                "Pairs who had met before": [r.repeat_pairs for r in held],
            },
            dtype=object,
        ),
        chart=CountChart(
            "Champions taking part in Champion Chats, by month",
            description,
            "Month",
            "Champions or Chats",
            ("Champions taking part", "Chats held"),
            tuple((r.label, (r.champions, r.groups)) for r in held),
        ),
    )


# --- Champion updates ------------------------------------------------------------------------


def updates_section(counts: Sequence[CategoryCount], period: ReportPeriod) -> Section:
    """What champions said their organisations did after their Chats, by category."""
    used = [c for c in counts if c.updates]
    organisations = sorted({name for c in counts for name in c.organisations})
    summary = [
        "Champions' monthly updates named "
        f"{_plural(sum(c.updates for c in counts), 'category', 'categories')} of work in all, "
        f"from {_plural(len(organisations), 'organisation')}."
    ]
    if used:
        top = max(used, key=lambda c: (c.updates, -counts.index(c)))
        summary.append(f"The most common was \u201c{top.label}\u201d ({top.updates}).")
    description = (
        "A bar chart of how many champions' monthly updates named each category of work, and "
        "how many organisations they came from; an update can name several categories."
    )
    return Section(
        key="champion_updates",
        title="Champion updates after their Chats",
        summary=tuple(summary),
        description=description,
        table=pd.DataFrame(
            {
                "Category": [c.label for c in counts],
                "Updates": [c.updates for c in counts],
                "Organisations": [len(c.organisations) for c in counts],
                "Which organisations": ["; ".join(c.organisations) for c in counts],
            },
            dtype=object,
        ),
        chart=CountChart(
            "Champions' updates by category",
            description,
            "Category",
            "Updates or organisations",
            ("Updates", "Organisations"),
            tuple((c.label, (c.updates, len(c.organisations))) for c in counts),
        ),
    )


# --- Forums ----------------------------------------------------------------------------------


def forums_section(active: ActiveForums, period: ReportPeriod) -> Section:
    """The theme-based user groups and forums active in the period, by theme."""
    by_theme: dict[str, int] = {}
    for forum in active.forums:
        for label in forum.theme_labels:
            by_theme[label] = by_theme.get(label, 0) + 1
    themes = sorted(by_theme, key=lambda label: (-by_theme[label], label))
    organisations = {i for forum in active.forums for i in forum.organisation_ids}
    summary = [
        f"{_plural(active.count, 'user forum')} active in the period, with "
        f"{_plural(len(organisations), 'organisation')} taking part."
    ]
    if themes:
        summary.append(f"The theme most covered was {themes[0].lower()} ({by_theme[themes[0]]}).")
    description = (
        "A bar chart of how many active user forums cover each theme; a forum can cover "
        "several themes."
    )
    return Section(
        key="forums",
        title="Theme-based user forums",
        summary=tuple(summary),
        description=description,
        table=pd.DataFrame(
            {
                "Forum": [f.name for f in active.forums],
                "Themes": ["; ".join(f.theme_labels) for f in active.forums],
                "Host": [f.host for f in active.forums],
                "Organisations taking part": [len(f.organisation_ids) for f in active.forums],
                "Last met": [f.last_met.isoformat() if f.last_met else "" for f in active.forums],
                "Status": [f.status.label for f in active.forums],
            },
            dtype=object,
        ),
        chart=CountChart(
            "Active user forums by theme",
            description,
            "Theme",
            "Forums",
            ("Forums",),
            tuple((label, (by_theme[label],)) for label in themes),
        ),
    )


# --- Commitments -----------------------------------------------------------------------------


def commitments_section(progress: CommitmentsProgress, period: ReportPeriod) -> Section:
    """Organisations' commitments to the strategy and their planned actions by theme and
    status, as they stand on the day the report is made."""
    statuses = tuple(CommitmentStatus)
    rows: list[dict[str, object]] = []
    for key, by_status in progress.by_theme.items():
        row: dict[str, object] = {"Theme": progress.themes.label(key)}
        row.update({status.label: by_status.get(status, 0) for status in statuses})
        row["Overdue"] = progress.overdue_by_theme.get(key, 0)
        row["All actions"] = sum(by_status.values())
        rows.append(row)
    totals = {s: sum(b.get(s, 0) for b in progress.by_theme.values()) for s in statuses}
    without = [o.organisation_name for o in progress.without_commitment]
    summary = [
        f"{progress.with_commitment:,} of {_plural(len(progress.organisations), 'organisation')} "
        "have written a commitment to the strategy.",
        f"They plan {_plural(sum(totals.values()), 'action')}: "
        + ", ".join(f"{totals[s]:,} {s.label.lower()}" for s in statuses)
        + f"; {progress.overdue:,} overdue.",
    ]
    if without:
        summary.append("No commitment yet: " + ", ".join(without) + ".")
    description = (
        "A bar chart of the organisations' planned actions under each theme of the strategy, "
        "by where they stand (planned, in progress, done or dropped) on the day the report was "
        "made; an overdue action is past its due date and neither done nor dropped."
    )
    return Section(
        key="commitments",
        title="Organisations' commitments",
        summary=tuple(summary),
        description=description,
        table=pd.DataFrame(rows, dtype=object),
        chart=CountChart(
            "Planned actions by theme and status",
            description,
            "Theme",
            "Actions",
            tuple(s.label for s in statuses),
            tuple(
                (progress.themes.label(k), tuple(b.get(s, 0) for s in statuses))
                for k, b in progress.by_theme.items()
            ),
        ),
    )


# --- Champions in post -----------------------------------------------------------------------


def _in_post(terms: Sequence[TermView], day: date) -> list[TermView]:
    return [t for t in terms if t.started_on <= day and (t.ended_on is None or t.ended_on > day)]


def champions_section(terms: Sequence[TermView], period: ReportPeriod) -> Section:
    """Champions in post at the end of each month of the period, and who started or stood down."""
    ends = [min(add_months(m, 1) - timedelta(days=1), period.end) for m in period.months()]
    rows = []
    for month_end in ends:
        current = _in_post(terms, month_end)
        rows.append(
            (
                month_label(month_end),
                len({t.user_id for t in current}),
                len({t.organisation_id for t in current}),
            )
        )
    at_end = _in_post(terms, period.end)
    started = sum(1 for t in terms if period.contains(t.started_on))
    ended = sum(1 for t in terms if t.ended_on is not None and period.contains(t.ended_on))
    summary = (
        f"{_plural(len({t.user_id for t in at_end}), 'champion')} in post in "
        f"{_plural(len({t.organisation_id for t in at_end}), 'organisation')} at the end of "
        "the period.",
        f"{_plural(started, 'champion')} started and {ended:,} stood down during the period.",
    )
    description = (
        "A bar chart of the user engagement champions in post at the end of each month of the "
        "period (or its last day), and how many organisations they represent."
    )
    return Section(
        key="champions",
        title="Champions in post",
        summary=summary,
        description=description,
        table=pd.DataFrame(
            rows, columns=["Month end", "Champions in post", "Organisations with a champion"]
        ).astype(object),
        chart=CountChart(
            "Champions in post at the end of each month",
            description,
            "Month end",
            "Champions or organisations",
            ("Champions in post", "Organisations with a champion"),
            tuple((label, (people, organisations)) for label, people, organisations in rows),
        ),
    )
