"""Import a survey: upload, preview, choose what each column holds, check, then save."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.redaction import REDACTION_KINDS, describe_counts, describe_place_counts
from ue_core.services.surveys import deletion, imports, views
from ue_core.survey_import import (
    MAX_WORDING,
    ColumnMapping,
    RawTable,
    header_choices,
    preview,
    tidy_header,
    validate,
)
from ue_core.text import plural, plural_noun
from ue_core.timefmt import format_datetime
from ui.auth import require_page
from ui.context import db
from ui.text import plain

actor = require_page(Permission.ANALYSE_SURVEYS)

NO_ID = "No ID column: number the rows instead"
NEW_SURVEY = "A new survey"
RESULT_KEY = "survey_import_result"
CONFIRM_DELETE_KEY = "survey_delete_confirm"
DELETED_KEY = "survey_delete_result"
UPLOAD_COUNTER = "survey_import_upload"

st.title("Import a survey")
st.write(
    "Upload a survey export as CSV, Excel (XLSX) or OpenDocument (ODS). You will see a preview, "
    "choose what each column holds and check the file before anything is saved. E-mail "
    "addresses, phone numbers, web addresses, National Insurance numbers and postcodes are "
    "removed from the answers before they are stored; the original text is not kept. A column "
    "of names or contact details cannot be saved."
)

done = st.session_state.pop(RESULT_KEY, None)
if done is not None:
    st.success(plain(done))
    st.write("Next, open Survey themes in the menu to find themes in the answers.")
deleted = st.session_state.pop(DELETED_KEY, None)
if deleted is not None:
    st.success(plain(deleted))

existing = views.list_surveys(db(), actor)
targets: list[int | None] = [None, *[s.id for s in existing]]
titles = {s.id: s.title for s in existing}
target = st.selectbox(
    "Import into",
    options=targets,
    format_func=lambda sid: NEW_SURVEY if sid is None else f"Add responses to: {titles[sid]}",
    help="Add later responses to a survey already imported: answers are given the approved "
    "themes, and the least typical wait for review.",
)

upload_key = f"survey_upload_{st.session_state.get(UPLOAD_COUNTER, 0)}"
uploaded = st.file_uploader(
    "Survey file (CSV, XLSX or ODS, up to 20 MB)",
    type=["csv", "tsv", "txt", "xlsx", "ods"],
    key=upload_key,
)

if uploaded is None:
    st.header("Surveys already imported")
    if not existing:
        st.write("No surveys have been imported yet. Upload a file above to start.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Survey": [s.title for s in existing],
                    "Responses": [s.response_count for s in existing],
                    "Free-text questions": [len(s.free_text_questions) for s in existing],
                    "Imported": [format_datetime(s.imported_at) for s in existing],
                    "By": [s.imported_by or "" for s in existing],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.header("Delete a survey")
        st.write(
            "Deleting a survey removes its responses, answers, themes and you said, we did "
            "actions for good. You will be told how many answers go and asked to confirm."
        )
        doomed = st.selectbox(
            "Survey to delete",
            options=[s.id for s in existing],
            format_func=titles.__getitem__,
            index=None,
            placeholder="Choose a survey",
        )
        if doomed is not None:
            if st.button("Delete this survey", key=f"delete_survey_{doomed}"):
                st.session_state[CONFIRM_DELETE_KEY] = doomed
            if st.session_state.get(CONFIRM_DELETE_KEY) == doomed:
                try:
                    contents = deletion.survey_contents(db(), actor, doomed)
                except NotFound as problem:
                    st.error(plain(problem))
                    st.stop()
                st.warning(
                    f"Delete {plain(contents.title)}? This removes {plain(contents.describe())}. "
                    "It cannot be undone."
                )
                confirm, cancel = st.columns(2)
                if confirm.button(
                    f"Yes, delete {plural(contents.answers, 'answer')}",
                    type="primary",
                    key="confirm_delete",
                ):
                    st.session_state.pop(CONFIRM_DELETE_KEY, None)
                    try:
                        deletion.delete_survey(
                            db(), actor, doomed, expected_answers=contents.answers
                        )
                    except (ConflictError, NotFound) as problem:
                        st.error(plain(problem))
                    else:
                        st.session_state[DELETED_KEY] = (
                            f"Deleted {plain(contents.title)}: {contents.describe()}."
                        )
                        st.rerun()
                if cancel.button("Cancel", key="cancel_delete"):
                    st.session_state.pop(CONFIRM_DELETE_KEY, None)
                    st.rerun()
    st.stop()

data = uploaded.getvalue()
filename = uploaded.name
signature = hashlib.sha256(data).hexdigest()[:16]
cache_key = f"survey_raw_{signature}"


def read_upload(header_row: int | None) -> RawTable:
    """The file read with the given header row (found when None), once per file and row."""
    key = f"{cache_key}_{header_row}"
    found: RawTable | None = st.session_state.get(key)
    if found is None:
        try:
            found = imports.read_file(data, filename, header_row)
        except InputError as problem:
            st.error(plain(f"{filename} cannot be imported. {problem}"))
            st.stop()
        st.session_state[key] = found
    return found


detected = read_upload(None)
st.header("Preview")
choices = dict(header_choices(detected))
header_row = st.selectbox(
    "Row with the column names",
    options=list(choices),
    index=list(choices).index(detected.header_row),
    format_func=lambda number: choices[number],
    key=f"header_{signature}",
    help="Rows above it, such as a title or notes, are left out.",
)
raw = detected if header_row == detected.header_row else read_upload(header_row)
form_key = f"{signature}_{raw.header_row}"

view = preview(raw)
st.write(
    plain(
        f"{view.source}: {plural(view.row_count, 'row')} of answers and "
        f"{plural(len(view.columns), 'column')}."
    )
)
sample = pd.DataFrame(list(view.rows), columns=list(view.columns))
sample.insert(0, "Row", list(view.row_numbers))
st.dataframe(sample, hide_index=True, width="stretch")
column_notes = [issue for issue in view.warnings if issue not in raw.warnings]
if column_notes:
    st.warning("About these columns:")
    st.markdown("\n".join(f"- {plain(issue.message)}" for issue in column_notes))

st.header("Choose what each column holds")
suggested = view.suggested_mapping
columns = list(view.columns)
id_options = [NO_ID, *columns]
id_choice = st.selectbox(
    "Respondent ID column",
    options=id_options,
    index=id_options.index(suggested.respondent_id) if suggested.respondent_id else 0,
    key=f"map_id_{form_key}",
    help="A column with a different value for every respondent.",
)
id_column = None if id_choice == NO_ID else id_choice
text_options = [c for c in columns if c != id_column]
free_text = st.multiselect(
    "Free-text questions",
    options=text_options,
    default=[c for c in suggested.free_text if c in text_options],
    key=f"map_free_{form_key}",
    help="Questions people answered in their own words. These are the ones you can find themes in.",
)
closed_options = [c for c in text_options if c not in free_text]
closed = st.multiselect(
    "Closed questions (for read-across, such as organisation type or profession)",
    options=closed_options,
    default=[c for c in suggested.closed if c in closed_options],
    key=f"map_closed_{form_key}",
)
chosen_questions = [*free_text, *closed]
wording: dict[str, str] = {}
if chosen_questions:
    st.subheader("How each question is shown")
    st.write(
        "Word each question as people will read it on screen and in reports. Each starts from "
        "its column header, tidied; the file is not changed."
    )
    for column in chosen_questions:
        wording[column] = st.text_input(
            plain(f"Wording for the column {column}"),
            value=tidy_header(column),
            max_chars=MAX_WORDING,
            key=f"wording_{form_key}_{column}",
        )
mapping = ColumnMapping(
    respondent_id=id_column,
    free_text=list(free_text),
    closed=list(closed),
    wording=wording,
)

st.header("Check before saving")
# Checking counts personal data in every answer: do it once per file and mapping, not per rerun.
report_key = f"survey_report_{form_key}"
mapping_key = (mapping.respondent_id, tuple(mapping.free_text), tuple(mapping.closed))
cached = st.session_state.get(report_key)
if cached is not None and cached[0] == mapping_key:
    report = cached[1]
else:
    report = validate(raw, mapping)
    st.session_state[report_key] = (mapping_key, report)
if report.errors:
    problems = plural(len(report.errors), "problem")
    verb = plural_noun(len(report.errors), "is", "are")
    st.error(
        f"There {verb} {problems} to fix before this survey can be saved. Nothing has been saved."
    )
    st.markdown("\n".join(f"- {plain(issue.message)}" for issue in report.errors[:50]))
    if len(report.errors) > 50:
        st.write(f"And {len(report.errors) - 50:,} more problems.")
else:
    st.write(
        f"No problems found: {plural(report.row_count, 'response')} "
        f"{plural_noun(report.row_count, 'is', 'are')} ready to save."
    )
if report.warnings:
    st.warning("Check these before saving:")
    st.markdown("\n".join(f"- {plain(issue.message)}" for issue in report.warnings[:50]))
st.subheader("Personal data removed")
removed = (
    f"{describe_counts(report.redaction_counts)} "
    f"{describe_place_counts(report.closed_redaction_counts, 'the closed answers')}"
)
st.write(plain(removed))
st.dataframe(
    pd.DataFrame(
        {
            "Kind of personal data": [imports.REDACTION_LABELS[k] for k in REDACTION_KINDS],
            "From free text": [report.redaction_counts[k] for k in REDACTION_KINDS],
            "From closed answers": [report.closed_redaction_counts[k] for k in REDACTION_KINDS],
        }
    ),
    hide_index=True,
)

if target is None:
    default_title = uploaded.name.rsplit(".", 1)[0].replace("_", " ").replace("-", " ")
    title = st.text_input("Survey title", value=default_title, key=f"title_{signature}")
    label = "Save survey"
else:
    title = titles[target]
    label = "Add these responses"
if st.button(label, type="primary", disabled=not report.ok):
    try:
        if target is None:
            result = imports.import_survey(db(), actor, raw, mapping, title)
            message = (
                f"Saved '{title.strip()}': {plural(result.responses, 'response')} and "
                f"{plural(result.answers, 'free-text answer')}."
            )
        else:
            result = imports.add_responses(db(), actor, target, raw, mapping)
            message = (
                f"Added {plural(result.responses, 'response')} and "
                f"{plural(result.answers, 'free-text answer')} to '{title}'."
            )
            if result.assigned:
                message += (
                    f" {plural(result.assigned, 'answer')} "
                    f"{plural_noun(result.assigned, 'was', 'were')} given an approved theme; "
                    f"{result.needs_review:,} wait for review."
                )
    except (InputError, AccessDenied, NotFound) as problem:
        st.error(plain(f"Nothing was saved. {problem}"))
    else:
        st.session_state[RESULT_KEY] = message + " " + removed
        for key in [k for k in st.session_state if str(k).startswith(cache_key)]:
            st.session_state.pop(key, None)
        st.session_state.pop(report_key, None)
        st.session_state[UPLOAD_COUNTER] = st.session_state.get(UPLOAD_COUNTER, 0) + 1
        st.rerun()
if not report.ok:
    st.caption("Fix the problems above, or choose other columns, to save the survey.")
