"""Storing a framework as a version: its principles and practices as rows.

Used inside a transaction by the framework service (``ue_core.services.frameworks``) and by the
demo generator's bulk load.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.db.models import FrameworkVersion, Practice, Principle
from ue_core.framework import Framework


@dataclass(frozen=True)
class SyncResult:
    version_id: int
    created: bool


def sync_in_session(session: Session, framework: Framework) -> SyncResult:
    """Store ``framework`` as a version unless the same content is already stored."""
    content_hash = framework.content_hash()
    existing = session.scalar(
        select(FrameworkVersion.id).where(FrameworkVersion.content_hash == content_hash)
    )
    if existing is not None:
        return SyncResult(existing, created=False)
    version = FrameworkVersion(
        framework_key=framework.id,
        edition=framework.edition,
        title=framework.title,
        content_hash=content_hash,
        content=framework.model_dump(mode="json"),
    )
    session.add(version)
    session.flush()
    for p_pos, principle in enumerate(framework.principles):
        row = Principle(
            framework_version_id=version.id,
            key=principle.key,
            title=principle.title,
            position=p_pos,
        )
        session.add(row)
        session.flush()
        for q_pos, practice in enumerate(principle.practices):
            session.add(
                Practice(
                    framework_version_id=version.id,
                    principle_id=row.id,
                    key=practice.key,
                    title=practice.title,
                    position=q_pos,
                )
            )
    session.flush()
    return SyncResult(version.id, created=True)
