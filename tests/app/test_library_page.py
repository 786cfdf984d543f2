"""The library page: search, filters, detail view, suggestions for a need, admin figures."""

from __future__ import annotations

import pytest

from tests.app.conftest import app_as
from tests.factories import World
from ue_core.catalogue import load_catalogue
from ue_core.services import library

PAGE = "pages/library.py"


@pytest.fixture(autouse=True)
def _fast_embeddings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UE_THEMES_BACKEND", "tfidf-lsa")


def _card_titles(at: object) -> list[str]:
    return [h.value for h in at.subheader]  # type: ignore[attr-defined]


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
    [open_button] = [b for b in at.button if str(b.key).startswith("library_open_")]
    open_button.click().run()
    assert at.header[0].value == "Live Twitter question and answer sessions on rail statistics"
    text = " ".join(m.value for m in at.markdown)
    assert "What happened:" in text
    assert "https://" in text
    at.button(key="library_back").click().run()
    assert at.header[0].value == "Results"


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
    assert len(table) == len(library.search(world.db, world.actor("admin")))
    assert set(table["Recommended"]) == {0}
