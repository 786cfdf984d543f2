"""How a champion appears in the directory and on team members' home pages, and the hub's table
of champion terms."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

import pandas as pd
import streamlit as st

from ue_core.champion_profiles import AREA_LABELS
from ue_core.services.champion_terms import TermView
from ue_core.services.champions import ChampionCard
from ue_core.timefmt import format_date
from ui.text import link, plain

K = TypeVar("K", bound=Hashable)


def pick(label: str, choices: Mapping[K, str], placeholder: str) -> K | None:
    """A select box of ``choices`` (key to label) with nothing chosen at first."""
    return st.selectbox(
        plain(label),
        options=list(choices),
        format_func=choices.__getitem__,
        index=None,
        placeholder=plain(placeholder),
    )


def contact_line(card: ChampionCard) -> str:
    """The contacts the champion chose to show, as Markdown (e-mail as a mail link)."""
    if not card.contacts:
        return "No contact details shown. Ask the USER hub to put you in touch."
    parts = [
        f"{plain(contact.label)}: "
        + (
            link(contact.value, f"mailto:{contact.value}")
            if contact.label == "Email"
            else plain(contact.value)
        )
        for contact in card.contacts
    ]
    return "; ".join(parts)


def champion_card(card: ChampionCard, *, heading: bool = True) -> None:
    """One champion in a bordered box: who, where, what they work on and how to reach them."""
    with st.container(border=True):
        if heading:
            st.subheader(plain(card.name))
        since = f", champion since {format_date(card.since)}" if card.since else ""
        areas = ", ".join(AREA_LABELS[a] for a in card.areas)
        # One Markdown element of paragraphs, not one each: the directory draws a hundred cards
        # (an empty paragraph adds nothing).
        st.markdown(
            "\n\n".join(
                [
                    plain(f"{card.organisation}{since}"),
                    plain(f"Profession: {card.profession}") if card.profession else "",
                    plain(f"Areas: {areas}") if card.areas else "",
                    plain(f"Interests: {card.interests}") if card.interests else "",
                    contact_line(card),
                ]
            )
        )


def terms_frame(terms: Sequence[TermView]) -> pd.DataFrame:
    """Every champion term: who, which organisation, from and to, and who changed it."""
    return pd.DataFrame(
        {
            "Champion": [t.name for t in terms],
            "Organisation": [t.organisation for t in terms],
            "Since": [format_date(t.started_on) for t in terms],
            "Until": [format_date(t.ended_on) if t.ended_on else "Current" for t in terms],
            "Added by": [t.started_by or "The workbench" for t in terms],
            "Retired by": [
                t.ended_by or ("" if t.ended_on is None else "The workbench") for t in terms
            ],
        }
    )
