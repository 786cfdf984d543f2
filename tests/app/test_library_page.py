"""The library page: search, filters, detail view, suggestions for a need, admin figures."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import TIMEOUT, app_as
from tests.db.test_library import submitted_assessment
from tests.factories import World
from ue_core.catalogue import load_catalogue
from ue_core.services.library import browse, peer_contacts
from ui.auth import EMAIL_KEY

PAGE = "screens/library.py"


@pytest.fixture(autouse=True)
def _fast_embeddings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UE_THEMES_BACKEND", "tfidf-lsa")


def _card_titles(at: AppTest) -> list[str]:
    """The titles in the compact list (each a button that opens the entry)."""
    return [b.label for b in at.button if str(b.key).startswith("library_row_")]


def test_member_searches_and_filters_the_library(world: World) -> None:
    at = app_as(world, "member", PAGE).run()
    assert not at.exception
    everything = len(load_catalogue().resources())
    assert f"{everything} entries match." in [m.value for m in at.markdown]
    at.text_input[0].input("Twitter").run()
    assert _card_titles(at) == ["Live Twitter question and answer sessions on rail statistics"]
    at.text_input[0].input("").run()
    at.selectbox[0].set_value("training").run()
    training = len(load_catalogue().training)
    assert f"{training} entries match." in [m.value for m in at.markdown]
    at.selectbox[5].set_value("Office of Rail and Road").run()
    assert "Nothing matches" in " ".join(m.value for m in at.markdown)


def test_opening_an_entry_shows_every_field_and_its_sources(world: World) -> None:
    at = app_as(world, "member", PAGE).run()
    at.text_input[0].input("Twitter").run()
    [open_button] = [b for b in at.button if str(b.key).startswith("library_row_")]
    open_button.click().run()
    assert at.header[0].value == "Live Twitter question and answer sessions on rail statistics"
    text = " ".join(m.value for m in at.markdown)
    assert "What happened:" in text
    assert "https://" in text
    at.button(key="library_back").click().run()
    assert at.header[0].value == "Results"


def test_a_quotation_is_shown_as_one_with_its_source(world: World) -> None:
    at = app_as(world, "member", PAGE).run()
    at.text_input[0].input("UKSA").run()
    [open_button] = [b for b in at.button if str(b.key).startswith("library_row_")]
    open_button.click().run()
    assert (
        at.header[0].value == "Engaging producers and users to write the user engagement strategy"
    )
    shown = [m.value for m in at.markdown]
    assert "> “UKSA should develop a strategy for engaging all users of official statistics”" in [
        value.replace("\\", "") for value in shown
    ]
    [source] = [value for value in shown if value.startswith("Quoted from [")]
    assert "(https://publications.parliament.uk/pa/cm201719/cmselect/cmpubadm/1820/182010.htm)" in (
        source
    )


def test_a_hub_example_says_it_describes_planned_support(world: World) -> None:
    at = app_as(world, "member", PAGE).run()
    at.text_input[0].input("citizen panels").run()
    [open_button] = [b for b in at.button if str(b.key).startswith("library_row_")]
    open_button.click().run()
    [note] = [i.value for i in at.info]
    assert "a kind of support the user engagement strategy for statistics (2021) set out" in note
    assert "not an existing named course or service" in note


def test_results_come_a_page_at_a_time_as_a_list_or_as_cards(world: World) -> None:
    at = app_as(world, "member", PAGE).run()
    everything = len(load_catalogue().resources())
    assert everything > 15
    assert len(_card_titles(at)) == 15
    assert f"Page 1 of {-(-everything // 15)}: entries 1 to 15 of {everything}." in [
        m.value for m in at.markdown
    ]
    first_page = _card_titles(at)
    at.button(key=next(str(b.key) for b in at.button if b.label == "Next page")).click().run()
    assert not at.exception
    second_page = _card_titles(at)
    assert second_page and not set(second_page) & set(first_page)
    assert any(m.value.startswith("Page 2 of") for m in at.markdown)

    at.radio(key="library_layout").set_value("cards").run()
    cards = [h.value for h in at.subheader]
    assert len(cards) == 5 and not _card_titles(at)
    assert len([b for b in at.button if str(b.key).startswith("library_open_")]) == 5
    # A new search starts again at page 1.
    at.text_input[0].input("Twitter").run()
    assert [h.value for h in at.subheader] == [
        "Live Twitter question and answer sessions on rail statistics"
    ]
    assert not any(b.label == "Next page" for b in at.button)


def test_a_need_gets_suggestions_with_reasons(world: World) -> None:
    at = app_as(world, "member", PAGE).run()
    at.text_area[0].input("We want to set up a user group for our housing statistics")
    at.button[-1].click().run()
    assert not at.exception
    reasons = [m.value for m in at.markdown if m.value.startswith("Your request is closest to")]
    assert len(reasons) == 5


def test_only_admins_see_usage_figures(world: World) -> None:
    member = app_as(world, "member", PAGE).run()
    assert "How recommendations are used" not in [h.value for h in member.header]
    admin = app_as(world, "admin", PAGE).run()
    assert "How recommendations are used" in [h.value for h in admin.header]
    table = admin.dataframe[0].value
    assert len(table) == len(browse.search(world.db, world.actor("admin")))
    assert set(table["Recommended"]) == {0}


def _results_section(assessment_id: int) -> None:
    """The results page's recommendations section alone, as the signed-in person."""
    import streamlit as st

    from ui.auth import require_page
    from ui.recommendations import render_recommendations

    actor = require_page(None)
    st.header("Recommended for your team")
    render_recommendations(actor, assessment_id)


