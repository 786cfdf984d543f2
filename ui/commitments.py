"""Showing and changing organisations' commitments: the tables, the chart and the forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from ue_core.authz import Actor
from ue_core.commitment_themes import CommitmentStatus, CommitmentThemes
from ue_core.services import commitments
from ue_core.services.commitments import (
    ActionDraft,
    CommitmentActionView,
    CommitmentsProgress,
    CommitmentView,
)
from ue_core.text import plural
from ue_core.timefmt import format_date, format_datetime
from ui import concurrency
from ui.charts import chart, status_bars
from ui.context import db
from ui.downloads import render_table_download
from ui.text import plain

DATE_HINT = "For example, 31 3 2027."
STATUSES = list(CommitmentStatus)


def actions_frame(view: CommitmentView, today: date) -> pd.DataFrame:
    """One row per planned action, by due date."""
    return pd.DataFrame(
        {
            "Theme": [a.theme_label for a in view.actions],
            "Action": [a.text for a in view.actions],
            "Owner": [a.owner for a in view.actions],
            "Starts": [format_date(a.starts_on) for a in view.actions],
            "Due": [format_date(a.due_on) for a in view.actions],
            "Status": [a.status.label for a in view.actions],
            "Overdue": ["Yes" if a.is_overdue(today) else "No" for a in view.actions],
            "Last updated": [format_datetime(a.updated_at) for a in view.actions],
        }
    )


def commitment_summary(view: CommitmentView, today: date) -> None:
    """An organisation's commitment read-only: its statement and its planned actions."""
    if view.statement:
        st.write(plain(view.statement))
    if view.actions:
        done = sum(1 for a in view.actions if a.status is CommitmentStatus.DONE)
        overdue = sum(1 for a in view.actions if a.is_overdue(today))
        st.caption(
            plain(
                f"{plural(len(view.actions), 'planned action')}: {done} done, {overdue} overdue. "
                "The organisation's champions keep this up to date."
            )
        )
        st.dataframe(actions_frame(view, today), hide_index=True, width="stretch")


def organisations_frame(progress: CommitmentsProgress) -> pd.DataFrame:
    """One row per organisation: whether it has a commitment, its actions by status, overdue."""
    rows = progress.organisations
    frame = pd.DataFrame(
        {
            "Organisation": [o.organisation_name for o in rows],
            "Commitment": ["Yes" if o.has_commitment else "No" for o in rows],
        }
    )
    for status in CommitmentStatus:
        frame[status.label] = [o.by_status[status] for o in rows]
    frame["Overdue"] = [o.overdue for o in rows]
    frame["Last updated"] = [format_datetime(o.updated_at) for o in rows]
    return frame


def themes_frame(progress: CommitmentsProgress) -> pd.DataFrame:
    """Actions by status per theme across every organisation, with the overdue ones."""
    keys = list(progress.by_theme)
    frame = pd.DataFrame({"Theme": [progress.themes.label(k) for k in keys]})
    for status in CommitmentStatus:
        frame[status.label] = [progress.by_theme[k][status] for k in keys]
    frame["Overdue"] = [progress.overdue_by_theme[k] for k in keys]
    return frame


def themes_chart(progress: CommitmentsProgress) -> None:
    """Stacked bars: each theme's actions by status, with a description and the table."""
    table = themes_frame(progress)
    labels = [s.label for s in CommitmentStatus]
    long = table.melt(id_vars="Theme", value_vars=labels, var_name="Status", value_name="Actions")
    figure = status_bars(long, list(table["Theme"]), labels)
    total = int(long["Actions"].sum())
    busiest = table.assign(All=table[labels].sum(axis=1)).sort_values("All", ascending=False)
    description = (
        f"{plural(total, 'planned action')} across {plural(progress.with_commitment, 'commitment')}"
        f"; {plural(progress.overdue, 'action')} overdue."
    )
    if total:
        description += f" Most actions are under {busiest.iloc[0]['Theme'].lower()}."
    chart("Planned actions by theme and status", description, figure, table)


def show_progress(progress: CommitmentsProgress) -> None:
    """The hub's view: figures, the chart, the organisations table and its download."""
    columns = st.columns(3)
    columns[0].metric("Organisations with a commitment", progress.with_commitment)
    columns[1].metric("Organisations without one", len(progress.without_commitment))
    columns[2].metric("Overdue actions", progress.overdue)
    themes_chart(progress)
    st.subheader("Every organisation")
    frame = organisations_frame(progress)
    st.dataframe(frame, hide_index=True, width="stretch")
    render_table_download(frame, "Download the table (CSV)", "commitments-by-organisation.csv")
    if progress.without_commitment:
        st.subheader("Organisations without a commitment")
        st.write(plain(", ".join(o.organisation_name for o in progress.without_commitment) + "."))


