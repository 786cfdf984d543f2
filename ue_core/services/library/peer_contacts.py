"""Peer contacts: opted-in teams elsewhere that are strong where this team is weak."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, require_team
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    Membership,
    Organisation,
    Practice,
    Principle,
    Role,
    Round,
    Team,
    User,
)
from ue_core.errors import NotFound
from ue_core.scoring import principle_scores
from ue_core.services import results as results_service

#: A principle score at or above this (Developing) counts as strong for peer contacts.
STRONG_LEVEL: Final = 3.5


#: Peer contacts suggested per weak principle.
PEERS_PER_PRINCIPLE: Final = 3


@dataclass(frozen=True)
class PeerContact:
    principle_key: str
    principle_title: str
    your_score: float | None
    team_name: str
    organisation_name: str
    their_score: float
    round_label: str
    contacts: tuple[tuple[str, str], ...]  # (name, email) of the team's leads


def happy_to_talk(db: Database, actor: Actor, team_id: int) -> bool:
    """Whether the team has opted in to being suggested to other teams."""
    require_team(actor, team_id)
    with db.read() as session:
        team = session.get(Team, team_id)
        if team is None:
            raise NotFound("That team does not exist.")
        return bool(team.happy_to_talk)


def set_happy_to_talk(db: Database, actor: Actor, team_id: int, value: bool) -> None:
    """Opt the team in or out of peer contacts (team leads only)."""
    require_team(actor, team_id, Role.LEAD)
    with db.transaction() as session:
        team = session.get(Team, team_id)
        if team is None:
            raise NotFound("That team does not exist.")
        before = bool(team.happy_to_talk)
        team.happy_to_talk = value
        audit.record(
            session,
            actor,
            "set_happy_to_talk",
            "team",
            team_id,
            {"happy_to_talk": before},
            {"happy_to_talk": value},
        )


def _principle_scores(session: Session, assessment_id: int) -> dict[str, float]:
    rows = session.execute(
        select(Principle.key, AgreedRating.level)
        .join(Practice, AgreedRating.practice_id == Practice.id)
        .join(Principle, Practice.principle_id == Principle.id)
        .where(
            AgreedRating.assessment_id == assessment_id,
            AgreedRating.level.is_not(None),
            AgreedRating.not_applicable.is_(False),
        )
    ).all()
    scores = principle_scores((key, int(level)) for key, level in rows if level is not None)
    return {key: float(score) for key, score in scores.items()}


def peer_contacts(db: Database, actor: Actor, assessment_id: int) -> list[PeerContact]:
    """Opted-in teams in other organisations that are strong where this team is weak.

    A principle is weak when its score is below the team's target for it (or, with no target,
    below Learning). A team is strong on it when its latest submitted score is Developing (3.5)
    or above. Teams that have not opted in are never considered.
    """
    targets = {
        t.principle_key: (t.title, t.level)
        for t in results_service.targets(db, actor, assessment_id)
    }
    with db.read() as session:
        assessment = session.get(Assessment, assessment_id)
        if assessment is None:
            raise NotFound("That assessment does not exist.")
        team = session.get(Team, assessment.team_id)
        assert team is not None
        own = _principle_scores(session, assessment_id)
        weak = [
            key
            for key, (_, target) in targets.items()
            if key in own and own[key] < (target if target is not None else 3)
        ]
        if not weak:
            return []
        candidates = session.execute(
            select(Team, Organisation.name)
            .join(Organisation, Team.organisation_id == Organisation.id)
            .where(
                Team.happy_to_talk.is_(True),
                Team.organisation_id != team.organisation_id,
            )
            .order_by(Team.id)
        ).all()
        strong: list[tuple[Team, str, str, dict[str, float]]] = []
        for other, organisation_name in candidates:
            latest = session.execute(
                select(Assessment.id, Round.label)
                .join(Round, Assessment.round_id == Round.id)
                .where(
                    Assessment.team_id == other.id,
                    Assessment.status == AssessmentStatus.SUBMITTED.value,
                )
                .order_by(Round.starts_on.desc())
                .limit(1)
            ).first()
            if latest is not None:
                scores = _principle_scores(session, latest[0])
                strong.append((other, organisation_name, latest[1], scores))
        contacts_by_team: dict[int, tuple[tuple[str, str], ...]] = {}
        for other, _, _, _ in strong:
            leads = session.execute(
                select(User.display_name, User.email)
                .join(Membership, Membership.user_id == User.id)
                .where(
                    Membership.team_id == other.id,
                    Membership.role == Role.LEAD.value,
                    User.is_active.is_(True),
                )
                .order_by(User.display_name)
            ).all()
            contacts_by_team[other.id] = tuple((name, email) for name, email in leads)
        result = []
        for key in weak:
            ranked = sorted(
                (
                    (scores[key], other, organisation_name, label)
                    for other, organisation_name, label, scores in strong
                    if scores.get(key, 0.0) >= STRONG_LEVEL
                ),
                key=lambda entry: (-entry[0], entry[1].name),
            )[:PEERS_PER_PRINCIPLE]
            for score, other, organisation_name, label in ranked:
                result.append(
                    PeerContact(
                        principle_key=key,
                        principle_title=targets[key][0],
                        your_score=own.get(key),
                        team_name=other.name,
                        organisation_name=organisation_name,
                        their_score=score,
                        round_label=label,
                        contacts=contacts_by_team[other.id],
                    )
                )
        return result
