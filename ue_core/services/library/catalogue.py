"""The library's catalogue: the files in data/ copied into the resource table, and its entries."""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import SYSTEM, Actor, Permission, require
from ue_core.catalogue import (
    AUDIENCES,
    METHODS,
    PRINCIPLES,
    Catalogue,
    Quotation,
    Resource,
    ResourceKind,
    load_catalogue,
)
from ue_core.db.engine import Database
from ue_core.db.models import Resource as ResourceRow
from ue_core.framework import Framework, load_framework
from ue_core.recommend import (
    PracticeInfo,
    catalogue_hash,
)
from ue_core.services.fingerprints import FingerprintCache, database_key

KIND_LABELS: Final[Mapping[str, str]] = {
    "case_study": "Case study",
    "training": "Training and support",
}


@dataclass(frozen=True)
class LibraryItem:
    """A library entry as the pages show it."""

    row_id: int
    resource: Resource
    details: Mapping[str, Any]
    practice_titles: Mapping[str, str]

    @property
    def slug(self) -> str:
        return self.resource.id

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.resource.kind]

    def quotes(self) -> list[Quotation]:
        """Passages the entry quotes word for word, each with its source."""
        return [Quotation.model_validate(quote) for quote in self.details.get("quotes", [])]

    def principle_labels(self) -> list[str]:
        return [PRINCIPLES.get(key, key) for key in self.resource.principles]

    def practice_labels(self) -> list[str]:
        return [self.practice_titles.get(key, key) for key in self.resource.practices]

    def method_labels(self) -> list[str]:
        return [METHODS.get(key, key) for key in self.resource.methods]

    def audience_labels(self) -> list[str]:
        return [AUDIENCES.get(key, key) for key in self.resource.audiences]


@functools.cache
def _framework() -> Framework:
    return load_framework()


@functools.cache
def _catalogue() -> Catalogue:
    return load_catalogue(practice_keys=_framework().practice_keys())


def _practice_infos(framework: Framework) -> dict[str, PracticeInfo]:
    return {
        practice.key: PracticeInfo(practice.key, practice.title, practice.statement)
        for practice in framework.practices()
    }


def _practice_titles() -> dict[str, str]:
    return {p.key: p.title for p in _framework().practices()}


def _content(catalogue: Catalogue, resource: Resource) -> dict[str, Any]:
    keys: tuple[str, ...]
    if resource.kind == "case_study":
        entry = catalogue.case_study(resource.id).model_dump(mode="json")
        keys = ("organisation", "year", "task", "approach", "outcome")
    else:
        entry = catalogue.offer(resource.id).model_dump(mode="json")
        keys = ("provider", "kind", "format", "length", "level", "suits", "description")
    view = {
        "kind": resource.kind,
        "id": resource.id,
        "title": resource.title,
        "summary": resource.summary,
        "origin": resource.origin,
        "detail": resource.detail,
        "principles": list(resource.principles),
        "practices": list(resource.practices),
        "methods": list(resource.methods),
        "audiences": list(resource.audiences),
        "source_urls": list(resource.source_urls),
        "is_example": resource.is_example,
        "use_when": list(resource.use_when),
        "context": resource.context,
    }
    details = {key: entry[key] for key in keys}
    if entry["quotes"]:
        details["quotes"] = entry["quotes"]
    return {"resource": view, "details": details}


def _resource_from(content: Mapping[str, Any]) -> Resource:
    view = content["resource"]
    return Resource(
        kind=cast(ResourceKind, view["kind"]),
        id=str(view["id"]),
        title=str(view["title"]),
        summary=str(view["summary"]),
        origin=str(view["origin"]),
        detail=str(view["detail"]),
        principles=tuple(view["principles"]),
        practices=tuple(view["practices"]),
        methods=tuple(view["methods"]),
        audiences=tuple(view["audiences"]),
        source_urls=tuple(view["source_urls"]),
        is_example=bool(view["is_example"]),
        use_when=tuple(view.get("use_when", ())),
        context=str(view.get("context", "")),
    )


def _file_version(slug: str) -> tuple[str, str, dict[str, Any]] | None:
    """The catalogue files' kind, title and stored content for one entry; None if it left them."""
    catalogue = _catalogue()
    for resource in catalogue.resources():
        if resource.id == slug:
            return resource.kind, resource.title, _content(catalogue, resource)
    return None


_SYNCED: dict[str, str] = {}


_SYNC_LOCK = threading.Lock()


def sync_catalogue(db: Database, actor: Actor) -> int:
    """Copy the catalogue files into the ``resource`` table; returns the rows added or changed.

    Rows are matched by slug (the catalogue id); a row whose entry has left the files is marked
    inactive, so it leaves the library and recommendations but keeps its recorded events.
    Rows an admin has changed in the app (``edited_at`` set) are left as the admin left them.
    ``actor`` is ``SYSTEM`` for first use and the command line; a person must be an admin.
    """
    require(actor, Permission.ADMINISTER)
    catalogue = _catalogue()
    changed = 0
    try:
        with db.transaction() as session:
            existing = {row.slug: row for row in session.scalars(select(ResourceRow))}
            for resource in catalogue.resources():
                content = _content(catalogue, resource)
                row = existing.get(resource.id)
                if row is None:
                    session.add(
                        ResourceRow(
                            slug=resource.id,
                            kind=resource.kind,
                            title=resource.title,
                            content=content,
                            is_active=True,
                        )
                    )
                    changed += 1
                elif row.edited_at is not None:
                    continue
                elif row.content != content or row.title != resource.title or not row.is_active:
                    row.kind = resource.kind
                    row.title = resource.title
                    row.content = content
                    row.is_active = True
                    changed += 1
            # An entry taken out of the files is withdrawn, not deleted: its events stay.
            in_files = {resource.id for resource in catalogue.resources()}
            for slug, row in existing.items():
                if slug not in in_files and row.is_active and row.edited_at is None:
                    row.is_active = False
                    changed += 1
            if changed:
                audit.record(
                    session, actor, "sync_catalogue", "resource", None, None, {"changed": changed}
                )
    except IntegrityError:  # another process copied the same files at the same moment
        return 0
    return changed


def _ensure_synced(db: Database) -> None:
    digest = catalogue_hash(_catalogue().resources(), _practice_titles())
    with _SYNC_LOCK:
        if _SYNCED.get(db.url) == digest:
            return
    sync_catalogue(db, SYSTEM)
    with _SYNC_LOCK:
        _SYNCED[db.url] = digest


def _active_items(session: Session) -> list[LibraryItem]:
    titles = _practice_titles()
    rows = session.scalars(
        select(ResourceRow).where(ResourceRow.is_active.is_(True)).order_by(ResourceRow.id)
    )
    return [
        LibraryItem(
            row_id=row.id,
            resource=_resource_from(row.content),
            details=dict(row.content.get("details", {})),
            practice_titles=titles,
        )
        for row in rows
    ]


#: The active items, by database and a fingerprint of the library's rows (every edit, withdrawal
#: or new entry moves it on: row versions grow with each change).
_ACTIVE = FingerprintCache()


def _library_version(session: Session) -> tuple[object, ...]:
    return tuple(
        session.execute(
            select(
                func.count(ResourceRow.id), func.max(ResourceRow.id), func.sum(ResourceRow.version)
            )
        ).one()
    )


def _items(db: Database) -> list[LibraryItem]:
    _ensure_synced(db)
    with db.read() as session:
        key = (*database_key(db), _library_version(session))
        found = _ACTIVE.get(key)
        if found is None:
            found = tuple(_active_items(session))
            _ACTIVE.put(key, found)
    return list(found)
