"""The Refine tab: rename, merge and split themes, move answers, start a theme from examples."""

from __future__ import annotations

import streamlit as st

from ue_core.services.surveys import refine, top_level_edits
from ue_core.text import plural
from ui.context import db
from ui.survey_themes.page import MAX_CHOICES, ThemePage


def _tidy(text: str) -> str:
    return " ".join(text.split())


def rename_form(page: ThemePage) -> None:
    st.subheader("Rename a theme")
    with st.form(f"rename_{page.set_id}", clear_on_submit=True):
        theme_id = st.selectbox(
            "Theme to rename", page.theme_ids, format_func=page.labels.__getitem__
        )
        label = st.text_input("New name")
        sent = st.form_submit_button("Rename theme")
    if sent and theme_id is not None:
        page.edit(
            lambda: refine.rename_theme(
                db(), page.actor, page.set_id, theme_id, label, expected_version=page.seen
            ),
            f"Theme renamed to '{_tidy(label)}'.",
        )


def merge_form(page: ThemePage) -> None:
    st.subheader("Merge themes")
    with st.form(f"merge_{page.set_id}", clear_on_submit=True):
        chosen = st.multiselect(
            "Themes to merge (choose two or more)",
            page.theme_ids,
            format_func=page.labels.__getitem__,
        )
        label = st.text_input("Name for the merged theme (optional)")
        sent = st.form_submit_button("Merge themes")
    if sent:
        page.edit(
            lambda: refine.merge_themes(
                db(), page.actor, page.set_id, chosen, label=label, expected_version=page.seen
            ),
            f"{plural(len(chosen), 'theme')} merged.",
        )


def split_form(page: ThemePage) -> None:
    st.subheader("Split a theme")
    with st.form(f"split_{page.set_id}", clear_on_submit=True):
        theme_id = st.selectbox(
            "Theme to split", page.theme_ids, format_func=page.labels.__getitem__
        )
        parts = st.number_input("Split into", min_value=2, max_value=10, value=2, step=1)
        sent = st.form_submit_button("Split theme")
    if sent and theme_id is not None:
        page.edit(
            lambda: refine.split_theme(
                db(), page.actor, page.set_id, theme_id, int(parts), expected_version=page.seen
            ),
            f"Theme split into {int(parts)}.",
        )


def move_form(page: ThemePage) -> None:
    st.subheader("Move answers or mark them not relevant")
    labels = page.labels
    source = st.selectbox(
        "Show answers in",
        [*page.theme_ids, 0],
        format_func=lambda tid: "Not relevant" if tid == 0 else labels[tid],
        key=f"move_source_{page.set_id}",
    )
    in_source = [
        a.answer_id
        for a in page.coded
        if (a.not_relevant if source == 0 else (a.theme_id == source and not a.not_relevant))
    ]
    if len(in_source) > MAX_CHOICES:
        st.write(
            f"Showing the first {MAX_CHOICES} of {len(in_source):,} answers. Type in the answers "
            "box to search them."
        )
        in_source = in_source[:MAX_CHOICES]
    with st.form(f"move_{page.set_id}", clear_on_submit=True):
        chosen = st.multiselect("Answers", in_source, format_func=page.short)
        target_id = st.selectbox("Move to", page.theme_ids, format_func=labels.__getitem__)
        move_col, irrelevant_col = st.columns(2)
        move = move_col.form_submit_button("Move answers")
        if source == 0:
            irrelevant = irrelevant_col.form_submit_button("Bring back to the nearest theme")
        else:
            irrelevant = irrelevant_col.form_submit_button("Mark as not relevant")
    if move and target_id is not None:
        page.edit(
            lambda: refine.move_answers(
                db(), page.actor, page.set_id, chosen, target_id, expected_version=page.seen
            ),
            f"{plural(len(chosen), 'answer')} moved to '{labels[target_id]}'.",
        )
    if irrelevant:
        page.edit(
            lambda: refine.set_not_relevant(
                db(), page.actor, page.set_id, chosen, source != 0, expected_version=page.seen
            ),
            f"{plural(len(chosen), 'answer')} "
            + ("marked not relevant." if source != 0 else "brought back."),
        )


