"""Library: case studies of user engagement and the training and support on offer."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import InputError, NotFound
from ue_core.services.library import browse, recommendations, usage
from ue_core.services.library.catalogue import LibraryItem
from ue_core.text import plural, plural_noun
from ui.auth import require_page
from ui.context import db
from ui.paging import paged
from ui.recommendations import SELECTED_KEY
from ui.text import link, plain

actor = require_page(Permission.USE_LIBRARY)

ANY = ""
#: Entries on one page of the compact list, and of the cards.
LIST_PAGE = 15
CARD_PAGE = 5
DETAIL_LABELS = {
    "organisation": "Organisation",
    "year": "Year",
    "task": "What they set out to do",
    "approach": "What they did",
    "outcome": "What happened",
    "provider": "Provider",
    "format": "Format",
    "length": "Length",
    "level": "Level",
    "suits": "Who it suits",
    "description": "What it offers",
}


def _tags(item: LibraryItem) -> list[str]:
    lines = [
        f"Principles: {'; '.join(item.principle_labels())}",
        f"Practices: {'; '.join(item.practice_labels())}",
        f"Methods: {'; '.join(item.method_labels())}",
    ]
    if item.audience_labels():
        lines.append(f"Audiences: {'; '.join(item.audience_labels())}")
    return lines


def _show_detail(item: LibraryItem) -> None:
    resource = item.resource
    st.header(plain(resource.title), anchor=False)
    st.caption(plain(f"{item.kind_label} · {resource.origin} · {resource.detail}"))
    if resource.is_example:
        st.info(
            "This describes a kind of support the user engagement strategy for statistics "
            "(2021) set out for the USER hub. It is not an existing named course or service: "
            "ask the hub what it offers now through 'Ask the hub for help'."
        )
    st.markdown(plain(resource.summary))
    for key, label in DETAIL_LABELS.items():
        value = item.details.get(key)
        if value in (None, "") or key == "description":
            continue
        st.markdown(f"**{plain(label)}:** {plain(value)}")
    for quote in item.quotes():
        st.markdown(f"> “{plain(quote.text)}”")
        st.markdown("Quoted from " + link(quote.source, quote.source_url))
    for line in _tags(item):
        st.markdown(plain(line))
    st.markdown("**Sources:**")
    for url in resource.source_urls:
        st.markdown("- " + link(url, url))
    if st.button("Back to the library", key="library_back"):
        st.session_state.pop(SELECTED_KEY, None)
        st.rerun()


def _named(choices: dict[str, str]) -> Callable[[str], str]:
    """How a filter shows its choices: by name, and the empty choice as 'Any'."""
    return lambda key: choices.get(key, "Any")


def _open(item: LibraryItem) -> None:
    st.session_state[SELECTED_KEY] = item.slug
    st.rerun()


def _row(item: LibraryItem) -> None:
    """One line of the compact list: the title (opens the entry) and what kind of entry it is."""
    resource = item.resource
    title, about = st.columns([3, 2], vertical_alignment="center")
    if title.button(plain(resource.title), key=f"library_row_{item.row_id}", type="tertiary"):
        _open(item)
    about.caption(plain(f"{item.kind_label} · {resource.origin}"))


def _card(item: LibraryItem) -> None:
    resource = item.resource
    with st.container(border=True):
        st.subheader(plain(resource.title), anchor=False)
        st.caption(plain(f"{item.kind_label} · {resource.origin} · {resource.detail}"))
        st.markdown(plain(resource.summary))
        st.markdown(plain(" · ".join(_tags(item)[1:3])))
        if st.button("Read more", key=f"library_open_{item.row_id}", help=plain(resource.title)):
            _open(item)


st.title("Library")
st.write(
    "Real examples of user engagement in UK official statistics, and the training and support "
    "that can help your team. Search the whole text or narrow the list with the filters."
)

selected = st.session_state.get(SELECTED_KEY)
if selected:
    try:
        _show_detail(browse.get_item_by_slug(db(), actor, str(selected)))
    except (AccessDenied, NotFound) as error:
        st.session_state.pop(SELECTED_KEY, None)
        st.error(plain(error))
    st.stop()

options = browse.filter_options(db(), actor)
query = st.text_input(
    "Search the library",
    max_chars=browse.MAX_QUERY,
    help="Every word must appear somewhere in the entry, for example 'user forum housing'.",
)
filters: dict[str, tuple[str, dict[str, str]]] = {
    "kind": ("Type", dict(options.kinds)),
    "principle": ("Principle", dict(options.principles)),
    "practice": ("Practice", dict(options.practices)),
    "method": ("Method", dict(options.methods)),
    "audience": ("Audience", dict(options.audiences)),
    "organisation": ("Organisation or provider", {o: o for o in options.organisations}),
}
chosen: dict[str, str] = {}
for column, (name, (label, choices)) in zip(st.columns(3) * 2, filters.items(), strict=True):
    picked = column.selectbox(
        plain(label), [ANY, *choices], format_func=_named(choices), key=f"library_{name}"
    )
    chosen[name] = picked or ANY

try:
    found = browse.search(
        db(),
        actor,
        query,
        **{name: value or None for name, value in chosen.items()},
    )
except InputError as error:
    st.error(plain(error))
    found = []

st.header("Results", anchor=False)
if not found:
    st.write("Nothing matches. Try fewer words or set a filter back to 'Any'.")
else:
    st.write(f"{plural(len(found), 'entry')} {plural_noun(len(found), 'matches', 'match')}.")
    layout = st.radio(
        "Show the results as",
        options=["list", "cards"],
        format_func=lambda v: "A compact list" if v == "list" else "Cards with summaries",
        horizontal=True,
        key="library_layout",
    )
    shown_for = (query, *chosen.values(), layout)
    page_size = LIST_PAGE if layout == "list" else CARD_PAGE
    for entry in paged(found, key=f"library::{shown_for!r}", size=page_size):
        (_row if layout == "list" else _card)(entry)

st.header("Find resources for a need", anchor=False)
with st.form("library_need"):
    need = st.text_area(
        "Describe what you need",
        max_chars=2_000,
        help="For example 'We want to set up a user group for our housing statistics'.",
    )
    asked = st.form_submit_button("Suggest resources")
if asked:
    try:
        with st.spinner("Finding resources. The first search after a restart takes longer."):
            suggestions = recommendations.recommend_for_text(db(), actor, need, k=5)
        st.session_state["library_need_results"] = [s.resource_id for s in suggestions]
        st.session_state["library_need_reasons"] = {s.resource_id: s.reason for s in suggestions}
    except (InputError, AccessDenied) as error:
        st.error(plain(error))
    else:
        if not st.session_state["library_need_results"]:
            st.write("Describe your need in a few words to get suggestions.")
reasons: dict[str, str] = st.session_state.get("library_need_reasons", {})
for slug in st.session_state.get("library_need_results", []):
    try:
        item = browse.get_item_by_slug(db(), actor, slug)
    except NotFound:
        continue
    with st.container(border=True):
        st.subheader(plain(item.resource.title), anchor=False)
        st.caption(plain(f"{item.kind_label} · {item.resource.origin}"))
        st.markdown(plain(reasons.get(slug, "")))
        if st.button("Read more", key=f"library_need_{item.row_id}"):
            _open(item)

if actor.can(Permission.ADMINISTER):
    st.header("How recommendations are used", anchor=False)
    stats = usage.resource_stats(db(), actor)
    st.write(
        "For each entry: the number of assessments it was recommended for, how often teams "
        "opened it, said they would use it or marked it not relevant, and how many uses were "
        "followed by a practice it covers moving up in the team's next round."
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Entry": s.title,
                    "Type": s.kind_label,
                    "Recommended": s.recommended,
                    "Opened": s.opened,
                    "Used": s.used,
                    "Not relevant": s.dismissed,
                    "Followed by improvement": s.improved,
                }
                for s in stats
            ]
        ),
        hide_index=True,
    )
