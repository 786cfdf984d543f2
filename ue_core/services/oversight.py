"""Oversight: the champion's organisation dashboard and the hub's system overview.

Scores follow ``ue_core.scoring``: a principle score is the mean level of the rated practices in a
team's agreed ratings, and the overall score the mean of the principle scores. Only submitted
assessments count. Scores are aggregated in the database (a sum and a count of levels for each
assessment and principle, in one ``GROUP BY`` query), so a page costs a handful of queries however
many teams there are.

Disclosure control (``ue_core.disclosure``) is applied here, before anything reaches a page: any
figure about fewer than 5 teams is returned without its value. A champion sees their own
organisation's teams one by one, and everything else only as suppressed aggregates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission, require, require_view_organisation
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    AssessmentStatus,
    Organisation,
    RequestStatus,
    SupportRequest,
    Target,
    Team,
)
from ue_core.disclosure import Aggregate, mean_over_teams, share_of_teams, suppress_counts
from ue_core.errors import NotFound
from ue_core.scoring import (
    LEVEL_NAMES,
    MAX_LEVEL,
    MIN_LEVEL,
    level_for_score,
    round_score,
)
from ue_core.services._scores_read import (
    PrincipleInfo,
    _latest_by_team,
    _principles,
    _round_statuses,
    _rounds,
    _Submitted,
    _submitted_scores,
)
from ue_core.services.fingerprints import FingerprintCache, database_key, organisations_version
from ue_core.services.rounds import current_round
from ue_core.services.support import OPEN_STATUSES

#: Teams whose principle score is below this level (Learning) are counted as needing help.
HELP_BELOW_LEVEL = 3
#: How many teams the dashboard lists as furthest below their targets.
SHORTFALL_LIMIT = 10


class Coverage(StrEnum):
    """Where a team is with the current round's assessment."""

    NOT_STARTED = "Not started"
    DRAFT = "In draft"
    SUBMITTED = "Submitted"


@dataclass(frozen=True)
class TeamRow:
    """One of the champion's own teams."""

    team_id: int
    name: str
    coverage: Coverage
    last_submitted_round: str | None
    overall_score: float | None

    @property
    def display_overall(self) -> str:
        return "" if self.overall_score is None else str(round_score(self.overall_score))

    @property
    def overall_level_name(self) -> str:
        if self.overall_score is None:
            return ""
        return LEVEL_NAMES[level_for_score(self.overall_score)]


@dataclass(frozen=True)
class PrincipleComparison:
    principle: PrincipleInfo
    organisation: Aggregate
    rest_of_system: Aggregate


@dataclass(frozen=True)
class OrganisationTrendPoint:
    round_label: str
    organisation: Aggregate
    rest_of_system: Aggregate


@dataclass(frozen=True)
class TargetShortfall:
    """A team short of its targets, with the principle (or principles) furthest short."""

    team_name: str
    round_label: str
    principles: tuple[str, ...]
    score: str
    target: int
    gap: Decimal
    principles_short: int


@dataclass(frozen=True)
class OrganisationDashboard:
    organisation_id: int
    organisation_name: str
    round_label: str | None
    teams: tuple[TeamRow, ...]
    principles: tuple[PrincipleComparison, ...]
    trend: tuple[OrganisationTrendPoint, ...]
    targets_set: bool
    shortfalls: tuple[TargetShortfall, ...]
    open_requests: int

    def coverage_counts(self) -> dict[Coverage, int]:
        counts = dict.fromkeys(Coverage, 0)
        for team in self.teams:
            counts[team.coverage] += 1
        return counts

    @property
    def has_scores(self) -> bool:
        return any(team.overall_score is not None for team in self.teams)


@dataclass(frozen=True)
class OrganisationCoverage:
    organisation_id: int
    name: str
    teams: int
    submitted: int
    draft: int
    overall: Aggregate  # mean of the teams' latest submitted overall scores

    @property
    def share_submitted(self) -> float | None:
        return None if self.teams == 0 else self.submitted / self.teams


