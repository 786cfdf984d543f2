"""An organisation's list of statistical outputs: importing it, and coverage against it.

The rules (which output's team is never assessed, overdue or due to reassess after a release)
are in :mod:`ue_core.statistical_outputs`; this module checks who may see and change a list,
loads the facts and saves an import in one transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require, require_manage_outputs
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    AssessmentStatus,
    AssessmentSubmission,
    Organisation,
    Role,
    StatisticalOutput,
    Team,
)
from ue_core.errors import InputError, NotFound
from ue_core.io.survey_file import ImportProblem
from ue_core.service_levels import uk_date
from ue_core.services.admin import OrganisationChoice
from ue_core.statistical_outputs import (
    NEEDS_ACTION,
    OutputCoverage,
    OutputRules,
    OutputStatus,
    cover,
    fold,
    read_file,
    read_list,
    shipped_rules,
)
from ue_core.survey_import import Issue
from ue_core.text import plural


@dataclass(frozen=True)
class ImportedList:
    """What an import saved: how many outputs, and the team names that matched no team."""

    outputs: int
    unmatched_teams: tuple[str, ...]
    replaced: int = 0

    def describe(self) -> str:
        said = f"Saved {plural(self.outputs, 'output')}" + (
            f", replacing the list of {plural(self.replaced, 'output')} you had before."
            if self.replaced
            else "."
        )
        if self.unmatched_teams:
            said += (
                f" {plural(len(self.unmatched_teams), 'team name')} matched no team of your "
                "organisation in the workbench: "
                + ", ".join(self.unmatched_teams)
                + ". Check the spelling, or ask an admin to add the team."
            )
        return said


class ListProblems(InputError):
    """The list could not be saved; ``problems`` names each row that stopped it."""

    def __init__(self, problems: Sequence[Issue]):
        count = len(problems)
        super().__init__(
            f"The list was not saved: {plural(count, 'problem')} to fix in the file first."
            if count > 1
            else f"The list was not saved: {problems[0].message}"
        )
        self.problems = tuple(problems)


@dataclass(frozen=True)
class OutputsCoverage:
    """An organisation's outputs with their coverage, most urgent first."""

    organisation_id: int
    organisation_name: str
    outputs: tuple[OutputCoverage, ...]
    imported_at: date | None

    def counts(self) -> dict[OutputStatus, int]:
        found = Counter(output.status for output in self.outputs)
        return {status: found[status] for status in OutputStatus}

    def needing_action(self) -> tuple[OutputCoverage, ...]:
        return tuple(o for o in self.outputs if o.status in NEEDS_ACTION)

    def prompts_due(self) -> tuple[OutputCoverage, ...]:
        return tuple(o for o in self.outputs if o.prompt_now)


def list_organisations(db: Database, actor: Actor) -> list[OrganisationChoice]:
    """The organisations whose list this person keeps: a champion's own, every one for admins."""
    require(actor, Permission.MANAGE_OUTPUTS)
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if not (actor.is_system or Role.ADMIN in actor.roles):
        query = query.where(Organisation.id.in_(actor.champion_organisation_ids()))
    with db.read() as session:
        return [OrganisationChoice(org_id, name) for org_id, name in session.execute(query)]


def _team_ids_by_name(session: Session, organisation_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Team.name, Team.id).where(Team.organisation_id == organisation_id)
    )
    return {fold(name): team_id for name, team_id in rows}


def import_list(
    db: Database,
    actor: Actor,
    organisation_id: int,
    data: bytes,
    filename: str,
    rules: OutputRules | None = None,
) -> ImportedList:
    """Replace an organisation's list of outputs with the one in this CSV, XLSX or ODS file.

    Raises :class:`ListProblems` naming every row that is wrong; then nothing is saved and the
    list kept before stays as it was.
    """
    require_manage_outputs(actor, organisation_id)
    rules = rules or shipped_rules()
    try:
        table = read_file(data, filename)
    except ImportProblem as problem:
        raise ListProblems([Issue(problem.row, problem.column, problem.message + ".")]) from None
    found = read_list(table, rules)
    if found.problems:
        raise ListProblems(found.problems)
    with db.transaction() as session:
        if session.get(Organisation, organisation_id) is None:
            raise NotFound("That organisation no longer exists.")
        teams = _team_ids_by_name(session, organisation_id)
        before = session.scalar(
            select(func.count())
            .select_from(StatisticalOutput)
            .where(StatisticalOutput.organisation_id == organisation_id)
        )
        session.execute(
            delete(StatisticalOutput).where(StatisticalOutput.organisation_id == organisation_id)
        )
        unmatched: dict[str, None] = {}
        for output in found.outputs:
            team_id = teams.get(fold(output.team_name))
            if team_id is None:
                unmatched.setdefault(output.team_name)
            session.add(
                StatisticalOutput(
                    organisation_id=organisation_id,
                    title=output.title,
                    team_name=output.team_name,
                    team_id=team_id,
                    frequency=output.frequency,
                    next_release=output.next_release,
                    row_number=output.row,
                    imported_by_id=None if actor.is_system else actor.user_id,
                )
            )
        audit.record(
            session,
            actor,
            "import_statistical_outputs",
            "organisation",
            organisation_id,
            before={"outputs": before},
            after={"outputs": len(found.outputs), "file": filename},
        )
    return ImportedList(len(found.outputs), tuple(unmatched), before or 0)