def _section_as(world: World, who: str, assessment_id: int) -> AppTest:
    at = AppTest.from_function(_results_section, default_timeout=TIMEOUT, args=(assessment_id,))
    at.session_state[EMAIL_KEY] = world.actor(who).email
    return at


def test_team_member_marks_recommendations_used_and_not_relevant(world: World) -> None:
    assessment_id = submitted_assessment(
        world.db, world.team_id, "2025 to 2026", {"user-groups": 1}
    )
    at = _section_as(world, "member", assessment_id).run()
    assert not at.exception and not at.error
    reasons = [m.value for m in at.markdown if " is at " in m.value]
    assert len(reasons) == 8
    assert reasons[0].startswith("'Take part in user groups and forums' is at Beginning")
    first_title = at.subheader[0].value
    [use] = [b for b in at.button if str(b.key).startswith("rec_use_")][:1]
    use.click().run()
    assert "**Your team said it will use this.**" in [m.value for m in at.markdown]
    [dismiss] = [b for b in at.button if str(b.key).startswith("rec_dismiss_")][1:2]
    dismissed_title = at.subheader[1].value
    dismiss.click().run()
    titles = [h.value for h in at.subheader]
    assert first_title in titles and dismissed_title not in titles
    assert "marked not relevant are hidden" in " ".join(c.value for c in at.caption)
    # Members see the opt-in state but only the lead can change it.
    assert not at.toggle


def test_lead_opts_the_team_in_to_peer_contacts(world: World) -> None:
    assessment_id = submitted_assessment(world.db, world.team_id, "2025 to 2026", {})
    at = _section_as(world, "lead", assessment_id).run()
    at.toggle[0].set_value(True).run()
    assert at.success[0].value == "Your team is now listed for other teams."
    assert peer_contacts.happy_to_talk(world.db, world.actor("member"), world.team_id)


def test_another_team_is_refused(world: World) -> None:
    assessment_id = submitted_assessment(world.db, world.team_id, "2025 to 2026", {})
    at = _section_as(world, "outsider", assessment_id).run()
    assert not at.exception
    assert at.error[0].value == "You can only see your own team's results."
    assert not at.subheader