@dataclass(frozen=True)
class PrincipleDistribution:
    """How many teams reached each level on one principle, in one round."""

    principle: PrincipleInfo
    team_count: int
    counts: dict[int, int | None]  # level -> teams; None when suppressed
    mean: Aggregate
    below_learning: Aggregate  # share of teams below Learning


@dataclass(frozen=True)
class RoundOption:
    id: int
    label: str


@dataclass(frozen=True)
class SystemOverview:
    round_label: str | None
    teams: int
    submitted: int
    draft: int
    organisations: tuple[OrganisationCoverage, ...]
    score_rounds: tuple[RoundOption, ...]
    score_round: RoundOption | None
    distribution: tuple[PrincipleDistribution, ...]
    requests_by_status: dict[RequestStatus, int]

    def weakest(self) -> list[PrincipleDistribution]:
        """Principles with a shown mean, weakest first (the most teams below Learning next)."""
        shown = [d for d in self.distribution if d.mean.value is not None]
        return sorted(
            shown,
            key=lambda d: (d.mean.value or 0.0, -(d.below_learning.value or 0.0)),
        )

    @property
    def open_requests(self) -> int:
        return sum(self.requests_by_status[status] for status in OPEN_STATUSES)


def _coverage(status: str | None) -> Coverage:
    if status is None:
        return Coverage.NOT_STARTED
    return Coverage.SUBMITTED if status == AssessmentStatus.SUBMITTED.value else Coverage.DRAFT


# --- Organisation dashboard -----------------------------------------------------------------


@dataclass(frozen=True)
class ChampionOrganisation:
    id: int
    name: str


def champion_organisations(db: Database, actor: Actor) -> list[ChampionOrganisation]:
    """The organisations this person is the champion of, by name."""
    require(actor, Permission.VIEW_ORGANISATION)
    ids = actor.champion_organisation_ids()
    if not ids:
        return []
    with db.read() as session:
        rows = session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.id.in_(ids))
            .order_by(Organisation.name)
        )
        return [ChampionOrganisation(org_id, name) for org_id, name in rows]


def organisation_dashboard(
    db: Database, actor: Actor, organisation_id: int, today: date
) -> OrganisationDashboard:
    """The champion's view of their organisation, compared with the rest of the system.

    The dashboard is the same for everyone allowed to see it (it depends on the organisation
    and the day only), so it is kept by ``organisations_version`` and shared: a rerun costs the
    fingerprint queries, and any change to what it shows moves the fingerprint on.
    """
    require_view_organisation(actor, organisation_id)
    with db.read() as session:
        key = (*database_key(db), organisation_id, organisations_version(session, today))
        cached: OrganisationDashboard | None = _DASHBOARDS.get(key)
        if cached is None:
            cached = _load_dashboard(session, organisation_id, today)
            _DASHBOARDS.put(key, cached)
        return cached


#: Dashboards by database, organisation and fingerprint (each champion's organisation its own).
_DASHBOARDS = FingerprintCache(keep=128)


