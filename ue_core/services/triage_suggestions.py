"""Triage suggestions for one support request: the practice area it concerns, or "needs a person".

Until the hub records confirmed practice areas on requests, the router starts cold from the
framework's practice descriptions (``ue_core.triage.cold_start_router``), so the "why" is the
framework text the request most resembles.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ue_core.authz import Actor, require_triage
from ue_core.db.engine import Database
from ue_core.db.models import SupportRequest
from ue_core.errors import NotFound
from ue_core.framework import PRACTICE_AREA_LABELS, Framework, load_framework
from ue_core.services.frameworks import current_version_id, framework_for_version
from ue_core.themes.embedding import choose_backend
from ue_core.triage import RequestRouter, cold_start_router

#: How many resembling framework texts a suggestion shows.
WHY_COUNT = 2

_routers: dict[tuple[str, str], RequestRouter] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class TriageSuggestion:
    """The suggested practice area for a request, with its confidence and why.

    ``area`` is None when the confidence is below the router's threshold: the request needs a
    person. ``best_guess`` and its label are given either way.
    """

    request_id: int
    area: str | None
    best_guess: str
    best_guess_label: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    why: tuple[str, ...]

    @property
    def needs_person(self) -> bool:
        return self.area is None


def _router_for(framework: Framework) -> RequestRouter:
    key = (framework.content_hash(), choose_backend())
    with _lock:
        router = _routers.get(key)
        if router is None:
            router = cold_start_router(framework, by="area", backend=key[1])
            _routers[key] = router
        return router


def suggest_for_request(db: Database, actor: Actor, request_id: int) -> TriageSuggestion:
    """Hub staff: the practice area a request most likely concerns, or "needs a person"."""
    require_triage(actor)
    with db.read() as session:
        request = session.get(SupportRequest, request_id)
        if request is None:
            raise NotFound("That request no longer exists.")
        text = f"{request.subject}. {request.text}"
        version_id = current_version_id(session)
        framework = (
            load_framework() if version_id is None else framework_for_version(session, version_id)
        )
    router = _router_for(framework)
    [suggestion] = router.suggest([text])
    labels: dict[str, str] = {str(key): value for key, value in PRACTICE_AREA_LABELS.items()}
    why = router.why(text, k=WHY_COUNT, label=suggestion.best_guess)
    return TriageSuggestion(
        request_id=request_id,
        area=None if suggestion.needs_person else suggestion.label,
        best_guess=suggestion.best_guess,
        best_guess_label=labels.get(suggestion.best_guess, suggestion.best_guess),
        confidence=suggestion.confidence,
        alternatives=tuple((labels.get(name, name), p) for name, p in suggestion.alternatives),
        why=tuple(item.text for item in why),
    )
