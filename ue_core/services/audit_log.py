"""The audit log for admins: filter by person, object, action and date; page; download.

Filtering and paging happen in the database, so a long log is never loaded whole. Dates are
UK calendar days (the log holds UTC): "from 1 March" starts at midnight UK time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

import pandas as pd
from sqlalchemy import ColumnElement, Select, func, select

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, User
from ue_core.errors import InputError
from ue_core.io.safe_csv import to_csv_bytes
from ue_core.timefmt import UK, format_datetime

PAGE_SIZE: Final = 50
#: The most rows one download holds; narrow the filters for more.
MAX_DOWNLOAD_ROWS: Final = 50_000
SYSTEM: Final = "System"


@dataclass(frozen=True)
class AuditFilter:
    """What to look for; None means any."""

    person_id: int | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    action: str | None = None
    date_from: date | None = None  # UK calendar day, inclusive
    date_to: date | None = None  # UK calendar day, inclusive


@dataclass(frozen=True)
class AuditEntry:
    event_id: int
    when: datetime
    who: str
    action: str
    entity_type: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def action_label(self) -> str:
        return describe(self.action)

    @property
    def object_label(self) -> str:
        kind = describe(self.entity_type)
        return f"{kind} {self.entity_id}" if self.entity_id is not None else kind


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int  # 1-based
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class PersonChoice:
    user_id: int
    name: str
    email: str


@dataclass(frozen=True)
class AuditChoices:
    """The values the filters can take: people who did something, actions, kinds of object."""

    people: list[PersonChoice]
    actions: list[str]
    entity_types: list[str]


def describe(code: str) -> str:
    """'accept_theme_review' -> 'Accept theme review'."""
    words = code.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK).astimezone(UTC)


def _conditions(filters: AuditFilter) -> list[ColumnElement[bool]]:
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InputError("The 'from' date must be on or before the 'to' date.")
    conditions: list[ColumnElement[bool]] = []
    if filters.person_id is not None:
        conditions.append(AuditEvent.actor_user_id == filters.person_id)
    if filters.entity_type:
        conditions.append(AuditEvent.entity_type == filters.entity_type)
    if filters.entity_id is not None:
        conditions.append(AuditEvent.entity_id == filters.entity_id)
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.date_from:
        conditions.append(AuditEvent.created_at >= _uk_midnight(filters.date_from))
    if filters.date_to:
        next_day = filters.date_to + timedelta(days=1)
        conditions.append(AuditEvent.created_at < _uk_midnight(next_day))
    return conditions


def _rows(filters: AuditFilter) -> Select[AuditEvent, str]:
    return (
        select(AuditEvent, User.display_name)
        .outerjoin(User, AuditEvent.actor_user_id == User.id)
        .where(*_conditions(filters))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )


def _entries(rows: Sequence[Any]) -> list[AuditEntry]:
    return [
        AuditEntry(
            event_id=event.id,
            when=event.created_at,
            who=name or SYSTEM,
            action=event.action,
            entity_type=event.entity_type,
            entity_id=event.entity_id,
            before=event.before,
            after=event.after,
        )
        for event, name in rows
    ]


def audit_choices(db: Database, actor: Actor) -> AuditChoices:
    """Admins only: the people, actions and kinds of object that appear in the log."""
    require(actor, Permission.ADMINISTER)
    with db.read() as session:
        people = session.execute(
            select(User.id, User.display_name, User.email)
            .where(User.id.in_(select(AuditEvent.actor_user_id).distinct()))
            .order_by(User.display_name, User.id)
        ).all()
        actions = session.scalars(
            select(AuditEvent.action).distinct().order_by(AuditEvent.action)
        ).all()
        kinds = session.scalars(
            select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type)
        ).all()
    return AuditChoices(
        people=[PersonChoice(user_id, name, email) for user_id, name, email in people],
        actions=list(actions),
        entity_types=list(kinds),
    )


def audit_page(
    db: Database, actor: Actor, filters: AuditFilter, page: int = 1, page_size: int = PAGE_SIZE
) -> AuditPage:
    """Admins only: one page of matching events, newest first, and how many match in all."""
    require(actor, Permission.ADMINISTER)
    if page_size < 1:
        raise InputError("Show at least one event a page.")
    with db.read() as session:
        total = (
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(*_conditions(filters))
            )
            or 0
        )
        last_page = max(1, -(-total // page_size))
        page = min(max(1, page), last_page)
        rows = session.execute(_rows(filters).limit(page_size).offset((page - 1) * page_size)).all()
    return AuditPage(_entries(rows), total, page, page_size)


def _details(values: dict[str, Any] | None) -> str:
    return "" if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)


def audit_csv(db: Database, actor: Actor, filters: AuditFilter) -> bytes:
    """Admins only: the matching events (up to MAX_DOWNLOAD_ROWS) as formula-safe CSV."""
    require(actor, Permission.ADMINISTER)
    with db.read() as session:
        rows = session.execute(_rows(filters).limit(MAX_DOWNLOAD_ROWS)).all()
    entries = _entries(rows)
    frame = pd.DataFrame(
        {
            "Event": [e.event_id for e in entries],
            "When (UTC)": [e.when.astimezone(UTC).isoformat() for e in entries],
            "When (UK time)": [format_datetime(e.when) for e in entries],
            "Who": [e.who for e in entries],
            "Action": [e.action for e in entries],
            "Object": [e.entity_type for e in entries],
            "Object ID": [e.entity_id for e in entries],
            "Before": [_details(e.before) for e in entries],
            "After": [_details(e.after) for e in entries],
        }
    )
    frame["Object ID"] = frame["Object ID"].astype("Int64")
    return to_csv_bytes(frame)
