"""Fingerprints of the desk's data, and the small cache of read models keyed by them.

A fingerprint is a handful of counts and sums that any change to the data it covers moves on
(row versions grow with every edit), so a read model kept under one is never stale: the next
read after a change gets a new fingerprint and loads again. A warm read costs the fingerprint
queries only. The hub's desk reports (``hub_reports``) and the triage screen's read models
(``triage_suggestions``, ``request_context``) and the champion's organisation dashboard
(``oversight``) share this one mechanism.

Cached values are shared by everyone: they hold nothing that depends on who asks.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from threading import Lock
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    Organisation,
    RequestPracticeArea,
    RequestStatusChange,
    Round,
    SupportRequest,
    Target,
    Team,
)
from ue_core.services.frameworks import current_version_id
from ue_core.vocabulary import AssessmentStatus

KEEP: Final = 8  # fingerprints (and values) kept in memory by each cache


class FingerprintCache:
    """The last few values by key (a database and a fingerprint), least recently used out first."""

    def __init__(self, keep: int = KEEP) -> None:
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = Lock()
        self._keep = keep

    def get(self, key: Any) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._keep:
                self._items.popitem(last=False)


def database_key(db: Database) -> tuple[int, str]:
    """Which database a cached value came from (tests make many)."""
    return (id(db), db.url)


def requests_version(session: Session) -> tuple[object, ...]:
    """Moves on with any new or changed request, status change, triage or organisation."""
    rows = (
        select(
            func.count(SupportRequest.id),
            func.max(SupportRequest.updated_at),
            func.sum(SupportRequest.version),
        ),
        select(func.count(RequestStatusChange.id), func.max(RequestStatusChange.id)),
        select(func.count(), func.max(RequestPracticeArea.confirmed_at)).select_from(
            RequestPracticeArea
        ),
        select(func.count(Team.id), func.sum(Team.organisation_id)),
        select(func.count(Organisation.id), func.sum(func.length(Organisation.name))),
    )
    return tuple(tuple(session.execute(stmt).one()) for stmt in rows)


def maturity_version(session: Session, today: date) -> tuple[object, ...]:
    """Moves on with any submission, reopening or target change (and the day: stale evidence)."""
    rows = (
        select(func.count(Assessment.id), func.sum(Assessment.version)).where(
            Assessment.status == AssessmentStatus.SUBMITTED.value
        ),
        select(func.count(Target.id), func.sum(Target.version)),
        select(func.count(Team.id), func.sum(Team.organisation_id)),
    )
    counts = [tuple(session.execute(stmt).one()) for stmt in rows]
    return (today, current_version_id(session), *counts)


def organisations_version(session: Session, today: date) -> tuple[object, ...]:
    """Moves on with any assessment started, submitted, reopened or removed, any target or
    support request change, any team, organisation or round added, renamed, moved or removed,
    the framework in use, and the day.

    Teams, organisations and rounds carry no row version, so their few rows are read and
    hashed (hundreds of rows, a millisecond), which catches a rename of the same length too.
    """
    rows = (
        select(func.count(Assessment.id), func.max(Assessment.id), func.sum(Assessment.version)),
        select(func.count(Target.id), func.max(Target.id), func.sum(Target.version)),
        select(
            func.count(SupportRequest.id),
            func.max(SupportRequest.updated_at),
            func.sum(SupportRequest.version),
        ),
    )
    counts = [tuple(session.execute(stmt).one()) for stmt in rows]
    names = (
        select(Team.id, Team.organisation_id, Team.name).order_by(Team.id),
        select(Organisation.id, Organisation.name).order_by(Organisation.id),
        select(Round.id, Round.label, Round.starts_on, Round.ends_on).order_by(Round.id),
    )
    hashed = [hash(tuple(tuple(row) for row in session.execute(stmt))) for stmt in names]
    return (today, current_version_id(session), *counts, *hashed)
