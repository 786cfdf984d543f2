"""The You said, we did tab: what the hub did about each theme, and the published log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied
from ue_core.errors import InputError, NotFound
from ue_core.services.surveys import exports, views, you_said_we_did
from ue_core.timefmt import format_date
from ue_core.vocabulary import ACTION_STATUS_LABELS
from ui import concurrency
from ui.context import db
from ui.survey_themes.page import ThemePage, done_and_redraw
from ui.text import plain

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"


def _log_table(log: list[you_said_we_did.ThemeActionView]) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                "You said (theme)": [a.theme_label for a in log],
                "We did": [a.action for a in log],
                "Status": [a.status_label for a in log],
                "Published": [format_date(a.published_on) if a.published_on else "" for a in log],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def add_form(page: ThemePage) -> None:
    with st.form(f"action_{page.set_id}", clear_on_submit=True):
        theme = st.selectbox("Theme", page.theme_ids, format_func=page.labels.__getitem__)
        text = st.text_area("What the hub did or will do")
        status = st.selectbox(
            "Status",
            list(ACTION_STATUS_LABELS),
            format_func=ACTION_STATUS_LABELS.__getitem__,
        )
        published = st.text_input(
            "Date published, for example 27 3 2026 (leave empty if not published yet)"
        )
        add = st.form_submit_button("Add action")
    if not add or theme is None:
        return
    try:
        you_said_we_did.add_theme_action(
            db(),
            page.actor,
            theme,
            text,
            status or "planned",
            you_said_we_did.parse_published(published),
        )
    except (InputError, AccessDenied, NotFound) as problem:
        st.error(plain(problem))
    else:
        done_and_redraw("Action added.")


def _version_name(action_id: int) -> str:
    return f"theme_action_{action_id}"


def change_form(page: ThemePage, log: list[you_said_we_did.ThemeActionView]) -> None:
    by_id = {a.id: a for a in log}
    # The version of each action as this person first saw it: a change saved by someone else
    # since then is a conflict, not overwritten.
    seen = {a.id: concurrency.seen_version(_version_name(a.id), a.version) for a in log}
    with st.form(f"action_edit_{page.set_id}"):
        edit_id = st.selectbox(
            "Action to change",
            list(by_id),
            format_func=lambda aid: f"{by_id[aid].theme_label}: {by_id[aid].action[:60]}",
        )
        status = st.selectbox(
            "New status",
            list(ACTION_STATUS_LABELS),
            format_func=ACTION_STATUS_LABELS.__getitem__,
        )
        published = st.text_input(
            "Date published, for example 27 3 2026 (leave empty to keep it as it is)"
        )
        save_col, delete_col = st.columns(2)
        change = save_col.form_submit_button("Save status")
        remove = delete_col.form_submit_button("Delete action")
    chosen = by_id.get(edit_id) if edit_id is not None else None
    if chosen is None or not (change or remove):
        return
    edit = chosen

    def save() -> None:
        if remove:
            you_said_we_did.delete_theme_action(
                db(), page.actor, edit.id, expected_version=seen[edit.id]
            )
        else:
            you_said_we_did.update_theme_action(
                db(),
                page.actor,
                edit.id,
                edit.action,
                status or edit.status,
                you_said_we_did.parse_published(published) or edit.published_on,
                expected_version=seen[edit.id],
            )

    if concurrency.save_checked(
        save, name=_version_name(edit.id), current_version=None, table=None
    ):
        done_and_redraw("Action deleted." if remove else "Action saved.")


def you_said_we_did_tab(page: ThemePage) -> None:
    st.header("You said, we did")
    st.write("Record what the hub did about each theme, and publish the log.")
    if page.themes.status != views.APPROVED:
        st.write(
            "These themes are a draft: if you find themes again, actions recorded against them "
            "are removed. Approve the themes first to keep the log."
        )
    survey_id = page.survey.id
    log = [
        a
        for a in you_said_we_did.action_log(db(), page.actor, survey_id)
        if a.question == page.question.column_name
    ]
    if log:
        _log_table(log)
    else:
        st.write("No actions recorded for this question yet. Add the first one below.")
    add_form(page)
    if log:
        change_form(page, log)
    stem = exports.file_stem(db(), page.actor, page.set_id)
    st.download_button(
        "Download the log (HTML)",
        data=lambda: you_said_we_did.action_log_html(db(), page.actor, survey_id),
        file_name=f"{stem}-you-said-we-did.html",
        mime="text/html",
        on_click="ignore",
        key=f"log_html_{page.set_id}",
    )
    st.download_button(
        "Download the log (ODS)",
        data=lambda: you_said_we_did.action_log_ods(db(), page.actor, survey_id),
        file_name=f"{stem}-you-said-we-did.ods",
        mime=ODS_MIME,
        on_click="ignore",
        key=f"log_ods_{page.set_id}",
    )
