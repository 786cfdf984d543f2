"""Survey themes: find themes in a free-text question, refine them, read across and report.

Each tab is drawn by its own module in ``ui/survey_themes``; this screen chooses the survey,
the question and the theme set, and says what the set is.
"""

from __future__ import annotations

import streamlit as st

from ue_core.authz import Permission
from ue_core.services.surveys import embeddings, views
from ue_core.text import plural
from ue_core.timefmt import format_datetime
from ui import concurrency
from ui.auth import require_page
from ui.context import db
from ui.survey_themes.downloads import downloads_tab
from ui.survey_themes.evidence import evidence_tab
from ui.survey_themes.find import find_form, theme_job_panel
from ui.survey_themes.page import DONE_KEY, ThemePage
from ui.survey_themes.read_across import read_across_tab
from ui.survey_themes.refine import refine_tab
from ui.survey_themes.review import review_tab
from ui.survey_themes.themes import themes_tab
from ui.survey_themes.you_said_we_did import you_said_we_did_tab
from ui.text import plain

actor = require_page(Permission.ANALYSE_SURVEYS)

TABS = {
    "Themes": themes_tab,
    "Refine": refine_tab,
    "Review": review_tab,
    "Read across": read_across_tab,
    "You said, we did": you_said_we_did_tab,
    "Evidence for teams": evidence_tab,
    "Download": downloads_tab,
}

st.title("Survey themes")

by_id = {s.id: s for s in views.list_surveys(db(), actor)}
if not by_id:
    st.write(
        "No surveys have been imported yet. Open Import a survey in the menu to import one, "
        "then find themes here."
    )
    st.stop()

survey_id = st.selectbox(
    "Survey", options=list(by_id), format_func=lambda sid: by_id[sid].title, key="themes_survey"
)
survey = by_id[survey_id]
questions = {q.id: q for q in survey.free_text_questions}
if not questions:
    st.write("This survey has no free-text questions. Import it again and choose at least one.")
    st.stop()
question_id = st.selectbox(
    "Free-text question",
    options=list(questions),
    format_func=lambda qid: (
        f"{questions[qid].label} ({plural(questions[qid].answer_count, 'answer')})"
    ),
    key=f"themes_question_{survey_id}",
)
question = questions[question_id]

message = st.session_state.pop(DONE_KEY, None)
if message:
    st.success(plain(message))

current = views.current_theme_set(db(), actor, question_id)
latest = current
running = theme_job_panel(actor, question_id, current)
if current is None:
    if not running:
        st.header("Find themes")
        find_form(actor, question_id, None)
        st.write(
            "No themes yet for this question. Choose how many themes you want and select "
            "'Find themes'."
        )
    st.stop()

if current.approved_set_id is not None and current.approved_set_id != current.id:
    shown_set = st.radio(
        "Themes to show",
        options=["draft", "approved"],
        format_func=lambda v: "New draft themes" if v == "draft" else "Approved themes",
        horizontal=True,
        key=f"shown_set_{question_id}",
        help="Answers imported later are given the approved themes until you approve the draft.",
    )
    if shown_set == "approved":
        current = views.theme_set(db(), actor, current.approved_set_id)

seen = concurrency.seen_version(f"theme_set_{current.id}", current.version)
status = "Approved" if current.status == views.APPROVED else "Draft"
counts = [
    f"{plural(current.answer_count, 'answer')} in {plural(len(current.themes), 'theme')}",
    f"{current.not_relevant_count:,} marked not relevant",
]
if current.unthemed_count:
    counts.append(f"{current.unthemed_count:,} with no words to group")
if current.review_count:
    counts.append(f"{current.review_count:,} waiting for review")
st.write(
    f"**{status} themes** found {format_datetime(current.created_at)} with "
    + plain(f"{embeddings.describe_backend(current.backend)}. " + "; ".join(counts) + ".")
)
if current.status != views.APPROVED and current.approved_set_id is not None:
    st.info("Another set of themes for this question is approved. Approving this one replaces it.")
with st.expander("Find themes again, for example with another number of themes"):
    if current.status == views.APPROVED:
        st.write("This makes new draft themes; these approved themes stay until you approve them.")
    else:
        st.write(
            "This replaces these draft themes and any edits to them"
            + ("; the approved themes stay." if current.approved_set_id is not None else ".")
        )
    if running:
        st.write("A job is running on this question's themes now; wait for it to finish.")
    else:
        find_form(actor, question_id, latest)

page = ThemePage(
    actor=actor,
    survey=survey,
    question=question,
    themes=current,
    coded=views.coded_answers(db(), actor, current.id),
    seen=seen,
)
tabs = st.tabs([plain(t) for t in TABS], key=f"theme_tabs_{question_id}")  # kept over reruns
for tab, draw in zip(tabs, TABS.values(), strict=True):
    with tab:
        draw(page)
