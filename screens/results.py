"""Results: a team's scores against its targets, practice levels, change since the last round,
evidence to check, and the targets themselves (profile, suggestions and the team's own choices).
"""

from __future__ import annotations

import zlib
from typing import cast

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Permission
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.scoring import HOW_SCORES_WORK, LEVEL_NAMES, format_score
from ue_core.services import results, target_setting
from ue_core.targets import (
    CHANGE_FREQUENCY_VALUES,
    PUBLIC_INTEREST_VALUES,
    USER_BREADTH_VALUES,
    ChangeFrequency,
    PublicInterest,
    StatisticsProfile,
    UserBreadth,
)
from ue_core.timefmt import format_date, format_datetime, uk_today
from ui import charts, concurrency
from ui.auth import require_page
from ui.context import db
from ui.downloads import render_assessment_downloads
from ui.navigation import SCREENS_BY_KEY, screens_for
from ui.recommendations import render_recommendations
from ui.teams import choose_team
from ui.text import plain

actor = require_page(Permission.VIEW_TEAM_RESULTS)


def level_label(level: int | None) -> str:
    return "No level" if level is None else f"{level} {LEVEL_NAMES[level]}"


def score_text(score: float | None) -> str:
    return "No score" if score is None else format_score(score)


def signed(value: float) -> str:
    shown = format_score(value)
    return shown if shown.startswith("-") or shown == "0.0" else f"+{shown}"


st.title("Results")

chosen_team = choose_team(actor)
if chosen_team is None:
    st.info("You are not in a team yet, so there are no results to show. Ask your admin.")
    st.stop()
team_id = chosen_team

try:
    available = results.assessments_with_results(db(), actor, team_id)
except (AccessDenied, NotFound) as problem:
    st.error(str(problem))
    st.stop()

if not any(a.is_submitted for a in available):
    st.info("Your team has not submitted an assessment yet.")
if not available:
    st.write(
        "Results appear here once your team lead has agreed the team's answers. "
        "Rate your team's practices first."
    )
    if "assessment" in {s.key for s in screens_for(actor)}:
        screen = SCREENS_BY_KEY["assessment"]
        st.page_link(screen.path, label="Go to your team's self-assessment", icon=screen.icon)
    st.stop()


def round_option(index: int) -> str:
    header = available[index]
    if header.is_submitted:
        return f"{header.round_label} (submitted)"
    return f"{header.round_label} (draft: answers agreed so far)"


default_index = next((i for i, a in enumerate(available) if a.is_submitted), 0)
chosen_index = st.selectbox(
    "Round",
    options=list(range(len(available))),
    index=default_index,
    format_func=round_option,
    help="Your team's latest submitted round is shown first.",
)
assessment_id = available[int(chosen_index or 0)].id

try:
    view = results.assessment_scores(db(), actor, assessment_id, uk_today())
except (AccessDenied, NotFound) as problem:
    st.error(str(problem))
    st.stop()

header = view.header
titles = view.principle_titles
if header.is_submitted:
    st.caption(
        f"{header.team_name}, {header.round_label}. Submitted "
        f"{format_datetime(header.submitted_at)}. Framework edition {header.framework_edition}."
    )
else:
    st.caption(
        f"{header.team_name}, {header.round_label}. Framework edition {header.framework_edition}."
    )
    st.warning(
        "This assessment is still a draft. These results use the answers your team lead has "
        "agreed so far, so they will change until the assessment is submitted."
    )

# --- Summary -------------------------------------------------------------------------------

st.header("Summary")
st.markdown("\n".join(f"- {plain(sentence)}" for sentence in view.summary))

scores = view.scores
previous = view.previous
columns = st.columns(3)
columns[0].metric("Overall score", score_text(scores.overall_score))
columns[1].metric("Overall level", scores.overall_level_name or "No level")
if previous is not None and previous.comparison.overall_change is not None:
    columns[2].metric(
        f"Change since {previous.round_label}",
        signed(previous.comparison.overall_change),
        help="Compares only the practices rated in both rounds.",
    )
else:
    columns[2].metric("Change since the last round", "Nothing to compare")

with st.expander("How scores work"):
    st.markdown(HOW_SCORES_WORK.split("\n", 1)[1])

# --- Scores against targets ----------------------------------------------------------------

st.header("Scores against targets")
figures = view.figures  # the same figures as every download of this assessment
principle_order = [p.principle_key for p in figures.principles]
score_table = figures.table()
chart_data = pd.DataFrame(
    {
        "Principle": [p.title for p in figures.principles],
        "Score": [None if p.score is None else float(p.score) for p in figures.principles],
        "Target": [p.target for p in figures.principles],
        "Label": [p.label for p in figures.principles],
    }
)
charts.chart(
    "Principle scores against targets",
    figures.description(),
    charts.scores_against_targets(chart_data),
    score_table,
    key="scores_chart",
)

