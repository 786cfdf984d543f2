"""Retraining the request router from the Support requests page, as a background job.

The job's progress is drawn live while it runs (``ui.jobs.job_progress``); once it has ended,
the page says how (what it learnt from, or why it stopped) and offers to retrain again.
"""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor
from ue_core.errors import ConflictError
from ue_core.jobs import JobState
from ue_core.services import router_jobs
from ue_core.timefmt import format_datetime
from ui.context import db
from ui.jobs import job_progress
from ui.text import plain


def router_job_panel(actor: Actor) -> None:
    """An expander: the latest retraining, live while it runs, and a button to start one."""
    job = router_jobs.router_job(db(), actor)
    running = job is not None and job.is_active
    with st.expander("Triage suggestions: retrain the request router", expanded=running):
        st.write(
            "Suggestions learn from the triage the hub has confirmed. Retrain the router after "
            "confirming many requests, so every page suggests from the latest history without "
            "waiting. It runs in the background: you can leave the page."
        )
        if job is not None and job.is_active:
            job_progress(actor, job.id, "Cancel retraining")
            return
        if job is not None:
            ended = format_datetime(job.finished_at)
            who = job.started_by_name
            if job.state is JobState.SUCCEEDED and job.result_summary:
                st.write(plain(f"Last retrained {ended} by {who}. {job.result_summary}"))
            elif job.state is JobState.FAILED:
                st.error(plain(f"The last retraining did not finish ({ended}). {job.error or ''}"))
            elif job.state is JobState.CANCELLED:
                st.info(plain(f"{who} cancelled the last retraining ({ended}); nothing changed."))
        if st.button("Retrain the request router", key="retrain_router"):
            try:
                router_jobs.start_retraining_router(db(), actor)
            except ConflictError as problem:
                st.error(plain(problem))
            else:
                st.rerun()
