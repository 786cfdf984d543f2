"""Showing an organisation's statistical outputs against its teams' assessments."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.services.statistical_outputs import OutputsCoverage
from ue_core.statistical_outputs import OutputStatus
from ue_core.text import plural
from ue_core.timefmt import format_date
from ui.navigation import SCREENS_BY_KEY
from ui.text import plain

#: What the champion can do about each status, shown under the table.
WHAT_TO_DO = {
    OutputStatus.NO_TEAM: "Check the team's name in your list, or ask an admin to add the team.",
    OutputStatus.NEVER_ASSESSED: "Invite the team to start its first self-assessment.",
    OutputStatus.OVERDUE: "The team's latest assessment is more than a year old: ask it to "
    "assess again this round.",
    OutputStatus.REASSESS: "The output was released a few weeks ago: ask the team to review its "
    "answers against what users said about the release.",
    OutputStatus.UP_TO_DATE: "Nothing to do until the next release.",
}


def coverage_frame(coverage: OutputsCoverage) -> pd.DataFrame:
    """One row per output, most urgent first, as the page and its download show it."""
    return pd.DataFrame(
        {
            "Output": [o.title for o in coverage.outputs],
            "Team": [o.team_name for o in coverage.outputs],
            "Release frequency": [o.frequency_label for o in coverage.outputs],
            "Next release": [format_date(o.next_release) for o in coverage.outputs],
            "Team last assessed": [
                format_date(o.last_assessed) if o.last_assessed else "Never"
                for o in coverage.outputs
            ],
            "Status": [o.status.value for o in coverage.outputs],
            "Prompt to reassess from": [
                format_date(o.releases.prompt_from if o.prompt_now else o.releases.next_prompt)
                for o in coverage.outputs
            ],
        }
    )


def show_counts(coverage: OutputsCoverage) -> None:
    """One figure per status."""
    counts = coverage.counts()
    for column, status in zip(st.columns(len(counts)), OutputStatus, strict=True):
        column.metric(plain(status.value), counts[status])


def show_summary(coverage: OutputsCoverage) -> None:
    """The organisation page's short account of its outputs, with a link to the list."""
    screen = SCREENS_BY_KEY["statistical_outputs"]
    if not coverage.outputs:
        st.write(
            "Import your organisation's list of statistical outputs to see which of them come "
            "from teams that have never assessed, or are due to reassess after a release."
        )
    else:
        waiting = coverage.needing_action()
        st.write(
            plain(
                f"{plural(len(coverage.outputs), 'output')} on your list; "
                f"{plural(len(waiting), 'output')} need their team to assess."
            )
        )
        show_counts(coverage)
    st.page_link(screen.path, label="See and import your list of outputs", icon=screen.icon)
