"""The hub's desk reports (hub staff): demand, timeliness, satisfaction, backlog, and demand set
against the maturity of the teams asking.

The figures are worked out by ``ue_core.desk_figures`` (pure, with disclosure control) from
facts loaded here: each request with its confirmed practice areas and status history, and each
team's gaps to target from its latest submitted assessment, read exactly as the Results page
reads them (``results.results_of``, so scores come only from ``ue_core.scoring``).

Loading is the slow part, so the facts are kept in memory, keyed by a fingerprint of the data
they come from (a handful of counts and sums that any change to a request, a status, a triage,
a submitted assessment or a target moves on): a warm page costs the fingerprint queries. The
cache is shared by everyone who may see the reports; it holds nothing that depends on who asks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    Organisation,
    RequestPracticeArea,
    RequestStatusChange,
    Round,
    SupportRequest,
    Team,
)
from ue_core.desk_figures import (
    NOT_TRIAGED,
    DeskFigures,
    RequestFacts,
    assumed_history,
    desk_figures,
)
from ue_core.errors import InputError, NotFound
from ue_core.framework import PRACTICE_AREA_LABELS, Framework
from ue_core.request_kinds import shipped_request_kinds
from ue_core.scoring import score_assessment
from ue_core.service_levels import StatusEntry, shipped_service_levels
from ue_core.services.fingerprints import (
    FingerprintCache,
    database_key,
    maturity_version,
    requests_version,
)
from ue_core.services.frameworks import current_version_id, framework_for_version
from ue_core.services.results import _agreed_ratings
from ue_core.services.scores_against_targets import score_figures, target_views
from ue_core.timefmt import uk_today
from ue_core.vocabulary import AssessmentStatus

#: The longest date range one report covers.
MAX_MONTHS: Final = 60


@dataclass(frozen=True)
class DeskFilters:
    """Which requests a report covers: sent from ``start`` to ``end`` (UK dates), of one
    organisation's teams or (None) all."""

    start: date
    end: date
    organisation_id: int | None = None


def default_filters(today: date) -> DeskFilters:
    """The twelve months up to ``today``: from the first of the month eleven months before."""
    year, month = (
        (today.year, today.month - 11) if today.month > 11 else (today.year - 1, today.month + 1)
    )
    return DeskFilters(date(year, month, 1), today)


@dataclass(frozen=True)
class _Requests:
    facts: tuple[RequestFacts, ...]
    organisations: tuple[tuple[int, str], ...]  # (id, name), by name


@dataclass(frozen=True)
class _Maturity:
    principles: tuple[tuple[str, str], ...]  # (key, title) of the current framework
    gaps: dict[int, dict[int, dict[str, float]]]  # organisation -> team -> principle -> gap


@dataclass(frozen=True)
class DeskReport:
    """The figures of one report, with the names its tables need."""

    filters: DeskFilters
    today: date
    figures: DeskFigures
    organisation_names: dict[int, str]
    principles: tuple[tuple[str, str], ...]
    kind_labels: dict[str, str]
    area_labels: dict[str, str]

    @property
    def organisation_name(self) -> str | None:
        if self.filters.organisation_id is None:
            return None
        return self.organisation_names[self.filters.organisation_id]


_REQUESTS = FingerprintCache()
_MATURITY = FingerprintCache()
_REPORTS = FingerprintCache()


def _load_requests(session: Session) -> _Requests:
    levels = shipped_service_levels()
    areas: dict[int, list[str]] = defaultdict(list)
    for request_id, area in session.execute(
        select(RequestPracticeArea.request_id, RequestPracticeArea.area).order_by(
            RequestPracticeArea.request_id, RequestPracticeArea.area
        )
    ):
        areas[request_id].append(area)
    histories: dict[int, list[StatusEntry]] = defaultdict(list)
    for request_id, changed_at, status in session.execute(
        select(
            RequestStatusChange.request_id,
            RequestStatusChange.changed_at,
            RequestStatusChange.status,
        ).order_by(RequestStatusChange.request_id, RequestStatusChange.id)
    ):
        histories[request_id].append((changed_at, status))
    rows = session.execute(
        select(
            SupportRequest.id,
            SupportRequest.team_id,
            Team.organisation_id,
            SupportRequest.kind,
            SupportRequest.created_at,
            SupportRequest.first_response_at,
            SupportRequest.resolved_at,
            SupportRequest.status,
            SupportRequest.rating,
        )
        .join(Team, Team.id == SupportRequest.team_id)
        .order_by(SupportRequest.id)
    ).all()
    facts = tuple(
        RequestFacts(
            request_id=row.id,
            team_id=row.team_id,
            organisation_id=row.organisation_id,
            kind=row.kind,
            areas=tuple(areas.get(row.id, ())),
            sent_at=row.created_at,
            first_response_at=row.first_response_at,
            resolved_at=row.resolved_at,
            status=row.status,
            rating=row.rating,
            targets=levels.for_kind(row.kind),
            history=tuple(histories.get(row.id, ()))
            or assumed_history(row.created_at, row.status, row.first_response_at, row.resolved_at),
        )
        for row in rows
    )
    organisations = tuple(
        (org_id, name)
        for org_id, name in session.execute(
            select(Organisation.id, Organisation.name).order_by(Organisation.name)
        )
    )
    return _Requests(facts, organisations)


