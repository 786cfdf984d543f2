"""Desk reports: the hub's requests by month, kind, area and organisation, service levels,
satisfaction, backlog and demand beside the teams' maturity (hub staff)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.disclosure import SUPPRESSED_NOTE, display_count
from ue_core.errors import InputError, NotFound
from ue_core.services.requests import hub_report_tables, hub_reports
from ue_core.timefmt import uk_today
from ui.auth import require_page
from ui.charts import chart, count_bars
from ui.context import db
from ui.downloads import ODS_MIME, render_table_download
from ui.filters import optional_choice
from ui.rating_form import accessible_date_inputs
from ui.text import plain

actor = require_page(Permission.VIEW_DESK_REPORTS)
st.title("Desk reports")
accessible_date_inputs()
st.write(
    "How many teams ask the hub for help, what about, how quickly the hub answers and how the "
    "teams rate the help, set beside how far the teams asking are from their targets."
)

today = uk_today()
default = hub_reports.default_filters(today)
organisations = dict(hub_reports.desk_organisations(db(), actor))
left, middle, right = st.columns(3)
start = left.date_input("From", value=default.start, format="DD/MM/YYYY", key="desk_from")
end = middle.date_input("To", value=default.end, format="DD/MM/YYYY", key="desk_to")
chosen = optional_choice(
    right, "Organisation", list(organisations), organisations.__getitem__, "All organisations"
)
filters = hub_reports.DeskFilters(start, end, chosen)

try:
    report = hub_reports.desk_report(db(), actor, filters, today)
except (InputError, NotFound, AccessDenied) as problem:
    st.error(plain(problem))
    st.stop()

figures = report.figures
scope = report.organisation_name or "all organisations"
st.header(plain(f"Requests from {scope}"))
headlines = {
    "Requests sent": display_count(figures.total),
    "Median working days to a first response": figures.median_first_response.display(),
    "Median working days to resolution": figures.median_resolution.display(),
    "Mean rating of the help (out of 5)": figures.mean_rating.display(),
}
st.markdown("\n".join(f"- {plain(what)}: **{plain(value)}**" for what, value in headlines.items()))
st.caption(
    plain(
        f"{SUPPRESSED_NOTE} Working days leave out weekends, bank holidays in England and "
        "Wales and the days the hub waited on the team."
    )
)

st.download_button(
    "Download every table (ODS)",
    data=partial(hub_report_tables.desk_report_ods, db(), actor, filters, today),
    file_name=f"desk-reports-{today.isoformat()}.ods",
    mime=ODS_MIME,
    on_click="ignore",
    key="download_desk_ods",
)

for table in hub_report_tables.desk_tables(report):
    shown = table.frame.astype(str)  # st.dataframe shows text as it is: no Markdown
    if table.chart is not None:
        figure = count_bars(
            table.chart,
            list(dict.fromkeys(table.chart["Category"])),
            list(table.series),
            table.category_title,
        )
        chart(table.title, table.description, figure, shown, heading_level=2, key=table.key)
    else:
        st.header(plain(table.title))
        st.write(plain(table.description))
        st.dataframe(shown, hide_index=True, width="stretch")
    render_table_download(
        table.frame, f"Download {table.title.lower()} (CSV)", f"desk-{table.key}.csv"
    )
