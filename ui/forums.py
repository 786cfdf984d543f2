"""Showing and changing the forum register: its table, one forum's details, the hub's form,
the successes form, and the Results page's "forums on your topics" section."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from ue_core.authz import Actor, Permission
from ue_core.forum_themes import ForumVocabulary
from ue_core.forums import SETTABLE, ForumStatus
from ue_core.services import commitments, forum_join_up, forum_successes
from ue_core.services.forum_successes import SuccessDraft
from ue_core.services.forums import ForumDetail, ForumDraft, ForumSummary, SuccessView
from ue_core.text import plural
from ue_core.timefmt import format_date
from ui import concurrency
from ui.context import db
from ui.navigation import SCREENS_BY_KEY, screens_for
from ui.text import link, plain

DATE_HINT = "Day, month and year, for example 14 10 2026."


def typed(day: date | None) -> str:
    return f"{day.day} {day.month} {day.year}" if day else ""


def register_frame(rows: Sequence[ForumSummary]) -> pd.DataFrame:
    """One row per forum, as the register lists them."""
    return pd.DataFrame(
        {
            "Forum": [r.name for r in rows],
            "Themes": [", ".join(r.theme_labels) for r in rows],
            "Host": [r.host for r in rows],
            "Member organisations": [", ".join(r.member_names) or "None" for r in rows],
            "Meets": [r.frequency_label for r in rows],
            "Last met": [format_date(r.last_met) if r.last_met else "Not recorded" for r in rows],
            "Status": [r.status.label for r in rows],
            "Successes": [r.successes for r in rows],
        }
    )


def successes_frame(rows: Sequence[SuccessView]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Forum": [s.forum_name for s in rows],
            "Success": [s.text for s in rows],
            "Date": [format_date(s.achieved_on) for s in rows],
            "Link": [s.link or "None" for s in rows],
        }
    )


def _status_text(forum: ForumSummary) -> str:
    if forum.status is ForumStatus.CLOSED and forum.closed_on:
        return f"Closed on {format_date(forum.closed_on)}"
    how = "set by the hub" if forum.status_set else "from the date it last met"
    return f"{forum.status.label} ({how})"


def forum_details(detail: ForumDetail) -> None:
    """One forum: what it covers, who takes part, when it meets, how to join, its successes."""
    forum = detail.forum
    st.subheader(plain(forum.name))
    if forum.description:
        st.write(plain(forum.description))
    facts = [
        ("Themes", ", ".join(forum.theme_labels)),
        ("Host", forum.host),
        ("Member organisations", ", ".join(forum.member_names) or "None recorded"),
        ("Who attends", ", ".join(forum.attendee_labels)),
        ("Meets", forum.frequency_label),
        ("Last met", format_date(forum.last_met) if forum.last_met else "Not recorded"),
        ("Status", _status_text(forum)),
    ]
    st.markdown("\n".join(f"- **{plain(name)}:** {plain(value)}" for name, value in facts))
    st.markdown("**How to join**")
    if forum.join_text:
        st.write(plain(forum.join_text))
    if forum.join_url:
        st.markdown(link(f"Go to {forum.name}'s page", forum.join_url))
    if len(detail.meetings) > 1:
        earlier = ", ".join(format_date(d) for d in detail.meetings[1:6])
        st.caption(plain(f"Earlier meetings recorded: {earlier}."))
    st.markdown("**Biggest successes**")
    if not detail.successes:
        st.write("No successes recorded yet.")
    for success in detail.successes:
        line = f"{format_date(success.achieved_on)}: {success.text}"
        if success.suggested_case_study:
            line += " (suggested as a case study)"
        st.markdown(f"- {plain(line)}")
        if success.link:
            st.markdown(link("Read more about this success", success.link))


def success_form(actor: Actor, detail: ForumDetail, today: date) -> bool:
    """Record a success of the forum; True when saved."""
    with st.form(f"success_{detail.forum.id}"):
        st.markdown("**Record a success**")
        text = st.text_area("What the forum achieved")
        achieved = st.text_input("Date of the success", help=DATE_HINT)
        address = st.text_input("Link to read more (optional)", help="Starting https://")
        suggest = st.checkbox("Suggest it as a case study for the hub")
        submitted = st.form_submit_button("Record the success")

    def save() -> int:
        day = commitments.parse_day(achieved, "date of the success")
        draft = SuccessDraft(text, day, address, suggest)
        return forum_successes.record_success(db(), actor, detail.forum.id, draft, today)

    return submitted and concurrency.save_checked(save, name=None, current_version=None)


def suggestion_buttons(actor: Actor, detail: ForumDetail) -> str | None:
    """A button per success to suggest it as a case study, or take the suggestion back;
    returns the message to show once one is saved."""
    for success in detail.successes:
        suggested = success.suggested_case_study
        label = "Take back the case study suggestion" if suggested else "Suggest as a case study"
        change = partial(
            forum_successes.suggest_case_study,
            db(),
            actor,
            success.id,
            not suggested,
            expected_version=success.version,
        )
        if st.button(
            plain(f"{label}: {success.text[:60]}"), key=f"suggest_{success.id}_{success.version}"
        ) and concurrency.save_checked(change, name=None, current_version=None):
            return "Suggestion taken back." if suggested else "Suggested as a case study."
    return None


def forum_fields(
    key: str,
    vocabulary: ForumVocabulary,
    organisations: dict[int, str],
    start: ForumDraft | None,
) -> Callable[[], ForumDraft]:
    """The hub's form fields for a forum; the function returned reads them into a draft."""
    orgs = list(organisations)
    name = st.text_input("Name", value=start.name if start else "", key=f"{key}_name")
    description = st.text_area(
        "What the forum is for", value=start.description if start else "", key=f"{key}_desc"
    )
    host = st.selectbox(
        "Host organisation",
        orgs,
        index=orgs.index(start.host_organisation_id)
        if start and start.host_organisation_id in orgs
        else None,
        format_func=organisations.__getitem__,
        placeholder="Choose the host",
        key=f"{key}_host",
    )
    members = st.multiselect(
        "Member organisations",
        orgs,
        default=[i for i in (start.member_organisation_ids if start else ()) if i in orgs],
        format_func=organisations.__getitem__,
        placeholder="Choose organisations",
        key=f"{key}_members",
    )
    themes = st.multiselect(
        "Themes",
        list(vocabulary.theme_keys()),
        default=list(start.themes) if start else [],
        format_func=vocabulary.theme_label,
        placeholder="Choose themes",
        key=f"{key}_themes",
    )
    attendees = st.multiselect(
        "Who attends",
        list(vocabulary.attendee_keys()),
        default=list(start.attendees) if start else [],
        format_func=vocabulary.attendee_label,
        placeholder="Choose producers and users",
        key=f"{key}_attendees",
    )
    frequencies = list(vocabulary.frequency_keys())
    frequency = st.selectbox(
        "How often it meets",
        frequencies,
        index=frequencies.index(start.frequency) if start and start.frequency in frequencies else 0,
        format_func=vocabulary.frequency_label,
        key=f"{key}_frequency",
    )
    last_met = st.text_input(
        "Date it last met (optional)",
        value=typed(start.last_met if start else None),
        help=DATE_HINT + " A later date records a new meeting; an earlier one corrects the last.",
        key=f"{key}_last_met",
    )
    join_text = st.text_area(
        "How to join", value=start.join_text if start else "", key=f"{key}_join_text"
    )
    join_url = st.text_input(
        "Web address to join (optional)",
        value=start.join_url if start else "",
        help="For example, the forum's StatsUserNet group, starting https://",
        key=f"{key}_join_url",
    )
    statuses: list[ForumStatus | None] = [None, *SETTABLE]
    status = st.selectbox(
        "Status",
        statuses,
        index=statuses.index(start.status_set) if start else 0,
        format_func=lambda s: "Work it out from the date it last met" if s is None else s.label,
        key=f"{key}_status",
    )

    def read() -> ForumDraft:
        return ForumDraft(
            name=name,
            description=description,
            host_organisation_id=host,
            member_organisation_ids=tuple(members),
            themes=tuple(themes),
            attendees=tuple(attendees),
            frequency=str(frequency),
            last_met=commitments.parse_day(last_met, "date it last met"),
            join_text=join_text,
            join_url=join_url,
            status_set=status,
        )

    return read