def seed_form(page: ThemePage) -> None:
    st.subheader("Start a theme from examples")
    st.write(
        "Choose a few answers that show the new theme. Other answers join it when they are "
        "closer to it than to their own theme; answers you moved by hand stay where they are."
    )
    search = st.text_input("Find answers containing", key=f"seed_search_{page.set_id}")
    matches = [
        a.answer_id
        for a in page.coded
        if not a.not_relevant and (not search or search.casefold() in a.text.casefold())
    ][:MAX_CHOICES]
    with st.form(f"seed_{page.set_id}", clear_on_submit=True):
        examples = st.multiselect("Example answers", matches, format_func=page.short)
        label = st.text_input("Name for the new theme")
        new_top = st.checkbox(
            "Make it a top-level theme of its own (otherwise it joins the nearest top-level theme)"
        )
        sent = st.form_submit_button("Start new theme")
    if sent:
        page.edit(
            lambda: refine.seed_theme(
                db(),
                page.actor,
                page.set_id,
                examples,
                label,
                expected_version=page.seen,
                new_top_theme=new_top,
            ),
            f"New theme '{_tidy(label)}' started.",
        )


def top_level_forms(page: ThemePage) -> None:
    """Rename, merge and split top-level themes, and move a sub-theme to another one."""
    st.subheader("Top-level themes")
    tops = page.top_labels
    with st.form(f"rename_top_{page.set_id}", clear_on_submit=True):
        top_id = st.selectbox(
            "Top-level theme to rename", page.top_ids, format_func=tops.__getitem__
        )
        label = st.text_input("New name for the top-level theme")
        sent = st.form_submit_button("Rename top-level theme")
    if sent and top_id is not None:
        page.edit(
            lambda: top_level_edits.rename_top_theme(
                db(), page.actor, page.set_id, top_id, label, expected_version=page.seen
            ),
            f"Top-level theme renamed to '{_tidy(label)}'.",
        )
    with st.form(f"merge_top_{page.set_id}", clear_on_submit=True):
        chosen = st.multiselect(
            "Top-level themes to merge (choose two or more)",
            page.top_ids,
            format_func=tops.__getitem__,
        )
        merged = st.text_input("Name for the merged top-level theme (optional)")
        merge = st.form_submit_button("Merge top-level themes")
    if merge:
        page.edit(
            lambda: top_level_edits.merge_top_themes(
                db(), page.actor, page.set_id, chosen, label=merged, expected_version=page.seen
            ),
            f"{plural(len(chosen), 'top-level theme')} merged.",
        )
    with st.form(f"split_top_{page.set_id}", clear_on_submit=True):
        split_id = st.selectbox(
            "Top-level theme to split", page.top_ids, format_func=tops.__getitem__
        )
        parts = st.number_input(
            "Split its sub-themes into", min_value=2, max_value=10, value=2, step=1
        )
        split = st.form_submit_button("Split top-level theme")
    if split and split_id is not None:
        page.edit(
            lambda: top_level_edits.split_top_theme(
                db(), page.actor, page.set_id, split_id, int(parts), expected_version=page.seen
            ),
            f"Top-level theme split into {int(parts)}.",
        )
    with st.form(f"move_theme_{page.set_id}", clear_on_submit=True):
        theme_id = st.selectbox(
            "Sub-theme to move", page.theme_ids, format_func=page.labels.__getitem__
        )
        target = st.selectbox(
            "Move it under",
            [*page.top_ids, 0],
            format_func=lambda tid: "A new top-level theme" if tid == 0 else tops[tid],
        )
        new_label = st.text_input("Name for the new top-level theme (when you make one)")
        move = st.form_submit_button("Move sub-theme")
    if move and theme_id is not None and target is not None:
        page.edit(
            lambda: top_level_edits.move_theme(
                db(),
                page.actor,
                page.set_id,
                theme_id,
                None if target == 0 else target,
                label=new_label,
                expected_version=page.seen,
            ),
            f"Sub-theme '{page.labels[theme_id]}' moved.",
        )


def refine_tab(page: ThemePage) -> None:
    st.header("Refine the themes")
    st.write("Every change is saved straight away.")
    st.write(
        "Themes here are sub-themes; each sits under a top-level theme. The last section "
        "changes the top-level themes."
    )
    for form in (rename_form, merge_form, split_form, move_form, seed_form, top_level_forms):
        form(page)
