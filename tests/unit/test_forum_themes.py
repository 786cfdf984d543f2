"""The forum register's words: the shipped file validates and bad files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ue_core.content import ContentError
from ue_core.forum_themes import Side, load_forum_vocabulary, shipped_forum_vocabulary
from ue_core.framework import load_framework

GOOD = """source: https://example.org/strategy
themes:
  - key: housing
    label: Housing
    description: Homes and where people live.
    keywords: [housing, homes]
attendees:
  - key: analysts
    label: Analysts
    description: People who make the statistics.
    side: producer
  - key: public
    label: The public
    description: Anyone who uses the figures.
    side: user
frequencies:
  - key: monthly
    label: Every month
    description: Twelve times a year.
    lapses_after_days: 92
working_together_practices: [user-groups]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "forum_themes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_has_the_seeds_themes_and_both_sides() -> None:
    vocabulary = shipped_forum_vocabulary()
    keys = vocabulary.theme_keys()
    for theme in ("housing", "health", "economy", "migration", "population", "crime_justice"):
        assert theme in keys
    assert {a.side for a in vocabulary.attendees} == set(Side)
    assert vocabulary.theme_label("gone") == "gone"
    assert vocabulary.lapses_after_days("unknown") == 365
    assert vocabulary.lapses_after_days("monthly") < vocabulary.lapses_after_days("yearly")


def test_the_working_together_practices_are_in_the_framework() -> None:
    framework = load_framework()
    for key in shipped_forum_vocabulary().working_together_practices:
        practice = framework.practice(key)
        assert practice.practice_area == "collaborative"


def test_a_small_good_file_loads(tmp_path: Path) -> None:
    vocabulary = load_forum_vocabulary(write(tmp_path, GOOD))
    assert vocabulary.keywords() == {"housing": ("housing", "homes")}
    assert vocabulary.attendee_label("public") == "The public"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("key: housing", "key: Housing Key"), "key"),
        (("keywords: [housing, homes]", "keywords: [Housing]"), "lower case"),
        (("side: user", "side: producer"), "kind of user"),
        (("lapses_after_days: 92", "lapses_after_days: 5"), "lapses_after_days"),
        (("source: https://example.org/strategy", "source: nowhere"), "source"),
    ],
)
def test_bad_files_are_refused(tmp_path: Path, change: tuple[str, str], problem: str) -> None:
    with pytest.raises(ContentError, match=problem):
        load_forum_vocabulary(write(tmp_path, GOOD.replace(*change)))
