"""Consultants' declared skills: the practice areas and kinds of help each hub consultant can
help with. Consultants declare their own; admins set anyone's. Triage reads them, with each
consultant's open requests, to suggest who is best placed to take a request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require, require_set_skills
from ue_core.db.engine import Database
from ue_core.db.models import ConsultantSkill, Membership, Role, SupportRequest, User
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.framework import PRACTICE_AREA_LABELS
from ue_core.request_kinds import shipped_request_kinds
from ue_core.triage.consultant_choice import Candidate
from ue_core.vocabulary import RequestStatus

AREA: Final = "area"
KIND: Final = "kind"
#: Statuses in which a request counts towards its consultant's open load.
LOAD_STATUSES: Final = (
    RequestStatus.ASSIGNED.value,
    RequestStatus.IN_PROGRESS.value,
    RequestStatus.WAITING_ON_TEAM.value,
)


@dataclass(frozen=True)
class DeclaredSkills:
    """What one consultant has declared they can help with."""

    user_id: int
    name: str
    areas: frozenset[str]
    kinds: frozenset[str]


@dataclass(frozen=True)
class HubConsultant:
    user_id: int
    name: str


def is_hub_consultant(session: Session, user_id: int) -> bool:
    """Whether ``user_id`` is an active hub consultant (read inside a service's session)."""
    found = session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.user_id == user_id,
            Membership.role == Role.CONSULTANT.value,
            User.is_active.is_(True),
        )
        .limit(1)
    )
    return found is not None


def _declared(session: Session, user_id: int) -> DeclaredSkills:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That person no longer exists.")
    rows = session.execute(
        select(ConsultantSkill.skill, ConsultantSkill.key).where(ConsultantSkill.user_id == user_id)
    ).all()
    return DeclaredSkills(
        user_id=user_id,
        name=user.display_name,
        areas=frozenset(key for skill, key in rows if skill == AREA),
        kinds=frozenset(key for skill, key in rows if skill == KIND),
    )


def skills_of(db: Database, actor: Actor, user_id: int) -> DeclaredSkills:
    """A consultant's declared areas and kinds of help (their own, or anyone's for an admin)."""
    require_set_skills(actor, user_id)
    with db.read() as session:
        return _declared(session, user_id)


def _active_consultants(session: Session) -> list[HubConsultant]:
    rows = session.execute(
        select(User.id, User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.CONSULTANT.value, User.is_active.is_(True))
        .order_by(User.display_name, User.id)
        .distinct()
    ).all()
    return [HubConsultant(user_id, name) for user_id, name in rows]


def hub_consultants(db: Database, actor: Actor) -> list[HubConsultant]:
    """Admins: every active hub consultant, by name, to choose whose skills to set."""
    require(actor, Permission.ADMINISTER)
    with db.read() as session:
        return _active_consultants(session)


def _check(areas: Iterable[str], kinds: Iterable[str]) -> tuple[list[str], list[str]]:
    area_list, kind_list = sorted(set(areas)), sorted(set(kinds))
    unknown_areas = [a for a in area_list if a not in PRACTICE_AREA_LABELS]
    if unknown_areas:
        raise InputError(
            f"'{unknown_areas[0]}' is not a practice area of the framework. Choose from: "
            + ", ".join(PRACTICE_AREA_LABELS.values())
            + "."
        )
    known_kinds = shipped_request_kinds().by_key()
    unknown_kinds = [k for k in kind_list if k not in known_kinds]
    if unknown_kinds:
        raise InputError(f"'{unknown_kinds[0]}' is not a kind of help the hub offers.")
    return area_list, kind_list


def set_skills(
    db: Database,
    actor: Actor,
    user_id: int,
    areas: Iterable[str],
    kinds: Iterable[str],
    *,
    expected: DeclaredSkills,
) -> DeclaredSkills:
    """Replace a consultant's declared skills; ``expected`` is what the person saw.

    Raises ConflictError when someone else changed them since, InputError for an unknown area
    or kind, or a person who is not a hub consultant.
    """
    require_set_skills(actor, user_id)
    area_list, kind_list = _check(areas, kinds)
    with db.transaction() as session:
        if not is_hub_consultant(session, user_id):
            raise InputError("Only hub consultants declare skills for triage.")
        before = _declared(session, user_id)
        if (before.areas, before.kinds) != (expected.areas, expected.kinds):
            raise ConflictError(
                "Someone else changed these skills while you were looking at them. "
                "Theirs are shown below; check them and make your change again.",
                current={"areas": sorted(before.areas), "kinds": sorted(before.kinds)},
            )
        session.execute(delete(ConsultantSkill).where(ConsultantSkill.user_id == user_id))
        now = datetime.now(UTC)
        for skill, keys in ((AREA, area_list), (KIND, kind_list)):
            for key in keys:
                session.add(
                    ConsultantSkill(
                        user_id=user_id,
                        skill=skill,
                        key=key,
                        declared_by_id=None if actor.is_system else actor.user_id,
                        declared_at=now,
                    )
                )
        audit.record(
            session,
            actor,
            "set_consultant_skills",
            "user_account",
            user_id,
            before={"areas": sorted(before.areas), "kinds": sorted(before.kinds)},
            after={"areas": area_list, "kinds": kind_list},
        )
        session.flush()
        return _declared(session, user_id)


def consultant_candidates(session: Session) -> list[Candidate]:
    """Every active hub consultant with their declared skills and open requests (read inside
    a service's session, after its access check)."""
    people = _active_consultants(session)
    skills: dict[int, dict[str, set[str]]] = defaultdict(lambda: {AREA: set(), KIND: set()})
    for user_id, skill, key in session.execute(
        select(ConsultantSkill.user_id, ConsultantSkill.skill, ConsultantSkill.key)
    ):
        skills[user_id][skill].add(key)
    load: dict[int | None, int] = {
        assignee_id: count
        for assignee_id, count in session.execute(
            select(SupportRequest.assignee_id, func.count())
            .where(
                SupportRequest.assignee_id.is_not(None),
                SupportRequest.status.in_(LOAD_STATUSES),
            )
            .group_by(SupportRequest.assignee_id)
        )
    }
    return [
        Candidate(
            user_id=user_id,
            name=name,
            areas=frozenset(skills[user_id][AREA]),
            kinds=frozenset(skills[user_id][KIND]),
            open_requests=int(load.get(user_id, 0)),
        )
        for user_id, name in ((p.user_id, p.name) for p in people)
    ]
