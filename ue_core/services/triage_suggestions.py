"""Triage suggestions for a support request: its practice areas, kind of help, priority and the
consultant best placed, each with a confidence and a why, or "needs a person".

The area router starts cold from the framework's practice descriptions
(``ue_core.triage.cold_start_router``) and the kind router from the kinds' own descriptions.
Once the hub has confirmed enough triage (``ue_core.triage.learning``), each is refitted on
the cold-start texts plus the confirmed requests, and refitted again as that history grows:
the routers are cached on the framework, the embedding backend and the history's size and
latest confirmation. The why then names the past confirmed requests a request resembles.
"""

from __future__ import annotations

import pickle
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Final, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.authz import Actor, require_triage
from ue_core.db.engine import Database
from ue_core.db.models import RequestPracticeArea, SupportRequest, TrainedRouter
from ue_core.errors import NotFound
from ue_core.framework import PRACTICE_AREA_LABELS, Framework, load_framework
from ue_core.request_kinds import OTHER, shipped_request_kinds
from ue_core.scoring import round_score
from ue_core.services.fingerprints import (
    FingerprintCache,
    database_key,
    requests_version,
)
from ue_core.services.frameworks import current_version_id, framework_for_version
from ue_core.services.request_context import _latest_submitted
from ue_core.services.requests.skills import consultant_candidates
from ue_core.services.results import results_of
from ue_core.themes.embedding import choose_backend
from ue_core.timefmt import uk_today
from ue_core.triage import RequestRouter, framework_examples, learning
from ue_core.triage.cold_start import COLD_START_TEMPERATURE, COLD_START_THRESHOLD
from ue_core.triage.consultant_choice import ConsultantSuggestion, suggest_consultant
from ue_core.triage.priority import PrioritySuggestion, suggest_priority

#: How many resembling texts (past requests, or framework text before there are any) are shown.
WHY_COUNT: Final = 2
#: A further practice area is suggested when the router gives it at least this probability.
FURTHER_AREA_SHARE: Final = 0.3
#: How many fitted routers are kept (older histories are dropped first).
CACHED_ROUTERS: Final = 8

#: How many suggestions for a text are remembered (the page is drawn again on every click).
REMEMBERED_ANSWERS: Final = 512

#: The confirmed area and kind histories, by database and requests fingerprint.
_HISTORIES = FingerprintCache()
_routers: dict[tuple[str, ...], tuple[RequestRouter, learning.TrainingSet]] = {}
_answers: dict[tuple[str, int, int, str], tuple[RequestRouter, object]] = {}
_lock = threading.Lock()
T = TypeVar("T")


def _remembered(
    purpose: str, router: RequestRouter, request_id: int, text: str, work: Callable[[], T]
) -> T:
    """``work()`` once per router, request and text: embedding the text is most of the cost of
    a suggestion, and the router (so the history it learnt from) is part of the key."""
    key = (purpose, id(router), request_id, text)
    with _lock:
        found = _answers.get(key)
    if found is not None and found[0] is router:
        return cast(T, found[1])
    answer = work()
    with _lock:
        if len(_answers) >= REMEMBERED_ANSWERS:
            _answers.pop(next(iter(_answers)))
        _answers[key] = (router, answer)
    return answer


@dataclass(frozen=True)
class TriageSuggestion:
    """The suggested practice area(s) for a request, with the confidence and why.

    ``area`` is None when the confidence is below the router's threshold: the request needs a
    person. ``best_guess`` and its label are given either way. ``areas`` adds any further area
    the request likely also concerns. ``past`` are the past confirmed requests it resembles
    (empty while the router is cold), ``why`` their texts or, cold, the framework's.
    """

    request_id: int
    area: str | None
    best_guess: str
    best_guess_label: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    why: tuple[str, ...]
    areas: tuple[str, ...] = ()
    past: tuple[learning.PastRequest, ...] = ()

    @property
    def needs_person(self) -> bool:
        return self.area is None

    @property
    def learned(self) -> bool:
        return bool(self.past)