def _load_dashboard(session: Session, organisation_id: int, today: date) -> OrganisationDashboard:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("That organisation is not in the workbench.")
    rounds = _rounds(session, today)
    round_order = {r.id: index for index, r in enumerate(rounds)}
    labels = {r.id: r.label for r in rounds}
    this_round = current_round(session, today)
    team_org = {
        team_id: org_id
        for team_id, org_id in session.execute(select(Team.id, Team.organisation_id))
    }
    own_teams = session.execute(
        select(Team.id, Team.name)
        .where(Team.organisation_id == organisation_id)
        .order_by(Team.name)
    ).all()
    statuses = _round_statuses(session, None if this_round is None else this_round.id)
    submitted = [s for s in _submitted_scores(session) if s.round_id in round_order]
    latest = _latest_by_team(submitted, round_order)
    principles = _principles(session)
    # The last round each of the organisation's teams submitted, even with no levels in it.
    last_round: dict[int, int] = {}
    for team_id, round_id in session.execute(
        select(Assessment.team_id, Assessment.round_id)
        .join(Team, Team.id == Assessment.team_id)
        .where(
            Team.organisation_id == organisation_id,
            Assessment.status == AssessmentStatus.SUBMITTED.value,
        )
    ):
        held = last_round.get(team_id)
        if round_id in round_order and (held is None or round_order[round_id] > round_order[held]):
            last_round[team_id] = round_id

    teams = tuple(
        TeamRow(
            team_id=team_id,
            name=name,
            coverage=_coverage(statuses.get(team_id)),
            last_submitted_round=labels[last_round[team_id]] if team_id in last_round else None,
            overall_score=_as_float(latest[team_id].overall) if team_id in latest else None,
        )
        for team_id, name in own_teams
    )

    own_latest = [s for t, s in latest.items() if team_org.get(t) == organisation_id]
    rest_latest = [s for t, s in latest.items() if team_org.get(t) != organisation_id]
    comparisons = tuple(
        PrincipleComparison(
            principle=info,
            organisation=_principle_mean(own_latest, info.key),
            rest_of_system=_principle_mean(rest_latest, info.key),
        )
        for info in principles
        if any(info.key in s.principles for s in submitted)
    )

    trend = tuple(
        OrganisationTrendPoint(
            round_label=r.label,
            organisation=_overall_mean(
                s
                for s in submitted
                if s.round_id == r.id and team_org.get(s.team_id) == organisation_id
            ),
            rest_of_system=_overall_mean(
                s
                for s in submitted
                if s.round_id == r.id and team_org.get(s.team_id) != organisation_id
            ),
        )
        for r in rounds
    )

    titles = {info.key: info.title for info in principles}
    names = dict(own_teams)
    targets_set, shortfalls = _shortfalls(session, own_latest, titles, names, labels)

    open_requests = (
        session.scalar(
            select(func.count(SupportRequest.id))
            .join(Team, Team.id == SupportRequest.team_id)
            .where(
                Team.organisation_id == organisation_id,
                SupportRequest.status.in_([s.value for s in OPEN_STATUSES]),
            )
        )
        or 0
    )
    return OrganisationDashboard(
        organisation_id=organisation_id,
        organisation_name=organisation.name,
        round_label=None if this_round is None else this_round.label,
        teams=teams,
        principles=comparisons,
        trend=trend,
        targets_set=targets_set,
        shortfalls=shortfalls,
        open_requests=open_requests,
    )


def _as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _principle_mean(items: Sequence[_Submitted], key: str) -> Aggregate:
    return mean_over_teams(s.principles[key] for s in items if key in s.principles)


def _overall_mean(items: Iterable[_Submitted]) -> Aggregate:
    return mean_over_teams(o for o in (s.overall for s in items) if o is not None)


def _shortfalls(
    session: Session,
    latest: Sequence[_Submitted],
    titles: Mapping[str, str],
    team_names: Mapping[int, str],
    round_labels: Mapping[int, str],
) -> tuple[bool, tuple[TargetShortfall, ...]]:
    """Teams short of their targets in their latest submitted assessment, furthest short first.

    Gaps are worked out as the results page shows them: the target minus the score as shown.
    """
    by_assessment = {s.assessment_id: s for s in latest}
    if not by_assessment:
        return False, ()
    rows = session.execute(
        select(Target.assessment_id, Target.principle_key, Target.level).where(
            Target.assessment_id.in_(list(by_assessment))
        )
    ).all()
    targets: dict[int, dict[str, int]] = defaultdict(dict)
    for assessment_id, key, level in rows:
        targets[assessment_id][key] = level
    found: list[TargetShortfall] = []
    for assessment_id, wanted in targets.items():
        item = by_assessment[assessment_id]
        gaps = {
            key: Decimal(level) - round_score(item.principles[key])
            for key, level in wanted.items()
            if key in item.principles
        }
        short = {key: gap for key, gap in gaps.items() if gap > 0}
        if not short:
            continue
        widest = max(short.values())
        furthest = [key for key, gap in short.items() if gap == widest]
        first = furthest[0]
        found.append(
            TargetShortfall(
                team_name=team_names[item.team_id],
                round_label=round_labels[item.round_id],
                principles=tuple(titles.get(key, key) for key in furthest),
                score=str(round_score(item.principles[first])),
                target=wanted[first],
                gap=widest,
                principles_short=len(short),
            )
        )
    found.sort(key=lambda s: (-s.gap, -s.principles_short, s.team_name))
    return bool(targets), tuple(found[:SHORTFALL_LIMIT])


