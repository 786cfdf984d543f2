"""Tables and charts for champions' monthly updates (the hub's roll-up and the champion's page)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from ue_core.champion_chats import month_label
from ue_core.services.champion_updates import CategoryCount, Rollup, UpdateView
from ue_core.services.update_reminders import MissingUpdate
from ue_core.text import plural
from ue_core.timefmt import format_date
from ui.charts import horizontal_bars as horizontal_bars  # re-exported for screens
from ui.text import link, plain


def category_frame(counts: Sequence[CategoryCount]) -> pd.DataFrame:
    """One row per category: updates, how many organisations and which."""
    return pd.DataFrame(
        {
            "Category": [count.label for count in counts],
            "Updates": [count.updates for count in counts],
            "Organisations": [len(count.organisations) for count in counts],
            "Which organisations": [", ".join(count.organisations) or "None" for count in counts],
        }
    )


def month_category_frame(rollup: Rollup) -> pd.DataFrame:
    """One row per month and category with any updates, oldest month first."""
    rows = [item for item in rollup.by_month if item.count.updates]
    return pd.DataFrame(
        {
            "Month": [month_label(item.month) for item in rows],
            "Category": [item.count.label for item in rows],
            "Updates": [item.count.updates for item in rows],
            "Which organisations": [", ".join(item.count.organisations) for item in rows],
        }
    )


def sent_frame(rollup: Rollup) -> pd.DataFrame:
    """One row per month: champions in the Chats and updates sent."""
    return pd.DataFrame(
        {
            "Month": [month_label(month) for month, _, _ in rollup.sent_by_month],
            "Champions in the Chats": [champions for _, _, champions in rollup.sent_by_month],
            "Updates sent": [sent for _, sent, _ in rollup.sent_by_month],
        }
    )


def missing_frame(missing: Sequence[MissingUpdate]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Champion": [person.name for person in missing],
            "Organisation": [person.organisation for person in missing],
            "Reminders sent": [person.reminders for person in missing],
            "Reminded today": ["Yes" if person.reminded_today else "No" for person in missing],
        }
    )


def updates_frame(updates: Sequence[UpdateView]) -> pd.DataFrame:
    """A champion's own updates, newest month first."""
    return pd.DataFrame(
        {
            "Month": [month_label(view.month) for view in updates],
            "Categories": ["; ".join(view.category_labels) for view in updates],
            "Update": [view.text for view in updates],
            "Links": [" ".join(view.links) or "None" for view in updates],
        }
    )


def describe_categories(counts: Sequence[CategoryCount], months: str) -> str:
    """The chart's text alternative: the most common categories in words."""
    ranked = sorted((c for c in counts if c.updates), key=lambda c: -c.updates)
    if not ranked:
        return f"No updates were sent for {months}."
    top = ", ".join(
        f"{c.label.lower()} ({plural(c.updates, 'update')} from "
        f"{plural(len(c.organisations), 'organisation')})"
        for c in ranked[:3]
    )
    return f"Across {months}, the most common categories were {top}."


def describe_sent(rollup: Rollup) -> str:
    sent = sum(s for _, s, _ in rollup.sent_by_month)
    expected = sum(c for _, _, c in rollup.sent_by_month)
    return (
        f"Over {plural(len(rollup.months), 'month')}, champions in the Chats sent "
        f"{plural(sent, 'update')} out of {expected:,} possible (one per champion per month)."
    )


def show_update(view: UpdateView, *, heading: str) -> None:
    """One update in a bordered box: heading, categories, text and links."""
    with st.container(border=True):
        st.markdown(f"**{plain(heading)}**")
        st.caption(
            plain(
                "Categories: "
                + "; ".join(view.category_labels)
                + f". Sent {format_date(view.created_at.date())}"
                + (
                    f", changed {format_date(view.updated_at.date())}."
                    if view.updated_at.date() != view.created_at.date()
                    else "."
                )
            )
        )
        st.markdown(plain(view.text))
        for address in view.links:
            st.markdown("- " + link(address, address))
