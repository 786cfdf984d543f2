"""A whole self-assessment in a real browser, as the demo personas.

Sam Patel starts the 2026 to 2027 assessment, keeps last round's answers and changes some;
Alex Morgan does the same but rates one practice three levels away from Sam. Jo Williams sees
how many of the team's four members rated each practice, agrees the 28 practices where Sam and
Alex gave the same answer in one action, then the disputed one with a note; submits after a
confirmation that says what submitting means; reopens with a reason, sees the earlier
submission kept in the history and on Results, submits again and downloads the results as ODS.
Every assessment page visited is scanned with axe (WCAG 2.2 AA).
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    APP_TIMEOUT_MS,
    RERUN_START_MS,
    SCREENSHOT_DIR,
    assert_no_axe_violations,
    sign_in_as,
    sign_out,
    wait_for_app,
)
from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.scoring import PracticeRating, round_score, score_assessment
from ue_core.services import accounts, agreeing, assessments
from ue_core.timefmt import uk_today
from ui.navigation import SCREENS_BY_KEY

pytestmark = pytest.mark.e2e

DISPUTED = "know-your-users"
DISPUTED_TITLE = "Know who uses the statistics"
ROUND = "2026 to 2027"
SAVED = re.compile(r"^Saved \d")  # the confirmation caption, not a conflict message


def _settle(page: Page) -> None:
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)


def _go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    _settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def _shot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"assessment-{name}.png"), full_page=True)


def _practice(page: Page, key: str) -> Locator:
    return page.locator(f".st-key-practice-{key}")


def _choose_level(container: Locator, level_prefix: str) -> None:
    container.get_by_text(level_prefix, exact=False).first.click()
    # While the save reruns the page, the form drawn for the old version can still be on screen
    # beside the new one, so look for a checked radio with this label rather than exactly one.
    checked = container.get_by_role(
        "radio", name=re.compile("^" + re.escape(level_prefix)), checked=True
    )
    expect(checked.first).to_be_attached()


def _rate(page: Page, key: str, level_prefix: str, evidence: str | None = None) -> None:
    """Change one practice's rating through the form; each change saves at once."""
    container = _practice(page, key)
    _choose_level(container, level_prefix)
    _settle(page)
    expect(container.get_by_text(SAVED)).to_be_visible()
    expect(container.get_by_test_id("stAlertContentError")).to_have_count(0)  # no conflict
    if evidence is not None:
        box = container.get_by_role("textbox", name="Evidence", exact=True)
        box.fill(evidence)
        box.press("Tab")  # a text area commits (and so saves) when it loses focus
        _settle(page)
        expect(container.get_by_text("Carried over from")).to_have_count(0)


def _member_rates(page: Page, app_url: str, name: str, level_prefix: str, start: bool) -> None:
    sign_in_as(page, app_url, name)
    _go_to(page, "Self-assessment")
    if start:
        expect(
            page.get_by_text("starts from the answers your team agreed in 2025 to 2026")
        ).to_be_visible()
        assert_no_axe_violations(page, f"the self-assessment start page ({name})")
        page.get_by_role("button", name=f"Start the {ROUND} self-assessment").click()
        _settle(page)
    expect(page.get_by_text("You have rated 0 of 29 practices.")).to_be_visible()
    page.get_by_role(
        "button", name="Keep last round's answers for practices I haven't rated"
    ).click()
    _settle(page)
    expect(page.get_by_text("Kept 29 of last round's answers.")).to_be_visible()
    expect(page.get_by_text("You have rated 29 of 29 practices.")).to_be_visible()
    expect(_practice(page, DISPUTED).get_by_text("Carried over from 2025 to 2026")).to_be_visible()
    _rate(page, DISPUTED, level_prefix, evidence=f"{name}'s view: see the user map, May 2026.")
    _rate(page, "anticipate-needs", "3 Learning:")
    expect(page.get_by_text("You have rated 29 of 29 practices.")).to_be_visible()
    _shot(page, f"rate-{name.split()[0].lower()}")
    assert_no_axe_violations(page, f"the self-assessment page ({name})")
    sign_out(page)


def _team_assessment(db: Database) -> tuple[Actor, int]:
    lead = accounts.actor_for_email(db, "jo.williams@demo.example")
    assert lead is not None
    [team_id] = lead.team_ids()
    assessment_id = assessments.current_assessment_id(db, lead, team_id, uk_today())
    assert assessment_id is not None
    return lead, assessment_id


def _needing_agreement(database_url: str) -> list[str]:
    """Practices where Sam and Alex did not both give the same answer (from the database)."""
    db = Database(database_url)
    try:
        comparisons = agreeing.compare_team_ratings(db, *_team_assessment(db))
    finally:
        db.dispose()
    found = [c for c in comparisons if c.agreement.rater_count != 2 or not c.agreement.all_agree]
    for c in found:
        print(c.practice.key, {u: s.answer for u, s in c.ratings.items()})
    return [c.practice.key for c in found]


