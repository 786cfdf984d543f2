"""Learning from the hub's own confirmed triage: the training set a router is refitted on.

Before the hub has confirmed enough requests, a router learns only from its cold-start texts
(the framework's practice descriptions, or the kinds of help). Once at least
:data:`MIN_PER_LABEL` confirmed requests carry each of :data:`MIN_LABELS` labels, the router is
refitted on the cold-start texts plus the confirmed requests, and refitted again whenever the
history grows (:func:`history_key` names the history a router was fitted on). A suggestion's
"why" then shows the past confirmed requests it resembles, not only framework text.

Everything here is pure: the services load the confirmed requests and cache the routers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from ue_core.triage.router import SimilarRequest

#: A label counts towards learning once this many confirmed requests carry it ...
MIN_PER_LABEL: Final = 2
#: ... and the history is used once this many labels are so counted.
MIN_LABELS: Final = 2
#: Below this many confirmed requests the training set is mostly cold-start text, so held-out
#: confidences would be too high: the router keeps the cold start's cautious temperature.
CALIBRATED_AFTER: Final = 200


@dataclass(frozen=True)
class ConfirmedRequest:
    """A request whose labels a consultant confirmed at triage."""

    request_id: int
    text: str
    labels: tuple[str, ...]
    confirmed_at: datetime


@dataclass(frozen=True)
class TrainingSet:
    """Texts and labels to fit a router on; ``request_ids`` is None for a cold-start text."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]
    request_ids: tuple[int | None, ...]
    confirmed_count: int


@dataclass(frozen=True)
class PastRequest:
    """A past confirmed request a suggestion resembles: part of its "why"."""

    request_id: int
    text: str
    similarity: float


def request_text(subject: str, text: str) -> str:
    """The text a router reads for a request: its summary and its description."""
    return f"{subject.strip()}. {text.strip()}"


def label_counts(confirmed: Iterable[ConfirmedRequest]) -> Counter[str]:
    return Counter(label for request in confirmed for label in set(request.labels))


def has_enough_history(confirmed: Sequence[ConfirmedRequest]) -> bool:
    """True when enough labels have enough confirmed requests to learn from."""
    counts = label_counts(confirmed)
    return sum(1 for count in counts.values() if count >= MIN_PER_LABEL) >= MIN_LABELS


def history_key(confirmed: Sequence[ConfirmedRequest]) -> tuple[int, str]:
    """What a fitted router depends on: how many requests and the latest confirmation.

    Cold (not enough history) is ``(0, "")``, so the cold-start router is shared until then.
    """
    if not has_enough_history(confirmed):
        return (0, "")
    latest = max(request.confirmed_at for request in confirmed)
    return (len(confirmed), latest.isoformat())


def training_set(
    cold_texts: Sequence[str],
    cold_labels: Sequence[str],
    confirmed: Sequence[ConfirmedRequest],
    allowed: Iterable[str] | None = None,
) -> TrainingSet:
    """The cold-start texts, then one row per confirmed request and label (when enough).

    ``allowed`` keeps only these labels of confirmed requests (a practice area since removed,
    say, is left out). Rows are in request id order, so the same history gives the same set.
    """
    if len(cold_texts) != len(cold_labels):
        raise ValueError(f"There are {len(cold_texts)} texts but {len(cold_labels)} labels")
    texts, labels = list(cold_texts), list(cold_labels)
    request_ids: list[int | None] = [None] * len(texts)
    used = 0
    if has_enough_history(confirmed):
        keep = None if allowed is None else set(allowed)
        for request in sorted(confirmed, key=lambda r: r.request_id):
            wanted = sorted({x for x in request.labels if keep is None or x in keep})
            for label in wanted:
                texts.append(request.text)
                labels.append(label)
                request_ids.append(request.request_id)
            used += 1 if wanted else 0
    return TrainingSet(tuple(texts), tuple(labels), tuple(request_ids), used)


def is_calibrated(training: TrainingSet) -> bool:
    """True when there is enough history to trust the router's own fitted temperature."""
    return training.confirmed_count >= CALIBRATED_AFTER


def past_requests(
    similar: Sequence[SimilarRequest],
    training: TrainingSet,
    k: int,
    exclude: int | None = None,
) -> tuple[PastRequest, ...]:
    """The first ``k`` distinct past requests among ``similar`` (most similar first), leaving
    out the request being triaged (``exclude``)."""
    found: list[PastRequest] = []
    seen: set[int] = set()
    for item in similar:
        request_id = training.request_ids[item.index]
        if request_id is None or request_id == exclude or request_id in seen:
            continue
        seen.add(request_id)
        found.append(PastRequest(request_id, item.text, item.similarity))
        if len(found) == k:
            break
    return tuple(found)


def cold_texts_among(
    similar: Sequence[SimilarRequest], training: TrainingSet, k: int
) -> tuple[str, ...]:
    """The first ``k`` cold-start texts among ``similar``: the why before there is history."""
    texts = [item.text for item in similar if training.request_ids[item.index] is None]
    return tuple(texts[:k])
