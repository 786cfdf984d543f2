"""Bulk writing for the demo generator: ids chosen here, rows inserted in large batches."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ue_core.db.models import Base

__all__ = ["Ids", "insert_rows", "weighted"]

_CHUNK = 20_000


def weighted(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    """One of the options, drawn with its weight."""
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


class Ids:
    """Hands out primary keys after the largest id already in each table."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._next: dict[type[Base], int] = {}

    def take(self, model: type[Base]) -> int:
        if model not in self._next:
            table = Base.metadata.tables[model.__tablename__]
            current = self._session.scalar(select(func.max(table.c.id)))
            self._next[model] = (current or 0) + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value


def insert_rows(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column values, the same keys in each) in large batches.

    A Core insert of the table, not the ORM's bulk insert: the ORM leaves out None values and
    starts a new statement whenever the set of keys changes, so rows that alternate between a
    value and None went one statement each (thousands for ratings and notifications).
    """
    table = Base.metadata.tables[model.__tablename__]
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(table), rows[start : start + _CHUNK])