def _last_submitted(session: Session, team_ids: Iterable[int]) -> dict[int, date]:
    """Each team's latest submission day (UK time), counting submissions since reopened."""
    ids = sorted(set(team_ids))
    if not ids:
        return {}
    latest: dict[int, date] = {}
    current = session.execute(
        select(Assessment.team_id, func.max(Assessment.submitted_at))
        .where(
            Assessment.team_id.in_(ids),
            Assessment.status == AssessmentStatus.SUBMITTED.value,
        )
        .group_by(Assessment.team_id)
    )
    earlier = session.execute(
        select(Assessment.team_id, func.max(AssessmentSubmission.submitted_at))
        .join(Assessment, Assessment.id == AssessmentSubmission.assessment_id)
        .where(Assessment.team_id.in_(ids))
        .group_by(Assessment.team_id)
    )
    for team_id, moment in [*current, *earlier]:
        if moment is not None:
            day = uk_date(moment)
            latest[team_id] = max(day, latest.get(team_id, day))
    return latest


_URGENCY = {status: rank for rank, status in enumerate(OutputStatus)}


def _coverage_of(
    rows: Sequence[tuple[StatisticalOutput, int | None]],
    latest: dict[int, date],
    today: date,
    rules: OutputRules,
) -> tuple[OutputCoverage, ...]:
    """Each output (with the team it belongs to now) covered, most urgent first."""
    covered = [
        cover(
            title=row.title,
            team_name=row.team_name,
            team_id=team_id,
            frequency_key=row.frequency,
            next_release=row.next_release,
            last_assessed=latest.get(team_id) if team_id is not None else None,
            today=today,
            rules=rules,
        )
        for row, team_id in rows
    ]
    return tuple(sorted(covered, key=lambda o: (_URGENCY[o.status], o.title.casefold())))


def outputs_coverage(
    db: Database,
    actor: Actor,
    organisation_id: int,
    today: date,
    rules: OutputRules | None = None,
) -> OutputsCoverage:
    """The organisation's outputs, each with its team's latest assessment and status."""
    require_manage_outputs(actor, organisation_id)
    rules = rules or shipped_rules()
    with db.read() as session:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound("That organisation no longer exists.")
        rows = session.scalars(
            select(StatisticalOutput)
            .where(StatisticalOutput.organisation_id == organisation_id)
            .order_by(StatisticalOutput.row_number)
        ).all()
        # A team added after the import is matched by name now, without importing again.
        teams = _team_ids_by_name(session, organisation_id)
        owned = [(row, row.team_id or teams.get(fold(row.team_name))) for row in rows]
        latest = _last_submitted(session, (t for _, t in owned if t is not None))
        imported = max((uk_date(r.imported_at) for r in rows), default=None)
        return OutputsCoverage(
            organisation_id,
            organisation.name,
            _coverage_of(owned, latest, today, rules),
            imported,
        )


def team_reassessment_prompts(
    db: Database, actor: Actor, today: date, rules: OutputRules | None = None
) -> list[OutputCoverage]:
    """The actor's own teams' outputs released long enough ago that the team should reassess
    (for their home page)."""
    rules = rules or shipped_rules()
    team_ids = actor.team_ids()
    if not team_ids:
        return []
    with db.read() as session:
        rows = session.scalars(
            select(StatisticalOutput)
            .where(StatisticalOutput.team_id.in_(team_ids))
            .order_by(StatisticalOutput.title)
        ).all()
        latest = _last_submitted(session, team_ids)
        covered = _coverage_of([(row, row.team_id) for row in rows], latest, today, rules)
    return [o for o in covered if o.prompt_now]
