"""Champion terms inside a service's transaction: started when the champion role is given and
ended when it is taken away, so the directory can say "champion since" and the hub keeps the
history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor
from ue_core.db.models import ChampionTerm


def _by(actor: Actor) -> int | None:
    return None if actor.is_system else actor.user_id


def _start_term(
    session: Session, actor: Actor, user_id: int, organisation_id: int, today: date
) -> None:
    """Open a term for a champion role just given (inside the caller's transaction)."""
    session.add(
        ChampionTerm(
            user_id=user_id,
            organisation_id=organisation_id,
            started_on=today,
            started_by_id=_by(actor),
        )
    )


def _end_term(
    session: Session, actor: Actor, user_id: int, organisation_id: int, today: date
) -> None:
    """Close the open term of a champion role being taken away (if there is one)."""
    for term in session.scalars(
        select(ChampionTerm).where(
            ChampionTerm.user_id == user_id,
            ChampionTerm.organisation_id == organisation_id,
            ChampionTerm.ended_on.is_(None),
        )
    ):
        term.ended_on = max(today, term.started_on)
        term.ended_by_id = _by(actor)
