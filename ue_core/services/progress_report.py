"""The strategy's progress report for hub staff (``VIEW_PROGRESS_REPORT``): the sections for a
period, and the report as HTML and ODS.

The report is the list :data:`SECTIONS`. Each entry says where a section's data comes from (a
service called as the acting person, so every figure is one the person may see anyway) and
which plain function of ``services/progress_sections.py`` turns it into a section. Adding a
section is one builder there and one entry here, for example::

    SectionSource(
        lambda db, actor, period, today: updates_by_category(db, actor, period.start, period.end),
        progress_sections.updates_section,
    ),
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import Assessment, Round, Team
from ue_core.progress_report import (
    ProgressReport,
    ReportPeriod,
    Section,
    report_html,
    report_ods,
)
from ue_core.service_levels import uk_date
from ue_core.services import progress_sections
from ue_core.services._scores_read import _principles, _submitted_scores
from ue_core.services.champion_chats import chat_history
from ue_core.services.champion_terms import champion_history
from ue_core.services.champion_updates import updates_by_category
from ue_core.services.commitments import commitments_progress
from ue_core.services.fingerprints import FingerprintCache, database_key, organisations_version
from ue_core.services.forums import active_forums
from ue_core.services.progress_sections import MaturityFacts, SubmittedAssessment
from ue_core.services.reports import AUTHOR, PUBLISHER
from ue_core.services.requests.hub_reports import DeskFilters, desk_report

T = TypeVar("T")


@dataclass(frozen=True)
class SectionSource(Generic[T]):
    """A section of the report: ``load`` its data as the acting person, then ``build`` it."""

    load: Callable[[Database, Actor, ReportPeriod, date], T]
    build: Callable[[T, ReportPeriod], Section]

    def section(self, db: Database, actor: Actor, period: ReportPeriod, today: date) -> Section:
        return self.build(self.load(db, actor, period, today), period)


def _maturity_facts(db: Database, actor: Actor, period: ReportPeriod, today: date) -> MaturityFacts:
    """Every submitted assessment's principle scores (as ``oversight`` works them out), with
    its team's organisation, its round's place in time and the day it was submitted."""
    require(actor, Permission.VIEW_PROGRESS_REPORT)
    with db.read() as session:
        # The same for every reader (hub staff see every score): kept by the data's fingerprint.
        key = (*database_key(db), organisations_version(session, today))
        cached: MaturityFacts | None = _MATURITY_FACTS.get(key)
        if cached is None:
            cached = _load_maturity_facts(session)
            _MATURITY_FACTS.put(key, cached)
        return cached


_MATURITY_FACTS = FingerprintCache()


def _load_maturity_facts(session: Session) -> MaturityFacts:
    rounds = session.scalars(select(Round.id).order_by(Round.starts_on, Round.id))
    order = {round_id: index for index, round_id in enumerate(rounds)}
    facts: dict[int, tuple[int, date | None]] = {
        assessment_id: (organisation_id, submitted_at and uk_date(submitted_at))
        for assessment_id, organisation_id, submitted_at in session.execute(
            select(Assessment.id, Team.organisation_id, Assessment.submitted_at).join(
                Team, Team.id == Assessment.team_id
            )
        )
    }
    scores = _submitted_scores(session)
    principles = tuple((p.key, p.title) for p in _principles(session))
    assessments = tuple(
        SubmittedAssessment(
            team_id=s.team_id,
            organisation_id=facts[s.assessment_id][0],
            round_order=order[s.round_id],
            submitted_on=facts[s.assessment_id][1],
            principles=s.principles,
        )
        for s in scores
    )
    return MaturityFacts(principles, assessments)


#: The report's sections, in order.
SECTIONS: Final[tuple[SectionSource[Any], ...]] = (
    SectionSource(_maturity_facts, progress_sections.maturity_section),
    SectionSource(
        lambda db, actor, period, today: desk_report(
            db, actor, DeskFilters(period.start, period.end), today
        ),
        progress_sections.support_section,
    ),
    SectionSource(
        lambda db, actor, period, today: chat_history(db, actor),
        progress_sections.chats_section,
    ),
    SectionSource(
        lambda db, actor, period, today: updates_by_category(db, actor, period.start, period.end),
        progress_sections.updates_section,
    ),
    SectionSource(
        lambda db, actor, period, today: active_forums(db, actor, period.start, period.end),
        progress_sections.forums_section,
    ),
    SectionSource(
        lambda db, actor, period, today: commitments_progress(db, actor, today),
        progress_sections.commitments_section,
    ),
    SectionSource(
        lambda db, actor, period, today: champion_history(db, actor),
        progress_sections.champions_section,
    ),
)


def progress_report(
    db: Database, actor: Actor, period: ReportPeriod, today: date
) -> ProgressReport:
    """Hub staff: every section of the progress report for ``period``, as on ``today``."""
    require(actor, Permission.VIEW_PROGRESS_REPORT)
    return ProgressReport(
        period=period,
        made_on=today,
        sections=tuple(source.section(db, actor, period, today) for source in SECTIONS),
        author=AUTHOR,
        publisher=PUBLISHER,
    )


def progress_report_html(db: Database, actor: Actor, period: ReportPeriod, today: date) -> str:
    """Hub staff: the progress report as one accessible, self-contained HTML page."""
    return report_html(progress_report(db, actor, period, today))


def progress_report_ods(db: Database, actor: Actor, period: ReportPeriod, today: date) -> bytes:
    """Hub staff: the progress report as an accessible ODS workbook, a sheet a section."""
    return report_ods(progress_report(db, actor, period, today))
