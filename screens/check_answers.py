"""Check and submit: every agreed answer with its evidence; the team lead submits."""

from __future__ import annotations

import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import ConflictError, InputError
from ue_core.services import assessments, reopening
from ue_core.services.assessments import PracticeItem, SavedAnswer
from ue_core.timefmt import format_datetime, uk_today
from ue_core.vocabulary import Role
from ui.assessment_status import not_started_notice, submitted_notice, summary_line
from ui.auth import require_page
from ui.context import db
from ui.navigation import SCREENS_BY_KEY
from ui.rating_form import describe_answer, describe_evidence
from ui.teams import choose_team
from ui.text import link, plain, plain_table

OUTCOME_KEY = "check_submit_outcome"
CONFIRM_KEY = "check_submit_confirm"  # (assessment id, version, answers checked) once asked

actor = require_page(Permission.ASSESS)
st.title("Check and submit")


def _link(key: str, label: str, practice_key: str | None = None) -> None:
    screen = SCREENS_BY_KEY.get(key)
    if screen is not None and screen.permission is not None and actor.can(screen.permission):
        st.page_link(
            screen.path,
            label=plain(label),
            icon=screen.icon if practice_key is None else None,
            query_params={"practice": practice_key} if practice_key else None,
        )


team_id = choose_team(actor)
if team_id is None:
    st.info("You are not in a team yet, so there is nothing to check. Ask your admin to add you.")
    st.stop()
assessment_id = assessments.current_assessment_id(db(), actor, team_id, uk_today())
if assessment_id is None:
    not_started_notice(actor, team_id, "the team's agreed answers appear here for checking.")
    _link("assessment", "Start the self-assessment")
    st.stop()

state = assessments.load_state(db(), actor, assessment_id)
summary = state.summary
is_lead = summary.team_id in actor.team_ids(Role.LEAD)
problems = assessments.submission_problems(state)


def _submit(expected_version: int, expected_answers: str) -> None:
    try:
        assessments.submit(
            db(),
            actor,
            summary.id,
            expected_version=expected_version,
            expected_answers=expected_answers,
        )
    except InputError as problem:
        st.session_state[OUTCOME_KEY] = ("problems", str(problem))
    except (ConflictError, AccessDenied) as problem:
        st.session_state[OUTCOME_KEY] = ("error", str(problem))
    else:
        st.session_state[OUTCOME_KEY] = ("submitted", "")
    st.session_state.pop(CONFIRM_KEY, None)


def _ask_to_confirm(expected_version: int, expected_answers: str) -> None:
    """The first step: problems are listed at once; otherwise the lead is asked to confirm."""
    if problems:
        count = len(problems)
        st.session_state[OUTCOME_KEY] = (
            "problems",
            f"{count} practice{'s' if count != 1 else ''} still need{'s' if count == 1 else ''} "
            "an agreed answer before you can submit.",
        )
        return
    st.session_state[CONFIRM_KEY] = (summary.id, expected_version, expected_answers)


def _go_back() -> None:
    st.session_state.pop(CONFIRM_KEY, None)


def _reopen(expected_version: int) -> None:
    reason = str(st.session_state.get("reopen_reason", ""))
    try:
        reopening.reopen(db(), actor, summary.id, reason=reason, expected_version=expected_version)
    except (InputError, ConflictError, AccessDenied) as problem:
        st.session_state[OUTCOME_KEY] = ("error", str(problem))
    else:
        st.session_state[OUTCOME_KEY] = ("reopened", "")
        st.session_state["reopen_reason"] = ""


outcome = st.session_state.pop(OUTCOME_KEY, None)
blocked = bool(outcome and outcome[0] == "problems" and problems)
if blocked:
    assert outcome is not None
    with st.container(border=True, key="error-summary"):
        st.header("There is a problem", anchor="there-is-a-problem")
        st.error(plain(f"{outcome[1]} Each practice below needs fixing on the agree ratings page."))
        for problem in problems:
            practice = state.practice(problem.practice_id)
            if is_lead:
                _link("agree", problem.message, practice.key)
            else:
                st.markdown("- " + link(problem.message, f"#{practice.key}"))
elif outcome and outcome[0] == "error":
    st.error(plain(outcome[1]))
elif outcome and outcome[0] == "reopened":
    st.success(
        "You reopened the assessment. The team can change ratings and agreed answers again; "
        "what was submitted is kept in the submission history below."
    )

summary_line(summary)

if summary.is_submitted:
    submitted_notice(summary, "It is now read-only: these answers can no longer be changed.")
    _link("results", "See your team's results")
else:
    agreed = sum(p.answered for p in state.agreed_progress())
    st.write(
        plain(
            f"{agreed} of {len(state.practices)} practices have an agreed answer. "
            + (
                "Check each answer and its evidence, then submit at the end of the page."
                if is_lead
                else "Only your team lead can change agreed answers and submit the assessment."
            )
        )
    )
    if problems:
        noun = "practice still needs" if len(problems) == 1 else "practices still need"
        st.write(f"{len(problems)} {noun} an agreed answer before the assessment can be submitted.")


