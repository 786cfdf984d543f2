""" "These may help now": library items and answered requests like the one a team is writing,
and the team's own open request it probably repeats.

Library items come from the library's own text recommendations. Answered requests and the
likely duplicate come from the one similarity index of requests
(``ue_core.services.requests.similar``). A team sees its own past requests in full; another
team's only as its summary and the help given, never the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ue_core.authz import Actor, require_request_support
from ue_core.db.engine import Database
from ue_core.services.library.catalogue import _items
from ue_core.services.library.recommendations import recommend_for_text
from ue_core.services.requests.similar import AnsweredRequest as AnsweredRequest
from ue_core.services.requests.similar import PossibleDuplicate, answered_like, open_duplicate
from ue_core.services.support import check_request

#: How many of each to show.
SHOWN: Final = 3


@dataclass(frozen=True)
class LibraryHelp:
    slug: str
    title: str
    kind_label: str
    reason: str


@dataclass(frozen=True)
class HelpNow:
    library: tuple[LibraryHelp, ...]
    answered: tuple[AnsweredRequest, ...]
    #: The team's own open request this one probably repeats, if any.
    duplicate: PossibleDuplicate | None = None

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
    return HelpNow(
        library,
        answered_like(db, actor, team_id, subject, text, k=SHOWN),
        open_duplicate(db, actor, team_id, subject, text),
    )
