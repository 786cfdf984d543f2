"""Triage on an open request: the suggestions, each with its confidence and why, and the one
form in which the consultant confirms or changes them."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor
from ue_core.framework import PRACTICE_AREA_LABELS
from ue_core.request_kinds import shipped_request_kinds
from ue_core.services import support
from ue_core.services.requests import triage
from ue_core.services.triage_suggestions import TriageSuggestion, TriageSuggestions, suggest_triage
from ue_core.timefmt import format_datetime
from ue_core.vocabulary import REQUEST_PRIORITY_LABELS, RequestPriority
from ui import concurrency
from ui.context import db
from ui.text import plain

HEADING = "Triage"
CONFIRM = "Confirm triage"
NEEDS_A_PERSON = "none, this request needs a person to decide."


def _percent(confidence: float) -> str:
    return f"{confidence:.0%} confident"


def _line(name: str, label: str | None, closest: str, confidence: float) -> None:
    """One suggestion: its value and confidence, or "needs a person" with the closest guess."""
    if label is None:
        st.markdown(f"**{plain(name)}:** {NEEDS_A_PERSON}")
        st.caption(f"The closest is {plain(closest)} ({plain(_percent(confidence))}).")
    else:
        st.markdown(f"**{plain(name)}:** {plain(label)} ({plain(_percent(confidence))})")


def _why(lead: str, texts: tuple[str, ...]) -> None:
    if texts:
        st.caption(plain(lead))
        for text in texts:
            st.caption(plain(text))


def _area(found: TriageSuggestion) -> None:
    labels: dict[str, str] = {str(k): v for k, v in PRACTICE_AREA_LABELS.items()}
    shown = None if found.needs_person else ", ".join(labels[a] for a in found.areas)
    _line("Suggested practice area", shown, found.best_guess_label, found.confidence)
    if found.learned:
        _why("It resembles these past requests the hub confirmed:", found.why)
    else:
        _why("It resembles these parts of the framework:", found.why)


def _suggestions(found: TriageSuggestions) -> None:
    _area(found.area)
    kind = found.kind
    _line(
        "Suggested kind of help",
        None if kind.needs_person else kind.best_guess_label,
        kind.best_guess_label,
        kind.confidence,
    )
    st.caption(f"On the request now: {plain(shipped_request_kinds().label(kind.team_kind))}.")
    priority = found.priority
    best = REQUEST_PRIORITY_LABELS[priority.best_guess]
    _line("Suggested priority", None if priority.needs_person else best, best, priority.confidence)
    _why("Why:", priority.why)
    person = found.consultant
    _line(
        "Consultant best placed",
        None if person.needs_person else person.name,
        person.name or "nobody",
        person.confidence,
    )
    _why("Why:", person.why)


def triage_form(actor: Actor, request_id: int, saved_key: str) -> None:
    """The suggestions for a request and the form confirming them; on saving, the confirmation
    is kept under ``saved_key`` for the page to show after it is drawn again."""
    found = suggest_triage(db(), actor, request_id)
    confirmed = triage.confirmed_triage(db(), actor, request_id)
    st.subheader(HEADING, anchor=False)
    with st.container(border=True):
        if confirmed is not None:
            st.markdown(
                f"**Confirmed:** {plain(confirmed.summary)} "
                f"By {plain(confirmed.triaged_by or 'the workbench')}, "
                f"{format_datetime(confirmed.triaged_at)}."
            )
        _suggestions(found)
    version_name = f"support_request_{request_id}"
    seen = concurrency.seen_version(version_name, found.version)
    areas = confirmed.areas if confirmed else found.default_areas
    kind = confirmed.kind if confirmed else found.default_kind
    priority = confirmed.priority if confirmed else found.priority.priority
    assignee = confirmed.assignee_id if confirmed else found.consultant.user_id
    kinds = shipped_request_kinds()
    people = {c.user_id: c.name for c in support.consultants(db(), actor)}
    assignees: list[int | None] = [None, *people]
    with st.form(f"confirm_triage_{request_id}"):
        chosen_areas = st.multiselect(
            "Practice areas",
            options=list(PRACTICE_AREA_LABELS),
            default=[a for a in areas if a in PRACTICE_AREA_LABELS],
            format_func=PRACTICE_AREA_LABELS.__getitem__,
            help="The areas of the framework the request concerns; choose one or more.",
        )
        chosen_kind = st.selectbox(
            "Kind of help",
            options=[k.key for k in kinds.kinds],
            index=[k.key for k in kinds.kinds].index(kind) if kind in kinds.by_key() else 0,
            format_func=kinds.label,
        )
        chosen_priority = st.selectbox(
            "Priority",
            options=list(RequestPriority),
            index=None if priority is None else list(RequestPriority).index(priority),
            format_func=REQUEST_PRIORITY_LABELS.__getitem__,
            placeholder="Choose a priority",
        )
        chosen_assignee = st.selectbox(
            "Consultant",
            options=assignees,
            index=assignees.index(assignee) if assignee in assignees else 0,
            format_func=lambda uid: "Nobody yet" if uid is None else people[uid],
        )
        submitted = st.form_submit_button(CONFIRM)
    result: list[triage.ConfirmedTriage] = []
    if submitted and concurrency.save_checked(
        lambda: result.append(
            triage.confirm_triage(
                db(),
                actor,
                request_id,
                list(chosen_areas),
                str(chosen_kind),
                "" if chosen_priority is None else str(chosen_priority),
                chosen_assignee,
                seen,
            )
        ),
        name=version_name,
        current_version=found.version,
    ):
        st.session_state[saved_key] = f"Request {request_id} triaged. {result[0].summary}"
        st.rerun()
