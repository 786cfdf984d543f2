"""Fictional demo data: ``python -m ue_core.demo`` fills an empty database for trying the app.

``generate`` and ``build_survey_frame`` are loaded on first use, so importing the package
stays light. The personas it signs in as live in ``ue_core.personas``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ue_core.demo.generator import DemoError, DemoSummary, build_survey_frame, generate

__all__ = ["DemoError", "DemoSummary", "build_survey_frame", "generate"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ue_core.demo import generator

        return getattr(generator, name)
    raise AttributeError(f"module 'ue_core.demo' has no attribute {name!r}")
