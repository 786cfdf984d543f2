"""Home: what this person can do here and what needs their attention."""

from __future__ import annotations

import streamlit as st

from ue_core.services import champions, commitments, home
from ue_core.text import possessive
from ue_core.timefmt import uk_today
from ui.auth import require_page
from ui.champions import champion_card
from ui.commitments import commitment_summary
from ui.context import db
from ui.navigation import SCREENS_BY_KEY, screens_for
from ui.text import plain

actor = require_page(None)
available = {screen.key for screen in screens_for(actor)}

st.title(plain(f"Welcome, {actor.display_name}"))
st.write(plain("; ".join(m.describe() for m in actor.memberships)))

st.header("Needs your attention")
items = [i for i in home.attention_items(db(), actor, uk_today()) if i.screen in available]
if not items:
    st.write("Nothing needs your attention right now.")
for item in items:
    screen = SCREENS_BY_KEY[item.screen]
    with st.container(border=True):
        st.page_link(screen.path, label=plain(item.title), icon=screen.icon)
        st.write(plain(item.detail))

your_champions = champions.your_champions(db(), actor)
if your_champions:
    st.header("Your organisation's champion" + ("s" if len(your_champions) > 1 else ""))
    for card in your_champions:
        champion_card(card)
    st.page_link(SCREENS_BY_KEY["champions"].path, label="See every organisation's champions")

for commitment in commitments.your_commitments(db(), actor):
    st.header(plain(f"{possessive(commitment.organisation_name)} commitment to the strategy"))
    commitment_summary(commitment, uk_today())

st.header("What you can do here")
for screen in screens_for(actor):
    if screen.key == "home":
        continue
    st.page_link(screen.path, label=plain(screen.title), icon=screen.icon)
    st.caption(plain(screen.description))

st.divider()
st.caption(
    "The maturity framework in this workbench is the USER hub's own. It is informed by the "
    "Office for Statistics Regulation's user engagement guidance, the Code of Practice for "
    "Statistics and the user engagement strategy for statistics, and is not an official OSR "
    "or GSS scale."
)
