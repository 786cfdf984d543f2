"""Status notices shared by the self-assessment, agree and check-and-submit pages."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor
from ue_core.services.assessments import AssessmentSummary
from ue_core.timefmt import format_datetime
from ui.teams import team_choices
from ui.text import plain


def not_started_notice(actor: Actor, team_id: int, next_step: str) -> None:
    """Say the team has not started this round's self-assessment, then what happens next."""
    st.info(
        plain(
            f"{team_choices(actor)[team_id]} has not started this round's self-assessment yet. "
            f"Start it on the self-assessment page; {next_step}"
        )
    )


def summary_line(summary: AssessmentSummary) -> None:
    """Name the team, organisation and round the assessment belongs to."""
    st.write(plain(f"{summary.team_name}, {summary.organisation_name}: {summary.round_label}."))


def submitted_notice(summary: AssessmentSummary, closing: str) -> None:
    """Say who submitted the assessment and when, followed by ``closing``."""
    st.success(
        plain(
            f"{summary.submitted_by or 'Your team lead'} submitted this assessment on "
            f"{format_datetime(summary.submitted_at)}. {closing}"
        )
    )
