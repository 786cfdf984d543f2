"""The hub's desk reports on SQLite and PostgreSQL: requests by month, kind, area and
organisation, service levels with the waiting pause, satisfaction, backlog and demand beside
the teams' gaps to target, with [c] for figures from fewer than 5 teams, and the downloads."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import select, update

from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    Practice,
    Principle,
    RequestPracticeArea,
    RequestStatusChange,
    Round,
    SupportRequest,
    Target,
    Team,
)
from ue_core.errors import InputError
from ue_core.services.frameworks import current_version_id, sync_framework
from ue_core.services.requests import hub_report_tables, hub_reports
from ue_core.services.requests.hub_reports import DeskFilters
from ue_core.vocabulary import AssessmentStatus

TODAY = date(2027, 2, 15)
FILTERS = DeskFilters(date(2026, 12, 1), date(2027, 1, 31))
TEXT = "We would like help to plan a survey of the users of our statistics."


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def _teams(world: World, count: int) -> list[int]:
    """``count`` more teams in the Office for Test Statistics, each with a submitted
    assessment: every practice agreed at level 2, a target of 4 on every principle."""
    ids = []
    with world.db.transaction() as session:
        version_id = current_version_id(session)
        round_id = session.scalar(select(Round.id).where(Round.label == "2025 to 2026"))
        practices = session.execute(
            select(Practice.id, Principle.key)
            .join(Principle, Practice.principle_id == Principle.id)
            .where(Practice.framework_version_id == version_id)
        ).all()
        for number in range(count):
            team = Team(organisation_id=world.organisation_id, name=f"Team {number}")
            session.add(team)
            session.flush()
            assert version_id is not None and round_id is not None
            assessment = Assessment(
                team_id=team.id,
                round_id=round_id,
                framework_version_id=version_id,
                status=AssessmentStatus.SUBMITTED.value,
                submitted_at=datetime(2026, 3, 1, tzinfo=UTC),
            )
            session.add(assessment)
            session.flush()
            for practice_id, _ in practices:
                session.add(
                    AgreedRating(
                        assessment_id=assessment.id,
                        practice_id=practice_id,
                        level=2,
                        evidence_date=date(2026, 2, 1),
                    )
                )
            for key in dict.fromkeys(key for _, key in practices):
                session.add(
                    Target(
                        assessment_id=assessment.id, principle_key=key, level=4, suggested_level=4
                    )
                )
            ids.append(team.id)
    return ids


def _request(
    world: World,
    team_id: int,
    sent: datetime,
    history: list[tuple[str, datetime]] = (),  # type: ignore[assignment]
    *,
    areas: tuple[str, ...] = (),
    rating: int | None = None,
    kind: str = "advice",
) -> int:
    """A request written straight to the tables, with its status history."""
    done = next((m for s, m in history if s in ("resolved", "closed")), None)
    first = history[0][1] if history else None
    with world.db.transaction() as session:
        request = SupportRequest(
            team_id=team_id,
            subject="Help",
            text=TEXT,
            kind=kind,
            status=history[-1][0] if history else "new",
            created_at=sent,
            first_response_at=first,
            resolved_at=done,
            rating=rating,
        )
        session.add(request)
        session.flush()
        for status, moment in [("new", sent), *history]:
            session.add(
                RequestStatusChange(request_id=request.id, status=status, changed_at=moment)
            )
        for area in areas:
            session.add(RequestPracticeArea(request_id=request.id, area=area))
        return request.id


def at(day: int, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


def _report(world: World, filters: DeskFilters = FILTERS) -> hub_reports.DeskReport:
    return hub_reports.desk_report(world.db, world.actor("consultant"), filters, TODAY)


def test_only_hub_staff_see_the_reports(world: World) -> None:
    for who in ("member", "lead", "champion"):
        with pytest.raises(AccessDenied):
            hub_reports.desk_report(world.db, world.actor(who), FILTERS, TODAY)
    assert hub_reports.desk_report(world.db, world.actor("admin"), FILTERS, TODAY)


def test_figures_from_six_teams_are_shown_and_a_lone_team_is_hidden(world: World) -> None:
    teams = _teams(world, 6)
    for team_id in teams:  # resolved within a week, first response the next day
        _request(
            world,
            team_id,
            at(1),
            [("in_progress", at(2)), ("resolved", at(4))],
            areas=("listen", "act") if team_id == teams[0] else ("listen",),
            rating=4,
        )
    # The Other team (another organisation) asks once, in January, and is still waiting.
    _request(world, world.other_team_id, at(4, 1, 2027), [("waiting_on_team", at(5, 1, 2027))])
    report = _report(world)
    figures = report.figures
    assert figures.total == 7
    # January's one request is from one team: hidden, and December with it (secondary).
    assert figures.by_month == {(2026, 12): None, (2027, 1): None}
    # "Act" (one team) and "not triaged" (the other team) are hidden; two hidden, so no more.
    assert (figures.by_area["listen"], figures.by_area["act"]) == (6, None)
    assert figures.by_area["not_triaged"] is None
    assert figures.median_first_response.value == 1.0
    assert figures.median_resolution.value == 3.0  # Tuesday 1st to Friday 4th December
    assert figures.ratings[4] == 6 and figures.mean_rating.value == 4.0
    rows = {report.organisation_names[r.organisation_id]: r for r in figures.demand}
    ours = rows["Office for Test Statistics"]
    assert {f.value for f in ours.mean_gaps.values()} == {2.0}  # targets of 4, scores of 2
    # The other organisation's one team is hidden, so ours is too: its total would tell.
    assert (ours.requests, rows["Ministry of Other Tests"].requests) == (None, None)
    assert figures.backlog[(2026, 12)]["new"] == 0
    assert figures.backlog[(2027, 1)]["waiting_on_team"] is None


def test_the_organisation_filter_and_a_bad_date_range(world: World) -> None:
    teams = _teams(world, 5)
    for team_id in teams:
        _request(world, team_id, at(3))
    _request(world, world.other_team_id, at(3))
    report = _report(world, DeskFilters(FILTERS.start, FILTERS.end, world.organisation_id))
    assert report.figures.total == 5
    assert report.organisation_name == "Office for Test Statistics"
    [ours] = report.figures.demand
    assert ours.requests == 5
    # Still unanswered on 15 February: both targets missed, from 5 teams.
    [december, _] = report.figures.timeliness
    assert (december.first_response_breaches, december.resolution_breaches) == (5, 5)
    with pytest.raises(InputError, match="start date"):
        _report(world, DeskFilters(date(2027, 2, 1), date(2027, 1, 1)))


def test_waiting_on_the_team_is_left_out_of_the_working_days(world: World) -> None:
    teams = _teams(world, 5)
    for team_id in teams:  # waits from the 23rd to the 29th: the 24th and 29th are paused
        _request(
            world,
            team_id,
            at(22),
            [
                ("in_progress", at(23)),
                ("waiting_on_team", datetime(2026, 12, 23, 15, 0, tzinfo=UTC)),
                ("in_progress", at(29)),
                ("resolved", at(5, 1, 2027)),
            ],
        )
    figures = _report(world).figures
    assert figures.median_resolution.value == 5.0  # 7 working days, 2 of them paused
    assert figures.timeliness[0].resolution_breaches == 0  # due on 5 January


def test_a_change_is_seen_at_once_and_the_downloads_match_the_page(world: World) -> None:
    teams = _teams(world, 5)
    ids = [_request(world, team_id, at(7)) for team_id in teams]
    assert _report(world).figures.total == 5
    with world.db.transaction() as session:
        session.execute(
            update(SupportRequest).where(SupportRequest.id == ids[0]).values(rating=5, version=2)
        )
    assert _report(world).figures.total == 5
    _request(world, teams[0], at(8))
    assert _report(world).figures.total == 6  # not the cached report
    consultant = world.actor("consultant")
    ods = hub_report_tables.desk_report_ods(world.db, consultant, FILTERS, TODAY)
    sheets = pd.read_excel(io.BytesIO(ods), engine="odf", sheet_name=None, header=None)
    assert {"Cover", "Notes", "By_month", "Demand"} <= set(sheets)
    csv = hub_report_tables.desk_report_csv(world.db, consultant, FILTERS, "by_kind", TODAY)
    assert csv.decode("utf-8-sig").splitlines()[0] == '"Kind of help","Requests"'
    with pytest.raises(AccessDenied):
        hub_report_tables.desk_report_csv(world.db, world.actor("member"), FILTERS, "by_kind")