def _answer_lines(saved: SavedAnswer | None) -> str:
    answer = saved.answer if saved else None
    lines = [f"- Agreed answer: {describe_answer(answer)}"]
    if answer is not None and answer.reason:
        label = "Why not applicable" if answer.not_applicable else "Note"
        lines.append(f"- {label}: {plain(answer.reason)}")
    if answer is not None:
        lines.append(f"- Evidence: {plain(answer.evidence) if answer.evidence else 'None given'}")
        details = describe_evidence(answer)
        if details:
            lines.append(f"- Evidence strength and date: {details}")
    return "\n".join(lines)


def _practice(item: PracticeItem, number: int) -> None:
    with st.container(border=True, key=f"check-{item.key}"):
        st.subheader(f"{number:d}. {plain(item.title)}", anchor=item.key)
        st.markdown(_answer_lines(state.agreed.get(item.id)))
        if is_lead and not summary.is_submitted:
            _link("agree", f"Change '{item.title}'", item.key)


current_principle = ""
for number, item in enumerate(state.practices, start=1):
    if item.principle_key != current_principle:
        current_principle = item.principle_key
        st.header(plain(item.principle_title))
    _practice(item, number)


def _submission_history() -> None:
    history = reopening.submission_history(db(), actor, summary.id)
    if not history:
        return
    st.header("Submission history")
    st.write(
        "Each time the assessment was submitted, and who reopened it and why. The answers of "
        "each submission are kept as they were submitted."
    )
    st.table(
        plain_table(
            {
                "Submission": [record.number for record in history],
                "Submitted": [format_datetime(record.submitted_at) for record in history],
                "Submitted by": [record.submitted_by or "" for record in history],
                "Reopened": [
                    format_datetime(record.reopened_at) if record.reopened_at else "Not reopened"
                    for record in history
                ],
                "Reopened by": [record.reopened_by or "" for record in history],
                "Why it was reopened": [record.reopen_reason for record in history],
            }
        ).set_index("Submission")
    )


WHAT_SUBMITTING_MEANS = (
    "- **The answers are frozen.** Nobody in the team can change a rating, an agreed answer or "
    "its evidence.\n"
    "- **They are shared** with your organisation's user engagement champion and the USER hub.\n"
    "- **They are used for results:** your team's scores, targets and history, and the "
    "organisation's and the hub's overviews.\n"
    "- Only a team lead or an admin can reopen the assessment, giving a reason; this submission "
    "is then kept in its history."
)

if summary.is_submitted:
    st.header("Submitted")
    st.write(
        plain(
            f"{summary.submitted_by or 'Your team lead'} submitted these answers on "
            f"{format_datetime(summary.submitted_at)}."
        )
    )
    _link("results", "See your team's results")
    _submission_history()
    if not is_lead:
        st.stop()
    st.header("Reopen the assessment")
    st.write(
        "Reopen it only if the submitted answers need to change. The team can then change "
        "ratings and agreed answers again, and you submit it again afterwards. What was "
        f"submitted on {format_datetime(summary.submitted_at)} is kept, and results show it "
        "until the next submission. Your reason is recorded."
    )
    with st.form("reopen_form"):
        st.text_area(
            "Why are you reopening the assessment?",
            max_chars=reopening.MAX_REOPEN_REASON,
            key="reopen_reason",
        )
        st.form_submit_button("Reopen the assessment", on_click=_reopen, args=(summary.version,))
    st.stop()

_submission_history()
st.header("Submit the assessment")
if not is_lead:
    st.write("Your team lead submits the assessment once every practice has an agreed answer.")
    st.stop()
confirm = st.session_state.get(CONFIRM_KEY)
if confirm is not None and confirm[0] == summary.id and not problems:
    with st.container(border=True, key="confirm-submit"):
        st.subheader("Are you sure you want to submit?", anchor="confirm-submit")
        st.write(
            plain(
                f"You are about to submit the agreed answers of {summary.team_name} "
                f"for {summary.round_label}."
            )
        )
        st.markdown(WHAT_SUBMITTING_MEANS)
        left, right = st.columns(2)
        with left:
            st.button(
                "Yes, submit the assessment",
                type="primary",
                key="confirm_submit",
                on_click=_submit,
                args=(confirm[1], confirm[2]),
            )
        with right:
            st.button("No, go back to the answers", key="cancel_submit", on_click=_go_back)
    st.stop()
st.write(
    plain(
        "When you submit, these become your team's answers for "
        f"{summary.round_label}. You will be asked to confirm first."
    )
)
st.markdown(WHAT_SUBMITTING_MEANS)
if blocked:
    st.error(
        f"You cannot submit yet: {len(problems)} "
        f"{'practice needs' if len(problems) == 1 else 'practices need'} an agreed answer. "
        "[See the list of problems at the top of the page](#there-is-a-problem)."
    )
st.button(
    "Submit the assessment",
    type="primary",
    key="submit_assessment",
    on_click=_ask_to_confirm,
    args=(summary.version, state.answers_fingerprint()),
)
