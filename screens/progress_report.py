"""Progress report: the strategy's report to boards for a chosen period, previewed and
downloaded as HTML and ODS (hub staff)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.disclosure import SUPPRESSED_NOTE
from ue_core.errors import InputError
from ue_core.progress_report import PRESETS, checked_period, file_stem, preset_period
from ue_core.services import progress_report
from ue_core.timefmt import uk_today
from ui.auth import require_page
from ui.charts import chart, count_bars
from ui.context import db
from ui.downloads import HTML_MIME, ODS_MIME
from ui.rating_form import accessible_date_inputs
from ui.text import plain

CHOOSE_DATES = "Choose the dates"

actor = require_page(Permission.VIEW_PROGRESS_REPORT)
st.title("Progress report")
accessible_date_inputs()
st.write(
    "The report the hub sends to boards twice a year and to Parliament once a year: "
    "self-assessments and maturity, support requests, Champion Chats, organisations' "
    "commitments and champions in post, for the period you choose. Every figure comes from "
    "the workbench's records."
)

today = uk_today()
choice = st.radio("Period", [*PRESETS, CHOOSE_DATES], horizontal=True, key="progress_period")
try:
    if choice in PRESETS:
        period = preset_period(PRESETS[choice], today)
    else:
        default = preset_period(12, today)
        left, right = st.columns(2)
        start = left.date_input(
            "First day", value=default.start, format="DD/MM/YYYY", key="progress_from"
        )
        end = right.date_input(
            "Last day", value=default.end, format="DD/MM/YYYY", key="progress_to"
        )
        period = checked_period(start, end, today)
    report = progress_report.progress_report(db(), actor, period, today)
except (InputError, AccessDenied) as problem:
    st.error(plain(problem))
    st.stop()

st.write(plain(f"The report covers {period.label}."))
stem = file_stem(period)
left, right = st.columns(2)
left.download_button(
    "Download the report (HTML)",
    data=partial(progress_report.progress_report_html, db(), actor, period, today),
    file_name=f"{stem}.html",
    mime=HTML_MIME,
    on_click="ignore",
    key="download_progress_html",
)
right.download_button(
    "Download the tables (ODS)",
    data=partial(progress_report.progress_report_ods, db(), actor, period, today),
    file_name=f"{stem}.ods",
    mime=ODS_MIME,
    on_click="ignore",
    key="download_progress_ods",
)
st.caption(plain(SUPPRESSED_NOTE))

st.header("Preview")
for section in report.sections:
    st.subheader(plain(section.title))
    st.markdown("\n".join(f"- {plain(line)}" for line in section.summary))
    shown = section.table.astype(str)  # st.dataframe shows text as it is: no Markdown
    if section.chart is None:
        st.write(plain(section.description))
        st.dataframe(shown, hide_index=True, width="stretch")
        continue
    drawn = section.chart
    figure = count_bars(
        drawn.long_frame(),
        [category for category, _ in drawn.rows],
        list(drawn.series),
        drawn.category_title,
        drawn.value_title,
    )
    chart(drawn.title, drawn.description, figure, shown, heading_level=4, key=section.key)