def _expected_scores(database_url: str) -> dict[str, float | None]:
    """Principle and overall scores worked out from the agreed answers, through ue_core.scoring."""
    db = Database(database_url)
    try:
        state = assessments.load_state(db, *_team_assessment(db))
    finally:
        db.dispose()
    ratings = [
        PracticeRating(
            practice_key=item.key,
            principle_key=item.principle_key,
            level=state.agreed[item.id].answer.level,
            not_applicable=state.agreed[item.id].answer.not_applicable,
            evidence_date=state.agreed[item.id].answer.evidence_date,
        )
        for item in state.practices
    ]
    scores = score_assessment(ratings, uk_today())
    titles = {item.principle_key: item.principle_title for item in state.practices}
    expected: dict[str, float | None] = {
        titles[p.principle_key]: None if p.score is None else float(round_score(p.score))
        for p in scores.principles
    }
    overall = scores.overall_score
    expected["Overall"] = None if overall is None else float(round_score(overall))
    return expected


def test_two_members_rate_the_lead_agrees_submits_and_downloads(
    page: Page, app_url: str, demo_database_url: str
) -> None:
    page.set_default_timeout(APP_TIMEOUT_MS)
    _member_rates(page, app_url, "Sam Patel", "4 Developing:", start=True)
    _member_rates(page, app_url, "Alex Morgan", "1 Beginning:", start=False)

    # Both members' ratings are saved; only the disputed practice needs discussion.
    assert _needing_agreement(demo_database_url) == [DISPUTED]

    # Jo Williams, the lead, agrees the team's answers.
    sign_in_as(page, app_url, "Jo Williams")
    _go_to(page, "Agree ratings")
    expect(
        page.get_by_text("0 of 29 practices have an agreed answer.", exact=False)
    ).to_be_visible()
    # Each practice says how many of the four members rated it, never "everyone" for two.
    same = page.locator(".st-key-agree-anticipate-needs")
    expect(same.get_by_text("2 of 4 members rated: both gave Learning (3).")).to_be_visible()
    expect(page.get_by_test_id("stCaptionContainer").get_by_text("Everyone gave")).to_have_count(0)
    disputed = page.locator(f".st-key-agree-{DISPUTED}")
    expect(disputed.get_by_text("Ratings differ by 3 levels: discuss", exact=False)).to_be_visible()
    expect(disputed.get_by_text("2 of 4 members rated", exact=False)).to_be_visible()
    expect(disputed.get_by_text("Sam Patel: 4 Developing")).to_be_visible()
    expect(disputed.get_by_text("Alex Morgan: 1 Beginning")).to_be_visible()
    _shot(page, "agree-start")
    assert_no_axe_violations(page, "the agree ratings page (nothing agreed yet)")

    # One action agrees the 28 practices where Sam and Alex gave the same answer: no notes.
    expect(page.get_by_role("heading", name="Where everyone gave the same answer")).to_be_visible()
    page.get_by_role("button", name="Agree the shared answer for 28 practices").click()
    _settle(page)
    expect(page.get_by_text("Agreed the shared answer for 28 practices.")).to_be_visible()
    expect(
        page.get_by_text("28 of 29 practices have an agreed answer.", exact=False)
    ).to_be_visible()
    # Only the disputed practice is left to agree, and it needs a note.
    expect(page.get_by_role("button", name="Save agreed answer")).to_have_count(1)
    disputed = page.locator(f".st-key-agree-{DISPUTED}")
    _shot(page, "agree-flagged")
    assert_no_axe_violations(page, "the agree ratings page (one practice to discuss)")
    _choose_level(disputed, "3 Learning:")
    disputed.get_by_role("button", name="Save agreed answer").click()
    _settle(page)
    expect(page.get_by_text("Add a note on how the team agreed this", exact=False)).to_be_visible()
    disputed.get_by_role("textbox", name="Note on how the team agreed this", exact=False).fill(
        "Discussed at the team meeting: we have a user map but have not reviewed it this year."
    )
    disputed.get_by_role("button", name="Save agreed answer").click()
    _settle(page)
    saved = f"Saved the agreed answer for '{DISPUTED_TITLE}': 3 Learning."
    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text(saved)).to_be_visible()
    expect(page.get_by_test_id("stToastText").get_by_text(saved)).to_be_visible()
    expect(
        page.get_by_text("29 of 29 practices have an agreed answer.", exact=False)
    ).to_be_visible()
    assert_no_axe_violations(page, "the agree ratings page (all agreed)")

    # Check and submit: the lead is told what submitting means and confirms.
    _go_to(page, "Check and submit")
    check = page.locator(f".st-key-check-{DISPUTED}")
    expect(check.get_by_text("Agreed answer: 3 Learning")).to_be_visible()
    expect(check.get_by_role("link", name=f"Change '{DISPUTED_TITLE}'")).to_be_visible()
    assert_no_axe_violations(page, "the check and submit page")
    page.get_by_role("button", name="Submit the assessment").click()
    _settle(page)
    confirm = page.locator(".st-key-confirm-submit")
    expect(confirm.get_by_role("heading", name="Are you sure you want to submit?")).to_be_visible()
    expect(confirm.get_by_text("The answers are frozen.", exact=False)).to_be_visible()
    expect(
        confirm.get_by_text("user engagement champion and the USER hub", exact=False)
    ).to_be_visible()
    expect(confirm.get_by_text("used for results", exact=False)).to_be_visible()
    _shot(page, "confirm-submit")
    assert_no_axe_violations(page, "the submit confirmation")
    # Going back submits nothing.
    confirm.get_by_role("button", name="No, go back to the answers").click()
    _settle(page)
    expect(page.locator(".st-key-confirm-submit")).to_have_count(0)
    expect(check.get_by_role("link", name=f"Change '{DISPUTED_TITLE}'")).to_be_visible()
    page.get_by_role("button", name="Submit the assessment").click()
    _settle(page)
    page.get_by_role("button", name="Yes, submit the assessment").click()
    _settle(page)
    expect(
        page.get_by_text("Jo Williams submitted this assessment on", exact=False)
    ).to_be_visible()
    expect(page.get_by_role("button", name="Submit the assessment")).to_have_count(0)
    expect(page.get_by_role("link", name=f"Change '{DISPUTED_TITLE}'")).to_have_count(0)
    _shot(page, "submitted")
    assert_no_axe_violations(page, "the submitted, read-only check page")

    # The lead reopens it with a reason; the submission is kept in the history.
    reason = "The user survey results arrived the day after we submitted."
    page.get_by_role("button", name="Reopen the assessment").click()
    _settle(page)
    expect(page.get_by_text("Say why the assessment is being reopened.")).to_be_visible()
    page.get_by_role("textbox", name="Why are you reopening the assessment?").fill(reason)
    page.get_by_role("button", name="Reopen the assessment").click()
    _settle(page)
    expect(page.get_by_text("You reopened the assessment.", exact=False)).to_be_visible()
    history = page.get_by_test_id("stTable")
    expect(history.get_by_text(reason)).to_be_visible()
    expect(history.get_by_text("Jo Williams").first).to_be_visible()
    expect(check.get_by_role("link", name=f"Change '{DISPUTED_TITLE}'")).to_be_visible()
    _shot(page, "reopened")
    assert_no_axe_violations(page, "the check page after reopening")

    if "results" in SCREENS_BY_KEY:
        _go_to(page, SCREENS_BY_KEY["results"].title)
        expect(
            page.get_by_text("This assessment has been reopened so the team can change it.")
        ).to_be_visible()
        assert_no_axe_violations(page, "the results page of a reopened assessment")
        _go_to(page, "Check and submit")

    page.get_by_role("button", name="Submit the assessment").click()
    _settle(page)
    page.get_by_role("button", name="Yes, submit the assessment").click()
    _settle(page)
    expect(
        page.get_by_text("Jo Williams submitted this assessment on", exact=False)
    ).to_be_visible()
    expect(page.get_by_test_id("stTable").get_by_text("Not reopened")).to_be_visible()
    expect(page.get_by_test_id("stTable").get_by_text(reason)).to_be_visible()

    if "results" not in SCREENS_BY_KEY:
        pytest.skip("The results page is not part of the app yet.")
    _go_to(page, SCREENS_BY_KEY["results"].title)
    page.get_by_test_id("stMain").get_by_role(
        "tab", name="Download your results", exact=True
    ).click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download spreadsheet (ODS)").click()
    path = download_info.value.path()
    content = path.read_bytes()
    sheets = pd.read_excel(io.BytesIO(content), sheet_name=None, engine="odf", header=None)
    assert {"Cover", "Notes", "Scores", "Practices"} <= set(sheets)
    assert next(iter(sheets)) == "Cover"
    cover_text = " ".join(str(v) for v in sheets["Cover"].to_numpy().ravel() if pd.notna(v))
    assert "Housing and communities statistics" in cover_text and ROUND in cover_text

    scores = _table(sheets["Scores"])
    expected = _expected_scores(demo_database_url)
    got = dict(zip(scores["Principle"], scores["Score"], strict=True))
    assert set(got) == set(expected)
    for principle, score in expected.items():
        assert got[principle] == pytest.approx(score), principle
    practices = _table(sheets["Practices"])
    disputed_row = practices[practices["Practice"] == DISPUTED_TITLE]
    assert list(disputed_row["Agreed level"].astype(int)) == [3]
    assert len(practices) == 29


def _table(sheet: pd.DataFrame) -> pd.DataFrame:
    """The table on a sheet: the rows below its header row (the first starting "Principle")."""
    header_row = next(i for i, v in enumerate(sheet.iloc[:, 0]) if v == "Principle")
    table = sheet.iloc[header_row + 1 :].copy()
    table.columns = list(sheet.iloc[header_row])
    return table.dropna(how="all").reset_index(drop=True)
