"""The read-only parts of a team's results, shared by Results and a champion's Team results.

Each function draws one section from the service's ``ResultsView``; the tables behind the charts
are built here, from the view, so screens only choose which sections to show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

import pandas as pd
import streamlit as st

from ue_core.authz import AccessDenied, Actor
from ue_core.errors import NotFound
from ue_core.scoring import HOW_SCORES_WORK, LEVEL_NAMES, format_score
from ue_core.services import results
from ue_core.services.results import ResultsView
from ue_core.text import plural, plural_noun
from ue_core.timefmt import format_date, format_datetime, uk_today
from ui import charts
from ui.context import db
from ui.text import plain

#: Tabs whose drawing writes its own heading.
OWN_HEADING = frozenset({"Download your results"})
#: The "How scores work" text without its own heading (the expander's label says it).
HOW_SCORES_WORK_BODY: Final[str] = HOW_SCORES_WORK.split("\n", 1)[1]


def level_label(level: int | None) -> str:
    return "No level" if level is None else f"{level} {LEVEL_NAMES[level]}"


def score_text(score: float | None) -> str:
    return "No score" if score is None else format_score(score)


def signed(value: float) -> str:
    shown = format_score(value)
    return shown if shown.startswith("-") or shown == "0.0" else f"+{shown}"


def bullets(lines: list[str]) -> None:
    """A bulleted list of the lines, each shown exactly as written."""
    st.markdown("\n".join(f"- {plain(line)}" for line in lines))


def load(actor: Actor, assessment_id: int) -> ResultsView:
    """The results of one assessment as of today; a refusal or a missing one stops the page."""
    try:
        return results.assessment_scores(db(), actor, assessment_id, uk_today())
    except (AccessDenied, NotFound) as problem:
        st.error(plain(problem))
        st.stop()
        raise


def reading_tabs(view: ResultsView) -> dict[str, Callable[[], None]]:
    """The tabs anyone who may see the results reads, in order, each with how it is drawn."""
    return {
        "Scores against targets": lambda: scores_against_targets(view),
        "Practice levels": lambda: practice_levels(view),
        "Change since the last round": lambda: change_since_last_round(view),
        "Strongest and weakest": lambda: strongest_and_weakest(view),
        "Evidence to check": lambda: evidence_to_check(view),
    }


def contents_and_tabs(tabs: Mapping[str, Callable[[], None]]) -> None:
    """A numbered contents list of the tabs, then the tabs, each under its title as a heading.

    A tab drawn by ``None`` draws its own heading.
    """
    st.header("Contents")
    st.write("The rest of the results are in the tabs below:")
    st.markdown(
        "\n".join(f"{number:d}. {plain(title)}" for number, title in enumerate(tabs, start=1))
    )
    for (title, draw), tab in zip(tabs.items(), st.tabs([plain(t) for t in tabs]), strict=True):
        with tab:
            if title not in OWN_HEADING:
                st.header(plain(title))
            draw()


def round_caption(view: ResultsView) -> None:
    """Which team, round and framework edition, and a warning while the answers are a draft."""
    header = view.header
    where = f"{header.team_name}, {header.round_label}."
    if header.is_submitted:
        when = f" Submitted {format_datetime(header.submitted_at)}."
        st.caption(plain(where + when + f" Framework edition {header.framework_edition}."))
        return
    if header.reopened:
        when = f" Submitted {format_datetime(header.submitted_at)}."
        st.caption(plain(where + when + f" Framework edition {header.framework_edition}."))
        st.info(
            "This assessment has been reopened so the team can change it. These results are the "
            f"answers submitted on {format_datetime(header.submitted_at)}; they change only when "
            "the team lead submits again."
        )
        return
    st.caption(plain(f"{where} Framework edition {header.framework_edition}."))
    st.warning(
        "This assessment is still a draft. These results use the answers your team lead has "
        "agreed so far, so they will change until the assessment is submitted."
    )


def summary(view: ResultsView) -> None:
    """The summary sentences and the three headline figures."""
    st.header("Summary")
    bullets(list(view.summary))
    scores, previous = view.scores, view.previous
    columns = st.columns(3)
    columns[0].metric("Overall score", score_text(scores.overall_score))
    columns[1].metric("Overall level", scores.overall_level_name or "No level")
    if previous is not None and previous.comparison.overall_change is not None:
        columns[2].metric(
            plain(f"Change since {previous.round_label}"),
            signed(previous.comparison.overall_change),
            help="Compares only the practices rated in both rounds.",
        )
    else:
        columns[2].metric("Change since the last round", "Nothing to compare")
    with st.expander("How scores work"):
        st.markdown(HOW_SCORES_WORK_BODY)


def next_steps(view: ResultsView) -> list[str]:
    """What to do next, most useful first, as plain text (``bullets`` shows it as typed)."""
    steps: list[str] = []
    short = [p for p in view.scores.principles if p.gap is not None and p.gap > 0]
    if short:
        furthest = max(short, key=lambda p: p.gap or 0)
        steps.append(
            f"Plan actions for {view.principle_titles[furthest.principle_key]}, the "
            f"principle furthest short of its target ({plural(len(short), 'principle')} short "
            "in all)."
        )
    elif view.profile is None:
        steps.append("Answer three questions about your statistics to get suggested targets.")
    unanswered = [p for p in view.practices if p.unanswered]
    if unanswered:
        steps.append(f"Agree an answer for {plural(len(unanswered), 'practice')} not yet agreed.")
    if view.stale or view.undated:
        steps.append(
            f"Check the evidence of {plural(len(view.stale) + len(view.undated), 'practice')}: "
            "it is more than 12 months old or has no date."
        )
    if view.weakest:
        weakest = view.weakest[0]
        steps.append(
            f"Read the library's suggestions for {weakest.title}, one of your weakest practices."
        )
    return steps or ["Keep your evidence up to date and plan the next round."]


def scores_against_targets(view: ResultsView) -> None:
    figures = view.figures  # the same figures as every download of this assessment
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
        figures.table(),
        key="scores_chart",
    )


def _cell(level: int | None, not_applicable: bool) -> str:
    if level is not None:
        return str(level)
    return "N/A" if not_applicable else "Not rated"


def practice_levels(view: ResultsView) -> None:
    current, previous = view.header.round_label, view.previous
    rounds = [current] if previous is None else [previous.round_label, current]
    before: dict[str, str] = {}
    if previous is not None:
        for change in previous.comparison.practices:
            if not change.comparable:
                before[change.practice_key] = "Not comparable"
            else:
                before[change.practice_key] = _cell(change.previous_level, True)
    heat_rows, table_rows = [], []
    for order, practice in enumerate(view.practices):
        cells = {current: _cell(practice.level, practice.not_applicable)}
        if previous is not None:
            cells = {previous.round_label: before.get(practice.key, "Not comparable"), **cells}
        for round_label, text in cells.items():
            heat_rows.append(
                {
                    "Principle": practice.principle_title,
                    "Practice": practice.title,
                    "Round": round_label,
                    "Level": int(text) if text.isdigit() else None,
                    "Label": "—" if text == "Not comparable" else text,
                    "Order": order,
                }
            )
        table_rows.append(
            {"Principle": practice.principle_title, "Practice": practice.title, **cells}
        )
    heat = pd.DataFrame(heat_rows)
    heat["Level"] = heat["Level"].astype("Int64")
    counts = {n: sum(1 for p in view.practices if p.level == n) for n in range(1, 6)}
    count_text = ", ".join(f"{c} at {n} {LEVEL_NAMES[n]}" for n, c in counts.items() if c)
    compared = (
        f"The left column is {previous.round_label}, for comparison; a dash means the practice "
        "is new or changed and cannot be compared. "
        if previous is not None
        else ""
    )
    principles = [view.principle_titles[p.principle_key] for p in view.scores.principles]
    charts.chart(
        "Agreed level of each practice",
        "Each cell is one practice, grouped by principle, shaded from light blue (1 Beginning) to "
        "dark blue (5 Mastering) with the level written in it. "
        + compared
        + f"In {current}: {count_text or 'no practices have a level yet'}.",
        charts.level_heatmap(heat, principles, rounds),
        pd.DataFrame(table_rows),
        key="heatmap_chart",
    )


def change_since_last_round(view: ResultsView) -> None:
    previous = view.previous
    if previous is None:
        st.write(
            "This is your team's first submitted round, so there is nothing to compare with yet. "
            "Next round you will see what changed here."
        )
        return
    current = view.header.round_label
    if previous.framework_changed:
        st.info(
            plain(
                f"The framework changed between {previous.round_label} (edition "
                f"{previous.framework_edition}) and {current} (edition "
                f"{view.header.framework_edition}). Practices are matched through the "
                "framework's crosswalk; those with no match are listed below and left out of "
                "the change."
            )
        )
    changed = [p for p in previous.comparison.principles if p.change is not None]
    if not changed:
        st.write("No practices were rated in both rounds, so there is no change to show.")
    else:
        table = pd.DataFrame(
            {
                "Principle": [view.principle_titles[p.principle_key] for p in changed],
                previous.round_label: [float(format_score(p.previous_score or 0)) for p in changed],
                current: [float(format_score(p.current_score or 0)) for p in changed],
                "Change": [float(format_score(p.change or 0)) for p in changed],
                "Label": [signed(p.change or 0) for p in changed],
                "Practices compared": [p.compared_count for p in changed],
            }
        )
        rises = sum(1 for p in changed if (p.change or 0) > 0)
        falls = sum(1 for p in changed if (p.change or 0) < 0)
        charts.chart(
            f"Change in principle scores since {previous.round_label}",
            "Each bar shows how much a principle's score changed, comparing only the practices "
            "rated in both rounds; the change is written next to each bar. "
            f"{plural(rises, 'principle')} rose and {falls} fell.",
            charts.change_bars(table[["Principle", "Change", "Label"]]),
            table.drop(columns=["Label"]),
            key="change_chart",
        )
    moved = [
        c
        for c in previous.comparison.practices
        if c.change is not None and c.change != 0 and c.previous_level is not None
    ]
    st.subheader("Practices whose level changed")
    if moved:
        st.dataframe(
            pd.DataFrame(
                {
                    "Practice": [view.practice(c.practice_key).title for c in moved],
                    "Principle": [view.principle_titles[c.principle_key] for c in moved],
                    previous.round_label: [level_label(c.previous_level) for c in moved],
                    current: [level_label(c.current_level) for c in moved],
                    "Change": [f"{c.change or 0:+d}" for c in moved],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.write("No practice's level changed since the last round.")
    if previous.not_comparable_titles:
        st.subheader("Practices not compared")
        st.write("These practices are new or changed since the last round, so they are left out:")
        bullets(list(previous.not_comparable_titles))
    if previous.removed_titles:
        st.write(
            plain(f"These practices from {previous.round_label} are no longer in the framework:")
        )
        bullets(list(previous.removed_titles))


def strongest_and_weakest(view: ResultsView) -> None:
    none = "No practice stands out: they are all at the same level, or none is rated."
    left, right = st.columns(2)
    for column, title, chosen in (
        (left, "Strongest", view.strongest),
        (right, "Weakest", view.weakest),
    ):
        with column:
            st.subheader(plain(title))
            if chosen:
                bullets(
                    [f"{p.title} ({p.principle_title}): {level_label(p.level)}" for p in chosen]
                )
            else:
                st.write(none)


def evidence_to_check(view: ResultsView) -> None:
    if not view.stale and not view.undated:
        st.write("Every rated practice has evidence dated within the last 12 months.")
    if view.stale:
        st.warning(
            f"{plural(len(view.stale), 'practice')} {plural_noun(len(view.stale), 'has', 'have')} "
            "evidence more than 12 months old. It still counts, but check it is still true."
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
            f"{plural(len(view.undated), 'practice')} "
            f"{plural_noun(len(view.undated), 'has', 'have')} no evidence date. Add the date "
            "when the evidence was produced."
        )
        bullets([f"{p.title} ({p.principle_title})" for p in view.undated])
    unanswered = [p for p in view.practices if p.unanswered]
    if unanswered:
        st.info(
            f"{plural(len(unanswered), 'practice')} {plural_noun(len(unanswered), 'has', 'have')} "
            "no agreed answer yet, so they are left out of the scores."
        )
