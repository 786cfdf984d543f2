"""The audit log: who did what, when, with the values before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ue_core.authz import Actor
from ue_core.db.models import AuditEvent


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the current transaction (it commits or rolls back with the change).

    The system actor (command line, start-up, demo) is recorded as no person.
    """
    session.add(
        AuditEvent(
            actor_user_id=None if actor.is_system else actor.user_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )
