"""A background job on a page: its live progress, redrawn every second, and a cancel button.

The job lives in the database, not in the browser: leaving the page, reloading it or closing
the browser does not stop it, and any page (on any app server) where the person looks draws
it again from the database. When the job ends the whole page is drawn again, showing the
result.
"""

from __future__ import annotations

import contextlib
from typing import Final

import streamlit as st

from ue_core.authz import Actor
from ue_core.errors import InputError
from ue_core.jobs import JobState
from ue_core.services import jobs
from ue_core.services.jobs import JobView
from ue_core.timefmt import format_datetime
from ui.context import db
from ui.navigation import SCREENS_BY_KEY
from ui.text import plain

#: Seconds between redrawing a running job's progress.
RUN_EVERY: Final = 1.0


@st.fragment(run_every=RUN_EVERY)
def job_progress(actor: Actor, job_id: int, cancel_label: str) -> None:
    """The job's progress bar and message; draws the whole page again once it has ended."""
    view = jobs.job_status(db(), actor, job_id)
    if not view.is_active:
        st.rerun()
    st.progress(view.progress, text=plain(progress_text(view)))
    st.caption(
        plain(
            f"Started by {view.started_by_name} on {format_datetime(view.created_at)}. "
            "You can leave this page or close the browser: the work carries on, and this "
            "page shows how it is going when you come back."
        )
    )
    if view.cancel_requested:
        st.write("Stopping: nothing will be saved.")
    elif st.button(plain(cancel_label), key=f"cancel_job_{job_id}"):
        with contextlib.suppress(InputError):  # it ended meanwhile: the page is drawn again
            jobs.cancel_job(db(), actor, job_id)
        st.rerun()


def progress_text(view: JobView) -> str:
    """For example 'Running: Reading answers: 2,000 of 9,000 done (20%)'."""
    return f"{view.state.label}: {view.message} ({view.progress:.0%})"


def job_cards(actor: Actor, views: list[JobView], *, show_who: bool) -> None:
    """Each job in a box: what and on what, its state, times, progress or how it ended."""
    for view in views:
        with st.container(border=True):
            title = view.kind_label + (f": {view.subject_label}" if view.subject_label else "")
            st.markdown(f"**{plain(title)}**")
            times = f"Started {format_datetime(view.started_at or view.created_at)}"
            if view.finished_at is not None:
                times += f", ended {format_datetime(view.finished_at)}"
            who = f" by {view.started_by_name}" if show_who else ""
            st.caption(plain(f"{view.state.label}. {times}{who}."))
            if view.is_active:
                st.progress(view.progress, text=plain(progress_text(view)))
                if view.cancel_requested:
                    st.write("Stopping: nothing will be saved.")
                elif st.button("Cancel this job", key=f"cancel_listed_job_{view.id}"):
                    with contextlib.suppress(InputError):  # it ended meanwhile
                        jobs.cancel_job(db(), actor, view.id)
                    st.rerun()
                continue
            if view.error:
                st.error(plain(f"{view.message}: {view.error}"))
            elif view.state is JobState.CANCELLED:
                st.write(plain(f"{view.message}."))
            summary = view.result_summary
            if summary:
                st.write(plain(summary))
            if view.has_file:
                file_download(actor, view)
            screen = SCREENS_BY_KEY.get(view.page_key or "")
            if screen is not None and (screen.permission is None or actor.can(screen.permission)):
                st.page_link(screen.path, label=plain(f"Go to {screen.title}"), icon=screen.icon)


def file_download(actor: Actor, view: JobView) -> None:
    """A download button for the file a finished job made (read when it is pressed)."""
    result = view.result or {}
    filename = str(result.get("filename", "export"))

    def data() -> bytes:
        return jobs.job_file(db(), actor, view.id).data

    st.download_button(
        plain(f"Download {filename}"),
        data=data,
        file_name=filename,
        mime=str(result.get("mime", "application/octet-stream")),
        on_click="ignore",
        key=f"job_file_{view.id}",
    )