def forums_on_your_topics(actor: Actor, team_id: int, today: date) -> None:
    """The Results page's section: shown only when the team's working-together practices are
    below target, with active forums on the team's topics."""
    if not actor.can(Permission.VIEW_FORUMS):
        return
    found = forum_join_up.team_forum_suggestions(db(), actor, team_id, today)
    if not found.weak:
        return
    st.header("User forums on your topics")
    practices = ", ".join(f"{w.title} (level {w.level}, target {w.target})" for w in found.weak)
    st.write(
        plain(
            f"In {found.round_label}, your team was below its target on working together: "
            f"{practices}. Joining a forum where producers and users of related statistics meet "
            "is one way to improve."
        )
    )
    if found.topics:
        words = "; ".join(f"{t.label} ({', '.join(t.found)})" for t in found.topics)
        st.caption(plain(f"Your topics, from your team's statistics and outputs: {words}."))
    else:
        st.caption(
            "Your team's statistics did not name a topic the register knows, so these are forums "
            "your organisation already takes part in."
        )
    if not found.forums:
        st.write("No active forum in the register covers these topics yet. Ask the hub.")
    for suggestion in found.forums:
        forum = suggestion.forum
        why = ", ".join(suggestion.shared_theme_labels)
        extra = "; your organisation takes part" if suggestion.organisation_takes_part else ""
        st.markdown(f"- {plain(f'{forum.name}: {why or forum.host}{extra}.')}")
    if "forums" in {s.key for s in screens_for(actor)}:
        screen = SCREENS_BY_KEY["forums"]
        st.page_link(screen.path, label="Find more user forums", icon=screen.icon)


def count_line(rows: Sequence[ForumSummary]) -> str:
    active = sum(1 for r in rows if r.status is ForumStatus.ACTIVE)
    return f"{plural(len(rows), 'forum')} shown, {active} active."