@dataclass(frozen=True)
class KindSuggestion:
    """The kind of help the text suggests; ``kind`` is None when it needs a person.

    ``team_kind`` is the kind on the request now: the team's choice until a triage confirms one.
    """

    kind: str | None
    best_guess: str
    best_guess_label: str
    confidence: float
    team_kind: str
    why: tuple[str, ...]

    @property
    def needs_person(self) -> bool:
        return self.kind is None


@dataclass(frozen=True)
class TriageSuggestions:
    """Everything triage suggests for one request, and the form's starting values."""

    request_id: int
    version: int
    area: TriageSuggestion
    kind: KindSuggestion
    priority: PrioritySuggestion
    consultant: ConsultantSuggestion

    @property
    def default_areas(self) -> tuple[str, ...]:
        return () if self.area.needs_person else self.area.areas

    @property
    def default_kind(self) -> str:
        """The suggested kind, or the team's own choice when the router would not guess."""
        return self.kind.kind or self.kind.team_kind


def _area_labels() -> dict[str, str]:
    return {str(key): value for key, value in PRACTICE_AREA_LABELS.items()}


def _area_history(session: Session) -> list[learning.ConfirmedRequest]:
    rows = session.execute(
        select(
            RequestPracticeArea.request_id,
            RequestPracticeArea.area,
            RequestPracticeArea.confirmed_at,
            SupportRequest.subject,
            SupportRequest.text,
        ).join(SupportRequest, SupportRequest.id == RequestPracticeArea.request_id)
    ).all()
    areas: dict[int, list[str]] = defaultdict(list)
    found: dict[int, tuple[str, datetime]] = {}
    for request_id, area, confirmed_at, subject, text in rows:
        areas[request_id].append(area)
        latest = found.get(request_id)
        if latest is None or confirmed_at > latest[1]:
            found[request_id] = (learning.request_text(subject, text), confirmed_at)
    return [
        learning.ConfirmedRequest(rid, text, tuple(sorted(areas[rid])), at)
        for rid, (text, at) in found.items()
    ]


def _kind_history(session: Session) -> list[learning.ConfirmedRequest]:
    rows = session.execute(
        select(
            SupportRequest.id,
            SupportRequest.subject,
            SupportRequest.text,
            SupportRequest.kind,
            SupportRequest.triaged_at,
        ).where(SupportRequest.triaged_at.is_not(None))
    ).all()
    return [
        learning.ConfirmedRequest(rid, learning.request_text(subject, text), (kind,), at)
        for rid, subject, text, kind, at in rows
        if at is not None
    ]


@dataclass(frozen=True)
class _Histories:
    """The hub's confirmed triage: practice areas, and kinds of help."""

    areas: list[learning.ConfirmedRequest]
    kinds: list[learning.ConfirmedRequest]
    area_key: tuple[int, str]  # learning.history_key of each, worked out once
    kind_key: tuple[int, str]


def _histories(db: Database, session: Session) -> _Histories:
    """The confirmed histories, loaded again only when a request or a triage changed (every
    confirmation moves the requests' fingerprint on), so a warm page skips reading them."""
    key = (*database_key(db), requests_version(session))
    found = _HISTORIES.get(key)
    if not isinstance(found, _Histories):
        areas, kinds = _area_history(session), _kind_history(session)
        found = _Histories(areas, kinds, learning.history_key(areas), learning.history_key(kinds))
        _HISTORIES.put(key, found)
    return found


def _kind_examples() -> tuple[list[str], list[str]]:
    """Cold-start texts for the kinds of help: each kind's label and hint ("other" is left
    out, so a request unlike any kind needs a person rather than getting "other")."""
    texts: list[str] = []
    labels: list[str] = []
    for kind in shipped_request_kinds().kinds:
        if kind.key == OTHER:
            continue
        for text in (kind.label, kind.hint, f"{kind.label}: {kind.hint}"):
            texts.append(text)
            labels.append(kind.key)
    return texts, labels


