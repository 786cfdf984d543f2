"""Your jobs: the long work you started (finding themes, approving them, retraining triage).

Each job is read from the database, so this page shows it wherever and whenever the person
looks: while any job runs the list redraws itself every second; a running job can be
cancelled; a finished one says what it made, a failed one why. Hub staff may also see
everyone's jobs.
"""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Permission
from ue_core.services import jobs
from ui.auth import require_page
from ui.context import db
from ui.jobs import RUN_EVERY, job_cards

actor = require_page(Permission.RUN_JOBS)

st.title("Your jobs")
st.write(
    "Long pieces of work run in the background as jobs. You can leave a page or close the "
    "browser while one runs: it carries on, and this page shows how it is going."
)

everyone = False
if actor.is_hub_staff():
    everyone = (
        st.radio(
            "Jobs to show",
            options=["mine", "everyone"],
            format_func=lambda v: "Jobs you started" if v == "mine" else "Everyone's jobs",
            horizontal=True,
            key="your_jobs_scope",
        )
        == "everyone"
    )


def listed() -> list[jobs.JobView]:
    return jobs.all_jobs(db(), actor) if everyone else jobs.my_jobs(db(), actor)


@st.fragment(run_every=RUN_EVERY)
def live() -> None:
    """Redrawn every second while a job runs; the whole page is drawn again once none does."""
    views = listed()
    if not any(view.is_active for view in views):
        st.rerun()
    job_cards(actor, views, show_who=everyone)


views = listed()
if not views:
    st.write(
        "No jobs to show yet. Finding or approving survey themes, and retraining the request "
        "router for triage, run as jobs."
    )
elif any(view.is_active for view in views):
    live()
else:
    job_cards(actor, views, show_who=everyone)
st.caption(f"The latest {jobs.MAX_LISTED} jobs are listed, newest first.")
