"""The monthly update's categories file and its rules: closing dates, text and links."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ue_core.content import ContentError
from ue_core.errors import InputError
from ue_core.update_categories import (
    MAX_LINKS,
    check_categories,
    check_text,
    closes_on,
    is_open,
    load_update_categories,
    months_label,
    parse_links,
    shipped_update_categories,
)

GOOD = """categories:
  - key: internal_launch
    label: Launched the strategy internally
    description: Told colleagues about the strategy.
    source: https://example.org/a
  - key: case_study
    label: A case study to share
    description: Has an example worth writing up.
    case_study: true
    source: https://example.org/a
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "categories.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_has_the_ten_categories_of_the_seeds() -> None:
    categories = shipped_update_categories()
    assert categories.category_keys() == (
        "internal_launch",
        "metrics",
        "hub_workshop",
        "joined_up",
        "web_analytics",
        "internal_network",
        "internal_pages",
        "hub_feedback",
        "case_study",
        "other",
    )
    assert categories.case_study_key == "case_study"
    assert categories.label("case_study") == "A case study to share"
    assert categories.label("gone") == "gone"
    assert all(str(c.source).startswith("https://") for c in categories.categories)


def test_a_small_good_file_loads(tmp_path: Path) -> None:
    assert load_update_categories(write(tmp_path, GOOD)).case_study_key == "case_study"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("case_study: true", "case_study: false"), "exactly one category must be marked"),
        (("key: case_study", "key: internal_launch"), "each category needs its own key"),
        (("key: case_study", "key: Case Study"), "String should match pattern"),
        (("description: Has an example worth writing up.", "description: short"), "at least 10"),
        (("label: A case study", "colour: red\n    label: A case study"), "Extra inputs"),
    ],
)
def test_bad_files_are_refused_naming_the_problem(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    with pytest.raises(ContentError, match=message):
        load_update_categories(write(tmp_path, GOOD.replace(*change)))


def test_a_months_updates_close_at_the_end_of_the_following_month() -> None:
    assert closes_on(date(2026, 11, 1)) == date(2026, 12, 31)
    assert closes_on(date(2026, 12, 1)) == date(2027, 1, 31)
    assert closes_on(date(2027, 1, 1)) == date(2027, 2, 28)
    assert is_open(date(2026, 11, 1), date(2026, 11, 1))
    assert is_open(date(2026, 11, 1), date(2026, 12, 31))
    assert not is_open(date(2026, 11, 1), date(2027, 1, 1))
    assert not is_open(date(2026, 12, 1), date(2026, 11, 30))  # not started


def test_categories_come_back_in_the_files_order_and_unknown_ones_are_refused() -> None:
    categories = shipped_update_categories()
    assert check_categories(["other", "metrics", "metrics"], categories) == ("metrics", "other")
    with pytest.raises(InputError, match="at least one category"):
        check_categories([], categories)
    with pytest.raises(InputError, match="'nope' is not a category"):
        check_categories(["nope"], categories)


def test_the_text_is_trimmed_and_limited() -> None:
    assert check_text("  We did it.  ") == "We did it."
    with pytest.raises(InputError, match="Write a few words"):
        check_text("\n ")
    with pytest.raises(InputError, match="2,000 characters: it has 2,001"):
        check_text("a" * 2001)


def test_links_are_full_web_addresses_one_a_line() -> None:
    assert parse_links("https://a.gov.uk/x\n\n http://b.org/y?q=1 \nhttps://a.gov.uk/x") == (
        "https://a.gov.uk/x",
        "http://b.org/y?q=1",
    )
    for bad, message in [
        ("www.gov.uk", "start it with https://"),
        ("ftp://files.gov.uk/a", "start it with https://"),
        ("javascript:alert(1)", "start it with https://"),
        ("https://localhost/a", "check the part after https://"),
        ("https://user:pw@site.gov.uk/", "check the part after https://"),
        ("https://a.gov.uk/a b", "has a space in it"),
        ("https://a.gov.uk/" + "x" * 500, "at most 500 characters"),
    ]:
        with pytest.raises(InputError, match=message):
            parse_links(bad)
    many = "\n".join(f"https://site{i}.gov.uk/" for i in range(MAX_LINKS + 1))
    with pytest.raises(InputError, match=f"at most {MAX_LINKS} links"):
        parse_links(many)


def test_a_run_of_months_in_words() -> None:
    assert months_label([date(2026, 3, 1)]) == "March 2026"
    assert months_label([date(2026, 5, 1), date(2026, 3, 1)]) == "March 2026 to May 2026"
    assert months_label([]) == "no months"