def _fit(training: learning.TrainingSet, backend: str) -> RequestRouter:
    router = RequestRouter.fit(
        training.texts, training.labels, 0, backend=backend, threshold=COLD_START_THRESHOLD
    )
    if learning.is_calibrated(training):
        return router
    return router.with_temperature(COLD_START_TEMPERATURE)


def _router_key(
    purpose: str, content_key: str, backend: str, history_key: tuple[int, str]
) -> tuple[str, ...]:
    count, latest = history_key
    return (purpose, content_key, backend, str(count), latest)


def _keep(key: tuple[str, ...], fitted: tuple[RequestRouter, learning.TrainingSet]) -> None:
    """Cache a router in this process (the caller holds ``_lock``)."""
    if key not in _routers and len(_routers) >= CACHED_ROUTERS:
        _routers.pop(next(iter(_routers)))
    _routers[key] = fitted


def _stored_router(
    session: Session, key: tuple[str, ...]
) -> tuple[RequestRouter, learning.TrainingSet] | None:
    """The router a retraining job fitted on this very history, if there is one.

    Only the workbench's own retraining job writes these rows (``services.router_jobs``), so
    unpickling them trusts nothing the database does not already hold.
    """
    data = session.scalar(select(TrainedRouter.model).where(TrainedRouter.key == "|".join(key)))
    if data is None:
        return None
    fitted = pickle.loads(data)  # noqa: S301 - written by the workbench's own job only
    if not isinstance(fitted, tuple) or not isinstance(fitted[0], RequestRouter):
        return None
    return cast(tuple[RequestRouter, learning.TrainingSet], fitted)


def _router(
    purpose: str,
    content_key: str,
    cold: tuple[list[str], list[str]],
    history: list[learning.ConfirmedRequest],
    allowed: set[str],
    history_key: tuple[int, str] | None = None,
    session: Session | None = None,
) -> tuple[RequestRouter, learning.TrainingSet]:
    """The router for this history: cached here, else fitted by a retraining job, else fitted
    now (which the first triage page after new confirmations waits for)."""
    backend = choose_backend()
    key = _router_key(purpose, content_key, backend, history_key or learning.history_key(history))
    with _lock:
        cached = _routers.get(key)
        if cached is None and session is not None:
            cached = _stored_router(session, key)
        if cached is None:
            training = learning.training_set(cold[0], cold[1], history, allowed)
            cached = (_fit(training, backend), training)
        _keep(key, cached)
        return cached


def _area_router(
    histories: _Histories, framework: Framework, session: Session | None = None
) -> tuple[RequestRouter, learning.TrainingSet]:
    texts, labels = framework_examples(framework, by="area")
    return _router(
        "area",
        framework.content_hash(),
        (texts, labels),
        histories.areas,
        set(labels),
        histories.area_key,
        session,
    )


def _framework(session: Session) -> Framework:
    version_id = current_version_id(session)
    return load_framework() if version_id is None else framework_for_version(session, version_id)


def _area_suggestion(
    router: RequestRouter, training: learning.TrainingSet, request_id: int, text: str
) -> TriageSuggestion:
    [suggestion] = router.suggest([text])
    labels = _area_labels()
    similar = router.why(text, k=len(training.texts), label=suggestion.best_guess)
    past = learning.past_requests(similar, training, WHY_COUNT, exclude=request_id)
    why = (
        tuple(p.text for p in past)
        if past
        else learning.cold_texts_among(similar, training, WHY_COUNT)
    )
    further = tuple(name for name, p in suggestion.alternatives if p >= FURTHER_AREA_SHARE)
    return TriageSuggestion(
        request_id=request_id,
        area=None if suggestion.needs_person else suggestion.label,
        best_guess=suggestion.best_guess,
        best_guess_label=labels.get(suggestion.best_guess, suggestion.best_guess),
        confidence=suggestion.confidence,
        alternatives=tuple((labels.get(name, name), p) for name, p in suggestion.alternatives),
        why=why,
        areas=(suggestion.best_guess, *further),
        past=past,
    )


