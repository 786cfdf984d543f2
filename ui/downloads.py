"""Download buttons for a team's assessment, its action plan, the audit log and tables shown
on a page.

The files are made only when someone presses a button (Streamlit runs the callable then), so
drawing a page stays quick. Access is checked before the buttons are drawn, and again by the
report service when a file is made.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Actor
from ue_core.errors import NotFound
from ue_core.io.safe_csv import to_csv_bytes
from ue_core.services import audit_log, report_files, reports
from ue_core.timefmt import uk_today
from ui.context import db
from ui.text import plain

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML_MIME = "text/html"
CSV_MIME = "text/csv"


def _file_stem(actor: Actor, assessment_id: int) -> str | None:
    try:
        return reports.export_name(db(), actor, assessment_id)
    except (AccessDenied, NotFound) as problem:
        st.error(plain(problem))
        return None


def _button(
    label: str,
    maker: report_files.ReportMaker,
    actor: Actor,
    assessment_id: int,
    file_name: str,
    mime: str,
) -> None:
    st.download_button(
        plain(label),
        data=partial(maker, db(), actor, assessment_id, uk_today()),
        file_name=file_name,
        mime=mime,
        on_click="ignore",
        key=f"download_{file_name}",
    )


def render_assessment_downloads(
    actor: Actor, assessment_id: int, *, heading: str = "Download your results"
) -> None:
    """The results download section: HTML report, ODS and XLSX spreadsheets, practices CSV."""
    st.header(plain(heading))
    stem = _file_stem(actor, assessment_id)
    if stem is None:
        return
    st.markdown(
        "- **Report (HTML)**: a page you can read, print or save as PDF, even offline: each "
        "chart is drawn in the page, described in words and followed by its figures in a "
        "table.\n"
        "- **Spreadsheet (ODS or XLSX)**: a cover sheet, notes, and one table per sheet: "
        "scores, practices and evidence, individual ratings and actions. ODS is the open "
        "format government uses by default; XLSX is for Excel.\n"
        "- **Scores (CSV)**: each principle's score, target and gap, as on this page.\n"
        "- **Practices (CSV)**: the agreed level and evidence of each practice, as plain data."
    )
    _button(
        "Download report (HTML)",
        report_files.assessment_report_html,
        actor,
        assessment_id,
        f"{stem}-report.html",
        HTML_MIME,
    )
    _button(
        "Download spreadsheet (ODS)",
        report_files.assessment_ods,
        actor,
        assessment_id,
        f"{stem}.ods",
        ODS_MIME,
    )
    _button(
        "Download spreadsheet (XLSX)",
        report_files.assessment_xlsx,
        actor,
        assessment_id,
        f"{stem}.xlsx",
        XLSX_MIME,
    )
    _button(
        "Download scores (CSV)",
        report_files.scores_csv,
        actor,
        assessment_id,
        f"{stem}-scores.csv",
        CSV_MIME,
    )
    _button(
        "Download practices (CSV)",
        report_files.assessment_csv,
        actor,
        assessment_id,
        f"{stem}-practices.csv",
        CSV_MIME,
    )


def render_action_plan_downloads(actor: Actor, assessment_id: int) -> None:
    """The action plan as CSV and as an ODS spreadsheet (with the projected scores)."""
    stem = _file_stem(actor, assessment_id)
    if stem is None:
        return
    _button(
        "Download action plan (ODS)",
        report_files.action_plan_ods,
        actor,
        assessment_id,
        f"{stem}-action-plan.ods",
        ODS_MIME,
    )
    _button(
        "Download action plan (CSV)",
        report_files.action_plan_csv,
        actor,
        assessment_id,
        f"{stem}-action-plan.csv",
        CSV_MIME,
    )


def render_table_download(frame: pd.DataFrame, label: str, file_name: str) -> None:
    """A formula-safe CSV of a table shown on the page.

    Streamlit's own table download is turned off (``client.disableDataExport``): it would let
    a cell starting with "=" run as a formula in a spreadsheet. This one neutralises such cells.
    """
    st.download_button(
        plain(label),
        data=partial(to_csv_bytes, frame),
        file_name=file_name,
        mime=CSV_MIME,
        on_click="ignore",
        key=f"download_{file_name}",
    )


def render_audit_download(actor: Actor, filters: audit_log.AuditFilter) -> None:
    """The audit events matching ``filters`` as formula-safe CSV (admins only)."""
    st.download_button(
        "Download these events (CSV)",
        data=partial(audit_log.audit_csv, db(), actor, filters),
        file_name=f"audit-log-{uk_today().isoformat()}.csv",
        mime=CSV_MIME,
        on_click="ignore",
        key="download_audit_log",
        help=f"Every matching event, up to {audit_log.MAX_DOWNLOAD_ROWS:,}, with the values "
        "before and after. Cells a spreadsheet could read as a formula start with an apostrophe.",
    )
