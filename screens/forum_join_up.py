"""Join up forums: the pairs of forums whose themes or member organisations overlap most, so
the hub can bring them together."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import Permission
from ue_core.forums import ORGANISATION_WEIGHT, THEME_WEIGHT
from ue_core.services import forum_join_up
from ue_core.text import plural
from ue_core.timefmt import uk_today
from ui.auth import require_page
from ui.context import db
from ui.downloads import render_table_download
from ui.text import plain

actor = require_page(Permission.MANAGE_FORUMS)
st.title("Join up forums")
st.write(
    "Forums that cover the same themes, or bring together the same organisations, may be "
    "doing the same work twice. These pairs overlap most: talk to their hosts about meeting "
    "together, sharing an agenda or merging."
)
with st.expander("How the score works"):
    st.markdown(
        plain(
            "For each pair, the theme overlap is the number of themes both cover divided by the "
            "number either covers, and the organisation overlap is the same for their host and "
            f"member organisations. The score is {THEME_WEIGHT:.1f} times the theme overlap plus "
            f"{ORGANISATION_WEIGHT:.1f} times the organisation overlap, from 0 (nothing shared) "
            "to 1 (the same themes and organisations). Closed forums are left out; lapsed ones "
            "are in, as joining one up with an active forum may bring it back."
        )
    )

thresholds = [0.2, 0.3, 0.4, 0.5, 0.6, 0.8]
left, right = st.columns(2)
lowest = left.selectbox(
    "Show pairs scoring at least", thresholds, index=1, format_func=lambda v: f"{v:.1f}"
)
limit = right.selectbox("At most", [10, 30, 100], index=1, format_func=lambda v: f"{v} pairs")
pairs = forum_join_up.join_up(
    db(), actor, uk_today(), min_score=float(lowest or 0.3), limit=int(limit or 30)
)
if not pairs:
    st.write("No pair of forums overlaps that much.")
    st.stop()

st.write(plain(f"{plural(len(pairs), 'pair')} of forums, the most overlapping first."))
frame = pd.DataFrame(
    {
        "Forum": [p.first.name for p in pairs],
        "Overlaps with": [p.second.name for p in pairs],
        "Score": [round(p.score, 2) for p in pairs],
        "Theme overlap": [round(p.theme_overlap, 2) for p in pairs],
        "Organisation overlap": [round(p.organisation_overlap, 2) for p in pairs],
        "Why": [p.reason for p in pairs],
        "Statuses": [f"{p.first.status.label} and {p.second.status.label}" for p in pairs],
    }
)
st.dataframe(frame, hide_index=True, width="stretch")
render_table_download(frame, "Download the pairs (CSV)", "forums-to-join-up.csv")
