"""Approving themes and preparing a large export run as jobs; Your jobs lists them, with the
file to download; both pages pass axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    APP_TIMEOUT_MS,
    assert_no_axe_violations,
    choose_option,
    screenshot,
    sign_in_as,
    wait_for_app,
)
from ue_core.db.engine import Database
from ue_core.personas import PERSONAS
from ue_core.services import accounts
from ue_core.services.surveys import imports, theme_sets, views
from ue_core.survey_import import ColumnMapping

pytestmark = pytest.mark.e2e

#: The download button of the file an export job made ("Download <stem>-coded.csv").
FILE = re.compile(r"^Download .*-coded\.csv$")

TITLE = "Survey approved in the background"
ANSWERS = [
    "No time to talk to users before each release",
    "We do not know who our users are",
    "The feedback survey gets few answers",
    "Senior managers do not support engagement",
]


def _themed_survey(url: str) -> None:
    """A survey with draft themes, as the consultant persona would make it."""
    db = Database(url)
    email = next(p.email for p in PERSONAS if p.display_name == "Ruth Okafor")
    consultant = accounts.actor_for_email(db, email)
    assert consultant is not None
    rows = ["Respondent ID,Barriers"]
    rows += [f'A{n},"{text}"' for n, text in enumerate(ANSWERS * 5, 1)]
    raw = imports.read_file(("\n".join(rows) + "\n").encode(), "approve.csv")
    result = imports.import_survey(
        db, consultant, raw, ColumnMapping("Respondent ID", ["Barriers"]), TITLE
    )
    question_id = views.get_survey(db, consultant, result.survey_id).free_text_questions[0].id
    theme_sets.find_themes(db, consultant, question_id, 2, expected_current=None)
    db.dispose()


def test_approving_and_exporting_run_as_jobs_listed_on_your_jobs(
    page: Page, app_url: str, demo_database_url: str
) -> None:
    _themed_survey(demo_database_url)
    sign_in_as(page, app_url, "Ruth Okafor")
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Survey themes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Survey themes")
    main = page.get_by_test_id("stMain")
    choose_option(page, page.get_by_test_id("stSelectbox").filter(has_text="Survey").first, TITLE)
    expect(main).to_contain_text("Draft themes", timeout=APP_TIMEOUT_MS)

    main.get_by_role("button", name="Approve themes").click()
    expect(main).to_contain_text("Approved themes", timeout=APP_TIMEOUT_MS)
    expect(main.get_by_text("Themes approved; 0 later answers given a theme")).to_be_visible()

    main.get_by_role("tab", name="Download").click()
    tab = main.get_by_role("tabpanel", name="Download")
    tab.get_by_text("CSV", exact=True).click()
    tab.get_by_role("button", name="Prepare coded responses in the background").click()
    expect(tab.get_by_role("button", name=FILE)).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    assert_no_axe_violations(page, "the themes page's Download tab after an export job")

    nav.get_by_role("link", name="Your jobs", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your jobs")
    expect(main).to_contain_text(f"Approving themes and theming later answers: {TITLE}")
    expect(main).to_contain_text(f"Exporting coded responses: {TITLE}")
    expect(main.get_by_role("button", name=FILE).first).to_be_visible()
    with page.expect_download() as download:
        main.get_by_role("button", name=FILE).first.click()
    assert download.value.suggested_filename.endswith("-coded.csv")
    wait_for_app(page)
    screenshot(page, "your-jobs.png")
    assert_no_axe_violations(page, "Your jobs")
