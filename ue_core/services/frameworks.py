"""Framework versions: loading the framework file into the database, and reading a version back.

A changed file (a different content hash) makes a new version; assessments keep the version they
were made against, and the full content of every version is stored, so old assessments still show
the statements and level descriptors their raters saw.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.framework_store import SyncResult, sync_in_session
from ue_core.db.models import FrameworkVersion, Practice
from ue_core.framework import Framework, load_framework


@dataclass(frozen=True)
class VersionSummary:
    id: int
    edition: str
    title: str
    content_hash: str
    loaded_at_iso: str
    practice_count: int
    is_current: bool


def sync_framework(db: Database, actor: Actor, framework: Framework | None = None) -> SyncResult:
    """Load the framework file (or ``framework``) as a new version if its content changed.

    Admins, or ``SYSTEM`` for the command line and start-up.
    """
    require(actor, Permission.ADMINISTER)
    framework = framework or load_framework()
    with db.transaction() as session:
        result = sync_in_session(session, framework)
        if result.created:
            audit.record(
                session,
                actor,
                "load_framework",
                "framework_version",
                result.version_id,
                after={"edition": framework.edition, "content_hash": framework.content_hash()},
            )
        return result


def current_version_id(session: Session) -> int | None:
    """The newest stored framework version: new assessments use it."""
    return session.scalar(select(FrameworkVersion.id).order_by(FrameworkVersion.id.desc()).limit(1))


#: Validated framework versions kept in memory (a version's content never changes after it is
#: stored, and a Framework is frozen, so one validated copy serves every reader).
KEPT_VERSIONS: Final = 32
_validated: OrderedDict[tuple[str, int, str], Framework] = OrderedDict()
_validated_lock = Lock()


def framework_for_version(session: Session, version_id: int) -> Framework:
    """The framework of a stored version, validated once per database, version and content hash
    (validating the content is most of the cost, and pages read it several times a run)."""
    stored_hash = session.scalar(
        select(FrameworkVersion.content_hash).where(FrameworkVersion.id == version_id)
    )
    if stored_hash is None:
        raise LookupError(f"Framework version {version_id} does not exist")
    key = (str(session.get_bind().engine.url), version_id, stored_hash)
    with _validated_lock:
        found = _validated.get(key)
        if found is not None:
            _validated.move_to_end(key)
            return found
    version = session.get(FrameworkVersion, version_id)
    if version is None:
        raise LookupError(f"Framework version {version_id} does not exist")
    framework = Framework.model_validate(version.content)
    with _validated_lock:
        _validated[key] = framework
        while len(_validated) > KEPT_VERSIONS:
            _validated.popitem(last=False)
    return framework


def list_versions(db: Database, actor: Actor) -> list[VersionSummary]:
    require(actor, Permission.ADMINISTER)
    with db.read() as session:
        current = current_version_id(session)
        rows = session.scalars(select(FrameworkVersion).order_by(FrameworkVersion.id.desc()))
        summaries = []
        for row in rows:
            count = len(
                session.scalars(
                    select(Practice.id).where(Practice.framework_version_id == row.id)
                ).all()
            )
            summaries.append(
                VersionSummary(
                    id=row.id,
                    edition=row.edition,
                    title=row.title,
                    content_hash=row.content_hash,
                    loaded_at_iso=row.loaded_at.isoformat(),
                    practice_count=count,
                    is_current=row.id == current,
                )
            )
        return summaries
