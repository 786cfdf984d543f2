"""Case study drafts (hub staff): review suggested case studies, then publish or decline them."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Permission
from ue_core.catalogue import AUDIENCES, METHODS, PRINCIPLES
from ue_core.services import case_study_drafts
from ue_core.services.case_study_drafts import DraftState, DraftView, Publication
from ue_core.text import plural
from ue_core.timefmt import format_datetime, uk_today
from ui import concurrency
from ui.auth import require_page
from ui.context import db
from ui.flash import Flash
from ui.text import link, plain

flash = Flash("case_study_drafts")

actor = require_page(Permission.REVIEW_CASE_STUDIES)
st.title("Case study drafts")
st.write(
    "Champions and forums suggest examples of user engagement that worked. Check each draft, "
    "put it in the library's words and tags, and publish it as a library case study, or "
    "decline it and say why."
)
flash.show()
today = uk_today()


def _review(draft: DraftView) -> None:
    name = f"case_study_draft_{draft.id}"
    seen = concurrency.seen_version(name, draft.version)
    with st.form(f"publish_{draft.id}"):
        title = st.text_input("Title", value=draft.title, max_chars=120)
        summary = st.text_area(
            "Summary", value=draft.summary, help="One to four sentences, in plain English."
        )
        principles = st.multiselect(
            "Principles it shows", list(PRINCIPLES), format_func=PRINCIPLES.__getitem__
        )
        methods = st.multiselect("Methods it used", list(METHODS), format_func=METHODS.__getitem__)
        audiences = st.multiselect(
            "Audiences (optional)", list(AUDIENCES), format_func=AUDIENCES.__getitem__
        )
        year = st.number_input(
            "Year of the work", min_value=1990, max_value=today.year, value=today.year, step=1
        )
        publish = st.form_submit_button("Publish in the library", type="primary")
    if publish and concurrency.save_checked(
        lambda: case_study_drafts.publish_case_study(
            db(),
            actor,
            draft.id,
            Publication(
                title, summary, tuple(principles), tuple(methods), tuple(audiences), int(year)
            ),
            expected_version=seen,
            today=today,
        ),
        name=name,
        current_version=None,
    ):
        flash.done(f"Published '{title}' in the library.")
    with st.form(f"decline_{draft.id}"):
        note = st.text_input("Why it is declined", max_chars=500)
        decline = st.form_submit_button("Decline the draft")
    if decline and concurrency.save_checked(
        lambda: case_study_drafts.decline_case_study(
            db(), actor, draft.id, note, expected_version=seen
        ),
        name=name,
        current_version=None,
    ):
        flash.done(f"Declined the draft '{draft.title}'.")


waiting = case_study_drafts.case_study_drafts(db(), actor, DraftState.DRAFT)
st.header("Waiting for review")
if not waiting:
    st.write("No drafts are waiting for review.")
else:
    st.write(plain(f"{plural(len(waiting), 'draft')} waiting, newest first."))
for draft in waiting:
    with st.container(border=True):
        st.subheader(plain(draft.title), anchor=False)
        st.caption(
            plain(
                f"{draft.source_label}, {draft.organisation}. Drafted by {draft.created_by} on "
                f"{format_datetime(draft.created_at)}."
            )
        )
        st.markdown(plain(draft.summary))
        for url in draft.source_urls:
            st.markdown("- " + link(url, url))
        _review(draft)

reviewed = [
    draft
    for draft in case_study_drafts.case_study_drafts(db(), actor)
    if draft.state is not DraftState.DRAFT
]
st.header("Reviewed drafts")
if not reviewed:
    st.write("No drafts have been reviewed yet.")
else:
    st.dataframe(
        {
            "Title": [draft.title for draft in reviewed],
            "Organisation": [draft.organisation for draft in reviewed],
            "From": [draft.source_label for draft in reviewed],
            "Outcome": [draft.state.label for draft in reviewed],
            "Reviewed by": [draft.reviewed_by or "The workbench" for draft in reviewed],
            "Note": [draft.review_note or "None" for draft in reviewed],
        },
        hide_index=True,
        width="stretch",
    )
