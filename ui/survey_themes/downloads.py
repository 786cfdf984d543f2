"""The Download tab: coded responses as ODS, XLSX or CSV, and the theme summary as HTML."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ue_core.errors import ConflictError
from ue_core.jobs import JobState
from ue_core.services.surveys import export_jobs, exports
from ui.context import db
from ui.jobs import file_download, job_progress
from ui.survey_themes.page import ThemePage
from ui.survey_themes.you_said_we_did import ODS_MIME
from ui.text import plain

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def downloads_tab(page: ThemePage) -> None:
    st.header("Download")
    st.markdown(
        "- **Coded responses**: every answer with its theme, the respondent's closed answers "
        "and flags, as ODS (the open format), XLSX (for Excel) or CSV.\n"
        "- **Theme summary (HTML)**: each theme with its size, top terms and typical answers, "
        "and read-across tables."
    )
    actor, set_id = page.actor, page.set_id
    stem = exports.file_stem(db(), actor, set_id)
    files = (
        ("Download coded responses (ODS)", exports.coded_ods, "coded.ods", ODS_MIME, "coded_ods"),
        (
            "Download coded responses (XLSX)",
            exports.coded_xlsx,
            "coded.xlsx",
            XLSX_MIME,
            "coded_xlsx",
        ),
        ("Download coded responses (CSV)", exports.coded_csv, "coded.csv", "text/csv", "coded_csv"),
        (
            "Download theme summary (HTML)",
            exports.theme_summary_html,
            "themes.html",
            "text/html",
            "summary_html",
        ),
    )
    for label, make, suffix, mime, key in files:

        def data(make: Callable[..., bytes | str] = make) -> bytes | str:
            return make(db(), actor, set_id)

        st.download_button(
            plain(label),
            data=data,
            file_name=f"{stem}-{suffix}",
            mime=mime,
            on_click="ignore",
            key=f"{key}_{set_id}",
        )
    background_export(page)


def background_export(page: ThemePage) -> None:
    """Build a large export in the background: live progress, then the file to download."""
    st.subheader("Large surveys: prepare the file in the background")
    st.write(
        "For many thousands of answers, building the file can take a while. Prepare it in the "
        "background instead: you can leave the page, and download it here or from Your jobs "
        "when it is ready. Files are kept for 7 days."
    )
    job = export_jobs.export_job(db(), page.actor, page.set_id)
    if job is not None and job.is_active:
        job_progress(page.actor, job.id, "Cancel the export")
        return
    if job is not None:
        if job.has_file:
            st.write(plain(job.result_summary or ""))
            file_download(page.actor, job)
        elif job.state is JobState.FAILED:
            st.error(plain(f"The last export did not finish, and no file was saved. {job.error}"))
        elif job.state is JobState.CANCELLED:
            st.info(plain(f"{job.started_by_name} cancelled the last export; no file was saved."))
    with st.form(f"export_job_{page.set_id}"):
        file_format = st.radio(
            "Format",
            options=list(export_jobs.FORMATS),
            format_func=lambda key: export_jobs.FORMATS[key][0],
            horizontal=True,
        )
        start = st.form_submit_button("Prepare coded responses in the background")
    if start:
        try:
            export_jobs.start_exporting(db(), page.actor, page.set_id, file_format)
        except ConflictError as problem:
            st.error(plain(problem))
        else:
            st.rerun()
