"""Champions: every organisation's user engagement champions and how to reach them.

Everyone signed in sees the directory and filters it by organisation and practice area. A
champion keeps their own profile here (what they show); hub staff add and retire champions and
see who has been champion before.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ue_core.authz import Permission
from ue_core.champion_profiles import AREA_LABELS, ProfileForm
from ue_core.services import champion_terms, champions
from ue_core.timefmt import uk_today
from ue_core.vocabulary import Role
from ui import concurrency
from ui.auth import require_page
from ui.champions import champion_card, pick, terms_frame
from ui.context import db
from ui.flash import Flash
from ui.text import plain

flash = Flash("champions")
ANY = 0

actor = require_page(None)
st.title("Champions")
st.write(
    "Every organisation in the statistical system has one or more user engagement champions: "
    "people who lead and encourage engagement with users there. Find your champion, or one "
    "working on something you care about, and get in touch."
)
flash.show()


def change(save: Callable[[], object], message: str) -> None:
    """Add or retire a champion; say so and draw the page again once it is saved."""
    if concurrency.save_checked(save, name=None, current_version=None):
        flash.done(message)


organisations = champions.directory_organisations(db(), actor)
left, right = st.columns(2)
chosen_org = left.selectbox(
    "Organisation",
    options=[ANY, *organisations],
    format_func=lambda key: "All organisations" if key == ANY else organisations[key],
)
chosen_area = right.selectbox(
    "Practice area",
    options=["", *AREA_LABELS],
    format_func=lambda key: "All areas" if key == "" else AREA_LABELS[key],
)
cards = champions.directory(
    db(), actor, organisation_id=chosen_org or None, area=chosen_area or None
)
st.header("Directory")
st.write(plain(f"{len(cards)} shown." if cards else "No champions match these choices."))
for card in cards:
    champion_card(card)

if Role.CHAMPION in actor.roles:
    st.header("Your champion profile")
    st.write(
        "What the directory shows about you. Your name and organisation are always shown; "
        "choose which ways of reaching you others see."
    )
    own = champions.own_profile(db(), actor)
    seen = concurrency.seen_version("champion_profile", own.version)
    with st.form("champion_profile"):
        profession = st.text_input(
            "Profession",
            value=own.form.profession,
            help="For example, statistician or social researcher.",
        )
        areas = st.multiselect(
            "Practice areas you work on",
            options=list(AREA_LABELS),
            default=list(own.form.areas),
            format_func=AREA_LABELS.__getitem__,
        )
        interests = st.text_area(
            "Interests",
            value=own.form.interests,
            help="What you would like to talk to others about.",
        )
        show_email = st.checkbox(
            plain(f"Show my email address ({own.email})"), value=own.form.show_email
        )
        phone = st.text_input("Phone number (optional)", value=own.form.phone)
        show_phone = st.checkbox("Show my phone number", value=own.form.show_phone)
        teams = st.text_input("Microsoft Teams name (optional)", value=own.form.teams_handle)
        show_teams = st.checkbox("Show my Microsoft Teams name", value=own.form.show_teams)
        submitted = st.form_submit_button("Save your profile")
    form = ProfileForm(
        profession, interests, tuple(areas), phone, teams, show_email, show_phone, show_teams
    )
    if submitted and concurrency.save_checked(
        lambda: champions.save_profile(db(), actor, form, expected_version=seen),
        name="champion_profile",
        current_version=own.version,
        table=None,
    ):
        flash.done("Your champion profile is saved.")

if actor.can(Permission.MANAGE_CHAMPIONS):
    today = uk_today()
    st.header("Add a champion")
    people, all_organisations = champion_terms.champion_choices(db(), actor)
    labels = {p.user_id: p.label for p in people}
    with st.form("add_champion"):
        person = pick("Person", labels, "Choose a person")
        organisation = pick(
            "Organisation they champion", all_organisations, "Choose an organisation"
        )
        add = st.form_submit_button("Add champion")
    if add and (person is None or organisation is None):
        st.error("Choose the person and the organisation they will champion.")
    elif add and person is not None and organisation is not None:
        user_id, organisation_id = int(person), int(organisation)
        change(
            lambda: champion_terms.add_champion(
                db(), actor, user_id=user_id, organisation_id=organisation_id, today=today
            ),
            f"{labels[person]} is now a champion of {all_organisations[organisation]}.",
        )

    st.header("Retire a champion")
    pairs = {
        (c.user_id, c.organisation_id): f"{c.name}, {c.organisation}"
        for c in champions.directory(db(), actor)
    }
    with st.form("retire_champion"):
        leaving = pick("Champion", pairs, "Choose a champion")
        retire = st.form_submit_button("Retire champion")
    if retire and leaving is None:
        st.error("Choose the champion to retire.")
    elif retire and leaving is not None:
        pair = leaving
        change(
            lambda: champion_terms.retire_champion(
                db(), actor, user_id=pair[0], organisation_id=pair[1], today=today
            ),
            f"{pairs[pair]} is retired; their term is kept in the history.",
        )

    st.header("Champions past and present")
    terms = champion_terms.champion_history(db(), actor, organisation_id=chosen_org or None)
    if terms:
        st.dataframe(terms_frame(terms), hide_index=True, width="stretch")
    else:
        st.write("No champion terms recorded yet.")
