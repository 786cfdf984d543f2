""" "These may help now": library items and answered requests like the one a team is writing.

Library items come from the library's own text recommendations. Answered requests are found
by TF-IDF cosine similarity over past resolved requests' summary and text. A team sees its own
past requests in full; another team's only as its summary and the help given, never the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel
from sqlalchemy import select

from ue_core.authz import Actor, require_request_support
from ue_core.db.engine import Database
from ue_core.db.models import SupportRequest
from ue_core.services.library.catalogue import _items
from ue_core.services.library.recommendations import recommend_for_text
from ue_core.services.support import DONE_STATUSES, check_request

#: How many of each to show.
SHOWN: Final = 3
#: Least cosine similarity for an answered request to count as like this one.
MIN_SIMILARITY: Final = 0.1
#: The most recent answered requests compared (enough for years of the hub's work).
MAX_COMPARED: Final = 5_000


@dataclass(frozen=True)
class LibraryHelp:
    slug: str
    title: str
    kind_label: str
    reason: str


@dataclass(frozen=True)
class AnsweredRequest:
    """A resolved request like this one. ``request_id`` and ``text`` are only given for the
    team's own requests; another team's shows only its summary and the help given."""

    subject: str
    resolution: str
    own_team: bool
    request_id: int | None = None
    text: str = ""


@dataclass(frozen=True)
class HelpNow:
    library: tuple[LibraryHelp, ...]
    answered: tuple[AnsweredRequest, ...]

    @property
    def empty(self) -> bool:
        return not self.library and not self.answered


def help_now(
    db: Database, actor: Actor, team_id: int, kind: str, subject: str, text: str
) -> HelpNow:
    """What may help the team now with the request it is writing (checked as if sent)."""
    require_request_support(actor, team_id)
    check_request(kind, subject, text)
    query = f"{subject.strip()}. {text.strip()}"
    by_slug = {item.slug: item for item in _items(db)}
    library = tuple(
        LibraryHelp(slug, item.resource.title, item.kind_label, rec.reason)
        for rec in recommend_for_text(db, actor, query[:5_000], k=SHOWN)
        if (slug := rec.resource_id) in by_slug and (item := by_slug[slug])
    )
    return HelpNow(library, _answered_like(db, team_id, query))


def _answered_like(db: Database, team_id: int, query: str) -> tuple[AnsweredRequest, ...]:
    with db.read() as session:
        rows = session.execute(
            select(
                SupportRequest.id,
                SupportRequest.team_id,
                SupportRequest.subject,
                SupportRequest.text,
                SupportRequest.resolution,
            )
            .where(
                SupportRequest.status.in_([s.value for s in DONE_STATUSES]),
                SupportRequest.resolution != "",
            )
            .order_by(SupportRequest.id.desc())
            .limit(MAX_COMPARED)
        ).all()
    if not rows:
        return ()
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([query, *(f"{r.subject}. {r.text}" for r in rows)])
    except ValueError:  # nothing but stop words: nothing is like it
        return ()
    similarity = linear_kernel(matrix[0], matrix[1:])[0]
    ranked = sorted(
        (i for i, score in enumerate(similarity) if score >= MIN_SIMILARITY),
        key=lambda i: (-similarity[i], -rows[i].id),
    )[:SHOWN]
    found = []
    for i in ranked:
        row = rows[i]
        own = row.team_id == team_id
        found.append(
            AnsweredRequest(
                subject=row.subject,
                resolution=row.resolution,
                own_team=own,
                request_id=row.id if own else None,
                text=row.text if own else "",
            )
        )
    return tuple(found)
