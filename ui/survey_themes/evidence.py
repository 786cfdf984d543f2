"""The Evidence for teams tab: attach an approved theme to a team's rating of a practice about
listening to users, understanding them or acting on feedback; see and remove what is attached."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied
from ue_core.errors import InputError, NotFound
from ue_core.services import theme_evidence
from ue_core.services.surveys import views
from ue_core.text import plural
from ue_core.theme_evidence import joined_label
from ue_core.timefmt import format_datetime, uk_today
from ui.context import db
from ui.survey_themes.page import ThemePage, done_and_redraw
from ui.text import plain


def _theme_names(page: ThemePage) -> dict[int, str]:
    """Each sub-theme as 'Top-level theme: sub-theme (N answers)', in the Themes tab's order."""
    view = page.themes
    by_id = {theme.id: theme for theme in view.themes}
    names: dict[int, str] = {}
    for top in view.top_themes:
        for theme_id in top.theme_ids:
            theme = by_id[theme_id]
            label = joined_label(top.label, theme.label)
            names[theme_id] = f"{label} ({plural(theme.size, 'answer')})"
    for theme in view.themes:  # any sub-theme without a top-level theme
        names.setdefault(theme.id, f"{theme.label} ({plural(theme.size, 'answer')})")
    return names


def _attach_form(page: ThemePage) -> None:
    names = _theme_names(page)
    teams = {t.team_id: t for t in theme_evidence.evidence_teams(db(), page.actor, uk_today())}
    practices = {p.key: p for p in theme_evidence.accepting_practices(db(), page.actor)}
    with st.form(f"evidence_{page.set_id}", clear_on_submit=False):
        theme_id = st.selectbox(
            "Theme to attach", list(names), format_func=names.__getitem__, index=None
        )
        team_id = st.selectbox(
            "Team", list(teams), format_func=lambda tid: teams[tid].label, index=None
        )
        practice_key = st.selectbox(
            "Practice the theme is evidence for",
            list(practices),
            format_func=lambda key: f"{practices[key].title} ({practices[key].principle_title})",
            index=None,
            help="Only practices about listening to users, understanding them or acting on "
            "their feedback take survey themes as evidence.",
        )
        attach = st.form_submit_button("Attach as evidence")
    if not attach:
        return
    if theme_id is None or team_id is None or practice_key is None:
        st.error("Choose a theme, a team and a practice, then select 'Attach as evidence'.")
        return
    team = teams[team_id]
    if team.assessment_id is None:
        if team.round_label is None:
            st.error("No assessment round is open, so there is no rating to attach evidence to.")
        else:
            st.error(
                plain(
                    f"{team.team_name} has not started its {team.round_label} self-assessment "
                    "yet, so there is no rating to attach evidence to. Try again once it has."
                )
            )
        return
    try:
        attached = theme_evidence.attach_theme(
            db(), page.actor, theme_id, team.assessment_id, practice_key
        )
    except (InputError, AccessDenied, NotFound) as problem:
        st.error(plain(problem))
    else:
        done_and_redraw(
            f"Attached '{attached.label}' to {team.team_name}'s rating of "
            f"'{attached.practice_title}'."
        )


def _attached(page: ThemePage) -> None:
    st.subheader("Attached from this survey")
    attached = theme_evidence.survey_evidence(db(), page.actor, page.survey.id)
    if not attached:
        st.write("No themes from this survey are attached to a team's rating yet.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Team": [a.team_name for a in attached],
                "Round": [a.round_label for a in attached],
                "Practice": [a.evidence.practice_title for a in attached],
                "Theme": [a.evidence.label for a in attached],
                "Answers": [a.evidence.answer_count for a in attached],
                "Attached": [
                    f"{format_datetime(a.evidence.attached_at)} by {a.evidence.attached_by}"
                    for a in attached
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    removable = {a.evidence.id: a for a in attached if not a.submitted}
    if not removable:
        return
    with st.form(f"evidence_remove_{page.set_id}"):
        chosen = st.selectbox(
            "Evidence to remove",
            list(removable),
            format_func=lambda eid: (
                f"{removable[eid].team_name}, {removable[eid].evidence.practice_title}: "
                f"{removable[eid].evidence.label}"
            ),
        )
        remove = st.form_submit_button("Remove this evidence")
    if not remove or chosen is None:
        return
    try:
        theme_evidence.detach_theme(db(), page.actor, chosen)
    except (InputError, AccessDenied, NotFound) as problem:
        st.error(plain(problem))
    else:
        done_and_redraw("Evidence removed.")


def evidence_tab(page: ThemePage) -> None:
    st.header("Evidence for teams")
    st.write(
        "Attach an approved theme to a team's rating of a practice about listening to users, "
        "understanding them or acting on their feedback. The team sees the theme's name, how "
        "many answers it has and up to three short quotes under its rating, and in its "
        "downloads. What is attached stays as it is now, even if the themes change later."
    )
    if page.themes.status != views.APPROVED:
        if page.themes.approved_set_id is not None:
            st.info(
                "These are draft themes. Choose 'Approved themes' above to attach one of the "
                "approved themes, or approve these first."
            )
        else:
            st.info("These themes are a draft. Approve them on the Themes tab first.")
    _attach_form(page)
    _attached(page)
