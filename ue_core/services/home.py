"""The home page's content: what this person can do here and what needs their attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    Organisation,
    Practice,
    Rating,
    Role,
    Round,
    SupportRequest,
    Team,
)
from ue_core.services import statistical_outputs
from ue_core.services.rounds import current_round
from ue_core.services.support import OPEN_STATUSES
from ue_core.text import plural, possessive
from ue_core.timefmt import format_date


@dataclass(frozen=True)
class AttentionItem:
    """Something to do, with the screen (navigation key) where it is done."""

    title: str
    detail: str
    screen: str


def attention_items(db: Database, actor: Actor, today: date) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    with db.read() as session:
        round_ = current_round(session, today)
        for team_id in actor.team_ids():
            team = session.get(Team, team_id)
            if team is None or round_ is None:
                continue
            assessment = session.scalar(
                select(Assessment).where(
                    Assessment.team_id == team_id, Assessment.round_id == round_.id
                )
            )
            if assessment is None:
                items.append(
                    AttentionItem(
                        f"Start {possessive(team.name)} {round_.label} self-assessment",
                        "Your team has not started this round's self-assessment yet.",
                        "assessment",
                    )
                )
                continue
            if assessment.status == AssessmentStatus.SUBMITTED.value:
                items.append(
                    AttentionItem(
                        f"See {possessive(team.name)} {round_.label} results",
                        "The assessment is submitted. See your scores, gaps and action plan.",
                        "results",
                    )
                )
                continue
            total = (
                session.scalar(
                    select(func.count(Practice.id)).where(
                        Practice.framework_version_id == assessment.framework_version_id
                    )
                )
                or 0
            )
            mine = (
                session.scalar(
                    select(func.count(Rating.id)).where(
                        Rating.assessment_id == assessment.id,
                        Rating.user_id == actor.user_id,
                        (Rating.level.is_not(None)) | Rating.not_applicable.is_(True),
                    )
                )
                or 0
            )
            items.append(
                AttentionItem(
                    f"Finish your ratings for {team.name}",
                    f"You have rated {mine} of {total} practices in the {round_.label} draft.",
                    "assessment",
                )
            )
            if team_id in actor.team_ids(Role.LEAD):
                agreed = (
                    session.scalar(
                        select(func.count(AgreedRating.id)).where(
                            AgreedRating.assessment_id == assessment.id,
                            (AgreedRating.level.is_not(None))
                            | AgreedRating.not_applicable.is_(True),
                        )
                    )
                    or 0
                )
                items.append(
                    AttentionItem(
                        f"Agree {possessive(team.name)} ratings",
                        f"{agreed} of {total} practices have an agreed level.",
                        "agree",
                    )
                )
        if round_ is not None:
            for organisation_id in actor.champion_organisation_ids():
                items.extend(_champion_items(session, organisation_id, round_))
        if actor.can(Permission.TRIAGE_REQUESTS):
            waiting = (
                session.scalar(
                    select(func.count(SupportRequest.id)).where(
                        SupportRequest.status == OPEN_STATUSES[0].value
                    )
                )
                or 0
            )
            if waiting:
                items.append(
                    AttentionItem(
                        f"Triage {plural(waiting, 'new support request')}",
                        "Teams are waiting for the hub to pick these up.",
                        "triage",
                    )
                )
    items.extend(_output_items(db, actor, today))
    return items


def _output_items(db: Database, actor: Actor, today: date) -> list[AttentionItem]:
    """Teams asked to reassess after a release; champions told what their list of outputs
    shows needs doing."""
    items = [
        AttentionItem(
            f"Reassess {possessive(output.team_name)} work after the release of {output.title}",
            f"It was released on {format_date(output.releases.last)}: check your answers "
            "against what users said about it.",
            "assessment",
        )
        for output in statistical_outputs.team_reassessment_prompts(db, actor, today)
    ]
    if actor.can(Permission.MANAGE_OUTPUTS) and not actor.is_hub_staff():
        for organisation_id in actor.champion_organisation_ids():
            coverage = statistical_outputs.outputs_coverage(db, actor, organisation_id, today)
            waiting = len(coverage.needing_action())
            if waiting:
                items.append(
                    AttentionItem(
                        f"{plural(waiting, 'statistical output')} of "
                        f"{coverage.organisation_name} need a team to assess",
                        "Their teams have never been assessed, are overdue, or are due to "
                        "reassess after a release.",
                        "statistical_outputs",
                    )
                )
    return items


def _champion_items(session: Session, organisation_id: int, round_: Round) -> list[AttentionItem]:
    """How far the champion's organisation has got with this round."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        return []
    teams = (
        session.scalar(select(func.count(Team.id)).where(Team.organisation_id == organisation_id))
        or 0
    )
    statuses = dict(
        session.execute(
            select(Assessment.status, func.count(Assessment.id))
            .join(Team, Assessment.team_id == Team.id)
            .where(Team.organisation_id == organisation_id, Assessment.round_id == round_.id)
            .group_by(Assessment.status)
        ).all()
    )
    submitted = statuses.get(AssessmentStatus.SUBMITTED.value, 0)
    drafts = statuses.get(AssessmentStatus.DRAFT.value, 0)
    not_started = teams - submitted - drafts
    if teams == 0 or submitted == teams:
        return []
    return [
        AttentionItem(
            f"{submitted} of {teams} teams in {organisation.name} have submitted",
            f"For {round_.label}: {drafts} in draft and {not_started} not started yet.",
            "organisation",
        )
    ]
