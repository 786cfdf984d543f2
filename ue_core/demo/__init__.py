"""Fictional demo data: ``python -m ue_core.demo`` fills an empty database for trying the app."""

from __future__ import annotations

from ue_core.demo.generator import DemoError, DemoSummary, build_survey_frame, generate

__all__ = ["DemoError", "DemoSummary", "build_survey_frame", "generate"]
