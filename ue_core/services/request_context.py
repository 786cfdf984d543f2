"""The team beside a request: what a hub consultant needs to know about the team that asked.

The team's latest submitted scores against its targets and its largest gaps, its open and
overdue actions, its earlier requests and their outcomes, its organisation's champions, and
library items recommended for the request's text and for the team's gaps. Every figure comes
from the services that own it (``results``, ``actions``, ``library.recommendations``), so it
matches what the team itself sees. A consultant can send a recommended item to the team as a
reply on the request (:func:`send_library_item`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, require_triage
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    Membership,
    Organisation,
    Round,
    SupportRequest,
    Team,
    User,
)
from ue_core.errors import NotFound
from ue_core.recommend import Recommendation
from ue_core.services import conversation
from ue_core.services.actions import ActionView, action_views
from ue_core.services.library import recommendations
from ue_core.services.library.browse import get_item_by_slug
from ue_core.services.library.catalogue import LibraryItem, _items
from ue_core.services.requests.outcomes import OutcomeFollowUp, follow_ups_in
from ue_core.services.results import results_of
from ue_core.services.scores_against_targets import PrincipleFigures
from ue_core.timefmt import uk_today
from ue_core.vocabulary import ActionStatus, AssessmentStatus, Role

#: How many gaps, and how many library items for each of the text and the gaps, are shown.
GAP_COUNT = 3
RECOMMENDATION_COUNT = 3


@dataclass(frozen=True)
class PrincipleScore:
    """One principle of the latest submitted assessment, as the team's results show it."""

    title: str
    score: Decimal | None
    target: int | None
    gap: Decimal | None  # target minus score as shown; positive when short of the target

    @property
    def gap_sentence(self) -> str:
        """The gap in words, for the consultant."""
        if self.gap is None or self.score is None or self.target is None:
            return f"{self.title}: no score or no target yet."
        if self.gap <= 0:
            return f"{self.title}: {self.score}, at or above its target of {self.target}."
        return f"{self.title}: {self.score} against a target of {self.target}, {self.gap} short."


@dataclass(frozen=True)
class EarlierRequest:
    request_id: int
    subject: str
    status_label: str
    resolution: str
    created_at: datetime
    #: The outcome the hub recorded and whether its practices moved since (None if none).
    outcome: OutcomeFollowUp | None = None


@dataclass(frozen=True)
class RecommendedItem:
    slug: str
    title: str
    why: str


@dataclass(frozen=True)
class TeamBesideRequest:
    request_id: int
    team_name: str
    organisation_name: str
    #: The round of the latest submitted assessment, or None when there is none yet.
    assessed_round: str | None
    principles: tuple[PrincipleScore, ...]
    largest_gaps: tuple[PrincipleScore, ...]  # short of target only, largest first
    open_action_count: int
    overdue_actions: tuple[ActionView, ...]  # oldest due date first
    earlier_requests: tuple[EarlierRequest, ...]  # newest first
    champion_names: tuple[str, ...]
    for_request: tuple[RecommendedItem, ...]
    for_gaps: tuple[RecommendedItem, ...]

    @property
    def has_assessment(self) -> bool:
        return self.assessed_round is not None

    @property
    def assessment_sentence(self) -> str:
        if self.assessed_round is None:
            return "The team has no submitted assessment yet, so there are no scores to show."
        return f"Scores from the team's latest submitted assessment, {self.assessed_round}."


def _status_label(status: str) -> str:
    """A request status in words: "in_progress" is "In progress"."""
    return status.replace("_", " ").capitalize()


def _request(session: Session, request_id: int) -> SupportRequest:
    request = session.get(SupportRequest, request_id)
    if request is None:
        raise NotFound("That request no longer exists.")
    return request


