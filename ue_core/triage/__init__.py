"""Triage suggestions: route a request to a label with a calibrated confidence and a why.

:class:`RequestRouter` learns from confirmed triage history (or, cold, from the framework's
practice descriptions via :func:`cold_start_router`); below its threshold a suggestion says
the request needs a person.
"""

from ue_core.triage.cold_start import cold_start_router, framework_examples, practice_texts
from ue_core.triage.router import (
    DEFAULT_THRESHOLD,
    NEEDS_A_PERSON,
    RequestRouter,
    RouteSuggestion,
    SimilarRequest,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "NEEDS_A_PERSON",
    "RequestRouter",
    "RouteSuggestion",
    "SimilarRequest",
    "cold_start_router",
    "framework_examples",
    "practice_texts",
]
