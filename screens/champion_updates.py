"""Champion updates (hub staff): the network's monthly updates by category, month and
organisation; reminders for those who have not sent one; case studies to draft."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ue_core.authz import Permission
from ue_core.champion_chats import month_label
from ue_core.services import case_study_drafts, champion_updates, update_reminders
from ue_core.text import plural
from ue_core.timefmt import format_date, uk_today
from ue_core.update_categories import months_label
from ui import concurrency
from ui.auth import require_page
from ui.case_study_drafts import draft_box
from ui.champion_updates import (
    category_frame,
    describe_categories,
    describe_sent,
    horizontal_bars,
    missing_frame,
    month_category_frame,
    sent_frame,
    show_update,
)
from ui.charts import chart
from ui.context import db
from ui.downloads import render_table_download
from ui.flash import Flash
from ui.text import plain

flash = Flash("champion_updates")

actor = require_page(Permission.RUN_CHAMPION_CHATS)
st.title("Champion updates")
st.write(
    "After each month's Chat every champion in it sends a short update on what their "
    "organisation did. See the updates by category and month, each organisation's timeline, "
    "and remind the champions who have not sent theirs."
)
flash.show()

today = uk_today()
months = update_reminders.published_months(db(), actor, today)
if not months:
    st.write("No Champion Chats have been published yet, so there are no updates.")
    st.stop()

# --- The period --------------------------------------------------------------------------------
left, right = st.columns(2)
start = left.selectbox(
    "From", months, index=min(5, len(months) - 1), format_func=month_label, key="updates_from"
)
end = right.selectbox("To", months, index=0, format_func=month_label, key="updates_to")
if end < start:
    st.error("The 'To' month must not be before the 'From' month.")
    st.stop()
rollup = champion_updates.update_rollup(db(), actor, start, end)
period = months_label(rollup.months)

st.header("Updates by category")
st.write(plain(describe_sent(rollup)))
by_category = category_frame(rollup.by_category)
chart(
    f"Updates by category, {period}",
    describe_categories(rollup.by_category, period)
    + " An update can be under more than one category.",
    horizontal_bars(by_category[["Category", "Updates"]], "Category", "Updates"),
    by_category,
    key="updates_by_category",
)
sent = sent_frame(rollup)
chart(
    f"Updates sent each month, {period}",
    "How many of the champions in each month's Chats sent an update.",
    horizontal_bars(sent[["Month", "Updates sent"]], "Month", "Updates sent"),
    sent,
    key="updates_by_month",
)
st.subheader("By month and category")
by_month = month_category_frame(rollup)
if by_month.empty:
    st.write("No updates in these months.")
else:
    st.dataframe(by_month, hide_index=True, width="stretch")
    render_table_download(
        by_month, "Download this table (CSV)", "champion-updates-by-month-and-category.csv"
    )

# --- Who has not sent an update ----------------------------------------------------------------
st.header("Who has not sent an update")
month = st.selectbox("Month", months, format_func=month_label, key="missing_month")
status = update_reminders.month_status(db(), actor, month, today)
st.write(
    plain(
        f"{status.sent:,} of {plural(status.champions, 'champion')} in the Chats of "
        f"{status.label} have sent an update. "
        + (
            f"Updates can be sent until {format_date(status.closes_on)}."
            if status.open
            else f"Updates closed on {format_date(status.closes_on)}."
        )
    )
)
if status.missing:
    st.dataframe(missing_frame(status.missing), hide_index=True, width="stretch")
    due = [person for person in status.missing if not person.reminded_today]
    if status.open and due:
        results: list[update_reminders.RemindersSent] = []
        if st.button(
            plain(f"Send reminders to {plural(len(due), 'champion')}"), type="primary"
        ) and concurrency.save_checked(
            lambda: results.append(
                update_reminders.send_reminders(db(), actor, status.month, today)
            ),
            name=None,
            current_version=None,
        ):
            flash.done(
                f"Reminded {plural(results[0].reminded, 'champion')} in their inbox"
                + (f" and by e-mail ({results[0].emails:,} sent)." if results[0].emails else ".")
            )
    elif status.open:
        st.write("Everyone without an update has been reminded today.")
else:
    st.write("Everyone in this month's Chats has sent an update.")

# --- One organisation's timeline --------------------------------------------------------------
st.header("Timeline of an organisation")
organisations = champion_updates.update_organisations(db(), actor)
if not organisations:
    st.write("No organisation has sent an update yet.")
else:
    names = dict(organisations)
    chosen = st.selectbox("Organisation", list(names), format_func=names.__getitem__)
    timeline = champion_updates.organisation_timeline(db(), actor, chosen)
    st.write(plain(f"{plural(len(timeline), 'update')} from {names[chosen]}, newest first."))
    for view in timeline:
        show_update(view, heading=f"{month_label(view.month)}: {view.champion}")


# --- Case studies to share ---------------------------------------------------------------------
st.header("Case studies to share")
offers = champion_updates.case_study_offers(db(), actor, start, end)
if not offers:
    st.write(plain(f"No update in {period} offered a case study."))
else:
    st.write(
        "Turn an offer into a case-study draft: the hub then reviews it on the Case study "
        "drafts page before it appears in the library."
    )
    drafts = case_study_drafts.drafts_for_sources(
        db(), actor, champion_updates.SOURCE_KIND, [view.id for view in offers]
    )
    for view in offers:
        show_update(
            view, heading=f"{view.organisation}, {month_label(view.month)}: {view.champion}"
        )
        if draft_box(
            f"update_{view.id}",
            drafts.get(view.id),
            partial(champion_updates.draft_from_update, db(), actor, view.id),
        ):
            flash.done(f"Made a case-study draft from {view.organisation}'s update.")
