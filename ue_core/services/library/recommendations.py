"""Recommendations for an assessment's gaps or for free text, and what teams did with them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, is_on_team, require, require_team
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    Practice,
    Principle,
    RecommendationEvent,
)
from ue_core.db.models import Resource as ResourceRow
from ue_core.errors import InputError, NotFound
from ue_core.recommend import (
    DEFAULT_K,
    Recommendation,
    ResourceIndex,
    build_index,
    rank_for_gaps,
    rank_for_text,
    without_needs,
)
from ue_core.services import results as results_service
from ue_core.services.assessment_reads import agreed_levels
from ue_core.services.library.catalogue import (
    LibraryItem,
    _framework,
    _items,
    _practice_infos,
    _practice_titles,
)
from ue_core.themes.embedding import TFIDF_LSA


class EventKind(StrEnum):
    SHOWN = "shown"
    OPENED = "opened"
    USED = "used"
    DISMISSED = "dismissed"


#: Events that change what the team sees (a used or dismissed resource), so they are audited.
#: Being shown or opening a resource is a usage figure, kept in recommendation_event alone.
TEAM_CHOICES = frozenset({EventKind.USED, EventKind.DISMISSED})


@dataclass(frozen=True)
class ShownRecommendation:
    item: LibraryItem
    recommendation: Recommendation
    used: bool  # the team said it will use this, for this assessment


@dataclass(frozen=True)
class RecommendationPanel:
    team_id: int
    can_record: bool  # the actor belongs to the team, so their clicks are recorded
    items: tuple[ShownRecommendation, ...]
    dismissed_count: int


def _gap_index(items: Sequence[LibraryItem]) -> ResourceIndex:
    """The index for assessments: the catalogue's own TF-IDF space, without "use this when".

    It builds in a fraction of a second, so the first results page after a restart is not held
    up loading a model, and it ranks the judged gap profiles as well as MiniLM does (see
    bench/recommend_eval.py); gap ranking leans on tags, with meaning only as a tie-breaker.
    """
    resources = without_needs([item.resource for item in items])
    return build_index(resources, _practice_titles(), backend=TFIDF_LSA)


def _text_index(items: Sequence[LibraryItem]) -> ResourceIndex:
    """The index for free text: the best installed backend (MiniLM when present), with each
    entry's "use this when" lines and context, for BM25 and the embeddings alike."""
    return build_index([item.resource for item in items], _practice_titles())


def _principle_of_practices(session: Session, assessment: Assessment) -> dict[str, str]:
    rows = session.execute(
        select(Practice.key, Principle.key)
        .join(Principle, Practice.principle_id == Principle.id)
        .where(Practice.framework_version_id == assessment.framework_version_id)
    ).all()
    return {practice: principle for practice, principle in rows}


def _gap_profile(
    db: Database, actor: Actor, assessment_id: int
) -> tuple[Assessment, dict[str, tuple[int, int]]]:
    """The assessment and its gap profile; checks the actor may see it."""
    targets = {
        t.principle_key: t.level
        for t in results_service.targets(db, actor, assessment_id)
        if t.level is not None
    }
    with db.read() as session:
        assessment = session.get(Assessment, assessment_id)
        if assessment is None:
            raise NotFound("That assessment does not exist.")
        levels = agreed_levels(session, assessment_id)
        principle_of = _principle_of_practices(session, assessment)
    gaps = {
        key: (level, targets[principle_of[key]])
        for key, level in levels.items()
        if principle_of.get(key) in targets
    }
    return assessment, gaps


def recommend_for_assessment(
    db: Database, actor: Actor, assessment_id: int, k: int = DEFAULT_K
) -> list[Recommendation]:
    """Library resources for the assessment's gaps to target, each with its reason.

    Practices without an agreed level, or whose principle has no target yet, are left out.
    """
    _, gaps = _gap_profile(db, actor, assessment_id)
    items = _items(db)
    return rank_for_gaps(gaps, _gap_index(items), _practice_infos(_framework()), k)


