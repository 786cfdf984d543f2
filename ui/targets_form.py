"""The Targets section of Results: the profile of the statistics, suggestions and own targets."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any, cast

import pandas as pd
import streamlit as st

from ue_core.authz import Actor
from ue_core.errors import ConflictError
from ue_core.services import results, target_setting
from ue_core.services.results import ResultsView
from ue_core.services.scores_against_targets import TargetView
from ue_core.targets import (
    CHANGE_FREQUENCY_VALUES,
    PUBLIC_INTEREST_VALUES,
    USER_BREADTH_VALUES,
    ChangeFrequency,
    PublicInterest,
    StatisticsProfile,
    UserBreadth,
)
from ui import concurrency
from ui.context import db
from ui.results_sections import level_label
from ui.text import plain

LEVELS = [1, 2, 3, 4, 5]
INTRODUCTION = (
    "Targets are proportionate to your statistics: answer three questions and the workbench "
    "suggests a target level for each principle, with the reasons. You can change a target if "
    "you say why. Targets are for planning, so you can change them after the assessment is "
    "submitted; the agreed answers stay as submitted."
)


def _index(values: tuple[str, ...], current: str | None) -> int | None:
    return values.index(current) if current in values else None


def _their_profile(current: Mapping[str, Any]) -> dict[str, list[str]]:
    return {
        "Question": ["Public interest", "Range of users", "How often they change"],
        "Their answer": [str(v or "Not answered") for v in current.values()],
    }


def _their_target(current: Mapping[str, Any]) -> dict[str, list[str]]:
    return {
        "Their target": [level_label(current.get("level"))],
        "Their reason": [str(current.get("reason_for_change") or "None given")],
    }


def profile_form(actor: Actor, view: ResultsView) -> None:
    """Three questions about the statistics; saving them suggests a target for each principle."""
    header, profile = view.header, view.profile
    name = f"assessment_profile_{header.id}"
    seen = concurrency.seen_version(name, header.version)
    with st.form(f"profile_{header.id}"):
        st.subheader("About your statistics")
        interest = st.radio(
            "How much public interest is there in these statistics?",
            options=list(PUBLIC_INTEREST_VALUES),
            index=_index(PUBLIC_INTEREST_VALUES, profile.public_interest if profile else None),
            format_func=results.PUBLIC_INTEREST_LABELS.__getitem__,
            key=f"interest_{header.id}",
        )
        breadth = st.radio(
            "How wide is the range of people who use them?",
            options=list(USER_BREADTH_VALUES),
            index=_index(USER_BREADTH_VALUES, profile.user_breadth if profile else None),
            format_func=results.USER_BREADTH_LABELS.__getitem__,
            key=f"breadth_{header.id}",
        )
        frequency = st.radio(
            "How often do the statistics change (methods, content or timing)?",
            options=list(CHANGE_FREQUENCY_VALUES),
            index=_index(CHANGE_FREQUENCY_VALUES, profile.change_frequency if profile else None),
            format_func=results.CHANGE_FREQUENCY_LABELS.__getitem__,
            key=f"frequency_{header.id}",
        )
        sent = st.form_submit_button("Save and suggest targets", type="primary")
    if not sent:
        return
    if interest is None or breadth is None or frequency is None:
        st.error("Answer all three questions to get suggested targets.")
        return
    chosen = StatisticsProfile(
        public_interest=cast(PublicInterest, interest),
        user_breadth=cast(UserBreadth, breadth),
        change_frequency=cast(ChangeFrequency, frequency),
    )
    if concurrency.save_checked(
        lambda: target_setting.set_profile(db(), actor, header.id, chosen, expected_version=seen),
        name=name,
        current_version=header.version,
        table=_their_profile,
    ):
        prefix = _seen_prefix(view)
        for key in [k for k in st.session_state if str(k).startswith(prefix)]:
            del st.session_state[key]  # the targets moved with the profile
        st.toast("Saved. Your suggested targets are below.")
        st.rerun()


def _seen_prefix(view: ResultsView) -> str:
    return f"seen_target::{view.header.id}::"


def target_form(actor: Actor, view: ResultsView, target: TargetView) -> None:
    """Why the suggestion, and a form to choose another target with a reason."""
    assessment_id = view.header.id
    st.markdown(f"**Why {level_label(target.suggested_level)} is suggested**")
    st.markdown(plain(target.rationale))
    if target.reason_for_change:
        st.markdown("**Your reason for a different target**")
        st.markdown(plain(target.reason_for_change))
    seen_key = f"{_seen_prefix(view)}{target.principle_key}"
    seen = st.session_state.setdefault(
        seen_key, (target.level if target.saved else None, target.reason_for_change)
    )
    # The widgets are keyed by what the person has seen, so they start again from the saved
    # target once the person saves, changes the profile or sees a conflict.
    widget = f"{assessment_id}_{target.principle_key}_{zlib.crc32(repr(seen).encode())}"
    with st.form(f"target_{assessment_id}_{target.principle_key}"):
        level = st.selectbox(
            plain(f"Target for {target.title}"),
            options=LEVELS,
            index=LEVELS.index(target.level) if target.level else 2,
            format_func=level_label,
            key=f"target_level_{widget}",
        )
        reason = st.text_area(
            "Reason for a different target",
            value=target.reason_for_change,
            max_chars=target_setting.MAX_REASON,
            help="Needed when your target is not the suggested level.",
            key=f"target_reason_{widget}",
        )
        sent = st.form_submit_button(plain(f"Save target for {target.title}"))
    if not sent:
        return

    def remember_theirs(conflict: ConflictError) -> None:
        st.session_state[seen_key] = (
            conflict.current.get("level"),
            str(conflict.current.get("reason_for_change", "")),
        )

    if concurrency.save_checked(
        lambda: target_setting.set_target(
            db(),
            actor,
            assessment_id,
            target.principle_key,
            int(level or 3),
            reason,
            expected=seen,
        ),
        name=None,
        current_version=None,
        table=_their_target,
        on_conflict=remember_theirs,
    ):
        st.session_state.pop(seen_key, None)
        st.toast(plain(f"Target for {target.title} saved."))
        st.rerun()


def targets_section(actor: Actor, view: ResultsView, *, can_change: bool) -> None:
    """The profile questions, the suggested and chosen targets, and a form for each target."""
    if not can_change:
        st.write("The team sets its own targets; they are shown here as the team saved them.")
        if view.profile is None:
            st.write("The team has not set targets yet.")
            return
    else:
        st.write(INTRODUCTION)
        profile_form(actor, view)
        if view.profile is None:
            st.write("Answer the questions above to see suggested targets for each principle.")
            return
    st.dataframe(
        pd.DataFrame(
            {
                "Principle": [t.title for t in view.targets],
                "Suggested target": [level_label(t.suggested_level) for t in view.targets],
                "Your target": [level_label(t.level) for t in view.targets],
                "Target source": [t.basis.value for t in view.targets],
                "Reason for a different target": [t.reason_for_change for t in view.targets],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if not can_change:
        return
    for target in view.targets:
        label = f"{target.title}: target {level_label(target.level)}"
        if target.changed:
            label += f" (suggested {level_label(target.suggested_level)})"
        with st.expander(plain(label)):
            target_form(actor, view, target)
