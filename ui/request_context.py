"""The team beside a request, on the triage screen: its scores against targets, largest gaps,
actions, earlier requests and champion, and library items to send to the team in one click."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import AccessDenied, Actor
from ue_core.errors import InputError, NotFound
from ue_core.services import request_context
from ue_core.services.request_context import RecommendedItem, TeamBesideRequest
from ue_core.text import plural
from ue_core.timefmt import format_date, uk_today
from ui.context import db
from ui.text import plain, plain_table

HEADING = "The team beside this request"
SEND = "Send to the team"


def _scores(found: TeamBesideRequest) -> None:
    st.markdown("**Scores against targets**")
    st.write(plain(found.assessment_sentence))
    if not found.has_assessment:
        return
    st.table(
        plain_table(
            {
                "Principle": [p.title for p in found.principles],
                "Score": [
                    "No score" if p.score is None else str(p.score) for p in found.principles
                ],
                "Target": [
                    "No target" if p.target is None else str(p.target) for p in found.principles
                ],
                "Gap to target": ["" if p.gap is None else str(p.gap) for p in found.principles],
            }
        ).set_index("Principle")
    )
    if found.largest_gaps:
        st.markdown("**Largest gaps**")
        for gap in found.largest_gaps:
            st.markdown("- " + plain(gap.gap_sentence))
    else:
        st.write("The team is not short of its target on any principle.")


def _actions(found: TeamBesideRequest) -> None:
    overdue = len(found.overdue_actions)
    st.markdown(
        f"**Actions:** {plural(found.open_action_count, 'open action')}, "
        f"{overdue:d} of them overdue."
    )
    for action in found.overdue_actions:
        st.markdown(
            "- "
            + plain(
                f"{action.description} ({action.practice_title}), owner {action.owner}, "
                f"due {format_date(action.due_on)}"
            )
        )


def _earlier(found: TeamBesideRequest) -> None:
    st.markdown("**Earlier requests**")
    if not found.earlier_requests:
        st.write("This is the team's first request.")
        return
    st.table(
        plain_table(
            {
                "Request": [str(r.request_id) for r in found.earlier_requests],
                "Sent": [format_date(r.created_at.date()) for r in found.earlier_requests],
                "Summary": [r.subject for r in found.earlier_requests],
                "Status": [r.status_label for r in found.earlier_requests],
                "Outcome": [r.resolution or "None recorded" for r in found.earlier_requests],
                "Practices aimed at": [
                    r.outcome.outcome.practices_text if r.outcome else ""
                    for r in found.earlier_requests
                ],
                "Since then": [
                    r.outcome.summary if r.outcome else "" for r in found.earlier_requests
                ],
            }
        ).set_index("Request")
    )


def _send(actor: Actor, request_id: int, item: RecommendedItem) -> None:
    try:
        request_context.send_library_item(db(), actor, request_id, item.slug)
    except (AccessDenied, NotFound, InputError) as problem:
        st.error(plain(problem))
        return
    st.success(plain(f"Sent to the team: {item.title}. It is in the conversation below."))


def _items(actor: Actor, request_id: int, group: str, items: tuple[RecommendedItem, ...]) -> None:
    for item in items:
        with st.container(border=True):
            st.markdown(f"**{plain(item.title)}**")
            st.caption(plain(item.why))
            if st.button(SEND, key=f"send_{request_id}_{group}_{item.slug}"):
                _send(actor, request_id, item)


def team_beside_request(actor: Actor, request_id: int) -> None:
    """The section "The team beside this request" for a hub consultant."""
    found = request_context.team_beside_request(db(), actor, request_id, uk_today())
    st.subheader(HEADING, anchor=False)
    st.write(plain(f"{found.team_name}, {found.organisation_name}."))
    champions = ", ".join(found.champion_names) or "none yet"
    st.markdown(f"**Organisation's champion:** {plain(champions)}")
    _scores(found)
    _actions(found)
    _earlier(found)
    st.markdown("**Library items for this request**")
    if not found.for_request:
        st.write("No library item matches the request.")
    _items(actor, request_id, "request", found.for_request)
    if found.has_assessment:
        st.markdown("**Library items for the team's gaps**")
        if not found.for_gaps:
            st.write("No library item matches the team's gaps.")
        _items(actor, request_id, "gaps", found.for_gaps)
