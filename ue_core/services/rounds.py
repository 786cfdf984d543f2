"""Assessment rounds: the periods teams assess in."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.db.models import Round


def current_round(session: Session, today: date) -> Round | None:
    """The round that contains ``today``; failing that, the latest round that has started."""
    containing = session.scalar(
        select(Round).where(Round.starts_on <= today, Round.ends_on >= today)
    )
    if containing is not None:
        return containing
    return session.scalar(
        select(Round).where(Round.starts_on <= today).order_by(Round.starts_on.desc()).limit(1)
    )
