"""Survey themes as evidence (issue 14, item 5) in a real browser.

The demo survey's answers, imported under a title of their own and themed at two levels
(top-level themes holding sub-themes), then approved. Ruth Okafor (hub consultant) opens the
themes, opens a top-level theme's sub-themes, and on "Evidence for teams" attaches a sub-theme
to the demo team's rating of "Seek users' views actively". Sam Patel (team member) then sees it
under that rating on Self-assessment: the theme's name, its number of answers and its quotes.
Every page used is scanned with axe (WCAG 2.2 AA).
"""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    assert_no_axe_violations,
    choose_option,
    screenshot,
    sign_in_as,
    sign_out,
    wait_for_app,
)
from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.db.models import AssessmentStatus
from ue_core.demo.survey import BARRIERS, PROFESSION, RESPONDENT_COLUMN, build_survey_frame
from ue_core.personas import DEMO_TEAM
from ue_core.services import accounts, assessments, reopening, starting
from ue_core.services.surveys import imports, theme_sets, views
from ue_core.survey_import import ColumnMapping
from ue_core.text import plural
from ue_core.theme_evidence import joined_label
from ue_core.timefmt import uk_today

pytestmark = pytest.mark.e2e

TITLE = "Landscape survey for team evidence"
PRACTICE_TITLE = "Seek users' views actively"


def _person(db: Database, email: str) -> Actor:
    actor = accounts.actor_for_email(db, email)
    assert actor is not None
    return actor


def _approved_demo_themes(db: Database) -> views.ThemeSetView:
    """The demo survey's barriers question, imported again under its own title (so other tests
    on this server see the demo survey as they expect), themed at two levels and approved."""
    consultant = _person(db, "ruth.okafor@demo.example")
    buffer = io.StringIO()
    build_survey_frame(seed=2026, n=180).to_csv(buffer, index=False)
    raw = imports.read_file(buffer.getvalue().encode(), "landscape.csv")
    mapping = ColumnMapping(RESPONDENT_COLUMN, [BARRIERS], [PROFESSION])
    survey_id = imports.import_survey(db, consultant, raw, mapping, TITLE).survey_id
    question = views.get_survey(db, consultant, survey_id).free_text_questions[0]
    set_id = theme_sets.find_themes(
        db, consultant, question.id, 8, expected_current=None, n_top_themes=3
    )
    version = views.theme_set(db, consultant, set_id).version
    theme_sets.approve(db, consultant, set_id, expected_version=version)
    return views.theme_set(db, consultant, set_id)


def _team_draft(db: Database) -> None:
    """The demo team's assessment in this round, as a draft (started, or reopened if an earlier
    test on this server submitted it)."""
    member = _person(db, "sam.patel@demo.example")
    lead = _person(db, "jo.williams@demo.example")
    [team_id] = member.team_ids()
    assessment_id = assessments.current_assessment_id(db, member, team_id, uk_today())
    if assessment_id is None:
        starting.start_assessment(db, member, team_id, uk_today())
        return
    summary = assessments.load_state(db, member, assessment_id).summary
    if summary.status is AssessmentStatus.SUBMITTED:
        reopening.reopen(
            db,
            lead,
            assessment_id,
            reason="To add the hub's survey evidence (browser test).",
            expected_version=summary.version,
        )


def _open(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title, timeout=60_000)
    wait_for_app(page, timeout_ms=60_000)


def test_a_consultant_attaches_a_theme_and_the_team_sees_it_on_its_rating(
    page: Page, app_url: str, demo_database_url: str
) -> None:
    db = Database(demo_database_url)
    try:
        themes = _approved_demo_themes(db)
        _team_draft(db)
    finally:
        db.dispose()
    top = next(t for t in themes.top_themes if len(t.theme_ids) >= 2)
    sub = themes.theme(top.theme_ids[0])
    label = joined_label(top.label, sub.label)

    sign_in_as(page, app_url, "Ruth Okafor")
    _open(page, "Survey themes")
    main = page.get_by_test_id("stMain")
    choose_option(page, page.get_by_test_id("stSelectbox").filter(has_text="Survey").first, TITLE)
    expect(page.get_by_role("combobox", name="Survey", exact=True)).to_have_value(TITLE)
    expect(main).to_contain_text("Approved themes")
    expect(main).to_contain_text(
        f"{plural(len(themes.top_themes), 'top-level theme')}, holding "
        f"{plural(len(themes.themes), 'sub-theme')}"
    )
    # The top-level themes are headings; each opens to its sub-themes.
    expect(main.get_by_role("heading", level=3).filter(has_text=top.label).first).to_be_visible()
    opener = main.get_by_test_id("stExpander").filter(has_text=f"Sub-themes of {top.label}").first
    opener.locator("summary").click()
    wait_for_app(page)
    expect(opener).to_contain_text(sub.label)
    expect(opener).to_contain_text(plural(sub.size, "answer"))
    screenshot(page, "theme-evidence-sub-themes.png")
    assert_no_axe_violations(page, "the approved themes with a top-level theme opened")

    page.get_by_role("tab", name="Evidence for teams", exact=True).click()
    wait_for_app(page)
    expect(main.get_by_role("heading", name="Evidence for teams")).to_be_visible()
    expect(main).to_contain_text("No themes from this survey are attached")
    form = main.get_by_test_id("stForm").filter(has_text="Theme to attach")
    boxes = form.get_by_test_id("stSelectbox")
    choose_option(page, boxes.filter(has_text="Theme to attach"), sub.label)
    choose_option(page, boxes.filter(has_text="Team"), DEMO_TEAM)
    choose_option(page, boxes.filter(has_text="Practice the theme is evidence for"), PRACTICE_TITLE)
    form.get_by_role("button", name="Attach as evidence").click()
    wait_for_app(page)
    expect(main).to_contain_text(
        f"Attached '{label}' to {DEMO_TEAM}'s rating of '{PRACTICE_TITLE}'."
    )
    page.get_by_role("tab", name="Evidence for teams", exact=True).click()
    wait_for_app(page)
    expect(main.get_by_role("button", name="Remove this evidence")).to_be_visible()
    screenshot(page, "theme-evidence-attached.png")
    assert_no_axe_violations(page, "the Evidence for teams tab after attaching a theme")
    sign_out(page)

    sign_in_as(page, app_url, "Sam Patel")
    _open(page, "Self-assessment")
    principle = page.get_by_test_id("stSelectbox").filter(has_text="Principle").first
    choose_option(page, principle, "Proactively involving users")
    practice = page.locator(".st-key-practice-seek-views")
    expect(practice).to_contain_text("Evidence from user surveys, attached by the USER hub")
    expect(practice).to_contain_text(label)
    expect(practice).to_contain_text(f"{plural(sub.size, 'answer')} to")
    expect(practice).to_contain_text("What users said:")
    expect(practice).to_contain_text("Attached by Ruth Okafor on")
    # The other practices have no survey evidence.
    expect(page.locator(".st-key-practice-know-your-users")).not_to_contain_text(
        "Evidence from user surveys"
    )
    practice.scroll_into_view_if_needed()
    screenshot(page, "theme-evidence-on-the-rating.png")
    assert_no_axe_violations(page, "the self-assessment with a survey theme as evidence")
