"""Survey themes as evidence (issue 14, item 5): the Evidence for teams tab of Survey themes,
and the attached theme under the team's rating on Self-assessment."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from tests.app.conftest import REPO, app_as
from tests.app.test_survey_pages import survey_bytes
from tests.factories import World
from ue_core.db.models import Assessment, AssessmentStatus, utcnow
from ue_core.services import assessments, starting, theme_evidence
from ue_core.services.surveys import imports, theme_sets, views
from ue_core.survey_import import ColumnMapping
from ue_core.theme_evidence import joined_label
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA
from ue_core.timefmt import uk_today

PRACTICE = "seek-views"
PRACTICE_TITLE = "Seek users' views actively"


@pytest.fixture(autouse=True)
def fallback_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)


def _themes(world: World, *, approve: bool = True) -> views.ThemeSetView:
    consultant = world.actor("consultant")
    mapping = ColumnMapping("Respondent ID", ["Barriers"], ["Profession"])
    result = imports.import_survey(
        world.db, consultant, imports.read_file(survey_bytes(), "b.csv"), mapping, "Barriers"
    )
    question = views.get_survey(world.db, consultant, result.survey_id).free_text_questions[0]
    set_id = theme_sets.find_themes(
        world.db, consultant, question.id, 4, expected_current=None, n_top_themes=2
    )
    if approve:
        version = views.theme_set(world.db, consultant, set_id).version
        theme_sets.approve(world.db, consultant, set_id, expected_version=version)
    return views.theme_set(world.db, consultant, set_id)


def _texts(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [e.value for e in at.error]
        + [i.value for i in at.info]
        + [s.value for s in at.success]
    )


def _attach(at: AppTest, theme_id: int | None, team_id: int | None, practice: str | None) -> None:
    for label, value in (
        ("Theme to attach", theme_id),
        ("Team", team_id),
        ("Practice the theme is evidence for", practice),
    ):
        if value is not None:
            next(s for s in at.selectbox if s.label == label).set_value(value)
    next(b for b in at.button if b.label == "Attach as evidence").click().run()
    assert not at.exception, at.exception


def test_consultant_attaches_a_theme_and_the_member_sees_it_under_the_rating(
    world: World,
) -> None:
    view = _themes(world)
    theme = view.themes[0]
    top = view.top_theme(theme.top_theme_id or 0)
    starting.start_assessment(world.db, world.actor("member"), world.team_id, uk_today())

    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    assert not at.exception
    assert "Evidence for teams" in [h.value for h in at.header]
    box = next(s for s in at.selectbox if s.label == "Theme to attach")
    label = joined_label(top.label, theme.label)
    assert any(option.startswith(f"{label} (") for option in box.options)
    practices = next(s for s in at.selectbox if s.label == "Practice the theme is evidence for")
    # Only the practices of data/theme_evidence.yaml are offered.
    assert any(option.startswith(PRACTICE_TITLE) for option in practices.options)
    assert not any(option.startswith("Match effort") for option in practices.options)
    assert any("No themes from this survey are attached" in m.value for m in at.markdown)

    _attach(at, theme.id, world.team_id, PRACTICE)
    assert at.success[0].value.startswith(f"Attached '{label}' to Test team")
    table = next(d.value for d in at.dataframe if "Attached" in d.value.columns)
    assert list(table["Team"]) == ["Test team"] and list(table["Answers"]) == [theme.size]

    member = app_as(world, "member").run()
    member.switch_page(str(REPO / "screens/assessment.py")).run()
    assert not member.exception, member.exception
    shown = _texts(member)
    assert "Evidence from user surveys, attached by the USER hub" in shown
    assert f"{theme.size} answers" in shown
    [evidence] = theme_evidence.assessment_evidence(
        world.db, world.actor("member"), _assessment(world)
    )[PRACTICE]
    for quote in evidence.quotes:
        assert quote.split()[0] in shown
    assert "Attached by Consultant on" in shown


def _assessment(world: World) -> int:
    found = assessments.current_assessment_id(
        world.db, world.actor("member"), world.team_id, uk_today()
    )
    assert found is not None
    return found


def test_bad_choices_get_a_clear_message_and_nothing_is_attached(world: World) -> None:
    draft = _themes(world, approve=False)
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    assert any("These themes are a draft" in i.value for i in at.info)

    _attach(at, None, None, None)
    assert "Choose a theme, a team and a practice" in at.error[0].value

    # The team has not started this round's assessment.
    _attach(at, draft.themes[0].id, world.team_id, PRACTICE)
    assert "Test team has not started its 2026 to 2027 self-assessment" in at.error[0].value

    starting.start_assessment(world.db, world.actor("member"), world.team_id, uk_today())
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    _attach(at, draft.themes[0].id, world.team_id, PRACTICE)
    assert "These themes are a draft. Approve them" in at.error[0].value
    [survey] = views.list_surveys(world.db, world.actor("consultant"))
    assert theme_evidence.survey_evidence(world.db, world.actor("consultant"), survey.id) == []


def test_a_consultant_removes_evidence_from_a_draft_assessment(world: World) -> None:
    view = _themes(world)
    starting.start_assessment(world.db, world.actor("member"), world.team_id, uk_today())
    theme_evidence.attach_theme(
        world.db, world.actor("consultant"), view.themes[0].id, _assessment(world), PRACTICE
    )
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    next(b for b in at.button if b.label == "Remove this evidence").click().run()
    assert not at.exception
    assert at.success[0].value == "Evidence removed."
    assert (
        theme_evidence.assessment_evidence(world.db, world.actor("member"), _assessment(world))
        == {}
    )


def test_the_lead_sees_the_theme_beside_the_ratings_when_agreeing(world: World) -> None:
    view = _themes(world)
    starting.start_assessment(world.db, world.actor("member"), world.team_id, uk_today())
    attached = theme_evidence.attach_theme(
        world.db, world.actor("consultant"), view.themes[0].id, _assessment(world), PRACTICE
    )
    lead = app_as(world, "lead").run()
    lead.switch_page(str(REPO / "screens/agree.py")).run()
    assert not lead.exception, lead.exception
    shown = _texts(lead)
    assert "Evidence from user surveys, attached by the USER hub" in shown
    assert plural_answers(attached.answer_count) in shown


def plural_answers(count: int) -> str:
    return f"{count} answer" + ("" if count == 1 else "s")


def test_a_submitted_assessment_still_shows_its_survey_evidence(world: World) -> None:
    view = _themes(world)
    starting.start_assessment(world.db, world.actor("member"), world.team_id, uk_today())
    assessment_id = _assessment(world)
    attached = theme_evidence.attach_theme(
        world.db, world.actor("consultant"), view.themes[0].id, assessment_id, PRACTICE
    )
    with world.db.transaction() as session:  # submitted as the lead would, in short
        session.execute(
            update(Assessment)
            .where(Assessment.id == assessment_id)
            .values(status=AssessmentStatus.SUBMITTED.value, submitted_at=utcnow())
        )
    member = app_as(world, "member").run()
    member.switch_page(str(REPO / "screens/assessment.py")).run()
    assert not member.exception, member.exception
    assert "Evidence from user surveys" in [h.value for h in member.header]
    assert any(PRACTICE_TITLE in s.value.replace("\\", "") for s in member.subheader)
    assert attached.quotes[0].split()[0] in _texts(member)
