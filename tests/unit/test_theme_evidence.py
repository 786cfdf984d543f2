"""Survey themes as evidence: the content file of accepting practices, choosing the quotes and
the words an export uses."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ue_core.content import ContentError
from ue_core.errors import InputError
from ue_core.framework import load_framework
from ue_core.theme_evidence import (
    MAX_QUOTE_CHARS,
    ThemeEvidence,
    check_practice,
    export_cell,
    joined_label,
    load_theme_evidence_rules,
    select_quotes,
    shipped_theme_evidence_rules,
    shorten,
)

GOOD = """practices:
  - key: seek-views
    why: A survey is one way of asking users for their views.
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "theme_evidence.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_practices_are_the_frameworks_listening_understanding_and_acting_ones() -> None:
    framework = load_framework()
    rules = shipped_theme_evidence_rules()
    areas = {key: framework.practice(key).practice_area for key in rules.practice_keys()}
    assert set(areas.values()) == {"listen", "understand", "act"}
    # Every listening practice accepts themes, and the feedback loop is closed by acting on them.
    listening = {p.key for p in framework.practices() if p.practice_area == "listen"}
    assert listening <= set(rules.practice_keys())
    assert rules.accepts("close-feedback-loop") and not rules.accepts("proportionate-effort")
    assert rules.why("seek-views").startswith("A survey is one way")


def test_a_small_good_file_loads(tmp_path: Path) -> None:
    assert load_theme_evidence_rules(write(tmp_path, GOOD)).practice_keys() == ("seek-views",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD + GOOD.removeprefix("practices:\n"), "each practice may be listed only once"),
        (GOOD.replace("seek-views", "Seek Views"), "String should match pattern"),
        (GOOD.replace("    why: A survey", "    colour: red\n    why: A survey"), "Extra inputs"),
        (GOOD.replace("A survey is one way of asking users for their views.", "short"), "at least"),
        ("practices: []\n", "at least 1 item"),
    ],
)
def test_bad_files_are_refused_naming_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ContentError, match=message):
        load_theme_evidence_rules(write(tmp_path, text))


def test_a_practice_that_does_not_accept_themes_is_refused_with_its_title() -> None:
    rules = shipped_theme_evidence_rules()
    check_practice(rules, "seek-views", "Seek users' views actively")
    with pytest.raises(InputError, match="'Match effort' does not take survey themes"):
        check_practice(rules, "proportionate-effort", "Match effort")


def test_quotes_are_the_most_typical_distinct_short_answers() -> None:
    long = "We would like to " + "engage with users far more often " * 10
    members = [
        (0.2, 5, "Least typical of them all, but fine"),
        (0.9, 2, "No time to talk to users before release"),
        (0.95, 1, long),
        (0.9, 3, "no time to talk to users   before release"),  # a repeat
        (0.8, 4, "No"),  # too short to say anything
        (0.7, 6, "Deadlines leave no room for engagement"),
    ]
    # Among the most typical half, answers that fit whole come first; then the next most
    # typical, a long one cut at a word.
    first, cut, third = select_quotes(members)
    assert first == "No time to talk to users before release"
    assert len(cut) <= MAX_QUOTE_CHARS and cut.endswith("...") and " engage with" in cut
    assert third == "Deadlines leave no room for engagement"
    assert select_quotes(members, limit=1) == (first,)
    assert select_quotes([]) == ()


def test_shorten_keeps_short_text_whole_on_one_line() -> None:
    assert shorten("Two\nlines  here") == "Two lines here"
    assert shorten("one two three four", 12) == "one two..."


def test_export_text_names_the_theme_its_size_and_quotes() -> None:
    evidence = ThemeEvidence(
        id=1,
        assessment_id=2,
        practice_key="seek-views",
        practice_title="Seek users' views actively",
        theme_label="No time before release",
        top_theme_label="Capacity",
        answer_count=12,
        quotes=("No time to talk to users", "=cmd|' /C calc'!A0"),
        survey_title="Landscape survey",
        question="What are the barriers?",
        attached_by="Ruth Okafor",
        attached_at=datetime(2026, 12, 4, 12, tzinfo=UTC),
    )
    assert evidence.label == "Capacity: No time before release"
    assert evidence.export_text() == (
        "Survey theme 'Capacity: No time before release' (12 answers to 'What are the "
        'barriers?\' in Landscape survey): "No time to talk to users"; "=cmd|\' /C calc\'!A0"'
    )
    assert export_cell([evidence, evidence]).count(" | ") == 1
    assert export_cell([]) == ""
    assert joined_label("Time", "time") == "time"