def _load_maturity(session: Session, today: date) -> _Maturity:
    """Each team's gap to target by principle, from its latest submitted assessment.

    Worked out as the Results page works it out (``results.results_of``): the agreed answers,
    the targets that count (``target_views``), ``scoring.score_assessment`` and the figures as
    shown (``score_figures``), without the round-to-round comparison the reports do not need.
    """
    version_id = current_version_id(session)
    frameworks: dict[int, Framework] = {}

    def framework(version: int) -> Framework:
        if version not in frameworks:
            frameworks[version] = framework_for_version(session, version)
        return frameworks[version]

    principles = (
        ()
        if version_id is None
        else tuple((p.key, p.title) for p in framework(version_id).principles)
    )
    latest: dict[int, Assessment] = {}
    for assessment in session.scalars(
        select(Assessment)
        .join(Round, Round.id == Assessment.round_id)
        .where(Assessment.status == AssessmentStatus.SUBMITTED.value)
        .order_by(Assessment.team_id, Round.starts_on.desc(), Assessment.id.desc())
    ):
        latest.setdefault(assessment.team_id, assessment)
    organisation_of = {t: o for t, o in session.execute(select(Team.id, Team.organisation_id))}
    gaps: dict[int, dict[int, dict[str, float]]] = defaultdict(dict)
    for team_id, assessment in latest.items():
        shape = framework(assessment.framework_version_id)
        ratings = [rating for rating, _ in _agreed_ratings(session, assessment, shape)]
        titled = [(p.key, p.title) for p in shape.principles]
        views = target_views(session, assessment, titled)
        levels = {v.principle_key: v.level for v in views if v.level is not None}
        figures = score_figures(score_assessment(ratings, today, levels), dict(titled), views)
        gaps[organisation_of[team_id]][team_id] = {
            p.principle_key: float(p.gap) for p in figures.principles if p.gap is not None
        }
    return _Maturity(principles, dict(gaps))


def _cached(db: Database, today: date) -> tuple[_Requests, _Maturity, tuple[object, ...]]:
    with db.read() as session:
        requests_key = (*database_key(db), requests_version(session))
        maturity_key = (*database_key(db), maturity_version(session, today))
        requests = _REQUESTS.get(requests_key)
        if requests is None:
            requests = _load_requests(session)
            _REQUESTS.put(requests_key, requests)
        maturity = _MATURITY.get(maturity_key)
        if maturity is None:
            maturity = _load_maturity(session, today)
            _MATURITY.put(maturity_key, maturity)
    return requests, maturity, (requests_key, maturity_key)


def _check(filters: DeskFilters, organisations: dict[int, str]) -> None:
    if filters.start > filters.end:
        raise InputError("The start date must be the same as or before the end date.")
    months = (filters.end.year - filters.start.year) * 12 + filters.end.month - filters.start.month
    if months >= MAX_MONTHS:
        raise InputError(f"Choose a date range of {MAX_MONTHS} months or fewer.")
    if filters.organisation_id is not None and filters.organisation_id not in organisations:
        raise NotFound("That organisation is no longer in the workbench.")


def desk_organisations(db: Database, actor: Actor) -> list[tuple[int, str]]:
    """Hub staff: the organisations a report can be filtered to, by name."""
    require(actor, Permission.VIEW_DESK_REPORTS)
    with db.read() as session:
        return [
            (org_id, name)
            for org_id, name in session.execute(
                select(Organisation.id, Organisation.name).order_by(Organisation.name)
            )
        ]


def desk_report(
    db: Database, actor: Actor, filters: DeskFilters, today: date | None = None
) -> DeskReport:
    """Hub staff: the desk reports for the requests ``filters`` pick, as on ``today``."""
    require(actor, Permission.VIEW_DESK_REPORTS)
    on = today or uk_today()
    requests, maturity, version = _cached(db, on)
    names = dict(requests.organisations)
    _check(filters, names)
    key = (version, filters, on)
    found = _REPORTS.get(key)
    if isinstance(found, DeskReport):
        return found
    chosen = filters.organisation_id
    facts = [f for f in requests.facts if chosen is None or f.organisation_id == chosen]
    org_ids = [org_id for org_id, _ in requests.organisations if chosen in (None, org_id)]
    kinds = shipped_request_kinds()
    figures = desk_figures(
        facts,
        start=filters.start,
        end=filters.end,
        today=on,
        kinds=[kind.key for kind in kinds.kinds],
        areas=list(PRACTICE_AREA_LABELS),
        organisation_ids=org_ids,
        gaps=maturity.gaps,
        principle_keys=[key for key, _ in maturity.principles],
    )
    report = DeskReport(
        filters=filters,
        today=on,
        figures=figures,
        organisation_names=names,
        principles=maturity.principles,
        kind_labels={kind.key: kind.label for kind in kinds.kinds},
        area_labels={
            **{str(k): v for k, v in PRACTICE_AREA_LABELS.items()},
            NOT_TRIAGED: "Not triaged",
        },
    )
    _REPORTS.put(key, report)
    return report
