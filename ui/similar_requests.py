"""Similar and duplicate requests: the panel on the triage screen and the team's warning.

``similar_requests_panel`` is the hub's section for one request: a likely duplicate, the past
requests most like it (status, outcome and rating, each openable), and a search of past
requests by meaning. ``duplicate_warning`` tells a team member writing a request that it looks
like one of the team's own open requests.
"""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Actor
from ue_core.errors import InputError
from ue_core.services.requests import similar
from ue_core.services.requests.similar import PossibleDuplicate, SimilarRequest
from ue_core.timefmt import format_date, uk_today
from ui.context import db
from ui.text import plain, plain_table

HEADING = "Similar requests"
SEARCH_LABEL = "Search past requests by meaning"
YOUR_REQUESTS = "screens/your_requests.py"


def _duplicate_sentence(duplicate: PossibleDuplicate, whose: str) -> str:
    return (
        f"This looks like {whose} open request '{duplicate.subject}' "
        f"(request {duplicate.request_id:d}) sent on {format_date(uk_today(duplicate.sent_at))}."
    )


def _table(found: tuple[SimilarRequest, ...]) -> None:
    st.table(
        plain_table(
            {
                "Request": [str(r.request_id) for r in found],
                "Similarity (0 to 1)": [f"{r.score:.2f}" for r in found],
                "Sent": [format_date(r.sent_on) for r in found],
                "Summary": [r.subject for r in found],
                "Team": [f"{r.team_name} ({r.organisation_name})" for r in found],
                "Status": [r.status_label for r in found],
                "Outcome": [r.resolution or "None recorded" for r in found],
                "Team's rating": [r.rating_label for r in found],
            }
        ).set_index("Request")
    )


def _openable(found: tuple[SimilarRequest, ...]) -> None:
    for request in found:
        with st.expander(plain(f"Open request {request.request_id:d}: {request.subject}")):
            st.caption(
                plain(
                    f"{request.team_name}, {request.organisation_name}. Sent "
                    f"{format_date(request.sent_on)}. Status: {request.status_label}."
                )
            )
            st.markdown(plain(request.text))
            st.markdown(f"**Outcome:** {plain(request.resolution or 'None recorded')}")
            st.markdown(f"**Team's rating:** {plain(request.rating_label)}")


def _search(actor: Actor) -> None:
    st.markdown(f"**{SEARCH_LABEL}**")
    with st.form("similar_search"):
        query = st.text_input(
            SEARCH_LABEL,
            help="Describe what you are looking for in your own words; the words need not match.",
            key="similar_search_query",
        )
        searched = st.form_submit_button("Search")
    if not searched:
        return
    try:
        found = similar.search_by_meaning(db(), actor, query)
    except InputError as problem:
        st.error(plain(problem))
        return
    if not found:
        st.write("No past request is close in meaning to your search.")
        return
    st.write(f"The {len(found):d} closest in meaning, best first.")
    _table(found)
    _openable(found)


def similar_requests_panel(actor: Actor, request_id: int) -> None:
    """The section "Similar requests" for hub staff on the triage screen."""
    found = similar.similar_requests(db(), actor, request_id)
    st.subheader(HEADING, anchor=False)
    if found.duplicate is not None:
        st.warning(plain(_duplicate_sentence(found.duplicate, "the team's")))
    if found.matches:
        st.write("Past requests most like this one, best first, with what the hub did.")
        _table(found.matches)
        _openable(found.matches)
    else:
        st.write("No past request is like this one.")
    _search(actor)


def duplicate_warning(duplicate: PossibleDuplicate | None) -> None:
    """Tell a team member the request they are writing looks like one the team has open."""
    if duplicate is None:
        return
    st.warning(
        plain(
            _duplicate_sentence(duplicate, "your")
            + " You can add to that request on Your requests instead of sending a new one."
        )
    )
    st.page_link(YOUR_REQUESTS, label="See your requests", icon=":material/forum:")
