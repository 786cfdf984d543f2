"""The commitment themes file: the six shipped themes validate, and bad files are refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ue_core.commitment_themes import (
    CommitmentStatus,
    is_overdue,
    load_commitment_themes,
    shipped_commitment_themes,
)
from ue_core.content import ContentError

GOOD = """themes:
  - key: raise_profile
    label: Raise the profile
    description: Make engagement visible across the organisation.
    source: https://example.org/a
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "themes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_has_the_six_themes_with_sources() -> None:
    themes = shipped_commitment_themes()
    assert themes.theme_keys() == (
        "raise_profile",
        "understand_users",
        "review_practices",
        "work_together",
        "user_testing",
        "engagement_products",
    )
    assert all(str(t.source).startswith("https://") for t in themes.themes)
    assert "RAP" in themes.by_key()["work_together"].description
    assert themes.label("gone") == "gone"


def test_a_small_good_file_loads(tmp_path: Path) -> None:
    assert load_commitment_themes(write(tmp_path, GOOD)).label("raise_profile") == (
        "Raise the profile"
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("key: raise_profile", "key: Raise Profile"), "key"),
        (("source: https://example.org/a", "source: not a web address"), "source"),
        (("    source: https://example.org/a\n", ""), "source"),
        (
            ("description: Make engagement visible across the organisation.", "description: x"),
            "description",
        ),
    ],
)
def test_a_bad_theme_is_refused_naming_the_field(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    with pytest.raises(ContentError, match=problem):
        load_commitment_themes(write(tmp_path, GOOD.replace(*change)))


def test_two_themes_with_one_key_are_refused(tmp_path: Path) -> None:
    twice = GOOD + GOOD.removeprefix("themes:\n").replace("Raise the profile", "Another")
    with pytest.raises(ContentError, match="own key"):
        load_commitment_themes(write(tmp_path, twice))


def test_an_action_is_overdue_once_its_due_date_passed_unless_done_or_dropped() -> None:
    due, today = date(2026, 9, 30), date(2026, 10, 1)
    assert is_overdue(due, CommitmentStatus.IN_PROGRESS, today)
    assert not is_overdue(due, CommitmentStatus.DONE, today)
    assert not is_overdue(due, CommitmentStatus.DROPPED, today)
    assert not is_overdue(due, CommitmentStatus.PLANNED, due)
