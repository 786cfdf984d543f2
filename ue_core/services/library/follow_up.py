"""Did it help: resources a team said it would use, and how their practices moved since."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor
from ue_core.catalogue import (
    Resource,
)
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    Round,
)
from ue_core.errors import NotFound
from ue_core.scoring import level_name
from ue_core.services import results as results_service
from ue_core.services.assessment_reads import agreed_levels
from ue_core.services.library.catalogue import LibraryItem, _items, _practice_titles
from ue_core.services.library.recommendations import (
    EventKind,
    _latest_choice,
    _team_events,
)


@dataclass(frozen=True)
class PracticeMove:
    practice_key: str
    title: str
    before: int | None
    after: int | None

    @property
    def change(self) -> str:
        """Moved up, stayed the same, moved down, or not rated (in one round or both)."""
        if self.before is None or self.after is None:
            return "Not rated"
        if self.after > self.before:
            return "Moved up"
        return "Moved down" if self.after < self.before else "Stayed the same"

    @property
    def description(self) -> str:
        if self.before is None or self.after is None:
            return f"'{self.title}' was not rated in both rounds"
        if self.after > self.before:
            return (
                f"'{self.title}' moved up from {level_name(self.before)} to "
                f"{level_name(self.after)}"
            )
        if self.after < self.before:
            return (
                f"'{self.title}' moved down from {level_name(self.before)} to "
                f"{level_name(self.after)}"
            )
        return f"'{self.title}' stayed at {level_name(self.after)}"


@dataclass(frozen=True)
class FollowUp:
    """A resource the team said it would use in an earlier round, and what happened since."""

    item: LibraryItem
    round_label: str
    moves: tuple[PracticeMove, ...]

    @property
    def improved(self) -> bool:
        return any(
            m.before is not None and m.after is not None and m.after > m.before for m in self.moves
        )


def _earlier_assessments(session: Session, assessment: Assessment) -> list[Assessment]:
    round_ = session.get(Round, assessment.round_id)
    assert round_ is not None
    return list(
        session.scalars(
            select(Assessment)
            .join(Round, Assessment.round_id == Round.id)
            .where(Assessment.team_id == assessment.team_id, Round.starts_on < round_.starts_on)
            .order_by(Round.starts_on)
        )
    )


def _moves(
    resource: Resource,
    before: Mapping[str, int],
    after: Mapping[str, int],
    titles: Mapping[str, str],
) -> tuple[PracticeMove, ...]:
    return tuple(
        PracticeMove(key, titles.get(key, key), before.get(key), after.get(key))
        for key in resource.practices
        if key in before or key in after
    )


def follow_up(db: Database, actor: Actor, assessment_id: int) -> list[FollowUp]:
    """Resources the team said it would use in earlier rounds, with how their practices moved.

    Levels are the agreed levels of the round where the resource was marked used and of this
    assessment.
    """
    results_service.targets(db, actor, assessment_id)  # checks the actor may see it
    items = {item.row_id: item for item in _items(db)}
    titles = _practice_titles()
    with db.read() as session:
        assessment = session.get(Assessment, assessment_id)
        if assessment is None:
            raise NotFound("That assessment does not exist.")
        after = agreed_levels(session, assessment_id)
        result = []
        for earlier in reversed(_earlier_assessments(session, assessment)):
            choices = _latest_choice(_team_events(session, assessment.team_id, earlier.id))
            used = [row for row, choice in choices.items() if choice == EventKind.USED]
            if not used:
                continue
            before = agreed_levels(session, earlier.id)
            round_ = session.get(Round, earlier.round_id)
            assert round_ is not None
            for row in used:
                item = items.get(row)
                if item is not None:
                    moves = _moves(item.resource, before, after, titles)
                    result.append(FollowUp(item, round_.label, moves))
        return result
