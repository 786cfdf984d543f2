"""The consultant best placed to take a request: declared skills against current load.

Each consultant scores :data:`AREA_WEIGHT` for each suggested practice area they declare,
:data:`KIND_WEIGHT` when they declare the kind of help, less :data:`LOAD_COST` for each open
request they already hold. Confidences are a softmax of the scores; nobody declaring any
match, or a confidence below :data:`CONSULTANT_THRESHOLD`, says "needs a person".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

AREA_WEIGHT: Final = 2.0
KIND_WEIGHT: Final = 1.0
LOAD_COST: Final = 0.5
TEMPERATURE: Final = 1.0
CONSULTANT_THRESHOLD: Final = 0.45


@dataclass(frozen=True)
class Candidate:
    """A hub consultant who could take the request."""

    user_id: int
    name: str
    areas: frozenset[str]
    kinds: frozenset[str]
    open_requests: int


@dataclass(frozen=True)
class ConsultantSuggestion:
    """The consultant suggested; ``user_id`` is None when it needs a person."""

    user_id: int | None
    best_guess: int | None
    name: str
    confidence: float
    why: tuple[str, ...]
    alternatives: tuple[tuple[str, float], ...]

    @property
    def needs_person(self) -> bool:
        return self.user_id is None


def _open(count: int) -> str:
    return f"{count} open request{'s' if count != 1 else ''}"


def _why(
    candidate: Candidate, areas: Sequence[str], kind: str, labels: Mapping[str, str]
) -> tuple[str, ...]:
    matched = [labels.get(a, a) for a in areas if a in candidate.areas]
    if kind in candidate.kinds:
        matched.append(labels.get(kind, kind))
    declared = "Declares " + ", ".join(matched) if matched else "Declares none of these"
    return (f"{declared}; {_open(candidate.open_requests)}.",)


def suggest_consultant(
    candidates: Sequence[Candidate],
    areas: Sequence[str],
    kind: str,
    labels: Mapping[str, str],
) -> ConsultantSuggestion:
    """The best placed of ``candidates`` for a request about ``areas`` needing ``kind``.

    ``labels`` names areas and kinds for the why. Ties go to the lower load, then the name.
    """
    if not candidates:
        return ConsultantSuggestion(None, None, "", 0.0, ("There are no hub consultants.",), ())
    scored: list[tuple[float, bool, Candidate]] = []
    for candidate in candidates:
        matches = sum(1 for area in areas if area in candidate.areas)
        kind_match = kind in candidate.kinds
        score = (
            AREA_WEIGHT * matches
            + (KIND_WEIGHT if kind_match else 0.0)
            - LOAD_COST * candidate.open_requests
        )
        scored.append((score, bool(matches or kind_match), candidate))
    scored.sort(key=lambda item: (-item[0], item[2].open_requests, item[2].name))
    top = max(score for score, _, _ in scored)
    weights = [math.exp((score - top) / TEMPERATURE) for score, _, _ in scored]
    total = sum(weights)
    shares = [weight / total for weight in weights]
    _, best_matches, best = scored[0]
    confidence = shares[0]
    why = _why(best, areas, kind, labels)
    if not best_matches:
        why = ("Nobody has declared skills that match this request.", *why)
    chosen = best.user_id if best_matches and confidence >= CONSULTANT_THRESHOLD else None
    return ConsultantSuggestion(
        user_id=chosen,
        best_guess=best.user_id,
        name=best.name,
        confidence=confidence,
        why=why,
        alternatives=tuple(
            (c.name, share) for (_, _, c), share in zip(scored[1:4], shares[1:4], strict=True)
        ),
    )
