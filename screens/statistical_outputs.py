"""Statistical outputs: a champion's list of their organisation's outputs, against assessments."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import NotFound
from ue_core.services import statistical_outputs
from ue_core.statistical_outputs import COLUMN_NAMES, shipped_rules
from ue_core.timefmt import format_date, uk_today
from ui.auth import require_page
from ui.context import db
from ui.downloads import render_table_download
from ui.organisations import choose_organisation
from ui.outputs_coverage import WHAT_TO_DO, coverage_frame, show_counts
from ui.text import plain

UPLOAD_COUNTER = "outputs_upload_counter"

actor = require_page(Permission.MANAGE_OUTPUTS)
st.title("Statistical outputs")
st.write(
    "Import your organisation's list of statistical outputs to see which come from teams that "
    "have never assessed their user engagement, are overdue, or should reassess a few weeks "
    "after a release, when users have had their say."
)

organisations = statistical_outputs.list_organisations(db(), actor)
chosen = choose_organisation({o.organisation_id: o.name for o in organisations})

rules = shipped_rules()
with st.expander("Import a list of outputs", expanded=False):
    st.write(
        plain(
            "A CSV, XLSX or ODS file with the columns "
            + ", ".join(COLUMN_NAMES.values())
            + ". Write the next release as a date (5 March 2027 or 05/03/2027); leave it "
            "empty when it is not known. Release frequencies: "
            + ", ".join(f.label.lower() for f in rules.frequencies)
            + ". An import replaces the list you had before."
        )
    )
    upload_key = f"outputs_upload_{st.session_state.get(UPLOAD_COUNTER, 0)}"
    uploaded = st.file_uploader(
        "List of outputs (CSV, XLSX or ODS, up to 5 MB)",
        type=["csv", "txt", "xlsx", "ods"],
        key=upload_key,
    )
    if st.button("Import the list", type="primary", disabled=uploaded is None):
        assert uploaded is not None
        try:
            saved = statistical_outputs.import_list(
                db(), actor, chosen, uploaded.getvalue(), uploaded.name
            )
        except statistical_outputs.ListProblems as problems:
            st.error(plain(problems))
            if len(problems.problems) > 1:
                for problem in problems.problems[:50]:
                    st.markdown("- " + plain(problem.message))
                if len(problems.problems) > 50:
                    st.write(plain(f"And {len(problems.problems) - 50:,} more."))
        except (AccessDenied, NotFound) as problem:
            st.error(plain(problem))
        else:
            st.session_state[UPLOAD_COUNTER] = st.session_state.get(UPLOAD_COUNTER, 0) + 1
            st.success(plain(saved.describe()))

try:
    coverage = statistical_outputs.outputs_coverage(db(), actor, chosen, uk_today(), rules)
except (AccessDenied, NotFound) as problem:
    st.error(plain(problem))
    st.stop()

st.header(plain(f"Outputs of {coverage.organisation_name}"))
if not coverage.outputs:
    st.write("No list has been imported yet.")
    st.stop()
st.caption(plain(f"List imported on {format_date(coverage.imported_at)}."))
show_counts(coverage)

prompts = coverage.prompts_due()
if prompts:
    st.subheader("Teams to prompt now")
    for output in prompts:
        st.markdown(
            "- "
            + plain(
                f"{output.team_name}: {output.title} was released on "
                f"{format_date(output.releases.last)}; the team last assessed on "
                f"{format_date(output.last_assessed)}."
            )
        )

st.subheader("Every output")
frame = coverage_frame(coverage)
st.dataframe(frame, hide_index=True, width="stretch")
render_table_download(frame, "Download the table (CSV)", "statistical-outputs.csv")
st.subheader("What each status asks of you")
for status, advice in WHAT_TO_DO.items():
    st.markdown(f"- **{plain(status.value)}**: {plain(advice)}")
