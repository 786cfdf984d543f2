"""Survey themes: find themes in a free-text question, refine them, read across and report."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services.surveys import (
    embeddings,
    exports,
    read_across,
    refine,
    theme_sets,
    views,
    you_said_we_did,
)
from ue_core.timefmt import format_date, format_datetime
from ue_core.vocabulary import ACTION_STATUS_LABELS
from ui import concurrency
from ui.auth import require_page
from ui.charts import AF_TEXT, chart
from ui.context import db
from ui.downloads import render_table_download
from ui.text import plain

actor = require_page(Permission.ANALYSE_SURVEYS)

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DONE_KEY = "survey_themes_done"
#: Most answers offered in one list, so a big survey stays quick to draw.
MAX_CHOICES = 500

st.title("Survey themes")

all_surveys = views.list_surveys(db(), actor)
if not all_surveys:
    st.write(
        "No surveys have been imported yet. Open Import a survey in the menu to import one, "
        "then find themes here."
    )
    st.stop()

by_id = {s.id: s for s in all_surveys}
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
    format_func=lambda qid: f"{questions[qid].column_name} ({questions[qid].answer_count} answers)",
    key=f"themes_question_{survey_id}",
)
question = questions[question_id]

message = st.session_state.pop(DONE_KEY, None)
if message:
    st.success(message)


def run_edit(action: Callable[[], object], done: str, version_name: str) -> None:
    """Save one edit; on success remember the message and draw the page again."""
    try:
        action()
    except ConflictError as conflict:
        current = conflict.current.get("Version")
        if isinstance(current, int):
            concurrency.acknowledge(version_name, current)
        st.error(str(conflict))
    except (InputError, AccessDenied, NotFound) as problem:
        st.error(str(problem))
    else:
        concurrency.saved(version_name)
        st.session_state[DONE_KEY] = done
        st.rerun()


current = views.current_theme_set(db(), actor, question_id)
_, backend_text = embeddings.available_backend()


def find_form() -> None:
    """The 'Find themes' form, with a progress bar while the work runs."""
    st.write(
        "Answers are grouped by meaning into themes. Every answer with words in it gets a theme. "
        "The same answers and settings always give the same themes. " + backend_text
    )
    with st.form(f"find_{question_id}"):
        how_many = st.radio(
            "Number of themes",
            options=["suggested", "chosen"],
            format_func=lambda v: (
                "Suggest a number for me" if v == "suggested" else "I will choose"
            ),
            horizontal=True,
        )
        chosen_n = st.number_input(
            "Themes to find (used when you choose)", min_value=2, max_value=30, value=8, step=1
        )
        find = st.form_submit_button("Find themes", type="primary")
    if not find:
        return
    bar = st.progress(0.0, text="Starting")

    def report(fraction: float, text: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    try:
        theme_sets.find_themes(
            db(),
            actor,
            question_id,
            None if how_many == "suggested" else int(chosen_n),
            progress=report,
        )
    except (InputError, AccessDenied, NotFound) as problem:
        st.error(str(problem))
    else:
        st.session_state[DONE_KEY] = "Themes found and saved."
        st.rerun()


if current is None:
    st.header("Find themes")
    find_form()
    st.write(
        "No themes yet for this question. Choose how many themes you want and select 'Find themes'."
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

set_id = current.id
version_name = f"theme_set_{set_id}"
seen = concurrency.seen_version(version_name, current.version)
status = "Approved" if current.status == views.APPROVED else "Draft"
st.write(
    f"**{status} themes** found {format_datetime(current.created_at)} with "
    f"{embeddings.describe_backend(current.backend)}. {current.answer_count:,} answers in "
    f"{len(current.themes)} themes; {current.not_relevant_count:,} marked not relevant"
    + (f"; {current.unthemed_count:,} with no words to group" if current.unthemed_count else "")
    + (f"; {current.review_count:,} waiting for review" if current.review_count else "")
    + "."
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
    find_form()

theme_ids = [t.id for t in current.themes]
labels = {t.id: t.label for t in current.themes}
coded = views.coded_answers(db(), actor, current.id)
texts = {a.answer_id: a.text for a in coded}


def short(answer_id: int) -> str:
    text = " ".join(texts.get(answer_id, "").split())
    return text if len(text) <= 90 else text[:87] + "..."


tabs = st.tabs(["Themes", "Refine", "Review", "Read across", "You said, we did", "Download"])

with tabs[0]:
    st.header("Themes")
    for number, theme in enumerate(current.themes, start=1):
        st.subheader(f"{number}. {theme.label} ({theme.size:,} answers)")
        st.markdown("Top terms: " + plain(", ".join(theme.top_terms) or "none"))
        if theme.representatives:
            st.markdown(
                "Typical answers:\n\n"
                + "\n".join(f"- {plain(' '.join(text.split()))}" for text in theme.representatives)
            )
    if current.status != views.APPROVED:
        st.subheader("Approve these themes")
        st.write(
            "When the themes are right, approve them. Answers imported later are then given the "
            "nearest approved theme, and the least typical wait for your review."
        )
        if st.button("Approve themes", key=f"approve_{current.id}"):
            run_edit(
                lambda: theme_sets.approve(db(), actor, set_id, expected_version=seen),
                "Themes approved.",
                version_name,
            )

with tabs[1]:
    st.header("Refine the themes")
    st.write("Every change is saved straight away.")

    st.subheader("Rename a theme")
    with st.form(f"rename_{current.id}", clear_on_submit=True):
        rename_id = st.selectbox("Theme to rename", theme_ids, format_func=labels.__getitem__)
        new_label = st.text_input("New name")
        rename = st.form_submit_button("Rename theme")
    if rename and rename_id is not None:
        run_edit(
            lambda: refine.rename_theme(
                db(), actor, set_id, rename_id, new_label, expected_version=seen
            ),
            f"Theme renamed to '{' '.join(new_label.split())}'.",
            version_name,
        )

    st.subheader("Merge themes")
    with st.form(f"merge_{current.id}", clear_on_submit=True):
        merge_ids = st.multiselect(
            "Themes to merge (choose two or more)", theme_ids, format_func=labels.__getitem__
        )
        merge_label = st.text_input("Name for the merged theme (optional)")
        merge = st.form_submit_button("Merge themes")
    if merge:
        run_edit(
            lambda: refine.merge_themes(
                db(), actor, set_id, merge_ids, label=merge_label, expected_version=seen
            ),
            f"{len(merge_ids)} themes merged.",
            version_name,
        )

    st.subheader("Split a theme")
    with st.form(f"split_{current.id}", clear_on_submit=True):
        split_id = st.selectbox("Theme to split", theme_ids, format_func=labels.__getitem__)
        parts = st.number_input("Split into", min_value=2, max_value=10, value=2, step=1)
        split = st.form_submit_button("Split theme")
    if split and split_id is not None:
        run_edit(
            lambda: refine.split_theme(
                db(), actor, set_id, split_id, int(parts), expected_version=seen
            ),
            f"Theme split into {int(parts)}.",
            version_name,
        )

    st.subheader("Move answers or mark them not relevant")
    source = st.selectbox(
        "Show answers in",
        [*theme_ids, 0],
        format_func=lambda tid: "Not relevant" if tid == 0 else labels[tid],
        key=f"move_source_{current.id}",
    )
    in_source = [
        a.answer_id
        for a in coded
        if (a.not_relevant if source == 0 else (a.theme_id == source and not a.not_relevant))
    ]
    if len(in_source) > MAX_CHOICES:
        st.write(
            f"Showing the first {MAX_CHOICES} of {len(in_source):,} answers. Type in the answers "
            "box to search them."
        )
        in_source = in_source[:MAX_CHOICES]
    with st.form(f"move_{current.id}", clear_on_submit=True):
        chosen_answers = st.multiselect("Answers", in_source, format_func=short)
        target_id = st.selectbox("Move to", theme_ids, format_func=labels.__getitem__)
        move_col, irrelevant_col = st.columns(2)
        move = move_col.form_submit_button("Move answers")
        if source == 0:
            irrelevant = irrelevant_col.form_submit_button("Bring back to the nearest theme")
        else:
            irrelevant = irrelevant_col.form_submit_button("Mark as not relevant")
    if move and target_id is not None:
        run_edit(
            lambda: refine.move_answers(
                db(), actor, set_id, chosen_answers, target_id, expected_version=seen
            ),
            f"{len(chosen_answers)} answers moved to '{labels[target_id]}'.",
            version_name,
        )
    if irrelevant:
        run_edit(
            lambda: refine.set_not_relevant(
                db(), actor, set_id, chosen_answers, source != 0, expected_version=seen
            ),
            f"{len(chosen_answers)} answers "
            + ("marked not relevant." if source != 0 else "brought back."),
            version_name,
        )

    st.subheader("Start a theme from examples")
    st.write(
        "Choose a few answers that show the new theme. Other answers join it when they are "
        "closer to it than to their own theme; answers you moved by hand stay where they are."
    )
    search = st.text_input("Find answers containing", key=f"seed_search_{current.id}")
    matches = [
        a.answer_id
        for a in coded
        if not a.not_relevant and (not search or search.casefold() in a.text.casefold())
    ][:MAX_CHOICES]
    with st.form(f"seed_{current.id}", clear_on_submit=True):
        examples = st.multiselect("Example answers", matches, format_func=short)
        seed_label = st.text_input("Name for the new theme")
        seed = st.form_submit_button("Start new theme")
    if seed:
        run_edit(
            lambda: refine.seed_theme(
                db(), actor, set_id, examples, seed_label, expected_version=seen
            ),
            f"New theme '{' '.join(seed_label.split())}' started.",
            version_name,
        )

with tabs[2]:
    st.header("Answers waiting for review")
    queue = [a for a in coded if a.needs_review]
    if not queue:
        st.write(
            "No answers are waiting for review. Answers imported after the themes are approved "
            "appear here when they are not a close match to any theme."
        )
    else:
        queue.sort(key=lambda a: (a.confidence or 0.0, a.answer_id))
        st.dataframe(
            pd.DataFrame(
                {
                    "Answer": [a.text for a in queue],
                    "Suggested theme": [a.theme_label or "" for a in queue],
                    "Confidence": [round(a.confidence or 0.0, 2) for a in queue],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        with st.form(f"review_{current.id}", clear_on_submit=True):
            reviewed = st.multiselect("Answers", [a.answer_id for a in queue], format_func=short)
            review_target = st.selectbox(
                "Theme to give them", theme_ids, format_func=labels.__getitem__
            )
            keep_col, give_col = st.columns(2)
            keep = keep_col.form_submit_button("Keep the suggested theme")
            give = give_col.form_submit_button("Give them this theme")
        if keep:
            run_edit(
                lambda: theme_sets.accept_review(
                    db(), actor, set_id, reviewed, expected_version=seen
                ),
                f"{len(reviewed)} answers reviewed.",
                version_name,
            )
        if give and review_target is not None:
            run_edit(
                lambda: refine.move_answers(
                    db(), actor, set_id, reviewed, review_target, expected_version=seen
                ),
                f"{len(reviewed)} answers reviewed and given '{labels[review_target]}'.",
                version_name,
            )

with tabs[3]:
    st.header("Read across")
    closed = [q.column_name for q in survey.closed_questions]
    if not closed:
        st.write("This survey has no closed questions to read across by.")
    else:
        default = closed.index("Profession") if "Profession" in closed else 0
        by = st.selectbox("Show themes by", closed, index=default, key=f"across_{current.id}")
        across = read_across.read_across(db(), actor, set_id, by)
        rows = []
        for theme_label in across.themes:
            for category in across.categories:
                count = across.counts[(theme_label, category)]
                share = across.percent[(theme_label, category)]
                rows.append(
                    {
                        "Theme": theme_label,
                        "Group": category,
                        "Percentage": share,
                        "Label": read_across.SUPPRESSED if share is None else f"{share:.0f}%",
                        "Answers": read_across.SUPPRESSED if count is None else str(count),
                    }
                )
        frame = pd.DataFrame(rows)
        base = alt.Chart(frame).encode(
            x=alt.X(
                "Group:N",
                title=by,
                sort=list(across.categories),
                axis=alt.Axis(labelAngle=0, labelLimit=140, orient="top"),
            ),
            y=alt.Y("Theme:N", title=None, sort=list(across.themes), axis=alt.Axis(labelLimit=320)),
            tooltip=["Theme", "Group", "Label", "Answers"],
        )
        cells = base.mark_rect(stroke="#FFFFFF").encode(
            color=alt.Color(
                "Percentage:Q",
                title="Percentage of the group's answers",
                scale=alt.Scale(range=["#F3F2F1", "#6BACE6"], interpolate="rgb"),
            )
        )
        words = base.mark_text(color=AF_TEXT, fontSize=13).encode(text="Label:N")
        figure = (cells + words).properties(height=alt.Step(34))
        chart(
            f"Themes by {by.lower()}",
            f"For each group of respondents, the percentage of the group's answers in each "
            f"theme. Each cell shows its percentage as text. {read_across.SUPPRESSED_NOTE}",
            figure,
            across.table(),
        )
        st.subheader("Counts and percentages")
        wide = across.wide_table()
        st.dataframe(wide, hide_index=True, width="stretch")
        render_table_download(wide, "Download this table (CSV)", "themes-read-across.csv")
        if across.any_suppressed:
            st.caption(read_across.SUPPRESSED_NOTE)

with tabs[4]:
    st.header("You said, we did")
    st.write("Record what the hub did about each theme, and publish the log.")
    if current.status != views.APPROVED:
        st.write(
            "These themes are a draft: if you find themes again, actions recorded against them "
            "are removed. Approve the themes first to keep the log."
        )
    log = [
        a
        for a in you_said_we_did.action_log(db(), actor, survey.id)
        if a.question == question.column_name
    ]
    if log:
        st.dataframe(
            pd.DataFrame(
                {
                    "You said (theme)": [a.theme_label for a in log],
                    "We did": [a.action for a in log],
                    "Status": [a.status_label for a in log],
                    "Published": [
                        format_date(a.published_on) if a.published_on else "" for a in log
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.write("No actions recorded for this question yet. Add the first one below.")
    with st.form(f"action_{current.id}", clear_on_submit=True):
        action_theme = st.selectbox("Theme", theme_ids, format_func=labels.__getitem__)
        action_text = st.text_area("What the hub did or will do")
        action_status = st.selectbox(
            "Status",
            list(ACTION_STATUS_LABELS),
            format_func=ACTION_STATUS_LABELS.__getitem__,
        )
        published_text = st.text_input(
            "Date published, for example 27 3 2026 (leave empty if not published yet)"
        )
        add = st.form_submit_button("Add action")
    if add and action_theme is not None:
        try:
            you_said_we_did.add_theme_action(
                db(),
                actor,
                action_theme,
                action_text,
                action_status or "planned",
                you_said_we_did.parse_published(published_text),
            )
        except (InputError, AccessDenied, NotFound) as problem:
            st.error(str(problem))
        else:
            st.session_state[DONE_KEY] = "Action added."
            st.rerun()
    if log:
        with st.form(f"action_edit_{current.id}"):
            edit_id = st.selectbox(
                "Action to change",
                [a.id for a in log],
                format_func=lambda aid: next(
                    f"{a.theme_label}: {a.action[:60]}" for a in log if a.id == aid
                ),
            )
            new_status = st.selectbox(
                "New status",
                list(ACTION_STATUS_LABELS),
                format_func=ACTION_STATUS_LABELS.__getitem__,
            )
            new_date_text = st.text_input(
                "Date published, for example 27 3 2026 (leave empty to keep it as it is)"
            )
            save_col, delete_col = st.columns(2)
            change = save_col.form_submit_button("Save status")
            remove = delete_col.form_submit_button("Delete action")
        chosen = next((a for a in log if a.id == edit_id), None)
        if chosen is not None and (change or remove):
            try:
                if remove:
                    you_said_we_did.delete_theme_action(db(), actor, chosen.id)
                else:
                    you_said_we_did.update_theme_action(
                        db(),
                        actor,
                        chosen.id,
                        chosen.action,
                        new_status or chosen.status,
                        you_said_we_did.parse_published(new_date_text) or chosen.published_on,
                    )
            except (InputError, AccessDenied, NotFound) as problem:
                st.error(str(problem))
            else:
                st.session_state[DONE_KEY] = "Action deleted." if remove else "Action saved."
                st.rerun()
    stem = exports.file_stem(db(), actor, current.id)
    st.download_button(
        "Download the log (HTML)",
        data=lambda: you_said_we_did.action_log_html(db(), actor, survey.id),
        file_name=f"{stem}-you-said-we-did.html",
        mime="text/html",
        on_click="ignore",
        key=f"log_html_{current.id}",
    )
    st.download_button(
        "Download the log (ODS)",
        data=lambda: you_said_we_did.action_log_ods(db(), actor, survey.id),
        file_name=f"{stem}-you-said-we-did.ods",
        mime=ODS_MIME,
        on_click="ignore",
        key=f"log_ods_{current.id}",
    )

with tabs[5]:
    st.header("Download")
    st.markdown(
        "- **Coded responses**: every answer with its theme, the respondent's closed answers "
        "and flags, as ODS (the open format), XLSX (for Excel) or CSV.\n"
        "- **Theme summary (HTML)**: each theme with its size, top terms and typical answers, "
        "and read-across tables."
    )
    stem = exports.file_stem(db(), actor, current.id)
    st.download_button(
        "Download coded responses (ODS)",
        data=lambda: exports.coded_ods(db(), actor, set_id),
        file_name=f"{stem}-coded.ods",
        mime=ODS_MIME,
        on_click="ignore",
        key=f"coded_ods_{set_id}",
    )
    st.download_button(
        "Download coded responses (XLSX)",
        data=lambda: exports.coded_xlsx(db(), actor, set_id),
        file_name=f"{stem}-coded.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        key=f"coded_xlsx_{set_id}",
    )
    st.download_button(
        "Download coded responses (CSV)",
        data=lambda: exports.coded_csv(db(), actor, set_id),
        file_name=f"{stem}-coded.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"coded_csv_{set_id}",
    )
    st.download_button(
        "Download theme summary (HTML)",
        data=lambda: exports.theme_summary_html(db(), actor, set_id),
        file_name=f"{stem}-themes.html",
        mime="text/html",
        on_click="ignore",
        key=f"summary_html_{set_id}",
    )
