"""Your organisation (champions) and the system overview (hub consultants and admins)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_as
from tests.db.test_oversight import CURRENT, PAST, add_assessment, add_organisation, add_teams, flat
from tests.factories import World
from ue_core.db.models import AssessmentStatus
from ue_core.disclosure import SUPPRESSED, SUPPRESSED_NOTE

ORGANISATION_PAGE = "screens/organisation.py"
SYSTEM_PAGE = "screens/system_overview.py"


def seed(world: World) -> None:
    """Six teams of the champion's organisation, and four teams elsewhere (so suppressed)."""
    own = [
        world.team_id,
        *add_teams(world.db, world.organisation_id, [f"Own {i}" for i in range(5)]),
    ]
    for team_id in own:
        add_assessment(world.db, team_id, PAST, flat(3))
    add_assessment(world.db, own[0], CURRENT, flat(4))
    add_assessment(world.db, own[1], CURRENT, flat(2), status=AssessmentStatus.DRAFT)
    elsewhere = add_organisation(world.db, "Agency for Far Away Tests")
    far = [world.other_team_id, *add_teams(world.db, elsewhere, ["Far 1", "Far 2", "Far 3"])]
    for team_id in far:
        add_assessment(world.db, team_id, PAST, flat(5))


def open_page(world: World, who: str, page: str, **query: str) -> AppTest:
    """Sign in through the router, then go to ``page`` (so links to other pages work)."""
    at = app_as(world, who).run()
    for name, value in query.items():
        at.query_params[name] = value
    return at.switch_page(page).run()


def page_text(at: object) -> str:
    """Everything the page wrote as markdown, captions and headings, in one string."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "error"):
        parts.extend(element.value for element in getattr(at, kind))
    return "\n".join(parts)


def test_champion_sees_their_teams_and_a_suppressed_rest_of_system(world: World) -> None:
    seed(world)
    at = open_page(world, "champion", ORGANISATION_PAGE)
    assert not at.exception and not at.error
    assert at.title[0].value == "Your organisation"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Not started"] == "4"
    assert metrics["In draft"] == "1"
    assert metrics["Submitted"] == "1"
    teams = at.dataframe[0].value
    assert sorted(teams["Team"]) == ["Own 0", "Own 1", "Own 2", "Own 3", "Own 4", "Test team"]
    assert set(teams["Latest overall score"]) == {"3.0", "4.0"}
    text = page_text(at)
    assert "Other team" not in text and "Far 1" not in text
    principles = at.dataframe[1].value  # the chart's table alternative
    assert set(principles["Rest of the system (teams)"]) == {f"{SUPPRESSED} (4)"}
    assert set(principles["Your organisation (teams)"]) == {"3.2 (6)"}
    assert SUPPRESSED_NOTE in text


def test_champion_with_no_submitted_assessments_is_told_what_happens_next(world: World) -> None:
    at = open_page(world, "champion", ORGANISATION_PAGE)
    assert not at.exception
    assert any("no scores to show" in info.value for info in at.info)
    assert at.dataframe[0].value["This round"].tolist() == ["Not started"]


def test_team_members_and_consultants_cannot_open_the_organisation_page(world: World) -> None:
    for who in ("member", "consultant"):
        at = app_as(world, who, ORGANISATION_PAGE).run()
        assert "You do not have access" in at.error[0].value
        assert not at.dataframe


def test_consultant_sees_the_system_overview_and_changes_round(world: World) -> None:
    seed(world)
    add_assessment(world.db, world.other_team_id, CURRENT, flat(1))
    at = app_as(world, "consultant", SYSTEM_PAGE).run()
    assert not at.exception and not at.error
    coverage = at.dataframe[0].value
    # Smallest share submitted first: none of 3, 1 of 6, 1 of 1.
    assert list(coverage["Organisation"]) == [
        "Agency for Far Away Tests",
        "Office for Test Statistics",
        "Ministry of Other Tests",
    ]
    assert list(coverage["Submitted (%)"]) == [0, 17, 100]
    assert list(coverage["Mean overall score"]) == [SUPPRESSED, "3.2", SUPPRESSED]
    # Two teams submitted in the current round: every score for it is suppressed.
    assert at.selectbox[0].options == [CURRENT, PAST]
    assert f"Teams at each level, {CURRENT}" in page_text(at)
    assert "no principle scores can be shown" in page_text(at)
    at.selectbox[0].select_index(1).run()
    assert not at.exception
    text = page_text(at)
    assert "Principles from weakest to strongest, 2025 to 2026" in text
    levels = at.table[0].value
    assert set(levels["Teams"]) == {"10"}


def test_champions_and_members_cannot_open_the_system_overview(world: World) -> None:
    for who in ("champion", "member"):
        at = app_as(world, who, SYSTEM_PAGE).run()
        assert "You do not have access" in at.error[0].value
        assert not at.dataframe


TEAM_RESULTS_PAGE = "screens/team_results.py"


def test_champion_opens_each_team_from_the_organisation_page(world: World) -> None:
    seed(world)
    at = open_page(world, "champion", ORGANISATION_PAGE)
    links = {link.label: link for link in at.get("page_link")}
    assert "Test team: results" in links and "Own 3: results" in links
    assert "Other team: results" not in links


def test_champion_reads_a_team_results_without_forms_to_change_them(world: World) -> None:
    seed(world)
    at = open_page(world, "champion", TEAM_RESULTS_PAGE, team=str(world.team_id))
    assert not at.exception and not at.error
    assert at.title[0].value == "Team results"
    assert at.selectbox[0].value == world.team_id
    assert [h.value for h in at.header][:2] == ["Summary", "Contents"]
    assert {m.label: m.value for m in at.metric}["Overall score"] == "4.0"
    assert "Targets" in [t.label for t in at.tabs]
    assert not at.radio and not at.text_area  # no profile or target forms
    assert "Only the team can change" in page_text(at)


def test_champion_asking_for_another_organisations_team_gets_their_own(world: World) -> None:
    seed(world)
    at = open_page(world, "champion", TEAM_RESULTS_PAGE, team=str(world.other_team_id))
    assert not at.exception
    assert at.selectbox[0].value != world.other_team_id
    assert "Other team" not in page_text(at)


def test_team_members_cannot_open_team_results(world: World) -> None:
    at = app_as(world, "member", TEAM_RESULTS_PAGE).run()
    assert at.error and not at.metric
