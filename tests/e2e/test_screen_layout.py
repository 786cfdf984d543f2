"""Long pages made short, in a real browser: Results in tabs with a contents list, the library a
page at a time, the read-across saying when most cells are hidden, and a champion opening a team.
Each page passes axe. Screenshots go to /work/screens-review for the review."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import RERUN_START_MS, assert_no_axe_violations, sign_in_as, wait_for_app
from ue_core.db.engine import Database
from ue_core.demo.survey import BARRIERS, PROFESSION, RESPONDENT_COLUMN, build_survey_frame
from ue_core.personas import PERSONAS
from ue_core.services.accounts import actor_for_email
from ue_core.services.surveys import imports, theme_sets, views
from ue_core.survey_import import ColumnMapping
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA

pytestmark = pytest.mark.e2e

REVIEW_DIR = Path("/work/screens-review")
#: A page's first drawing on a busy machine (Results loads the recommender once per server).
FIRST_LOAD_MS = 240_000
SMALL_SURVEY = "Small survey for the read-across"
#: Twelve answers over four professions: most theme-by-profession cells have 1 to 4 answers.
SMALL_ROWS = [
    ("S1", "Statistician", "Not enough time to meet users"),
    ("S2", "Statistician", "No time in the release cycle for engagement"),
    ("S3", "Economist", "We do not know who our users are"),
    ("S4", "Economist", "Hard to find out who uses the statistics"),
    ("S5", "Social researcher", "No budget for user events"),
    ("S6", "Social researcher", "Money for events is tight"),
    ("S7", "Data scientist", "Time pressure from other work"),
    ("S8", "Data scientist", "Users are hard to reach"),
    ("S9", "Statistician", "No budget and no time"),
    ("S10", "Economist", "Not sure who the users are"),
    ("S11", "Social researcher", "Too little time"),
    ("S12", "Data scientist", "No money for travel to meet users"),
]


#: How tall the page's content is: the main block holds everything below the sidebar.
CONTENT_HEIGHT_JS = (
    "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight"
)


def review_shot(page: Page, name: str) -> None:
    """The whole page in one picture: Streamlit scrolls inside its main block, so the window is
    made as tall as the content first."""
    height = page.evaluate(CONTENT_HEIGHT_JS)
    page.set_viewport_size({"width": 1280, "height": int(height) + 40})
    wait_for_app(page)
    REVIEW_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(REVIEW_DIR / name), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    page.wait_for_timeout(RERUN_START_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text(title, timeout=FIRST_LOAD_MS)
    wait_for_app(page, timeout_ms=FIRST_LOAD_MS)


def click_button(page: Page, name: str) -> None:
    page.get_by_test_id("stMain").get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)


def open_tab(page: Page, name: str) -> None:
    page.get_by_test_id("stMain").get_by_role("tab", name=name, exact=True).click()
    wait_for_app(page)


def test_results_open_with_summary_and_next_steps_then_tabs(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Jo Williams")
    go_to(page, "Results")
    main = page.get_by_test_id("stMain")
    for heading in ("Summary", "Next steps", "Contents"):
        expect(main.get_by_role("heading", name=heading, level=2)).to_be_visible()
    tabs = main.get_by_role("tab")
    expect(tabs).to_have_count(8)
    expect(tabs.first).to_have_text("Scores against targets")
    expect(main.get_by_role("heading", name="Principle scores against targets")).to_be_visible()
    # The other tabs' sections are not drawn on the page until their tab is chosen.
    expect(main.get_by_role("heading", name="Agreed level of each practice")).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 900})
    REVIEW_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(REVIEW_DIR / "results.png"), full_page=True)
    height = page.evaluate(CONTENT_HEIGHT_JS)
    assert height < 4_000, f"Results is {height} pixels tall"
    assert_no_axe_violations(page, "Results, first tab")
    open_tab(page, "Practice levels")
    expect(main.get_by_role("heading", name="Agreed level of each practice")).to_be_visible()
    assert_no_axe_violations(page, "Results, practice levels tab")


def test_library_results_come_a_page_at_a_time(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Sam Patel")
    go_to(page, "Library")
    main = page.get_by_test_id("stMain")
    expect(
        main.get_by_text(re.compile(r"^Page 1 of \d+: entries 1 to 15 of \d+\.$"))
    ).to_be_visible()
    review_shot(page, "library.png")
    assert_no_axe_violations(page, "the Library's compact list")
    click_button(page, "Next page")
    expect(main.get_by_text(re.compile(r"^Page 2 of \d+: entries 16 to"))).to_be_visible()
    assert_no_axe_violations(page, "the Library's second page")
    first_title = (
        main.get_by_test_id("stButton")
        .filter(has=page.locator('[data-testid="stBaseButton-tertiary"]'))
        .first
    )
    title = first_title.inner_text().strip()
    first_title.get_by_role("button").click()
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)
    expect(main.get_by_role("heading", name=title, level=2)).to_be_visible()
    assert_no_axe_violations(page, "a Library entry opened from the list")


@pytest.fixture
def small_survey(demo_database_url: str) -> str:
    """A twelve-answer survey with themes found, in the demo database the app is using."""
    os.environ.setdefault(BACKEND_ENV_VAR, TFIDF_LSA)
    db = Database(demo_database_url)
    email = next(p.email for p in PERSONAS if p.display_name == "Ruth Okafor")
    consultant = actor_for_email(db, email)
    assert consultant is not None
    lines = ["Respondent ID,Profession,Barriers"] + [f'{r},{p},"{t}"' for r, p, t in SMALL_ROWS]
    raw = imports.read_file("\n".join(lines).encode(), "small.csv")
    mapping = ColumnMapping("Respondent ID", ["Barriers"], ["Profession"])
    result = imports.import_survey(db, consultant, raw, mapping, SMALL_SURVEY)
    survey = next(s for s in views.list_surveys(db, consultant) if s.id == result.survey_id)
    theme_sets.find_themes(
        db, consultant, survey.free_text_questions[0].id, 3, expected_current=None
    )
    return SMALL_SURVEY


def test_read_across_says_when_most_cells_are_hidden(
    page: Page, app_url: str, small_survey: str
) -> None:
    sign_in_as(page, app_url, "Ruth Okafor")
    go_to(page, "Survey themes")
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stSelectbox").filter(has_text="Survey").first.click()
    page.get_by_role("option", name=small_survey).click()
    wait_for_app(page)
    open_tab(page, "Read across")
    expect(main.get_by_text("Most figures are hidden", exact=False)).to_be_visible()
    expect(main.get_by_test_id("stVegaLiteChart")).to_have_count(0)
    expect(main.get_by_role("heading", name="Counts and percentages")).to_be_visible()
    expect(main.get_by_text("[c] means fewer than 5 answers", exact=False).first).to_be_visible()
    review_shot(page, "read_across.png")
    assert_no_axe_violations(page, "the read-across of a small survey")


@pytest.fixture
def demo_survey(demo_database_url: str) -> str:
    """The demo's 180-response survey with four themes, in the demo database."""
    os.environ.setdefault(BACKEND_ENV_VAR, TFIDF_LSA)
    db = Database(demo_database_url)
    email = next(p.email for p in PERSONAS if p.display_name == "Ruth Okafor")
    consultant = actor_for_email(db, email)
    assert consultant is not None
    title = "Demo survey for the read-across heatmap"
    frame = build_survey_frame(seed=0, n=180)
    raw = imports.read_file(frame.to_csv(index=False).encode(), "demo.csv")
    mapping = ColumnMapping(RESPONDENT_COLUMN, [BARRIERS], [PROFESSION])
    result = imports.import_survey(db, consultant, raw, mapping, title)
    survey = next(s for s in views.list_surveys(db, consultant) if s.id == result.survey_id)
    theme_sets.find_themes(
        db, consultant, survey.free_text_questions[0].id, 4, expected_current=None
    )
    return title


