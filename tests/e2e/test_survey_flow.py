"""A hub consultant imports the demo survey, finds and refines themes, reads across, downloads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    SCREENSHOT_DIR,
    assert_no_axe_violations,
    sign_in_as,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
BARRIERS = "What are the main barriers to engaging with the users of your statistics?"


def open_screen(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title, timeout=60_000)
    wait_for_app(page, timeout_ms=60_000)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / name), full_page=True)


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option from the Streamlit select box labelled ``label``."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def open_list(page: Page, box: Locator) -> None:
    """Open a multiselect's list of options (clicking its box only focuses it)."""
    if not page.get_by_role("option").first.is_visible():
        box.get_by_role("combobox").click()
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("option").first).to_be_visible()


def choose_many(page: Page, box: Locator, count: int) -> list[str]:
    """Choose the first ``count`` options of a multiselect (after "Select all")."""
    open_list(page, box)
    names = [
        name.strip()
        for name in page.get_by_role("option").all_inner_texts()
        if name.strip() != "Select all"
    ][:count]
    for name in names:
        open_list(page, box)
        page.get_by_role("option", name=name, exact=True).click()
        page.wait_for_timeout(300)
    page.keyboard.press("Escape")
    return names


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    wait_for_app(page)


def test_consultant_imports_themes_refines_reads_across_and_downloads(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    survey_file = tmp_path / "user-engagement-survey.ods"
    subprocess.run(
        [sys.executable, "-m", "ue_core.demo", "--write-survey", str(survey_file)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    sign_in_as(page, app_url, "Ruth Okafor")
    open_screen(page, "Import a survey")
    main = page.get_by_test_id("stMain")
    assert_no_axe_violations(page, "the import page before a file is chosen")

    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(survey_file))
    wait_for_app(page)
    expect(main.get_by_role("heading", name="Preview", exact=True)).to_be_visible()
    expect(main).to_contain_text("OpenDocument spreadsheet")
    expect(main).to_contain_text("No problems found: 180 responses are ready to save.")
    expect(main.get_by_role("heading", name="Personal data removed")).to_be_visible()
    # Streamlit's own grid download is not formula-safe, so it is turned off: hovering over a
    # table shows its toolbar (search) but no "Download as CSV".
    main.get_by_test_id("stDataFrame").first.hover()
    expect(main.get_by_role("button", name="Search").first).to_be_visible()
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)
    title = page.get_by_label("Survey title")
    title.fill("Landscape survey imported in the browser test")
    title.press("Enter")
    wait_for_app(page)
    screenshot(page, "survey-import-preview.png")
    assert_no_axe_violations(page, "the import page with a preview and a validation report")
    main.get_by_role("button", name="Save survey").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Saved '").first).to_contain_text(
        "Saved 'Landscape survey imported in the browser test': 180 responses"
    )

    open_screen(page, "Survey themes")
    choose(page, "Survey", "Landscape survey imported in the browser test")
    expect(main).to_contain_text("No themes yet for this question")
    assert_no_axe_violations(page, "the themes page before any themes are found")
    main.get_by_role("button", name="Find themes").click()
    # Finding themes runs as a job; the page shows its progress, then the themes.
    expect(main).to_contain_text("Themes found and saved.", timeout=90_000)
    wait_for_app(page, timeout_ms=90_000)
    expect(main).to_contain_text("Draft themes")
    expect(main).to_contain_text("175 answers")
    first_theme = main.get_by_role("heading", level=3).first
    expect(first_theme).to_contain_text("1. ")
    screenshot(page, "survey-themes-found.png")
    assert_no_axe_violations(page, "the themes list")

    open_tab(page, "Refine")
    # The sub-theme forms, not the top-level ones ("Top-level theme to rename").
    rename = main.get_by_test_id("stForm").filter(
        has=page.get_by_label("Theme to rename", exact=True)
    )
    rename.get_by_label("New name", exact=True).fill("Not enough time or people")
    rename.get_by_role("button", name="Rename theme").click()
    wait_for_app(page)
    expect(main).to_contain_text("Theme renamed to 'Not enough time or people'.")
    open_tab(page, "Themes")
    # A sub-theme is listed under its top-level theme's heading.
    expect(main).to_contain_text("Not enough time or people")

    open_tab(page, "Refine")
    merge = main.get_by_test_id("stForm").filter(
        has=page.get_by_label("Themes to merge (choose two or more)", exact=True)
    )
    merged = choose_many(page, merge.get_by_test_id("stMultiSelect"), 2)
    assert len(merged) == 2
    merge.get_by_label("Name for the merged theme (optional)").fill("Reaching the right users")
    merge.get_by_role("button", name="Merge themes").click()
    wait_for_app(page)
    expect(main).to_contain_text("2 themes merged.")
    expect(main).to_contain_text("Reaching the right users")
    screenshot(page, "survey-themes-refined.png")
    assert_no_axe_violations(page, "the refine tab")

    open_tab(page, "Read across")
    # A heatmap when enough cells can be shown, otherwise the message that most are hidden.
    chart = main.get_by_role("heading", name="Themes by profession")
    hidden = main.get_by_text("Most figures are hidden", exact=False)
    expect(chart.or_(hidden)).to_be_visible()
    expect(main.get_by_test_id("stVegaLiteChart")).to_have_count(1 if chart.count() else 0)
    expect(main).to_contain_text("[c] means fewer than 5 answers")
    for summary in main.get_by_test_id("stExpander").locator("summary").all():
        if summary.is_visible():
            summary.click()
    wait_for_app(page)
    screenshot(page, "survey-read-across.png")
    assert_no_axe_violations(page, "the read-across by profession")

    open_tab(page, "Download")
    with page.expect_download() as download_info:
        main.get_by_role("button", name="Download coded responses (ODS)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-coded.ods")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"
    assert_no_axe_violations(page, "the download tab")

    open_tab(page, "Review")
    expect(main).to_contain_text("No answers are waiting for review.")
    assert_no_axe_violations(page, "the review tab")

    open_tab(page, "You said, we did")
    action = main.get_by_test_id("stForm").filter(has_text="What the hub did or will do")
    action.get_by_label("What the hub did or will do").fill(
        "Published a short guide to planning engagement around release dates"
    )
    action.get_by_label("Date published, for example 27 3 2026", exact=False).fill("27 3 2026")
    action.get_by_role("button", name="Add action").click()
    wait_for_app(page)
    expect(main).to_contain_text("Action added.")
    open_tab(page, "You said, we did")
    screenshot(page, "survey-you-said-we-did.png")
    assert_no_axe_violations(page, "the you said, we did tab")
