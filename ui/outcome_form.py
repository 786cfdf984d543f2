"""A request's outcome: the consultant's form that records it (and resolves the request), and
how an outcome and its follow-up show to the hub and to the team."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor
from ue_core.scoring import level_name
from ue_core.services.requests import outcomes
from ue_core.services.requests.outcomes import OutcomeFollowUp
from ue_core.services.support import RequestView
from ue_core.timefmt import format_datetime
from ui import concurrency
from ui.context import db
from ui.text import plain, plain_table

HEADING = "Outcome"


def _level(level: int | None) -> str:
    return "Not rated" if level is None else f"{level:d} {level_name(level)}"


def show_outcome(found: OutcomeFollowUp) -> None:
    """The help given, the practices it aimed at and the time spent, then whether those
    practices moved by the team's next submitted assessment."""
    outcome = found.outcome
    recorded = f"Recorded by {outcome.recorded_by or 'a former consultant'} on "
    st.caption(plain(recorded + format_datetime(outcome.recorded_at)))
    st.markdown(
        "\n".join(
            f"- {plain(fact)}"
            for fact in (
                f"Help given: {outcome.help_given}",
                f"Practices it aimed at: {outcome.practices_text}",
                f"Time spent: {outcome.time_text}",
            )
        )
    )
    st.markdown("**Since then**")
    if found.waiting:
        st.write(
            "The team has not submitted an assessment since the outcome was recorded. Once it "
            "does, this shows whether the practices it aimed at moved."
        )
        return
    st.write(plain(found.summary))
    before = found.before_round or "No earlier assessment"
    st.table(
        plain_table(
            {
                "Practice": [m.title for m in found.moves],
                f"Before ({before})": [_level(m.before) for m in found.moves],
                f"After ({found.after_round})": [_level(m.after) for m in found.moves],
                "Change": [m.change for m in found.moves],
            }
        ).set_index("Practice")
    )


def team_outcome(actor: Actor, request_id: int) -> None:
    """The outcome on the team's request page, when the hub has recorded one."""
    found = outcomes.request_follow_up(db(), actor, request_id)
    if found is None:
        return
    with st.container(border=True):
        st.markdown(f"**{HEADING}**")
        show_outcome(found)


def outcome_form(actor: Actor, request: RequestView, *, saved_key: str) -> None:
    """Hub consultants: the outcome of a request, and the form that records it. Saving an open
    request's outcome resolves it; the confirmation is left in ``saved_key`` for the page."""
    found = outcomes.request_follow_up(db(), actor, request.id)
    st.subheader(HEADING, anchor=False)
    if found is not None:
        show_outcome(found)
    elif request.is_done:
        st.write("No outcome is recorded yet: record the help given below.")
    else:
        st.write(
            "To resolve the request, record the help given, the practices it aimed at and the "
            "time spent."
        )
    choices = {c.key: c for c in outcomes.practice_choices(db(), actor)}
    current = found.outcome if found is not None else None
    version_name = f"support_request_{request.id}"
    seen = concurrency.seen_version(version_name, request.version)
    with st.form(f"outcome_{request.id}"):
        help_given = st.text_area(
            "Help given",
            value=current.help_given if current else "",
            max_chars=outcomes.MAX_HELP_GIVEN,
            help="The kind of help and what it was, for example advice by e-mail and a call, "
            "a workshop, or a review of a draft survey.",
            key=f"outcome_help_{request.id}",
        )
        keys = st.multiselect(
            "Practices it aimed at",
            options=list(choices),
            default=[k for k in current.practice_keys if k in choices] if current else [],
            format_func=lambda key: f"{choices[key].title} ({choices[key].principle_title})",
            max_selections=outcomes.MAX_PRACTICES,
            key=f"outcome_practices_{request.id}",
        )
        hours = st.number_input(
            "Time spent, in hours",
            min_value=0.0,
            max_value=float(outcomes.MAX_HOURS),
            value=round(current.hours, 2) if current else None,
            step=0.25,
            help=f"More than 0 and at most {outcomes.MAX_HOURS}; 0.5 is half an hour.",
            key=f"outcome_hours_{request.id}",
        )
        label = "Save the outcome" if request.is_done else "Resolve with this outcome"
        submitted = st.form_submit_button(label)
    changes: list[str] = []
    if submitted and concurrency.save_checked(
        lambda: changes.extend(
            outcomes.record_outcome(
                db(),
                actor,
                request.id,
                expected_version=seen,
                help_given=help_given,
                practice_keys=keys,
                hours=hours or 0.0,
            )
        ),
        name=version_name,
        current_version=request.version,
    ):
        st.session_state[saved_key] = f"Request {request.id} saved. " + " ".join(changes)
        st.rerun()