def test_read_across_heatmap_labels_every_cell_with_a_percentage_legend(
    page: Page, app_url: str, demo_survey: str
) -> None:
    sign_in_as(page, app_url, "Ruth Okafor")
    go_to(page, "Survey themes")
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stSelectbox").filter(has_text="Survey").first.click()
    page.get_by_role("option", name=demo_survey).click()
    wait_for_app(page)
    open_tab(page, "Read across")
    expect(main.get_by_role("heading", name="Themes by profession")).to_be_visible()
    expect(main.get_by_test_id("stVegaLiteChart")).to_have_count(1)
    expect(main.get_by_text("Most figures are hidden", exact=False)).to_have_count(0)
    review_shot(page, "read_across_heatmap.png")
    assert_no_axe_violations(page, "the read-across heatmap of the demo survey")


def test_champion_opens_a_team_from_the_organisation_page(page: Page, app_url: str) -> None:
    sign_in_as(page, app_url, "Chris Evans")
    go_to(page, "Your organisation")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Open a team's results")).to_be_visible()
    link = main.get_by_role("link", name="Housing and communities statistics: results")
    link.click()
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Team results")
    expect(main.get_by_role("heading", name="Summary", level=2)).to_be_visible()
    expect(main).to_contain_text("Only the team can change its answers and targets.")
    expect(main.get_by_role("button", name="Save and suggest targets")).to_have_count(0)
    assert_no_axe_violations(page, "a team's results opened by its champion")
