"""The Download tab: coded responses as ODS, XLSX or CSV, and the theme summary as HTML."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ue_core.services.surveys import exports
from ui.context import db
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