# --- System overview ------------------------------------------------------------------------


def system_overview(
    db: Database, actor: Actor, today: date, score_round_id: int | None = None
) -> SystemOverview:
    """Coverage, scores and support requests across the whole statistical system.

    Scores are for ``score_round_id``, by default the latest round with a submitted assessment.
    Nothing here is about a single team: every score is an aggregate with disclosure control.
    """
    require(actor, Permission.VIEW_SYSTEM)
    with db.read() as session:
        rounds = _rounds(session, today)
        round_order = {r.id: index for index, r in enumerate(rounds)}
        this_round = current_round(session, today)
        statuses = _round_statuses(session, None if this_round is None else this_round.id)
        organisations = session.execute(
            select(Organisation.id, Organisation.name).order_by(Organisation.name)
        ).all()
        team_org = {
            team_id: org_id
            for team_id, org_id in session.execute(select(Team.id, Team.organisation_id))
        }

        submitted = [s for s in _submitted_scores(session) if s.round_id in round_order]
        latest = _latest_by_team(submitted, round_order)

        teams_in: dict[int, list[int]] = defaultdict(list)
        for team_id, org_id in team_org.items():
            teams_in[org_id].append(team_id)
        coverage = tuple(
            OrganisationCoverage(
                organisation_id=org_id,
                name=name,
                teams=len(teams_in[org_id]),
                submitted=sum(
                    1
                    for t in teams_in[org_id]
                    if statuses.get(t) == AssessmentStatus.SUBMITTED.value
                ),
                draft=sum(
                    1 for t in teams_in[org_id] if statuses.get(t) == AssessmentStatus.DRAFT.value
                ),
                overall=_overall_mean(latest[t] for t in teams_in[org_id] if t in latest),
            )
            for org_id, name in organisations
        )

        with_scores = {s.round_id for s in submitted}
        options = tuple(RoundOption(r.id, r.label) for r in reversed(rounds) if r.id in with_scores)
        chosen = next((o for o in options if o.id == score_round_id), None)
        if chosen is None and score_round_id is not None:
            raise NotFound("No team has submitted an assessment in that round.")
        chosen = chosen or (options[0] if options else None)
        in_round = [] if chosen is None else [s for s in submitted if s.round_id == chosen.id]
        distribution = tuple(
            _distribution(info, in_round)
            for info in _principles(session)
            if any(info.key in s.principles for s in in_round)
        )

        request_counts = {
            status: count
            for status, count in session.execute(
                select(SupportRequest.status, func.count(SupportRequest.id)).group_by(
                    SupportRequest.status
                )
            )
        }
        by_status = {status: int(request_counts.get(status.value, 0)) for status in RequestStatus}
        return SystemOverview(
            round_label=None if this_round is None else this_round.label,
            teams=len(team_org),
            submitted=sum(1 for s in statuses.values() if s == AssessmentStatus.SUBMITTED.value),
            draft=sum(1 for s in statuses.values() if s == AssessmentStatus.DRAFT.value),
            organisations=coverage,
            score_rounds=options,
            score_round=chosen,
            distribution=distribution,
            requests_by_status=by_status,
        )


def _distribution(info: PrincipleInfo, in_round: Sequence[_Submitted]) -> PrincipleDistribution:
    scores = [s.principles[info.key] for s in in_round if info.key in s.principles]
    levels = [level_for_score(score) for score in scores]
    counts = {level: levels.count(level) for level in range(MIN_LEVEL, MAX_LEVEL + 1)}
    below = sum(1 for level in levels if level < HELP_BELOW_LEVEL)
    return PrincipleDistribution(
        principle=info,
        team_count=len(scores),
        counts=suppress_counts(counts),
        mean=mean_over_teams(scores),
        below_learning=share_of_teams(below, len(scores)),
    )