# --- Practice heatmap ----------------------------------------------------------------------

st.header("Practice levels")
current_label = header.round_label
round_columns = [current_label]
previous_levels: dict[str, str] = {}
if previous is not None:
    round_columns = [previous.round_label, current_label]
    for change in previous.comparison.practices:
        if not change.comparable:
            previous_levels[change.practice_key] = "Not comparable"
        elif change.previous_level is None:
            previous_levels[change.practice_key] = "N/A"
        else:
            previous_levels[change.practice_key] = str(change.previous_level)


def cell_label(level: int | None, not_applicable: bool) -> str:
    if level is not None:
        return str(level)
    return "N/A" if not_applicable else "Not rated"


heat_rows = []
table_rows = []
for order, practice in enumerate(view.practices):
    current_text = cell_label(practice.level, practice.not_applicable)
    if previous is not None:
        previous_text = previous_levels.get(practice.key, "Not comparable")
        heat_rows.append(
            {
                "Principle": practice.principle_title,
                "Practice": practice.title,
                "Round": previous.round_label,
                "Level": int(previous_text) if previous_text.isdigit() else None,
                "Label": "—" if previous_text == "Not comparable" else previous_text,
                "Order": order,
            }
        )
    heat_rows.append(
        {
            "Principle": practice.principle_title,
            "Practice": practice.title,
            "Round": current_label,
            "Level": practice.level,
            "Label": current_text,
            "Order": order,
        }
    )
    row = {"Principle": practice.principle_title, "Practice": practice.title}
    if previous is not None:
        row[previous.round_label] = previous_levels.get(practice.key, "Not comparable")
    row[current_label] = current_text
    table_rows.append(row)
heat = pd.DataFrame(heat_rows)
heat["Level"] = heat["Level"].astype("Int64")
counts = {level: sum(1 for p in view.practices if p.level == level) for level in range(1, 6)}
count_text = ", ".join(f"{n} at {level} {LEVEL_NAMES[level]}" for level, n in counts.items() if n)
charts.chart(
    "Agreed level of each practice",
    "Each cell is one practice, grouped by principle, shaded from light blue (1 Beginning) to "
    "dark blue (5 Mastering) with the level written in it. "
    + (
        f"The left column is {previous.round_label}, for comparison; a dash means the practice "
        "is new or changed and cannot be compared. "
        if previous is not None
        else ""
    )
    + f"In {current_label}: {count_text or 'no practices have a level yet'}.",
    charts.level_heatmap(heat, [titles[k] for k in principle_order], round_columns),
    pd.DataFrame(table_rows),
    key="heatmap_chart",
)

# --- Change since the last round -----------------------------------------------------------

st.header("Change since the last round")
if previous is None:
    st.write(
        "This is your team's first submitted round, so there is nothing to compare with yet. "
        "Next round you will see what changed here."
    )
