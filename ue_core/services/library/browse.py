"""Browsing the library: its filters, searching it and opening one entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ue_core.authz import Actor, Permission, require
from ue_core.catalogue import (
    AUDIENCES,
    METHODS,
    PRINCIPLES,
)
from ue_core.db.engine import Database
from ue_core.errors import InputError, NotFound
from ue_core.services.library.catalogue import KIND_LABELS, LibraryItem, _items, _practice_titles

#: Longest search text accepted.
MAX_QUERY: Final = 500


@dataclass(frozen=True)
class FilterOptions:
    """Choices for the library's filters: (key, label) pairs in a sensible order."""

    principles: tuple[tuple[str, str], ...]
    practices: tuple[tuple[str, str], ...]
    methods: tuple[tuple[str, str], ...]
    audiences: tuple[tuple[str, str], ...]
    organisations: tuple[str, ...]
    kinds: tuple[tuple[str, str], ...]


def _search_text(item: LibraryItem) -> str:
    parts = [
        item.resource.title,
        item.resource.summary,
        item.resource.origin,
        item.resource.detail,
        item.kind_label,
        *(str(value) for key, value in item.details.items() if key != "quotes"),
        *(f"{quote.text} {quote.source}" for quote in item.quotes()),
        *item.principle_labels(),
        *item.practice_labels(),
        *item.method_labels(),
        *item.audience_labels(),
    ]
    return " ".join(parts).casefold()


def filter_options(db: Database, actor: Actor) -> FilterOptions:
    require(actor, Permission.USE_LIBRARY)
    items = _items(db)
    used_practices = {key for item in items for key in item.resource.practices}
    used_methods = {key for item in items for key in item.resource.methods}
    used_audiences = {key for item in items for key in item.resource.audiences}
    titles = _practice_titles()
    return FilterOptions(
        principles=tuple(PRINCIPLES.items()),
        practices=tuple((k, t) for k, t in titles.items() if k in used_practices),
        methods=tuple((k, t) for k, t in METHODS.items() if k in used_methods),
        audiences=tuple((k, t) for k, t in AUDIENCES.items() if k in used_audiences),
        organisations=tuple(sorted({item.resource.origin for item in items})),
        kinds=tuple(KIND_LABELS.items()),
    )


def search(
    db: Database,
    actor: Actor,
    query: str = "",
    *,
    principle: str | None = None,
    practice: str | None = None,
    method: str | None = None,
    audience: str | None = None,
    organisation: str | None = None,
    kind: str | None = None,
) -> list[LibraryItem]:
    """Library entries containing every word of ``query`` and matching every filter given.

    Entries whose title holds a word of the query come first; otherwise catalogue order.
    """
    require(actor, Permission.USE_LIBRARY)
    if len(query) > MAX_QUERY:
        raise InputError(f"Search for at most {MAX_QUERY} characters.")
    words = [word for word in query.casefold().split() if word]
    found = []
    for item in _items(db):
        r = item.resource
        if (
            (principle and principle not in r.principles)
            or (practice and practice not in r.practices)
            or (method and method not in r.methods)
            or (audience and audience not in r.audiences)
            or (organisation and organisation != r.origin)
            or (kind and kind != r.kind)
        ):
            continue
        text = _search_text(item)
        if all(word in text for word in words):
            in_title = sum(word in r.title.casefold() for word in words)
            found.append((-in_title, item.row_id, item))
    return [item for _, _, item in sorted(found, key=lambda entry: entry[:2])]


def get_item(db: Database, actor: Actor, row_id: int) -> LibraryItem:
    require(actor, Permission.USE_LIBRARY)
    for item in _items(db):
        if item.row_id == row_id:
            return item
    raise NotFound("That library entry does not exist or has been withdrawn.")


def get_item_by_slug(db: Database, actor: Actor, slug: str) -> LibraryItem:
    require(actor, Permission.USE_LIBRARY)
    for item in _items(db):
        if item.slug == slug:
            return item
    raise NotFound("That library entry does not exist or has been withdrawn.")
