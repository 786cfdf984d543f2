"""The results page's recommendations: suggested resources with reasons, follow-up and peers.

Call ``render_recommendations(actor, assessment_id)`` under the results page's
``st.header("Recommended for your team")``. It draws level-3 headings and below.
"""

from __future__ import annotations

import streamlit as st

from ue_core.authz import AccessDenied, Actor
from ue_core.errors import InputError, NotFound
from ue_core.scoring import format_score
from ue_core.services.library import follow_up, peer_contacts, recommendations
from ue_core.services.library.catalogue import LibraryItem
from ue_core.services.library.recommendations import EventKind
from ue_core.vocabulary import Role
from ui.context import db
from ui.text import plain

#: Session key holding the slug of the library entry to show in detail on the library page.
SELECTED_KEY = "library_selected"
LIBRARY_PAGE = "screens/library.py"


def open_in_library(item: LibraryItem) -> None:
    """Show ``item`` in detail on the library page."""
    st.session_state[SELECTED_KEY] = item.slug
    st.switch_page(LIBRARY_PAGE)


def _record(actor: Actor, item: LibraryItem, event: EventKind, assessment_id: int) -> bool:
    try:
        recommendations.record_event(db(), actor, item.row_id, event, assessment_id=assessment_id)
    except (AccessDenied, NotFound, InputError) as error:
        st.error(plain(error))
        return False
    return True


def _recommendation_cards(actor: Actor, assessment_id: int) -> int:
    """Draw the suggestions; returns the assessment's team id."""
    panel = recommendations.recommendation_panel(db(), actor, assessment_id)
    if not panel.items:
        st.write(
            "No suggestions yet. Suggestions appear once the team has agreed answers and a "
            "target for each principle: set your targets above, or browse the library."
        )
        return panel.team_id
    st.write(
        "Case studies and training chosen for the practices furthest below your targets. "
        "Tell us which you will use: next round we will show whether those practices moved."
    )
    for entry in panel.items:
        item = entry.item
        row = item.row_id
        with st.container(border=True):
            st.subheader(plain(item.resource.title), anchor=False)
            st.caption(
                plain(f"{item.kind_label} · {item.resource.origin} · {item.resource.detail}")
            )
            st.markdown(plain(entry.recommendation.reason))
            if entry.used:
                st.markdown("**Your team said it will use this.**")
            columns = st.columns(3)
            opened = columns[0].button("Open", key=f"rec_open_{row}", help="Read it in the library")
            if opened and (
                not panel.can_record or _record(actor, item, EventKind.OPENED, assessment_id)
            ):
                open_in_library(item)
            if not panel.can_record:
                continue
            if (
                not entry.used
                and columns[1].button("We will use this", key=f"rec_use_{row}")
                and _record(actor, item, EventKind.USED, assessment_id)
            ):
                st.rerun()
            if columns[2].button("Not relevant", key=f"rec_dismiss_{row}") and _record(
                actor, item, EventKind.DISMISSED, assessment_id
            ):
                st.rerun()
    if panel.dismissed_count:
        noun = "suggestion" if panel.dismissed_count == 1 else "suggestions"
        st.caption(
            plain(
                f"{panel.dismissed_count} {noun} marked not relevant are hidden. "
                "Find them in the library if you change your mind."
            )
        )
    return panel.team_id


def _follow_up(actor: Actor, assessment_id: int) -> None:
    follow_ups = follow_up.follow_up(db(), actor, assessment_id)
    if not follow_ups:
        return
    st.subheader("Did it help?", anchor=False)
    st.write("Resources your team said it would use in earlier rounds, and what changed since.")
    for entry in follow_ups:
        moves = [m.description for m in entry.moves] or [
            "the practices it covers were not rated in both rounds"
        ]
        verdict = "Improved" if entry.improved else "No improvement yet"
        st.markdown(
            plain(
                f"{entry.item.resource.title} (marked for use in {entry.round_label}). "
                f"{verdict}: " + "; ".join(moves) + "."
            )
        )


def _peers(actor: Actor, assessment_id: int, team_id: int) -> None:
    st.subheader("Talk to other teams", anchor=False)
    contacts = peer_contacts.peer_contacts(db(), actor, assessment_id)
    if contacts:
        st.write(
            "Teams in other organisations that are strong where you are below target, and "
            "have said they are happy to talk about their approach."
        )
        for contact in contacts:
            names = ", ".join(f"{name} ({email})" for name, email in contact.contacts)
            who = f" Contact: {names}." if names else " Ask the USER hub to put you in touch."
            yours = (
                f"yours is {format_score(contact.your_score)}"
                if contact.your_score is not None
                else "yours is not scored yet"
            )
            st.markdown(
                plain(
                    f"{contact.principle_title}: {contact.team_name}, "
                    f"{contact.organisation_name}, scored {format_score(contact.their_score)} "
                    f"in {contact.round_label} ({yours}).{who}"
                )
            )
    else:
        st.write(
            "No other teams to suggest yet: none that are strong where you are below target "
            "have said they are happy to talk. The USER hub can still put you in touch."
        )
    if team_id not in actor.team_ids():
        return
    current = peer_contacts.happy_to_talk(db(), actor, team_id)
    if team_id in actor.team_ids(Role.LEAD):
        chosen = st.toggle(
            "Our team is happy to talk to other teams about our approach",
            value=current,
            key=f"happy_to_talk_{team_id}",
            help="Other organisations' teams may then see your team's name, organisation, "
            "scores on your strong principles and the team lead's name and email.",
        )
        if chosen != current:
            try:
                peer_contacts.set_happy_to_talk(db(), actor, team_id, chosen)
            except (AccessDenied, NotFound) as error:
                st.error(plain(error))
            else:
                st.success(
                    "Your team is now listed for other teams."
                    if chosen
                    else "Your team is no longer listed for other teams."
                )
    elif current:
        st.caption("Your team is happy to talk to other teams. Your team lead can change this.")
    else:
        st.caption("Your team is not listed for other teams. Your team lead can change this here.")


def render_recommendations(actor: Actor, assessment_id: int) -> None:
    """Recommendations, follow-up of earlier ones and peer contacts for one assessment."""
    try:
        team_id = _recommendation_cards(actor, assessment_id)
        _follow_up(actor, assessment_id)
        _peers(actor, assessment_id, team_id)
    except (AccessDenied, NotFound, InputError) as error:
        st.error(plain(error))
