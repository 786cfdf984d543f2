"""Finding themes in a question's answers: the form, and the background job it starts.

Finding themes runs as a job (``services.surveys.theme_jobs``): the page shows its progress
while it runs and the themes when it is done, and so does the same page opened anywhere else.
Finding themes again replaces the question's draft, so it is checked against the version of the
set the person is looking at (as every other edit of the set is), and a draft with edits is
replaced only after the person confirms, told what will be lost.
"""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor
from ue_core.jobs import JobState
from ue_core.services.surveys import embeddings, theme_jobs, theme_sets
from ue_core.services.surveys.views import ThemeSetView
from ui import concurrency
from ui.context import db
from ui.jobs import job_progress
from ui.text import plain


def _watched_key(question_id: int) -> str:
    return f"theme_job_watched_{question_id}"


def theme_job_panel(actor: Actor, question_id: int, current: ThemeSetView | None) -> bool:
    """Show the question's theme job (finding or approving themes): live while it runs, then
    how it ended. True if it runs.

    A job this page watched says how it ended once; a failed or cancelled job newer than the
    themes shown says why to anyone who opens the page, until themes are found again.
    """
    job = theme_jobs.theme_job(db(), actor, question_id)
    if job is None:
        return False
    finding = job.kind == theme_jobs.KIND
    doing = "finding themes" if finding else "approving themes"
    key = _watched_key(question_id)
    if job.is_active:
        st.session_state[key] = job.id
        st.subheader("Finding themes" if finding else "Approving themes")
        job_progress(actor, job.id, f"Cancel {doing}")
        return True
    watched = st.session_state.pop(key, None) == job.id
    newer = current is None or (
        job.finished_at is not None and job.finished_at > current.created_at
    )
    if job.state is JobState.SUCCEEDED:
        if watched:
            st.success(plain(job.result_summary if not finding else "Themes found and saved."))
    elif job.state is JobState.FAILED and (watched or newer):
        st.error(
            plain(f"{doing.capitalize()} did not finish, and nothing was saved. {job.error or ''}")
        )
    elif job.state is JobState.CANCELLED and (watched or newer):
        st.info(plain(f"{job.started_by_name} cancelled {doing}; nothing was saved."))
    return False


def watch_job(question_id: int, job_id: int) -> None:
    """This page started the job: say how it ended when it does."""
    st.session_state[_watched_key(question_id)] = job_id


def find_form(actor: Actor, question_id: int, latest: ThemeSetView | None) -> None:
    """Choose how many themes (or let the workbench suggest a number) and start finding them.

    ``latest`` is the question's current theme set as the page drew it (None: no themes yet).
    """
    name = f"theme_set_{latest.id}" if latest is not None else None
    seen = (
        (latest.id, concurrency.seen_version(name, latest.version))
        if latest is not None and name is not None
        else None
    )
    _, backend_text = embeddings.available_backend()
    st.write(
        "Answers are grouped by meaning into themes. Every answer with words in it gets a theme. "
        "The same answers and settings always give the same themes. " + plain(backend_text)
    )
    draft = theme_sets.draft_edits(db(), actor, question_id)
    losses = draft.losses() if draft is not None and draft.has_edits else []
    with st.form(f"find_{question_id}"):
        how_many = st.radio(
            "Number of themes",
            options=["suggested", "chosen"],
            help="Answers are grouped into sub-themes, and sub-themes into top-level themes.",
            format_func=lambda v: (
                "Suggest a number for me" if v == "suggested" else "I will choose"
            ),
            horizontal=True,
        )
        chosen = st.number_input(
            "Sub-themes to find (used when you choose)",
            min_value=2,
            max_value=theme_sets.MAX_THEMES,
            value=8,
            step=1,
        )
        chosen_top = st.number_input(
            "Top-level themes to group them into (used when you choose)",
            min_value=1,
            max_value=theme_sets.MAX_TOP_THEMES,
            value=4,
            step=1,
        )
        confirmed = True
        if losses:
            st.warning(
                "Finding themes again deletes the draft themes and these edits to them: "
                + plain("; ".join(losses))
                + "."
            )
            confirmed = st.checkbox("Delete the draft and these edits, and find new themes")
        find = st.form_submit_button("Find themes", type="primary")
    if not find:
        return
    if not confirmed:
        st.error("Tick the box to confirm that the draft and its edits can be deleted.")
        return

    def start() -> None:
        job = theme_jobs.start_finding_themes(
            db(),
            actor,
            question_id,
            None if how_many == "suggested" else int(chosen),
            expected_current=seen,
            n_top_themes=None if how_many == "suggested" else int(chosen_top),
        )
        watch_job(question_id, job.id)

    if concurrency.save_checked(start, name=name, current_version=None, table=None):
        st.rerun()
