"""Audit log (admins): who changed what and when, filtered and paged in the database."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ue_core.authz import Permission
from ue_core.errors import InputError
from ue_core.services import audit_log
from ue_core.timefmt import format_datetime, uk_today
from ui.auth import require_page
from ui.context import db
from ui.downloads import render_audit_download
from ui.filters import optional_choice
from ui.text import plain

actor = require_page(Permission.ADMINISTER)

st.title("Audit log")
st.write(
    "Every change made in the workbench, newest first: who made it, what it changed and the "
    "values before and after. Filter the log, then download what you found as CSV."
)

choices = audit_log.audit_choices(db(), actor)
people = {p.user_id: f"{p.name} ({p.email})" for p in choices.people}
columns = st.columns(3)
person_id = optional_choice(columns[0], "Person", list(people), people.__getitem__, "Anyone")
action = optional_choice(columns[1], "Action", choices.actions, audit_log.describe, "Any action")
entity_type = optional_choice(
    columns[2], "Kind of object", choices.entity_types, audit_log.describe, "Anything"
)
columns = st.columns(3)
entity_text = columns[0].text_input(
    "Object number", help="The number shown after the kind of object, for example 12."
)
date_from = columns[1].date_input("From (UK date)", value=None, format="DD/MM/YYYY")
date_to = columns[2].date_input(
    "To (UK date)", value=None, max_value=uk_today(), format="DD/MM/YYYY"
)

entity_id: int | None = None
if entity_text.strip():
    if not entity_text.strip().isdigit():
        st.error("Enter the object number as digits only, for example 12.")
        st.stop()
    entity_id = int(entity_text.strip())

filters = audit_log.AuditFilter(
    person_id=person_id,
    entity_type=entity_type,
    entity_id=entity_id,
    action=action,
    date_from=date_from if isinstance(date_from, date) else None,
    date_to=date_to if isinstance(date_to, date) else None,
)
page_number = int(st.session_state.get("audit_page", 1))
try:
    found = audit_log.audit_page(db(), actor, filters, page=page_number)
except InputError as problem:
    st.error(plain(problem))
    st.stop()

if found.total == 0:
    st.write("No events match. Change the filters above to see others.")
    st.stop()

st.write(
    f"{found.total:,} event{'s' if found.total != 1 else ''} match, newest first. "
    f"Page {found.page:d} of {found.pages:d}."
)
if found.pages > 1:
    st.number_input(
        "Page", min_value=1, max_value=found.pages, value=found.page, step=1, key="audit_page"
    )
st.dataframe(
    pd.DataFrame(
        {
            "When": [format_datetime(e.when) for e in found.entries],
            "Who": [e.who for e in found.entries],
            "Did": [e.action_label for e in found.entries],
            "To": [e.object_label for e in found.entries],
        }
    ),
    hide_index=True,
    width="stretch",
)
render_audit_download(actor, filters)
