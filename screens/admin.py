"""Admin: people and their roles, framework versions, library entries and reopening a
submitted assessment."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import ROLE_LABELS, AccessDenied, Permission
from ue_core.content import ContentError
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services import accounts, admin, catalogue_admin, frameworks, reopening
from ue_core.timefmt import format_datetime
from ue_core.vocabulary import Role
from ui import concurrency
from ui.auth import require_page
from ui.context import db
from ui.text import plain

actor = require_page(Permission.ADMINISTER)

st.title("Admin")
people_tab, framework_tab, library_tab, assessments_tab = st.tabs(
    ["People", "Framework", "Library", "Assessments"]
)

with people_tab:
    st.header("People and roles")
    rows = admin.people(db(), actor)
    st.dataframe(
        pd.DataFrame(
            {
                "Name": [r.name for r in rows],
                "Email": [r.email for r in rows],
                "Roles": [r.roles for r in rows],
                "Password sign-in": ["Yes" if r.has_password else "No" for r in rows],
                "Status": [r.status for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )

    st.subheader("Add a person")
    role = (
        st.selectbox("Role", options=list(Role), format_func=ROLE_LABELS.__getitem__) or Role.MEMBER
    )
    team_id: int | None = None
    organisation_id: int | None = None
    if role in (Role.MEMBER, Role.LEAD):
        teams = {t.team_id: t.label for t in admin.team_choices(db(), actor)}
        team_id = st.selectbox("Team", options=list(teams), format_func=teams.__getitem__)
    elif role is Role.CHAMPION:
        orgs = {o.organisation_id: o.name for o in admin.organisation_choices(db(), actor)}
        organisation_id = st.selectbox(
            "Organisation", options=list(orgs), format_func=orgs.__getitem__
        )
    with st.form("add_person", clear_on_submit=True):
        name = st.text_input("Full name")
        email = st.text_input("Email address")
        password = st.text_input(
            "Password (only for password sign-in)",
            type="password",
            help="Leave empty when people sign in with their organisation's account.",
        )
        add = st.form_submit_button("Add person", type="primary")
    if add:
        try:
            accounts.create_user(
                db(),
                actor,
                email=email,
                display_name=name,
                password=password or None,
                role=role,
                team_id=team_id,
                organisation_id=organisation_id,
            )
        except accounts.AccountError as problem:
            st.error(plain(problem))
        else:
            st.toast(plain(f"{name} added as {ROLE_LABELS[role].lower()}."))
            st.rerun()

    st.subheader("Change a person's access")
    by_id = {r.user_id: r for r in rows}
    chosen = st.selectbox(
        "Person",
        options=list(by_id),
        format_func=lambda i: f"{by_id[i].name} ({by_id[i].email})",
        key="access_person",
    )
    if chosen is not None:
        person = by_id[chosen]
        st.write(plain(f"Status: {person.status}."))
        try:
            if person.is_active:
                for role_row in person.role_rows:
                    if st.button(
                        plain(f"Remove role: {role_row.description}"),
                        key=f"remove_role_{role_row.membership_id}",
                    ):
                        accounts.remove_role(db(), actor, membership_id=role_row.membership_id)
                        st.toast(plain(f"Removed {role_row.description} from {person.name}."))
                        st.rerun()
                if person.sign_in_locked and st.button("Let them try signing in again"):
                    accounts.unlock_sign_in(db(), actor, user_id=person.user_id)
                    st.toast(plain(f"{person.name} can try signing in again."))
                    st.rerun()
                if st.button("Issue a password reset code"):
                    reset = accounts.issue_password_reset(db(), actor, user_id=person.user_id)
                    st.success(
                        plain(
                            f"Give this code to {person.name}. It works once, until "
                            f"{format_datetime(reset.expires_at)}: on the sign-in page they "
                            "choose 'Set a new password with a reset code'. It is not shown again."
                        )
                    )
                    st.code(reset.code, language=None)
                if st.button("Deactivate this person", type="primary"):
                    accounts.deactivate_user(db(), actor, user_id=person.user_id)
                    st.toast(plain(f"{person.name} can no longer use the workbench."))
                    st.rerun()
            elif st.button("Reactivate this person", type="primary"):
                accounts.reactivate_user(db(), actor, user_id=person.user_id)
                st.toast(plain(f"{person.name} can use the workbench again."))
                st.rerun()
        except accounts.AccountError as problem:
            st.error(plain(problem))

with framework_tab:
    st.header("Framework versions")
    st.write(
        "The framework lives in `data/framework.yaml`. Loading a changed file creates a new "
        "version; assessments keep the version they were started with."
    )
    versions = frameworks.list_versions(db(), actor)
    st.dataframe(
        pd.DataFrame(
            {
                "Version": [v.id for v in versions],
                "Edition": [v.edition for v in versions],
                "Practices": [v.practice_count for v in versions],
                "Loaded": [v.loaded_at_iso for v in versions],
                "In use for new assessments": ["Yes" if v.is_current else "No" for v in versions],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if st.button("Load the framework file"):
        try:
            result = frameworks.sync_framework(db(), actor)
        except ContentError as problem:
            st.error("The framework file has problems, so nothing was loaded.")
            st.code(str(problem), language=None)
        else:
            if result.created:
                st.success(plain(f"Loaded a new framework version ({result.version_id})."))
            else:
                st.info("The framework file has not changed since it was last loaded.")

with library_tab:
    st.header("Library entries")
    st.write(
        "Case studies and training offers come from `data/case_studies.yaml` and "
        "`data/training.yaml`. Change an entry's title or summary here, or take it out of the "
        "library. An entry changed here keeps your changes when the files change, until you "
        "restore the file's version."
    )
    entries = catalogue_admin.library_entries(db(), actor)
    by_slug = {e.slug: e for e in entries}
    slug = st.selectbox(
        "Entry",
        options=list(by_slug),
        format_func=lambda s: f"{by_slug[s].title} ({by_slug[s].kind_label.lower()})",
        key="library_entry",
    )
    if slug is not None:
        entry = by_slug[slug]
        version_name = f"library_entry_{slug}"
        seen = concurrency.seen_version(version_name, entry.version)
        if entry.edited_at is not None:
            st.info(
                plain(
                    f"Changed in the app by {entry.edited_by or 'an admin'} on "
                    f"{format_datetime(entry.edited_at)}. The file's version is not applied."
                )
            )
        with st.form(f"edit_{slug}"):
            title = st.text_input("Title", value=entry.title, max_chars=catalogue_admin.MAX_TITLE)
            summary = st.text_area("Summary (one to four sentences)", value=entry.summary)
            shown = st.checkbox("Show in the library and in recommendations", value=entry.is_active)
            save = st.form_submit_button("Save entry", type="primary")
        if save and concurrency.save_checked(
            lambda: catalogue_admin.edit_entry(
                db(),
                actor,
                slug,
                title=title,
                summary=summary,
                is_active=shown,
                expected_version=seen,
            ),
            name=version_name,
            current_version=entry.version,
        ):
            st.toast("Library entry saved.")
            st.rerun()
        if entry.edited_at is not None and st.button("Restore the file's version"):
            catalogue_admin.restore_file_version(db(), actor, slug)
            concurrency.saved(version_name)
            st.toast("The file's version is back.")
            st.rerun()

with assessments_tab:
    st.header("Reopen a submitted assessment")
    st.write(
        "Reopening lets the team change its ratings and agreed answers again, for example when "
        "a lead submitted by mistake and cannot reopen it. What was submitted is kept in the "
        "assessment's history and results show it until the team submits again. The reason "
        "is recorded."
    )
    submitted = reopening.submitted_assessments(db(), actor)
    reopened = st.session_state.pop("admin_reopened", None)
    if reopened:
        st.success(plain(reopened))
    if not submitted:
        st.write("No assessment is submitted at the moment.")
    else:
        reopenable = {a.id: a for a in submitted}
        with st.form("admin_reopen"):
            chosen_id = st.selectbox(
                "Assessment",
                options=list(reopenable),
                format_func=lambda i: (
                    f"{reopenable[i].team_name} ({reopenable[i].organisation_name}), "
                    f"{reopenable[i].round_label}: submitted "
                    f"{format_datetime(reopenable[i].submitted_at)}"
                ),
            )
            why = st.text_area("Why are you reopening it?", max_chars=reopening.MAX_REOPEN_REASON)
            go = st.form_submit_button("Reopen the assessment")
        if go and chosen_id is not None:
            picked = reopenable[chosen_id]
            try:
                reopening.reopen(
                    db(), actor, picked.id, reason=why, expected_version=picked.version
                )
            except (InputError, ConflictError, AccessDenied, NotFound) as problem:
                st.error(plain(str(problem)))
            else:
                st.session_state["admin_reopened"] = (
                    f"Reopened {picked.team_name}'s assessment for {picked.round_label}."
                )
                st.rerun()
