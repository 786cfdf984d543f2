"""The team's rating of the hub's help, given once when a request is resolved."""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm.exc import StaleDataError

from ue_core import audit
from ue_core.authz import Actor, require_request_support
from ue_core.db.engine import Database
from ue_core.db.models import SupportRequest
from ue_core.errors import InputError, NotFound
from ue_core.services.support import DONE_STATUSES
from ue_core.vocabulary import RequestStatus

RATING_LABELS: Final[dict[int, str]] = {
    1: "Very poor",
    2: "Poor",
    3: "Neither good nor poor",
    4: "Good",
    5: "Very good",
}
MAX_COMMENT: Final = 1_000

ALREADY_RATED: Final = "Your team has already rated the help with this request."


def rate_request(
    db: Database, actor: Actor, request_id: int, rating: int, comment: str = ""
) -> None:
    """Record the team's rating (1 to 5) and optional comment on a resolved request, once."""
    if rating not in RATING_LABELS:
        raise InputError("Choose how good the help was, from very poor to very good.")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise InputError(f"The comment must be {MAX_COMMENT:,} characters or fewer.")
    try:
        with db.transaction() as session:
            request = session.get(SupportRequest, request_id)
            if request is None:
                raise NotFound("That request no longer exists.")
            require_request_support(actor, request.team_id)
            if RequestStatus(request.status) not in DONE_STATUSES:
                raise InputError("You can rate the help once the hub has resolved the request.")
            if request.rating is not None:
                raise InputError(ALREADY_RATED)
            request.rating = rating
            request.rating_comment = comment
            session.flush()
            audit.record(
                session,
                actor,
                "rate_request",
                "support_request",
                request.id,
                after={"rating": rating, "rating_comment": comment},
            )
    except StaleDataError as raced:
        # Someone else on the team rated it, or the hub changed it, at the same moment.
        raise InputError(
            "The request changed while you were rating it. Look at it again and rate it if "
            "you still can."
        ) from raced
