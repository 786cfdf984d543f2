"""Demo consultants' declared skills: each hub consultant takes a few practice areas and kinds
of help, in turn, so triage has someone to suggest for every area.

The consultant persona (the first consultant) declares listening and acting on feedback with
survey design and user research, so suggestions for the personas' own requests can name them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ue_core.db.models import ConsultantSkill
from ue_core.framework import PRACTICE_AREA_LABELS

#: When the demo consultants declared their skills (a fixed date, as all demo times are).
DECLARED_AT: Final = datetime(2025, 8, 1, 9, 0, tzinfo=UTC)
PERSONA_AREAS: Final = ("listen", "act")
PERSONA_KINDS: Final = ("survey_design", "user_research")
#: The kinds of help the other consultants take in turn.
OTHER_KINDS: Final = ("advice", "training", "consultancy", "mentoring", "finding_users")


def add_consultant_skills(session: Session, consultant_ids: Sequence[int]) -> int:
    """Declare skills for ``consultant_ids`` (bulk insert); returns how many were declared."""
    areas = list(PRACTICE_AREA_LABELS)
    rows: list[dict[str, Any]] = []
    for number, user_id in enumerate(consultant_ids):
        chosen_areas: tuple[str, ...]
        chosen_kinds: tuple[str, ...]
        if number == 0:
            chosen_areas, chosen_kinds = PERSONA_AREAS, PERSONA_KINDS
        else:
            chosen_areas = (areas[number % len(areas)], areas[(number + 2) % len(areas)])
            chosen_kinds = (OTHER_KINDS[number % len(OTHER_KINDS)],)
        rows += [
            {"user_id": user_id, "skill": skill, "key": key, "declared_at": DECLARED_AT}
            for skill, keys in (("area", chosen_areas), ("kind", chosen_kinds))
            for key in keys
        ]
    if rows:
        session.execute(insert(ConsultantSkill), rows)
    return len(rows)