def _remembered_area(
    router: RequestRouter, training: learning.TrainingSet, request_id: int, text: str
) -> TriageSuggestion:
    return _remembered(
        "area",
        router,
        request_id,
        text,
        lambda: _area_suggestion(router, training, request_id, text),
    )


def suggest_for_request(db: Database, actor: Actor, request_id: int) -> TriageSuggestion:
    """Hub staff: the practice area a request most likely concerns, or "needs a person"."""
    require_triage(actor)
    with db.read() as session:
        request = session.get(SupportRequest, request_id)
        if request is None:
            raise NotFound("That request no longer exists.")
        text = learning.request_text(request.subject, request.text)
        router, training = _area_router(_histories(db, session), _framework(session), session)
    return _remembered_area(router, training, request_id, text)


def _kind_suggestion(
    histories: _Histories,
    request_id: int,
    text: str,
    team_kind: str,
    session: Session | None = None,
) -> KindSuggestion:
    cold = _kind_examples()
    allowed = set(shipped_request_kinds().by_key())
    router, training = _router(
        "kind", "kinds", cold, histories.kinds, allowed, histories.kind_key, session
    )
    found = _remembered(
        "kind", router, request_id, text, lambda: _kind_of(router, training, text, team_kind)
    )
    return replace(found, team_kind=team_kind)


def _kind_of(
    router: RequestRouter, training: learning.TrainingSet, text: str, team_kind: str
) -> KindSuggestion:
    [suggestion] = router.suggest([text])
    kinds = shipped_request_kinds()
    similar = router.why(text, k=len(training.texts), label=suggestion.best_guess)
    past = learning.past_requests(similar, training, WHY_COUNT)
    why = tuple(p.text for p in past) or learning.cold_texts_among(similar, training, 1)
    return KindSuggestion(
        kind=None if suggestion.needs_person else suggestion.label,
        best_guess=suggestion.best_guess,
        best_guess_label=kinds.label(suggestion.best_guess),
        confidence=suggestion.confidence,
        team_kind=team_kind,
        why=why,
    )


def _area_gap(
    session: Session, team_id: int, framework: Framework, area: str, today: date
) -> Decimal | None:
    """The team's mean shortfall against its targets on the practices of ``area``, in its
    latest submitted assessment; None without scores or targets there."""
    latest = _latest_submitted(session, team_id)
    if latest is None:
        return None
    results = results_of(session, latest[0], today)
    targets = {t.principle_key: t.level for t in results.targets if t.level is not None}
    area_of = {p.key: p.practice_area for p in framework.practices()}
    shortfalls = [
        max(0, targets[p.principle_key] - p.level)
        for p in results.practices
        if p.level is not None and p.principle_key in targets and area_of.get(p.key) == area
    ]
    if not shortfalls:
        return None
    return round_score(sum(shortfalls) / len(shortfalls))


def suggest_triage(
    db: Database, actor: Actor, request_id: int, today: date | None = None
) -> TriageSuggestions:
    """Hub consultants: every triage suggestion for a request, each with its confidence and why."""
    require_triage(actor)
    today = today or uk_today()
    with db.read() as session:
        request = session.get(SupportRequest, request_id)
        if request is None:
            raise NotFound("That request no longer exists.")
        text = learning.request_text(request.subject, request.text)
        framework = _framework(session)
        histories = _histories(db, session)
        router, training = _area_router(histories, framework, session)
        area = _remembered_area(router, training, request_id, text)
        kind = _kind_suggestion(histories, request_id, text, request.kind, session)
        gap = _area_gap(session, request.team_id, framework, area.best_guess, today)
        candidates = consultant_candidates(session)
        version, needed_by = request.version, request.needed_by
    priority = suggest_priority(needed_by, today, gap, area.best_guess_label, area.confidence)
    labels = {**_area_labels(), **{k.key: k.label for k in shipped_request_kinds().kinds}}
    consultant = suggest_consultant(candidates, area.areas, kind.kind or kind.team_kind, labels)
    return TriageSuggestions(request_id, version, area, kind, priority, consultant)
