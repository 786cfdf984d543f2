"""Demo sign-in in a real browser: each persona gets exactly its role's menu; pages pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    SCREENSHOT_DIR,
    assert_no_axe_violations,
    open_app,
    sidebar_button,
    sidebar_page_titles,
    sign_in_as,
    sign_out,
)
from ue_core.authz import Actor, MembershipView
from ue_core.personas import PERSONAS, Persona
from ui.navigation import screens_for

pytestmark = pytest.mark.e2e


def expected_menu(persona: Persona) -> list[str]:
    """The titles the sidebar should list, in order, taken from the page registry.

    The menu lists screens in registry order (as ``ui.navigation.pages_for`` builds it for
    ``st.navigation``). Streamlit shows no menu when a person has only one page.
    """
    actor = Actor(
        user_id=0,
        email=persona.email,
        display_name=persona.display_name,
        memberships=(MembershipView(role=persona.role),),
    )
    titles = [screen.title for screen in screens_for(actor)]
    return titles if len(titles) > 1 else []


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def test_sign_in_page_lists_every_persona_and_passes_axe(page: Page, app_url: str) -> None:
    open_app(page, app_url)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in to the user engagement workbench"
    )
    for persona in PERSONAS:
        expect(
            page.get_by_role("button", name=f"Continue as {persona.display_name}", exact=True)
        ).to_be_visible()
    assert_no_axe_violations(page, "the sign-in page")


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: _slug(p.display_name))
def test_persona_sees_their_menu_and_home_page(page: Page, app_url: str, persona: Persona) -> None:
    sign_in_as(page, app_url, persona.display_name)

    assert sidebar_page_titles(page) == expected_menu(persona)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(persona.display_name)

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOT_DIR / f"home-{persona.role.value}-{_slug(persona.display_name)}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert_no_axe_violations(page, f"the home page for {persona.display_name} ({persona.role})")

    sign_out(page)
    expect(sidebar_button(page, "Sign out")).to_have_count(0)
    expect(page.get_by_role("button", name=f"Continue as {persona.display_name}")).to_be_visible()