else:
    comparison = previous.comparison
    if previous.framework_changed:
        st.info(
            f"The framework changed between {previous.round_label} (edition "
            f"{previous.framework_edition}) and {current_label} (edition "
            f"{header.framework_edition}). Practices are matched through the framework's "
            "crosswalk; those with no match are listed below and left out of the change."
        )
    change_rows = []
    for principle_change in comparison.principles:
        if principle_change.change is None:
            continue
        change_rows.append(
            {
                "Principle": titles[principle_change.principle_key],
                f"{previous.round_label}": float(
                    format_score(principle_change.previous_score or 0)
                ),
                f"{current_label}": float(format_score(principle_change.current_score or 0)),
                "Change": float(format_score(principle_change.change)),
                "Label": signed(principle_change.change),
                "Practices compared": principle_change.compared_count,
            }
        )
    if not change_rows:
        st.write("No practices were rated in both rounds, so there is no change to show.")
    else:
        change_table = pd.DataFrame(change_rows)
        rises = [r["Principle"] for r in change_rows if float(str(r["Change"])) > 0]
        falls = [r["Principle"] for r in change_rows if float(str(r["Change"])) < 0]
        charts.chart(
            f"Change in principle scores since {previous.round_label}",
            "Each bar shows how much a principle's score changed, comparing only the practices "
            "rated in both rounds; the change is written next to each bar. "
            f"{len(rises)} principles rose and {len(falls)} fell.",
            charts.change_bars(change_table[["Principle", "Change", "Label"]]),
            change_table.drop(columns=["Label"]),
            key="change_chart",
        )
    moved = [
        c
        for c in comparison.practices
        if c.change is not None and c.change != 0 and c.previous_level is not None
    ]
    st.subheader("Practices whose level changed")
    if moved:
        st.dataframe(
            pd.DataFrame(
                {
                    "Practice": [view.practice(c.practice_key).title for c in moved],
                    "Principle": [titles[c.principle_key] for c in moved],
                    previous.round_label: [level_label(c.previous_level) for c in moved],
                    current_label: [level_label(c.current_level) for c in moved],
                    "Change": [f"{c.change:+d}" for c in moved if c.change is not None],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.write("No practice's level changed since the last round.")
    if previous.not_comparable_titles:
        st.subheader("Practices not compared")
        st.write(
            "These practices are new or changed since the last round, so they are left out of "
            "the change:"
        )
        st.markdown("\n".join(f"- {plain(t)}" for t in previous.not_comparable_titles))
    if previous.removed_titles:
        st.write(f"These practices from {previous.round_label} are no longer in the framework:")
        st.markdown("\n".join(f"- {plain(t)}" for t in previous.removed_titles))

# --- Strongest and weakest -----------------------------------------------------------------

st.header("Strongest and weakest practices")
left, right = st.columns(2)
with left:
    st.subheader("Strongest")
    if view.strongest:
        st.markdown(
            "\n".join(
                f"- {plain(p.title)} ({plain(p.principle_title)}): {level_label(p.level)}"
                for p in view.strongest
            )
        )
    else:
        st.write("No practice stands out: they are all at the same level, or none is rated.")
with right:
    st.subheader("Weakest")
    if view.weakest:
        st.markdown(
            "\n".join(
                f"- {plain(p.title)} ({plain(p.principle_title)}): {level_label(p.level)}"
                for p in view.weakest
            )
        )
    else:
        st.write("No practice stands out: they are all at the same level, or none is rated.")

# --- Evidence to check ---------------------------------------------------------------------

st.header("Evidence to check")
if not view.stale and not view.undated:
    st.write("Every rated practice has evidence dated within the last 12 months.")
if view.stale:
    st.warning(
        f"{len(view.stale)} practice{'s have' if len(view.stale) != 1 else ' has'} evidence "
        "more than 12 months old. It still counts, but check it is still true."
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Practice": [p.title for p in view.stale],
                "Principle": [p.principle_title for p in view.stale],
                "Level": [level_label(p.level) for p in view.stale],
                "Evidence date": [format_date(p.evidence_date) for p in view.stale],
            }
        ),
        hide_index=True,
        width="stretch",
    )
if view.undated:
    st.warning(
        f"{len(view.undated)} practice{'s have' if len(view.undated) != 1 else ' has'} no "
        "evidence date. Add the date when the evidence was produced."
    )
    st.markdown("\n".join(f"- {plain(p.title)} ({plain(p.principle_title)})" for p in view.undated))
unanswered = [p for p in view.practices if p.unanswered]
if unanswered:
    st.info(
        f"{len(unanswered)} practice{'s have' if len(unanswered) != 1 else ' has'} no agreed "
        "answer yet, so they are left out of the scores."
    )

# --- Targets -------------------------------------------------------------------------------

st.header("Targets")
st.write(
    "Targets are proportionate to your statistics: answer three questions and the workbench "
    "suggests a target level for each principle, with the reasons. You can change a target if "
    "you say why. Targets are for planning, so you can change them after the assessment is "
    "submitted; the agreed answers stay as submitted."
)
profile_version_name = f"assessment_profile_{header.id}"
seen_prefix = f"seen_target::{header.id}::"
seen_profile_version = concurrency.seen_version(profile_version_name, header.version)
profile = view.profile


def option_index(values: tuple[str, ...], current: str | None) -> int | None:
    return values.index(current) if current in values else None


with st.form(f"profile_{header.id}"):
    st.subheader("About your statistics")
    interest = st.radio(
        "How much public interest is there in these statistics?",
        options=list(PUBLIC_INTEREST_VALUES),
        index=option_index(PUBLIC_INTEREST_VALUES, profile.public_interest if profile else None),
        format_func=results.PUBLIC_INTEREST_LABELS.__getitem__,
        key=f"interest_{header.id}",
    )
    breadth = st.radio(
        "How wide is the range of people who use them?",
        options=list(USER_BREADTH_VALUES),
        index=option_index(USER_BREADTH_VALUES, profile.user_breadth if profile else None),
        format_func=results.USER_BREADTH_LABELS.__getitem__,
        key=f"breadth_{header.id}",
    )
    frequency = st.radio(
        "How often do the statistics change (methods, content or timing)?",
        options=list(CHANGE_FREQUENCY_VALUES),
        index=option_index(CHANGE_FREQUENCY_VALUES, profile.change_frequency if profile else None),
        format_func=results.CHANGE_FREQUENCY_LABELS.__getitem__,
        key=f"frequency_{header.id}",
    )
    profile_sent = st.form_submit_button("Save and suggest targets", type="primary")
if profile_sent:
    if interest is None or breadth is None or frequency is None:
        st.error("Answer all three questions to get suggested targets.")
    else:
        try:
            target_setting.set_profile(
                db(),
                actor,
                header.id,
                StatisticsProfile(
                    public_interest=cast(PublicInterest, interest),
                    user_breadth=cast(UserBreadth, breadth),
                    change_frequency=cast(ChangeFrequency, frequency),
                ),
                expected_version=seen_profile_version,
            )
        except ConflictError as conflict:
            concurrency.acknowledge(profile_version_name, header.version)
            st.error(str(conflict))
            st.table(
                {
                    "Question": ["Public interest", "Range of users", "How often they change"],
                    "Their answer": [str(v or "Not answered") for v in conflict.current.values()],
                }
            )
        except (InputError, AccessDenied, NotFound) as problem:
            st.error(str(problem))
        else:
            concurrency.saved(profile_version_name)
            for name in [k for k in st.session_state if str(k).startswith(seen_prefix)]:
                del st.session_state[name]  # the targets moved with the profile
            st.toast("Saved. Your suggested targets are below.")
            st.rerun()

if profile is None:
    st.write("Answer the questions above to see suggested targets for each principle.")
else:
    level_options = [1, 2, 3, 4, 5]
    st.write(
        "A suggested target counts as your target, on this page and in every download, until "
        "you set a different level with a reason."
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Principle": [t.title for t in view.targets],
                "Suggested target": [level_label(t.suggested_level) for t in view.targets],
                "Your target": [level_label(t.level) for t in view.targets],
                "Target source": [t.basis.value for t in view.targets],
                "Reason for a different target": [t.reason_for_change for t in view.targets],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    for target in view.targets:
        label = f"{target.title}: target {level_label(target.level)}"
        if target.changed:
            label += f" (suggested {level_label(target.suggested_level)})"
        with st.expander(label):
            st.markdown(f"**Why {level_label(target.suggested_level)} is suggested**")
            st.markdown(plain(target.rationale))
            if target.reason_for_change:
                st.markdown("**Your reason for a different target**")
                st.markdown(plain(target.reason_for_change))
            seen_key = f"{seen_prefix}{target.principle_key}"
            seen = st.session_state.setdefault(
                seen_key, (target.level if target.saved else None, target.reason_for_change)
            )
            # The widgets are keyed by what the person has seen, so they start again from the
            # saved target once the person saves, changes the profile or sees a conflict.
            widget = f"{header.id}_{target.principle_key}_{zlib.crc32(repr(seen).encode())}"
            with st.form(f"target_{header.id}_{target.principle_key}"):
                new_level = st.selectbox(
                    f"Target for {target.title}",
                    options=level_options,
                    index=level_options.index(target.level) if target.level else 2,
                    format_func=level_label,
                    key=f"target_level_{widget}",
                )
                reason = st.text_area(
                    "Reason for a different target",
                    value=target.reason_for_change,
                    max_chars=target_setting.MAX_REASON,
                    help="Needed when your target is not the suggested level.",
                    key=f"target_reason_{widget}",
                )
                target_sent = st.form_submit_button(f"Save target for {target.title}")
            if target_sent:
                try:
                    target_setting.set_target(
                        db(),
                        actor,
                        header.id,
                        target.principle_key,
                        int(new_level or 3),
                        reason,
                        expected=seen,
                    )
                except ConflictError as conflict:
                    st.session_state[seen_key] = (
                        conflict.current.get("level"),
                        str(conflict.current.get("reason_for_change", "")),
                    )
                    st.error(str(conflict))
                    st.table(
                        {
                            "Their target": [level_label(conflict.current.get("level"))],
                            "Their reason": [
                                str(conflict.current.get("reason_for_change") or "None given")
                            ],
                        }
                    )
                except (InputError, AccessDenied, NotFound) as problem:
                    st.error(str(problem))
                else:
                    st.session_state.pop(seen_key, None)
                    st.toast(f"Target for {target.title} saved.")
                    st.rerun()

# --- Downloads -----------------------------------------------------------------------------

render_assessment_downloads(actor, assessment_id)  # under the header "Download your results"

# --- Recommendations -----------------------------------------------------------------------

st.header("Recommended for your team")
render_recommendations(actor, assessment_id)