def _latest_submitted(session: Session, team_id: int) -> tuple[Assessment, str] | None:
    row = session.execute(
        select(Assessment, Round.label)
        .join(Round, Assessment.round_id == Round.id)
        .where(
            Assessment.team_id == team_id,
            Assessment.status == AssessmentStatus.SUBMITTED.value,
        )
        .order_by(Round.starts_on.desc(), Assessment.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def _team_actions(session: Session, team_id: int) -> list[ActionView]:
    ids = session.scalars(select(Assessment.id).where(Assessment.team_id == team_id)).all()
    return [action for assessment_id in ids for action in action_views(session, assessment_id)]


def _champions(session: Session, organisation_id: int) -> tuple[str, ...]:
    names = session.scalars(
        select(User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.role == Role.CHAMPION.value,
            Membership.organisation_id == organisation_id,
        )
        .order_by(User.display_name)
        .distinct()
    ).all()
    return tuple(names)


def _earlier(session: Session, request: SupportRequest) -> tuple[EarlierRequest, ...]:
    rows = session.scalars(
        select(SupportRequest)
        .where(SupportRequest.team_id == request.team_id, SupportRequest.id != request.id)
        .order_by(SupportRequest.created_at.desc(), SupportRequest.id.desc())
    ).all()
    found = follow_ups_in(session, request.team_id, [r.id for r in rows])
    return tuple(
        EarlierRequest(
            r.id, r.subject, _status_label(r.status), r.resolution, r.created_at, found.get(r.id)
        )
        for r in rows
    )


def _score(p: PrincipleFigures) -> PrincipleScore:
    return PrincipleScore(title=p.title, score=p.score, target=p.target, gap=p.gap)


def _recommended(
    ranked: list[Recommendation], items: list[LibraryItem]
) -> tuple[RecommendedItem, ...]:
    titles = {item.slug: item.resource.title for item in items}
    return tuple(
        RecommendedItem(slug=r.resource_id, title=titles[r.resource_id], why=r.reason)
        for r in ranked
        if r.resource_id in titles
    )


def team_beside_request(
    db: Database, actor: Actor, request_id: int, today: date | None = None
) -> TeamBesideRequest:
    """Hub consultants: the team that raised a request, as the hub needs to see it."""
    require_triage(actor)
    today = today or uk_today()
    with db.read() as session:
        request = _request(session, request_id)
        team = session.get(Team, request.team_id)
        assert team is not None
        organisation = session.get(Organisation, team.organisation_id)
        latest = _latest_submitted(session, team.id)
        figures = None if latest is None else results_of(session, latest[0], today).figures
        actions = _team_actions(session, team.id)
        earlier = _earlier(session, request)
        champions = _champions(session, team.organisation_id)
        text = f"{request.subject}. {request.text}"[:5_000]
    principles = () if figures is None else tuple(_score(p) for p in figures.principles)
    short = [] if figures is None else sorted(figures.short, key=lambda p: -(p.gap or 0))
    overdue = sorted(
        (a for a in actions if a.is_overdue(today)),
        key=lambda a: (a.due_on or date.max, a.id),
    )
    items = _items(db)
    for_request = recommendations.recommend_for_text(db, actor, text, RECOMMENDATION_COUNT)
    for_gaps = (
        []
        if latest is None
        else recommendations.recommend_for_assessment(db, actor, latest[0].id, RECOMMENDATION_COUNT)
    )
    return TeamBesideRequest(
        request_id=request_id,
        team_name=team.name,
        organisation_name=organisation.name if organisation else "",
        assessed_round=None if latest is None else latest[1],
        principles=principles,
        largest_gaps=tuple(_score(p) for p in short[:GAP_COUNT]),
        open_action_count=sum(1 for a in actions if a.status is not ActionStatus.DONE),
        overdue_actions=tuple(overdue),
        earlier_requests=earlier,
        champion_names=champions,
        for_request=_recommended(for_request, items),
        for_gaps=_recommended(for_gaps, items),
    )


def _library_reply(item: LibraryItem) -> str:
    """The reply that sends a library item to the team: its title, the first sentence of its
    summary and where to find it."""
    resource = item.resource
    # The summary's first sentence: a reply is a pointer, the library holds the rest.
    summary = re.split(r"(?<=[.!?])\s+", resource.summary.strip(), maxsplit=1)[0]
    where = f'You can read it in the workbench\'s Library: search for "{resource.title}".'
    if resource.source_urls:
        where += f" The original is at {resource.source_urls[0]}"
    return f"This may help: {resource.title}. {summary} {where}"


def send_library_item(
    db: Database, actor: Actor, request_id: int, resource_slug: str
) -> conversation.Posted:
    """Hub consultants: send a library item to the team as a reply on its request.

    The reply is posted, audited and notified as any hub reply is (``conversation.post_reply``).
    """
    require_triage(actor)
    item = get_item_by_slug(db, actor, resource_slug)
    return conversation.post_reply(db, actor, request_id, _library_reply(item))
