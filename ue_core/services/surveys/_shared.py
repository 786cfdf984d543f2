"""Private helpers shared by the survey modules: vectors, theme-set locking, lookups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ue_core.db.models import (
    SurveyQuestion,
    Theme,
    ThemeSet,
    TopTheme,
)
from ue_core.errors import ConflictError, NotFound
from ue_core.redaction import RedactionKind

FloatMatrix = npt.NDArray[np.float32]


Progress = Callable[[float, str], None]


MAX_LABEL: Final = 120


def _vector(data: bytes | None) -> FloatMatrix | None:
    if data is None:
        return None
    return np.frombuffer(data, dtype=np.float32).copy()


def _bytes(vector: npt.ArrayLike) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _counts(raw: dict[str, Any] | dict[RedactionKind, int]) -> dict[str, int]:
    return {str(key): int(value) for key, value in raw.items()}


def _lock_set(session: Session, set_id: int, expected_version: int) -> ThemeSet:
    """Load a theme set and move its version on, or raise ConflictError if it moved already."""
    theme_set = session.get(ThemeSet, set_id)
    if theme_set is None:
        raise NotFound("That theme set no longer exists. Reload the page.")
    if theme_set.version != expected_version:
        raise ConflictError(
            "Someone else changed these themes first. The page now shows their version; "
            "check it, then make your change again.",
            current={"Version": theme_set.version, "Status": theme_set.status},
        )
    result = session.execute(
        update(ThemeSet)
        .where(ThemeSet.id == set_id, ThemeSet.version == expected_version)
        .values(version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) != 1:
        raise ConflictError(
            "Someone else changed these themes first. Reload and try again.",
            current={"Version": expected_version + 1},
        )
    session.expire(theme_set)
    return theme_set


def _question(session: Session, question_id: int) -> SurveyQuestion:
    question = session.get(SurveyQuestion, question_id)
    if question is None:
        raise NotFound("That question no longer exists.")
    return question


def _set_themes(session: Session, set_id: int) -> list[Theme]:
    return list(
        session.scalars(
            select(Theme).where(Theme.theme_set_id == set_id).order_by(Theme.position, Theme.id)
        )
    )


def _set_top_themes(session: Session, set_id: int) -> list[TopTheme]:
    return list(
        session.scalars(
            select(TopTheme)
            .where(TopTheme.theme_set_id == set_id)
            .order_by(TopTheme.position, TopTheme.id)
        )
    )
