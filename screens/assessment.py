"""Self-assessment: start or continue the team's assessment and rate each practice.

Every change is saved at once (widget callbacks), against the version of the rating the person
was looking at, so two windows or sessions never overwrite each other silently.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services import assessments, individual_ratings, starting, theme_evidence
from ue_core.services.assessments import Answer, AssessmentState, PracticeItem
from ue_core.timefmt import format_date, format_datetime, uk_today
from ue_core.vocabulary import EVIDENCE_STRENGTH_LABELS
from ui.assessment_status import submitted_notice, summary_line
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
    first_unfinished,
    level_label,
    option_for,
    references_markdown,
)
from ui.teams import choose_team, team_choices
from ui.text import plain, plain_table
from ui.theme_evidence import show_theme_evidence

PRINCIPLE_KEY = "rate_principle"

actor = require_page(Permission.ASSESS)
st.title("Self-assessment")
accessible_date_inputs()

team_id = choose_team(actor)
if team_id is None:
    st.info("You are not in a team yet, so there is nothing to assess. Ask your admin to add you.")
    st.stop()
today = uk_today()
assessment_id = assessments.current_assessment_id(db(), actor, team_id, today)


def _link(key: str, label: str) -> None:
    screen = SCREENS_BY_KEY.get(key)
    if screen is not None and screen.permission is not None and actor.can(screen.permission):
        st.page_link(screen.path, label=plain(label), icon=screen.icon)


if assessment_id is None:
    preview = starting.start_preview(db(), actor, team_id, today)
    if preview is None:
        st.info(
            "No assessment round is open. The USER hub opens a round each year; "
            "ask them when the next one starts."
        )
        st.stop()
    team_name = team_choices(actor)[team_id]
    st.write(plain(f"{team_name} has not started its {preview.round_label} self-assessment yet."))
    st.write(
        "Each member of the team rates every practice on their own. Your team lead then "
        "compares everyone's ratings, agrees the team's answers and submits them."
    )
    if preview.carried_over_from_label:
        st.write(
            plain(
                f"The assessment starts from the answers your team agreed in "
                f"{preview.carried_over_from_label}. "
                "Each person can keep those answers or change them."
            )
        )
    if st.button(plain(f"Start the {preview.round_label} self-assessment"), type="primary"):
        try:
            starting.start_assessment(db(), actor, team_id, today)
        except (InputError, AccessDenied) as problem:
            st.error(plain(problem))
        else:
            st.rerun()
    st.stop()

state = assessments.load_state(db(), actor, assessment_id)
summary = state.summary
summary_line(summary)
survey_evidence = theme_evidence.assessment_evidence(db(), actor, assessment_id)

if summary.is_submitted:
    submitted_notice(summary, "It can no longer be changed.")
    _link("results", "See your team's results")
    st.header("Your ratings")
    st.dataframe(
        pd.DataFrame(
            {
                "Principle": [p.principle_title for p in state.practices],
                "Practice": [p.title for p in state.practices],
                "Your rating": [
                    describe_answer(state.mine[p.id].answer if p.id in state.mine else None)
                    for p in state.practices
                ],
                "Agreed answer": [
                    describe_answer(state.agreed[p.id].answer if p.id in state.agreed else None)
                    for p in state.practices
                ],
            }
        ),
        hide_index=True,
    )
    if survey_evidence:
        st.header("Evidence from user surveys")
    for item in state.practices:
        if item.key in survey_evidence:
            st.subheader(plain(item.title))
            show_theme_evidence(survey_evidence[item.key])
    st.stop()


# --- Saving: widget callbacks ---------------------------------------------------------------


def _keys(practice_id: int, version: int) -> dict[str, str]:
    """Widget keys for one practice as saved at ``version`` (0: not rated yet).

    A new saved version gives new widgets, drawn from the saved answer. Widget values are never
    written from code, so the browser and the server cannot disagree about what is shown.
    """
    return {
        name: f"{name}_{practice_id}_v{version}"
        for name in ("level", "reason", "evidence", "date", "strength")
    }


def _status_key(practice_id: int) -> str:
    return f"status_{practice_id}"


def _answer_from_widgets(keys: dict[str, str], shown: Answer | None) -> Answer:
    """The answer as the widgets now show it; a widget not drawn keeps the saved value."""
    base = shown or Answer()

    def value(name: str, saved: object) -> object:
        return st.session_state.get(keys[name], saved)

    option = value("level", option_for(shown))
    not_applicable = option == NOT_APPLICABLE
    return Answer(
        level=None if option is None or not_applicable else int(str(option)),
        not_applicable=not_applicable,
        reason=str(value("reason", base.reason) or "") if not_applicable else "",
        evidence=str(value("evidence", base.evidence) or ""),
        evidence_date=value("date", base.evidence_date),  # type: ignore[arg-type]
        evidence_strength=value("strength", base.evidence_strength),  # type: ignore[arg-type]
    )


def _save(practice_id: int, version: int) -> None:
    """Save one practice against the version the person was looking at."""
    shown = state.mine.get(practice_id)
    answer = _answer_from_widgets(_keys(practice_id, version), shown.answer if shown else None)
    try:
        saved = individual_ratings.save_rating(
            db(),
            actor,
            summary.id,
            practice_id,
            answer,
            expected_version=version or None,
            today=uk_today(),
        )
    except ConflictError as conflict:
        # The next drawing shows the saved version: its widgets have new keys.
        st.session_state[_status_key(practice_id)] = (
            "conflict",
            str(conflict),
            conflict.current,
            answer,
        )
    except (InputError, AccessDenied, NotFound) as problem:
        st.session_state[_status_key(practice_id)] = ("error", str(problem), {}, answer)
    else:
        moment = format_datetime(saved.updated_at or datetime.now(UTC))
        st.session_state[_status_key(practice_id)] = ("saved", f"Saved {moment}.", {}, answer)


def _keep_carried_over() -> None:
    try:
        added = individual_ratings.keep_carried_over(db(), actor, summary.id, uk_today())
    except (InputError, AccessDenied) as problem:
        st.session_state["keep_status"] = str(problem)
    else:
        noun = "answer" if added == 1 else "answers"
        st.session_state["keep_status"] = f"Kept {added} of last round's {noun}."


# --- Drawing --------------------------------------------------------------------------------


def _practice(item: PracticeItem, number: int, state: AssessmentState) -> None:
    saved = state.mine.get(item.id)
    version = saved.version if saved else 0
    shown = saved.answer if saved else None
    keys = _keys(item.id, version)
    with st.container(border=True, key=f"practice-{item.key}"):
        st.subheader(f"{number:d}. {plain(item.title)}", anchor=item.key)
        st.write(plain(item.statement))
        st.markdown(f"**What to look for.** {plain(item.help)}")
        with st.expander("Code of Practice references and sources"):
            st.markdown(references_markdown(item, state.framework))
        carried = state.carried.get(item.id)
        if saved is not None and saved.carried_over:
            st.info(
                plain(
                    f"Carried over from {summary.carried_over_from_label}. "
                    "Change anything to make it your own answer for this round."
                )
            )
        elif carried is not None and carried.is_answered:
            st.caption(
                plain(
                    f"Your team agreed {describe_answer(carried)} in "
                    f"{summary.carried_over_from_label}."
                )
            )
        option = option_for(shown)
        chosen = st.radio(
            plain(f"Your rating for '{item.title}'"),
            options=LEVEL_OPTIONS,
            index=LEVEL_OPTIONS.index(option) if option is not None else None,
            format_func=lambda value: level_label(item, value),
            key=keys["level"],
            on_change=_save,
            args=(item.id, version),
        )
        show_theme_evidence(survey_evidence.get(item.key, []))
        if chosen == NOT_APPLICABLE:
            reason = st.text_input(
                "Why does this practice not apply to your statistics?",
                value=shown.reason if shown else "",
                key=keys["reason"],
                max_chars=assessments.MAX_NOTE,
                on_change=_save,
                args=(item.id, version),
            )
            if not reason.strip():
                st.caption("Say why it does not apply to finish rating this practice.")
        st.text_area(
            "Evidence",
            value=shown.evidence if shown else "",
            key=keys["evidence"],
            max_chars=assessments.MAX_EVIDENCE,
            help="What shows this level: documents, pages, meeting notes or feedback, with links.",
            on_change=_save,
            args=(item.id, version),
        )
        left, right = st.columns(2)
        with left:
            st.date_input(
                "Date of the evidence",
                value=shown.evidence_date if shown else None,
                key=keys["date"],
                max_value=today,
                format=DATE_FORMAT,
                help="When the evidence was produced. Evidence over 12 months old is flagged.",
                on_change=_save,
                args=(item.id, version),
            )
        with right:
            strength = shown.evidence_strength if shown else None
            st.selectbox(
                "How strong is the evidence?",
                options=STRENGTH_OPTIONS,
                index=STRENGTH_OPTIONS.index(strength) if strength else None,
                format_func=EVIDENCE_STRENGTH_LABELS.__getitem__,
                key=keys["strength"],
                placeholder="Choose the strength of the evidence",
                on_change=_save,
                args=(item.id, version),
            )
        _status(item)


def _status(item: PracticeItem) -> None:
    status = st.session_state.get(_status_key(item.id))
    if not status:
        return
    kind, message, current, mine = status
    if kind == "saved":
        st.caption(plain(message))
    elif kind == "conflict":
        st.error(plain(message))
        if current:
            st.table(plain_table(conflict_rows(current, mine)))
    else:
        st.error(plain(message))


progress = state.my_progress()
st.header("Your progress")
rated = sum(p.answered for p in progress)
total = sum(p.total for p in progress)
st.write(plain(f"You have rated {rated} of {total} practices."))
st.markdown(
    "| Principle | Status | Practices rated |\n| --- | --- | --- |\n"
    + "\n".join(
        f"| {plain(p.title)} | {plain(p.status.value)} | {p.answered:d} of {p.total:d} |"
        for p in progress
    )
)

unused = [
    pid for pid, answer in state.carried.items() if answer.is_answered and pid not in state.mine
]
if unused:
    noun = "practice has" if len(unused) == 1 else "practices have"
    st.info(
        plain(
            f"{len(unused)} {noun} an answer your team agreed in {summary.carried_over_from_label} "
            "that you have not rated yet. You can keep those answers and then change any of them."
        )
    )
    st.button(
        "Keep last round's answers for practices I haven't rated", on_click=_keep_carried_over
    )
if "keep_status" in st.session_state:
    st.success(plain(st.session_state.pop("keep_status")))

st.header("Rate the practices")
st.write(
    "Choose a level for each practice, or say it does not apply. Every change is saved as you "
    "go, so you can stop and come back at any time."
)
principle_keys = [p.key for p in progress]
titles = {p.key: f"{p.title} ({p.status.value.lower()})" for p in progress}
if st.session_state.get(PRINCIPLE_KEY) not in principle_keys:
    st.session_state[PRINCIPLE_KEY] = first_unfinished(progress) or principle_keys[0]
principle = st.selectbox(
    "Principle", options=principle_keys, format_func=titles.__getitem__, key=PRINCIPLE_KEY
)
position = principle_keys.index(principle) if principle in principle_keys else 0
numbers = {item.id: n for n, item in enumerate(state.practices, start=1)}
for item in state.practices:
    if item.principle_key == principle:
        _practice(item, numbers[item.id], state)


def _go_to(index: int) -> None:
    st.session_state[PRINCIPLE_KEY] = principle_keys[index]


left, right = st.columns(2)
with left:
    if position > 0:
        st.button(
            plain(f"Previous: {titles[principle_keys[position - 1]]}"),
            on_click=_go_to,
            args=(position - 1,),
        )
with right:
    if position < len(principle_keys) - 1:
        st.button(
            plain(f"Next: {titles[principle_keys[position + 1]]}"),
            on_click=_go_to,
            args=(position + 1,),
        )

st.header("When everyone has rated")
st.write(
    "Your team lead compares everyone's ratings, agrees the team's answer for each practice and "
    f"submits the assessment before {format_date(summary.round_ends_on)}."
)
_link("agree", "Agree the team's ratings")
_link("check", "Check the agreed answers and submit")
