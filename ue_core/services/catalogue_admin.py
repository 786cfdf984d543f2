"""Admins edit library entries in the app.

The files in ``data/`` seed the library. An admin can change an entry's title and summary, or
take it out of the library, here; the entry is then marked as edited in the app and the file's
version is no longer applied to it, until the admin restores the file's version.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from ue_core import audit
from ue_core.authz import SYSTEM, Actor, Permission, require
from ue_core.catalogue import count_sentences
from ue_core.db.engine import Database
from ue_core.db.models import Resource, User
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services.library.catalogue import _file_version, sync_catalogue

MAX_TITLE = 200


@dataclass(frozen=True)
class LibraryEntry:
    slug: str
    kind: str
    title: str
    summary: str
    is_active: bool
    edited_at: datetime | None
    edited_by: str | None
    version: int

    @property
    def kind_label(self) -> str:
        return "Case study" if self.kind == "case_study" else "Training and support"


def library_entries(db: Database, actor: Actor) -> list[LibraryEntry]:
    """Every entry, including ones taken out of the library, by title."""
    require(actor, Permission.ADMINISTER)
    sync_catalogue(db, SYSTEM)  # new entries in the files appear here straight away
    with db.read() as session:
        rows = session.execute(
            select(Resource, User.display_name)
            .outerjoin(User, Resource.edited_by_id == User.id)
            .order_by(Resource.title)
        ).all()
    return [
        LibraryEntry(
            slug=row.slug,
            kind=row.kind,
            title=row.title,
            summary=str(row.content.get("resource", {}).get("summary", "")),
            is_active=row.is_active,
            edited_at=row.edited_at,
            edited_by=name,
            version=row.version,
        )
        for row, name in rows
    ]


def edit_entry(
    db: Database,
    actor: Actor,
    slug: str,
    *,
    title: str,
    summary: str,
    is_active: bool,
    expected_version: int,
) -> None:
    """Change an entry's title, summary or whether it is shown. Version-checked and audited."""
    require(actor, Permission.ADMINISTER)
    title, summary = " ".join(title.split()), " ".join(summary.split())
    if not title:
        raise InputError("Enter a title.")
    if len(title) > MAX_TITLE:
        raise InputError(f"The title must be {MAX_TITLE} characters or fewer.")
    if not 1 <= count_sentences(summary) <= 4:
        raise InputError("Write a summary of one to four sentences.")
    with db.transaction() as session:
        row = session.scalar(select(Resource).where(Resource.slug == slug))
        if row is None:
            raise NotFound("That library entry no longer exists.")
        if row.version != expected_version:
            raise ConflictError(
                "Someone else changed this entry after you opened it. Their version is shown; "
                "check it and make your change again.",
                current={
                    "title": row.title,
                    "summary": row.content.get("resource", {}).get("summary", ""),
                    "shown in the library": "Yes" if row.is_active else "No",
                },
            )
        before = {
            "title": row.title,
            "summary": row.content.get("resource", {}).get("summary", ""),
            "is_active": row.is_active,
        }
        content = copy.deepcopy(row.content)
        content.setdefault("resource", {})
        content["resource"]["title"] = title
        content["resource"]["summary"] = summary
        row.content = content
        row.title = title
        row.is_active = is_active
        row.edited_at = datetime.now(UTC)
        row.edited_by_id = actor.user_id
        session.flush()
        audit.record(
            session,
            actor,
            "edit_library_entry",
            "resource",
            row.id,
            before=before,
            after={"title": title, "summary": summary, "is_active": is_active},
        )


def restore_file_version(db: Database, actor: Actor, slug: str) -> None:
    """Drop the app's changes to an entry and apply the file's version, in one audited change.

    An entry that has left the files is taken out of the library.
    """
    require(actor, Permission.ADMINISTER)
    from_file = _file_version(slug)
    with db.transaction() as session:
        row = session.scalar(select(Resource).where(Resource.slug == slug))
        if row is None:
            raise NotFound("That library entry no longer exists.")
        before = _audited_fields(row)
        row.edited_at = None
        row.edited_by_id = None
        if from_file is None:
            row.is_active = False
        else:
            row.kind, row.title, row.content = from_file
            row.is_active = True
        session.flush()
        audit.record(
            session,
            actor,
            "restore_library_entry",
            "resource",
            row.id,
            before=before,
            after=_audited_fields(row),
        )


def _audited_fields(row: Resource) -> dict[str, object]:
    return {
        "title": row.title,
        "summary": row.content.get("resource", {}).get("summary", ""),
        "is_active": row.is_active,
    }
