"""Similar and duplicate requests, found by meaning in the one request index.

- Hub staff: the past requests most like one being triaged, with their status, outcome and
  rating (:func:`similar_requests`), and a search of past requests by meaning
  (:func:`search_by_meaning`).
- A team: answered requests like the one it is writing (:func:`answered_like`, used by "these
  may help now"), and its own open request that this one probably repeats
  (:func:`open_duplicate`).

A team sees only its own team's requests in full, and only its own open requests as possible
duplicates; another team's answered request shows only its summary and the help given. Only a
request's summary and words are searched, never its conversation or internal notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from ue_core.authz import Actor, require_request_support, require_triage
from ue_core.db.engine import Database
from ue_core.db.models import Organisation, SupportRequest, Team
from ue_core.errors import InputError, NotFound
from ue_core.services.requests.rating import RATING_LABELS
from ue_core.services.requests.request_index import RequestIndex, index_for
from ue_core.services.support import MAX_TEXT, STATUS_LABELS
from ue_core.similar_requests import Vectors, request_text
from ue_core.themes.embedding import is_usable
from ue_core.timefmt import uk_today
from ue_core.vocabulary import RequestStatus

#: Similar requests shown beside a request, and matches listed by a search.
SHOWN: Final = 5
SEARCH_SHOWN: Final = 10


@dataclass(frozen=True)
class SimilarRequest:
    """A past request, for hub staff: what it asked, where it got to and how it was rated."""

    request_id: int
    subject: str
    text: str
    team_name: str
    organisation_name: str
    status: RequestStatus
    resolution: str
    rating: int | None
    sent_at: datetime
    score: float

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def sent_on(self) -> date:
        return uk_today(self.sent_at)

    @property
    def rating_label(self) -> str:
        return "Not rated" if self.rating is None else RATING_LABELS[self.rating]


@dataclass(frozen=True)
class PossibleDuplicate:
    """The team's open request that this one probably repeats."""

    request_id: int
    subject: str
    sent_at: datetime
    score: float

    @property
    def sent_on(self) -> date:
        return uk_today(self.sent_at)


@dataclass(frozen=True)
class SimilarToRequest:
    """What is like one request: past requests, and a likely duplicate if there is one."""

    matches: tuple[SimilarRequest, ...]
    duplicate: PossibleDuplicate | None


@dataclass(frozen=True)
class AnsweredRequest:
    """A resolved request like this one. ``request_id`` and ``text`` are only given for the
    team's own requests; another team's shows only its summary and the help given."""

    subject: str
    resolution: str
    own_team: bool
    request_id: int | None = None
    text: str = ""


def similar_requests(
    db: Database, actor: Actor, request_id: int, k: int = SHOWN
) -> SimilarToRequest:
    """Hub staff: the requests most like this one (best first) and any open one it repeats."""
    require_triage(actor)
    index = index_for(db)
    position = index.position(request_id)
    if position is None:
        raise NotFound("That request no longer exists.")
    others = index.ids != request_id
    query = index.row(position)
    found = index.search(query, k=k, threshold=index.thresholds.similar, allowed=others)
    same_team_open = others & index.open & (index.team_ids == index.team_ids[position])
    return SimilarToRequest(
        matches=_details(db, found),
        duplicate=_duplicate(index, query, same_team_open),
    )


def search_by_meaning(
    db: Database, actor: Actor, query: str, k: int = SEARCH_SHOWN
) -> tuple[SimilarRequest, ...]:
    """Hub staff: the requests whose meaning is closest to ``query``, best first."""
    require_triage(actor)
    query = query.strip()
    if not is_usable(query):
        raise InputError("Type a few words that describe the requests you are looking for.")
    if len(query) > MAX_TEXT:
        raise InputError(f"The search must be {MAX_TEXT:,} characters or fewer.")
    index = index_for(db)
    found = index.search(index.query_vector(query), k=k, threshold=index.thresholds.similar)
    return _details(db, found)


def open_duplicate(
    db: Database, actor: Actor, team_id: int, subject: str, text: str
) -> PossibleDuplicate | None:
    """A team member writing a request: the team's own open request it probably repeats."""
    require_request_support(actor, team_id)
    index = index_for(db)
    query = index.query_vector(request_text(subject, text))
    return _duplicate(index, query, index.open & (index.team_ids == team_id))


def answered_like(
    db: Database, actor: Actor, team_id: int, subject: str, text: str, k: int = 3
) -> tuple[AnsweredRequest, ...]:
    """A team member writing a request: resolved requests like it, with the help given."""
    require_request_support(actor, team_id)
    index = index_for(db)
    query = index.query_vector(request_text(subject, text))
    found = index.search(query, k=k, threshold=index.thresholds.similar, allowed=index.answered)
    rows = _rows(db, [request_id for request_id, _ in found])
    answered = []
    for request_id, _ in found:
        if request_id not in rows:  # deleted since the index was read
            continue
        request, _team, _organisation = rows[request_id]
        own = request.team_id == team_id
        answered.append(
            AnsweredRequest(
                subject=request.subject,
                resolution=request.resolution,
                own_team=own,
                request_id=request.id if own else None,
                text=request.text if own else "",
            )
        )
    return tuple(answered)


def _duplicate(
    index: RequestIndex, query: Vectors, allowed: npt.NDArray[np.bool_]
) -> PossibleDuplicate | None:
    found = index.search(query, k=1, threshold=index.thresholds.duplicate, allowed=allowed)
    if not found:
        return None
    [(request_id, score)] = found
    position = index.position(request_id)
    assert position is not None
    return PossibleDuplicate(
        request_id, index.subjects[position], index.created_at[position], score
    )


def _rows(db: Database, request_ids: Sequence[int]) -> dict[int, tuple[SupportRequest, str, str]]:
    if not request_ids:
        return {}
    with db.read() as session:
        rows = session.execute(
            select(SupportRequest, Team.name, Organisation.name)
            .join(Team, SupportRequest.team_id == Team.id)
            .join(Organisation, Team.organisation_id == Organisation.id)
            .where(SupportRequest.id.in_(request_ids))
        ).all()
        return {request.id: (request, team, organisation) for request, team, organisation in rows}


def _details(db: Database, found: list[tuple[int, float]]) -> tuple[SimilarRequest, ...]:
    rows = _rows(db, [request_id for request_id, _ in found])
    return tuple(
        SimilarRequest(
            request_id=request.id,
            subject=request.subject,
            text=request.text,
            team_name=team,
            organisation_name=organisation,
            status=RequestStatus(request.status),
            resolution=request.resolution,
            rating=request.rating,
            sent_at=request.created_at,
            score=score,
        )
        for request_id, score in found
        if request_id in rows
        for request, team, organisation in [rows[request_id]]
    )
