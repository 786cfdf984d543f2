"""Agree ratings: the team lead compares everyone's ratings and records the team's answer."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services import agreeing, assessments, theme_evidence
from ue_core.services.assessments import Answer, PracticeComparison
from ue_core.timefmt import uk_today
from ue_core.vocabulary import EVIDENCE_STRENGTH_LABELS, Role
from ui import concurrency
from ui.assessment_status import not_started_notice, submitted_notice, summary_line
from ui.auth import require_page
from ui.context import db
from ui.navigation import SCREENS_BY_KEY
from ui.rating_form import (
    DATE_FORMAT,
    LEVEL_OPTIONS,
    NOT_APPLICABLE,
    STRENGTH_OPTIONS,
    accessible_date_inputs,
    conflict_rows,
    describe_answer,
    describe_evidence,
    level_label,
    option_for,
)
from ui.teams import choose_team
from ui.text import plain, plain_table
from ui.theme_evidence import show_theme_evidence

PRINCIPLE_KEY = "agree_principle"
FLASH_KEY = "agree_flash"
SHOW_KEY = "agree_show"
SHOW_PENDING = "Practices still to agree"
SHOW_DISCUSS = "Practices that need discussion"
SHOW_BY_PRINCIPLE = "Every practice, one principle at a time"

actor = require_page(Permission.AGREE)
st.title("Agree ratings")
accessible_date_inputs()


def _link(key: str, label: str) -> None:
    screen = SCREENS_BY_KEY.get(key)
    if screen is not None and screen.permission is not None and actor.can(screen.permission):
        st.page_link(screen.path, label=plain(label), icon=screen.icon)


team_id = choose_team(actor, Role.LEAD)
if team_id is None:
    st.info("Only a team lead agrees the team's ratings, and you do not lead a team.")
    st.stop()
today = uk_today()
assessment_id = assessments.current_assessment_id(db(), actor, team_id, today)
if assessment_id is None:
    not_started_notice(
        actor, team_id, "once team members have rated the practices, agree them here."
    )
    _link("assessment", "Start the self-assessment")
    st.stop()

state = assessments.load_state(db(), actor, assessment_id)
summary = state.summary
comparisons = agreeing.compare_team_ratings(db(), actor, assessment_id)
survey_evidence = theme_evidence.assessment_evidence(db(), actor, assessment_id)
names = {rater.user_id: rater.name for rater in state.raters}
summary_line(summary)


def _ratings_markdown(comparison: PracticeComparison) -> str:
    lines = []
    for rater in state.raters:
        saved = comparison.ratings.get(rater.user_id)
        lines.append(f"- {plain(rater.name)}: {describe_answer(saved.answer if saved else None)}")
    for user_id, saved in comparison.ratings.items():
        if user_id not in names:
            lines.append(f"- A former team member: {describe_answer(saved.answer)}")
    return "\n".join(lines) if lines else "Nobody in the team has rated this practice yet."


def _flag(comparison: PracticeComparison) -> None:
    agreement = comparison.agreement
    if agreement.spread >= 2:
        st.warning(
            plain(f"Ratings differ by {agreement.spread} levels: discuss. {agreement.reason}")
        )
    elif agreement.needs_discussion:
        st.warning(plain(agreement.reason))
    else:
        st.caption(plain(agreement.reason))


if summary.is_submitted:
    submitted_notice(summary, "It can no longer be changed.")
    _link("results", "See your team's results")
    rows: dict[str, list[str]] = {"Practice": [c.practice.title for c in comparisons]}
    for rater in state.raters:
        rows[rater.name] = [
            describe_answer(c.ratings[rater.user_id].answer if rater.user_id in c.ratings else None)
            for c in comparisons
        ]
    rows["Agreed answer"] = [
        describe_answer(c.agreed.answer if c.agreed else None) for c in comparisons
    ]
    st.header("Everyone's ratings and the agreed answers")
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.stop()


def _agree_everyone_agrees(include_single_ratings: bool) -> None:
    try:
        added = agreeing.agree_where_everyone_agrees(
            db(), actor, summary.id, uk_today(), include_single_ratings=include_single_ratings
        )
    except (InputError, AccessDenied, ConflictError, NotFound) as problem:
        st.session_state[FLASH_KEY] = ("error", str(problem))
    else:
        noun = "practice" if added == 1 else "practices"
        st.session_state[FLASH_KEY] = ("success", f"Agreed the shared answer for {added} {noun}.")


def _who_rated(comparison: PracticeComparison) -> str:
    agreement = comparison.agreement
    if agreement.everyone_rated:
        return f"All {agreement.member_count} members"
    return f"{agreement.rater_count} of {agreement.member_count} members"


def _show_all() -> None:
    st.query_params.clear()


agreed_count = sum(1 for c in comparisons if c.agreed is not None and c.agreed.answer.is_answered)
to_discuss = [c for c in comparisons if c.agreement.needs_discussion]
pending = [c for c in comparisons if c.agreed is None]
single = [
    c
    for c in agreeing.unanimous_practices(comparisons, include_single_ratings=True)
    if c.agreement.rater_count == 1
]
st.write(
    plain(
        f"{agreed_count} of {len(comparisons)} practices have an agreed answer. "
        f"{len(to_discuss)} {'practice needs' if len(to_discuss) == 1 else 'practices need'} "
        "discussion because ratings differ by 2 levels or more, or some say it does not apply."
    )
)
st.write(
    "Individual ratings are kept with the assessment. A note on how the team agreed is needed "
    "only where members gave different answers."
)
flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    (st.success if flash[0] == "success" else st.error)(flash[1])


def _agree_all_the_same() -> None:
    """One action for every practice where everyone who rated gave the same answer."""
    description = st.container()
    include_single = False
    if single:
        noun = "practice" if len(single) == 1 else "practices"
        include_single = st.checkbox(
            f"Also agree the {len(single)} {noun} only one member has rated",
            key="agree_include_single",
            help="Their answer is one person's rating, not yet the team's.",
        )
    unanimous = agreeing.unanimous_practices(comparisons, include_single_ratings=include_single)
    if not unanimous:
        if pending:
            description.write(
                "Where two or more members rated a practice still to agree, they gave different "
                "answers"
                + (
                    ". Agree the practices only one member has rated in one go, or"
                    if single
                    else ", so"
                )
                + " agree each one below."
            )
        return
    noun = "practice" if len(unanimous) == 1 else "practices"
    description.write(
        f"In {len(unanimous)} {noun} without an agreed answer, everyone who rated gave the same "
        "answer. Agree them all in one go (no note needed); you can change any of them "
        "afterwards."
    )
    table = pd.DataFrame(
        {
            "Practice": [c.practice.title for c in unanimous],
            "Shared answer": [describe_answer(agreeing.suggested_answer(c)) for c in unanimous],
            "Who rated": [_who_rated(c) for c in unanimous],
        }
    )
    with st.expander(f"The {len(unanimous)} {noun} and their shared answers"):
        st.table(plain_table(table).set_index("Practice"))
    st.button(
        f"Agree the shared answer for {len(unanimous)} {noun}",
        type="primary",
        on_click=_agree_everyone_agrees,
        args=(include_single,),
        key="agree_all_the_same",
    )


focus = st.query_params.get("practice")
if pending and focus is None:
    st.header("Where everyone gave the same answer")
    _agree_all_the_same()


def _agree_form(comparison: PracticeComparison, number: int) -> None:
    item = comparison.practice
    agreed = comparison.agreed
    version_name = f"agreed_{summary.id}_{item.id}"
    current_version = agreed.version if agreed else 0
    seen = concurrency.seen_version(version_name, current_version)
    start = agreed.answer if agreed else agreeing.suggested_answer(comparison)
    with st.container(border=True, key=f"agree-{item.key}"):
        st.subheader(f"{number:d}. {plain(item.title)}", anchor=item.key)
        st.caption(plain(item.principle_title))
        st.markdown(_ratings_markdown(comparison))
        _flag(comparison)
        show_theme_evidence(survey_evidence.get(item.key, []))
        with st.expander("Everyone's evidence and reasons"):
            if not comparison.ratings:
                st.write("Nobody has rated this practice yet.")
            for user_id, saved in comparison.ratings.items():
                answer = saved.answer
                who = names.get(user_id, "A former team member")
                details = describe_evidence(answer)
                st.markdown(
                    f"**{plain(who)}** ({describe_answer(answer)}"
                    + (f"; {details}" if details else "")
                    + ")"
                )
                if answer.not_applicable and answer.reason:
                    st.markdown(f"Why not applicable: {plain(answer.reason)}")
                st.markdown(plain(answer.evidence) if answer.evidence else "No evidence given.")
        if agreed is not None:
            st.write(f"Agreed answer: {describe_answer(agreed.answer)}.")
        else:
            st.write(
                "No agreed answer yet. The form starts from the suggested level and the "
                "evidence most people gave."
            )
        with st.form(f"agree_form_{item.id}"):
            option = st.radio(
                plain(f"Agreed level for '{item.title}'"),
                options=LEVEL_OPTIONS,
                index=LEVEL_OPTIONS.index(o) if (o := option_for(start)) is not None else None,
                format_func=lambda value: level_label(item, value),
                key=f"agreed_level_{item.id}",
            )
            note = st.text_input(
                "Note on how the team agreed this (needed: members gave different answers)"
                if agreeing.members_differ(comparison.agreement)
                else "Note on how the team agreed this (optional; say why if not applicable)",
                value=start.reason,
                max_chars=assessments.MAX_NOTE,
                key=f"agreed_note_{item.id}",
            )
            evidence = st.text_area(
                "Evidence",
                value=start.evidence,
                max_chars=assessments.MAX_EVIDENCE,
                key=f"agreed_evidence_{item.id}",
            )
            left, right = st.columns(2)
            with left:
                evidence_date = st.date_input(
                    "Date of the evidence",
                    value=start.evidence_date,
                    max_value=today,
                    format=DATE_FORMAT,
                    key=f"agreed_date_{item.id}",
                )
            with right:
                strength = st.selectbox(
                    "How strong is the evidence?",
                    options=STRENGTH_OPTIONS,
                    index=STRENGTH_OPTIONS.index(start.evidence_strength)
                    if start.evidence_strength
                    else None,
                    format_func=EVIDENCE_STRENGTH_LABELS.__getitem__,
                    placeholder="Choose the strength of the evidence",
                    key=f"agreed_strength_{item.id}",
                )
            save = st.form_submit_button("Save agreed answer", type="primary")
        if not save:
            return
        if option is None:
            st.error("Choose the agreed level, or 'Not applicable to our statistics'.")
            return
        not_applicable = option == NOT_APPLICABLE
        if not_applicable and not note.strip():
            st.error("Say why this practice does not apply to your statistics.")
            return
        answer = Answer(
            level=None if not_applicable else option,
            not_applicable=not_applicable,
            reason=note,
            evidence=evidence,
            evidence_date=evidence_date if not isinstance(evidence_date, tuple) else None,
            evidence_strength=strength,
        )
        if concurrency.save_checked(
            lambda: agreeing.save_agreed(
                db(),
                actor,
                summary.id,
                item.id,
                answer,
                expected_version=seen or None,
                today=uk_today(),
            ),
            name=version_name,
            current_version=current_version,
            table=lambda current: conflict_rows(dict(current), answer),
        ):
            message = f"Saved the agreed answer for '{item.title}': {describe_answer(answer)}."
            st.session_state[FLASH_KEY] = ("success", message)
            st.toast(plain(message))
            st.rerun()


numbers = {c.practice.id: n for n, c in enumerate(comparisons, start=1)}
by_key = {c.practice.key: c for c in comparisons}
if focus in by_key:
    st.header("Change one agreed answer")
    _agree_form(by_key[focus], numbers[by_key[focus].practice.id])
    st.button("Show all practices", on_click=_show_all)
    _link("check", "Back to check and submit")
    st.stop()

st.header("Practices")
show = st.radio(
    "Show",
    options=[SHOW_PENDING, SHOW_DISCUSS, SHOW_BY_PRINCIPLE],
    key=SHOW_KEY,
    horizontal=True,
)
if show == SHOW_PENDING:
    shown = pending
    if not shown:
        st.write("Every practice has an agreed answer. Check them and submit.")
elif show == SHOW_DISCUSS:
    shown = to_discuss
    if not shown:
        st.write("No practices need discussion: everyone's ratings are within one level.")
else:
    principles: dict[str, str] = {}
    for c in comparisons:
        principles.setdefault(c.practice.principle_key, c.practice.principle_title)
    keys = list(principles)
    if st.session_state.get(PRINCIPLE_KEY) not in keys:
        st.session_state[PRINCIPLE_KEY] = pending[0].practice.principle_key if pending else keys[0]

    def _label(key: str) -> str:
        done = sum(1 for c in comparisons if c.practice.principle_key == key and c.agreed)
        total = sum(1 for c in comparisons if c.practice.principle_key == key)
        return f"{principles[key]} ({done} of {total} agreed)"

    chosen = st.selectbox("Principle", options=keys, format_func=_label, key=PRINCIPLE_KEY)
    shown = [c for c in comparisons if c.practice.principle_key == chosen]
for comparison in shown:
    _agree_form(comparison, numbers[comparison.practice.id])

st.header("When every practice is agreed")
_link("check", "Check the agreed answers and submit")