def statement_form(actor: Actor, view: CommitmentView) -> bool:
    """Write or change the statement; True when saved."""
    name = f"commitment_{view.organisation_id}"
    seen = concurrency.seen_version(name, view.version)
    with st.form(f"statement_{view.organisation_id}"):
        statement = st.text_area("Your organisation's commitment", value=view.statement)
        published = st.text_input(
            "Date published (optional)", value=_typed(view.published_on), help=DATE_HINT
        )
        submitted = st.form_submit_button("Save the commitment", type="primary")
    return submitted and concurrency.save_checked(
        lambda: commitments.save_statement(
            db(),
            actor,
            view.organisation_id,
            statement,
            commitments.parse_day(published, "date published"),
            expected_version=seen,
        ),
        name=name,
        current_version=view.version,
    )


def _typed(day: date | None) -> str:
    return f"{day.day} {day.month} {day.year}" if day else ""


def _action_fields(
    key: str, themes: CommitmentThemes, action: CommitmentActionView | None
) -> Callable[[], ActionDraft]:
    """The fields of one action form; the returned function reads them into a draft."""
    keys = list(themes.theme_keys())
    theme = st.selectbox(
        "Theme",
        keys,
        index=keys.index(action.theme) if action and action.theme in keys else 0,
        format_func=themes.label,
        key=f"{key}_theme",
    )
    text = st.text_area("What you will do", value=action.text if action else "", key=f"{key}_text")
    owner = st.text_input("Owner", value=action.owner if action else "", key=f"{key}_owner")
    starts = st.text_input(
        "Start date",
        value=_typed(action.starts_on if action else None),
        help=DATE_HINT,
        key=f"{key}_starts",
    )
    due = st.text_input(
        "Due date",
        value=_typed(action.due_on if action else None),
        help=DATE_HINT,
        key=f"{key}_due",
    )
    status = st.selectbox(
        "Status",
        STATUSES,
        index=STATUSES.index(action.status) if action else 0,
        format_func=lambda s: s.label,
        key=f"{key}_status",
    )

    def read() -> ActionDraft:
        return ActionDraft(
            theme=str(theme),
            text=text,
            owner=owner,
            starts_on=commitments.parse_day(starts, "start date"),
            due_on=commitments.parse_day(due, "due date"),
            status=CommitmentStatus(status),
        )

    return read


def add_action_form(actor: Actor, view: CommitmentView, themes: CommitmentThemes) -> bool:
    with st.form(f"add_action_{view.organisation_id}", clear_on_submit=False):
        read = _action_fields(f"add_{view.organisation_id}", themes, None)
        submitted = st.form_submit_button("Add the action", type="primary")
    return submitted and concurrency.save_checked(
        lambda: commitments.add_commitment_action(db(), actor, view.organisation_id, read()),
        name=None,
        current_version=None,
    )


def edit_action_form(actor: Actor, view: CommitmentView, themes: CommitmentThemes) -> bool:
    """Choose one action, then change any of its fields (its status too)."""
    by_id = {a.id: a for a in view.actions}
    chosen = st.selectbox(
        "Action to change",
        list(by_id),
        format_func=lambda i: f"{by_id[i].text[:80]} (due {format_date(by_id[i].due_on)})",
        key=f"edit_choice_{view.organisation_id}",
    )
    action = by_id[chosen]
    name = _name(action)
    seen = concurrency.seen_version(name, action.version)
    with st.form(f"edit_action_{action.id}"):
        read = _action_fields(f"edit_{action.id}_{action.version}", themes, action)
        submitted = st.form_submit_button("Save the changes", type="primary")
    return submitted and concurrency.save_checked(
        lambda: commitments.update_commitment_action(
            db(), actor, action.id, read(), expected_version=seen
        ),
        name=name,
        current_version=action.version,
    )


def status_form(actor: Actor, view: CommitmentView) -> bool:
    """Move one action on: planned, in progress, done or dropped."""
    by_id = {a.id: a for a in view.actions}
    seen = {i: concurrency.seen_version(_name(a), a.version) for i, a in by_id.items()}
    with st.form(f"status_{view.organisation_id}"):
        chosen = st.selectbox(
            "Action", list(by_id), format_func=lambda i: by_id[i].text[:80], key="status_action"
        )
        status = st.radio("New status", STATUSES, format_func=lambda s: s.label, horizontal=True)
        submitted = st.form_submit_button("Change the status")
    if not submitted or chosen is None:
        return False
    action = by_id[chosen]
    return concurrency.save_checked(
        lambda: commitments.change_commitment_action_status(
            db(), actor, action.id, CommitmentStatus(status), expected_version=seen[action.id]
        ),
        name=_name(action),
        current_version=action.version,
    )


def _name(action: CommitmentActionView) -> str:
    """The name under which the version a person saw of an action is kept."""
    return f"commitment_action_{action.id}"