def recommend_for_text(
    db: Database, actor: Actor, text: str, k: int = DEFAULT_K
) -> list[Recommendation]:
    """Library resources closest in meaning to a support request or evidence note."""
    require(actor, Permission.USE_LIBRARY)
    if len(text) > 5_000:
        raise InputError("Keep the text to 5,000 characters or fewer.")
    items = _items(db)
    return rank_for_text(text, _text_index(items), _practice_infos(_framework()), k)


def _team_events(
    session: Session, team_id: int, assessment_id: int | None = None
) -> list[RecommendationEvent]:
    query = select(RecommendationEvent).where(RecommendationEvent.team_id == team_id)
    if assessment_id is not None:
        query = query.where(RecommendationEvent.assessment_id == assessment_id)
    return list(session.scalars(query.order_by(RecommendationEvent.id)))


def _latest_choice(events: Iterable[RecommendationEvent]) -> dict[int, str]:
    """Per resource row: the last of "used" or "dismissed" recorded."""
    latest: dict[int, str] = {}
    for event in events:
        if event.event in (EventKind.USED, EventKind.DISMISSED):
            latest[event.resource_id] = event.event
    return latest


def recommendation_panel(
    db: Database, actor: Actor, assessment_id: int, k: int = DEFAULT_K
) -> RecommendationPanel:
    """Recommendations for the results page, without those the team marked not relevant.

    Each recommendation shown to a team member is recorded as "shown" once per assessment.
    """
    assessment, gaps = _gap_profile(db, actor, assessment_id)
    items = _items(db)
    by_slug = {item.slug: item for item in items}
    is_member = is_on_team(actor, assessment.team_id)
    with db.read() as session:
        choices = _latest_choice(_team_events(session, assessment.team_id, assessment_id))
    dismissed = {row for row, choice in choices.items() if choice == EventKind.DISMISSED}
    ranked = rank_for_gaps(
        gaps, _gap_index(items), _practice_infos(_framework()), k + len(dismissed)
    )
    shown = [
        ShownRecommendation(
            item=by_slug[rec.resource_id],
            recommendation=rec,
            used=choices.get(by_slug[rec.resource_id].row_id) == EventKind.USED,
        )
        for rec in ranked
        if by_slug[rec.resource_id].row_id not in dismissed
    ][:k]
    if is_member and shown:
        with db.transaction() as session:
            already = {
                e.resource_id
                for e in _team_events(session, assessment.team_id, assessment_id)
                if e.event == EventKind.SHOWN
            }
            for entry in shown:
                if entry.item.row_id not in already:
                    session.add(
                        RecommendationEvent(
                            team_id=assessment.team_id,
                            assessment_id=assessment_id,
                            resource_id=entry.item.row_id,
                            event=EventKind.SHOWN.value,
                            user_id=actor.user_id,
                        )
                    )
    return RecommendationPanel(
        team_id=assessment.team_id,
        can_record=is_member,
        items=tuple(shown),
        dismissed_count=len(dismissed),
    )


def record_event(
    db: Database,
    actor: Actor,
    row_id: int,
    event: EventKind,
    *,
    assessment_id: int | None = None,
    team_id: int | None = None,
) -> None:
    """Record that the actor's team opened, used or dismissed a resource (or was shown it).

    Give the assessment the recommendation was made for, or else the team.
    """
    require(actor, Permission.USE_LIBRARY)
    with db.transaction() as session:
        if session.get(ResourceRow, row_id) is None:
            raise NotFound("That library entry does not exist.")
        if assessment_id is not None:
            assessment = session.get(Assessment, assessment_id)
            if assessment is None:
                raise NotFound("That assessment does not exist.")
            team_id = assessment.team_id
        if team_id is None:
            raise InputError("Say which team this is for.")
        require_team(actor, team_id)
        recorded = RecommendationEvent(
            team_id=team_id,
            assessment_id=assessment_id,
            resource_id=row_id,
            event=EventKind(event).value,
            user_id=actor.user_id,
        )
        session.add(recorded)
        if event in TEAM_CHOICES:
            session.flush()
            audit.record(
                session,
                actor,
                f"mark_recommendation_{EventKind(event).value}",
                "recommendation_event",
                recorded.id,
                None,
                {"resource_id": row_id, "team_id": team_id, "assessment_id": assessment_id},
            )
