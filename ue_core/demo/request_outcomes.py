"""Demo outcomes: the help given, the practices it aimed at and the time spent, for most of
the demo's resolved and closed requests (and always the personas' team's resolved one, so the
team persona sees an outcome on "Your requests").

Written straight to the data layer after the requests, with a random generator of its own, so
the rest of the demo stays as it was for the same seed.
"""

from __future__ import annotations

import random
from typing import Any, Final

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ue_core.db.models import RequestOutcome, RequestOutcomePractice, SupportRequest
from ue_core.framework import Framework
from ue_core.vocabulary import RequestStatus

#: The help a consultant says the hub gave, in a few words.
HELP_GIVEN: Final[tuple[str, ...]] = (
    "Advice by e-mail, with links to the hub's guidance on the question.",
    "A one-hour call with the team, then a short written summary of what was agreed.",
    "A half-day workshop with the team to plan how it will involve its users.",
    "Comments on the team's draft survey questions and its plan for reaching respondents.",
    "An introduction to a champion in another department who has done this before.",
    "A place on the hub's training for two of the team, and a follow-up chat afterwards.",
)
#: Minutes a consultant might spend on one request.
MINUTES: Final[tuple[int, ...]] = (30, 45, 60, 90, 120, 180, 240, 360, 480)
#: The share of other resolved requests that have an outcome recorded.
SHARE_RECORDED: Final = 0.8


def add_request_outcomes(session: Session, framework: Framework, seed: int) -> int:
    """Add outcomes to the demo's resolved and closed requests; returns how many."""
    rng = random.Random(f"request outcomes {seed}")
    keys = framework.practice_keys()
    done = [RequestStatus.RESOLVED.value, RequestStatus.CLOSED.value]
    requests = session.execute(
        select(
            SupportRequest.id,
            SupportRequest.assignee_id,
            SupportRequest.resolved_at,
            SupportRequest.rating,
            SupportRequest.status,
        )
        .where(SupportRequest.status.in_(done))
        .order_by(SupportRequest.id)
    ).all()
    outcomes: list[dict[str, Any]] = []
    practices: list[dict[str, Any]] = []
    for request in requests:
        # Resolved requests not yet rated, the personas' team's among them, always have one.
        personas_own = request.status == RequestStatus.RESOLVED.value and request.rating is None
        if not personas_own and rng.random() > SHARE_RECORDED:
            continue
        outcomes.append(
            {
                "request_id": request.id,
                "help_given": rng.choice(HELP_GIVEN),
                "minutes_spent": rng.choice(MINUTES),
                "recorded_by_id": request.assignee_id,
                "recorded_at": request.resolved_at,
            }
        )
        practices.extend(
            {"request_id": request.id, "practice_key": key}
            for key in rng.sample(keys, rng.randint(1, 3))
        )
    if outcomes:
        session.execute(insert(RequestOutcome), outcomes)
        session.execute(insert(RequestOutcomePractice), practices)
    return len(outcomes)
