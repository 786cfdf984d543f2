"""Peer contacts: opted-in teams elsewhere that are strong where this team is weak."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import func, select
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
from ue_core.services.fingerprints import FingerprintCache, database_key, maturity_version

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


def _principle_scores(
    session: Session, assessment_ids: Collection[int]
) -> dict[int, dict[str, float]]:
    """Each assessment's principle scores from its agreed ratings, in one query."""
    levels: dict[int, list[tuple[str, int]]] = defaultdict(list)
    if assessment_ids:
        rows = session.execute(
            select(AgreedRating.assessment_id, Principle.key, AgreedRating.level)
            .join(Practice, AgreedRating.practice_id == Practice.id)
            .join(Principle, Practice.principle_id == Principle.id)
            .where(
                AgreedRating.assessment_id.in_(list(assessment_ids)),
                AgreedRating.level.is_not(None),
                AgreedRating.not_applicable.is_(False),
            )
        ).all()
        for assessment_id, key, level in rows:
            if level is not None:
                levels[assessment_id].append((key, int(level)))
    return {
        assessment_id: {
            key: float(score) for key, score in principle_scores(levels[assessment_id]).items()
        }
        for assessment_id in assessment_ids
    }


def _latest_submitted(session: Session, team_ids: Collection[int]) -> dict[int, tuple[int, str]]:
    """Each team's latest submitted assessment (id, round label), in one query."""
    latest: dict[int, tuple[int, str]] = {}
    if not team_ids:
        return latest
    rows = session.execute(
        select(Assessment.team_id, Assessment.id, Round.label)
        .join(Round, Assessment.round_id == Round.id)
        .where(
            Assessment.team_id.in_(list(team_ids)),
            Assessment.status == AssessmentStatus.SUBMITTED.value,
        )
        .order_by(Assessment.team_id, Round.starts_on.desc(), Assessment.id.desc())
    ).all()
    for team_id, assessment_id, label in rows:
        latest.setdefault(team_id, (assessment_id, label))
    return latest


def _leads(session: Session, team_ids: Collection[int]) -> dict[int, tuple[tuple[str, str], ...]]:
    """The active leads (name, email) of each team, in one query."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if team_ids:
        rows = session.execute(
            select(Membership.team_id, User.display_name, User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.team_id.in_(list(team_ids)),
                Membership.role == Role.LEAD.value,
                User.is_active.is_(True),
            )
            .order_by(User.display_name)
        ).all()
        for team_id, name, email in rows:
            if team_id is not None:
                found[team_id].append((name, email))
    return {team_id: tuple(found[team_id]) for team_id in team_ids}


@dataclass(frozen=True)
class _Peer:
    """An opted-in team with a submitted assessment: its latest principle scores."""

    team_id: int
    team_name: str
    organisation_id: int
    organisation_name: str
    round_label: str
    scores: dict[str, float]


#: The opted-in teams' latest scores, by database and fingerprint (shared: nobody's own data).
_PEERS = FingerprintCache()


def _peers_version(session: Session) -> tuple[object, ...]:
    """Moves on with any submission or reopening, any team opting in or out and any renaming."""
    opted_in = session.execute(
        select(func.count(Team.id), func.sum(Team.id), func.sum(func.length(Team.name))).where(
            Team.happy_to_talk.is_(True)
        )
    ).one()
    organisations = session.execute(
        select(func.count(Organisation.id), func.sum(func.length(Organisation.name)))
    ).one()
    return (*maturity_version(session, date.min), tuple(opted_in), tuple(organisations))


def _opted_in_peers(db: Database, session: Session) -> list[_Peer]:
    """Every opted-in team with a submitted assessment, in team order, cached by fingerprint."""
    key = (database_key(db), _peers_version(session))
    cached: list[_Peer] | None = _PEERS.get(key)
    if cached is not None:
        return cached
    candidates = session.execute(
        select(Team.id, Team.name, Team.organisation_id, Organisation.name)
        .join(Organisation, Team.organisation_id == Organisation.id)
        .where(Team.happy_to_talk.is_(True))
        .order_by(Team.id)
    ).all()
    latest = _latest_submitted(session, [row[0] for row in candidates])
    scores_of = _principle_scores(session, [found[0] for found in latest.values()])
    peers = [
        _Peer(
            team_id=team_id,
            team_name=team_name,
            organisation_id=organisation_id,
            organisation_name=organisation_name,
            round_label=latest[team_id][1],
            scores=scores_of[latest[team_id][0]],
        )
        for team_id, team_name, organisation_id, organisation_name in candidates
        if team_id in latest
    ]
    _PEERS.put(key, peers)
    return peers


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
        own = _principle_scores(session, [assessment_id])[assessment_id]
        weak = [
            key
            for key, (_, target) in targets.items()
            if key in own and own[key] < (target if target is not None else 3)
        ]
        if not weak:
            return []
        strong = [
            peer
            for peer in _opted_in_peers(db, session)
            if peer.organisation_id != team.organisation_id
        ]
        contacts_by_team = _leads(session, [peer.team_id for peer in strong])
        result = []
        for key in weak:
            ranked = sorted(
                (peer for peer in strong if peer.scores.get(key, 0.0) >= STRONG_LEVEL),
                key=lambda peer: (-peer.scores[key], peer.team_name),
            )[:PEERS_PER_PRINCIPLE]
            for peer in ranked:
                result.append(
                    PeerContact(
                        principle_key=key,
                        principle_title=targets[key][0],
                        your_score=own.get(key),
                        team_name=peer.team_name,
                        organisation_name=peer.organisation_name,
                        their_score=peer.scores[key],
                        round_label=peer.round_label,
                        contacts=contacts_by_team[peer.team_id],
                    )
                )
        return result
