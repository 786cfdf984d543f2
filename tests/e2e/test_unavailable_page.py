"""A misconfigured production server tells visitors only that it is not available (issue 9,
defect 9): the settings that are wrong go to the server log, for operators."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import running_app
from tests.e2e.helpers import assert_no_axe_violations, open_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def misconfigured(
    chromium_path: str, demo_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The app in production with demo sign-in asked for, which production refuses."""
    log_path = tmp_path_factory.mktemp("misconfigured") / "streamlit.log"
    env = {"UE_DATABASE_URL": demo_database_url, "UE_AUTH_MODE": "demo", "UE_ENV": "production"}
    with running_app(log_path, env) as url:
        yield url, log_path


@pytest.fixture
def visitor(browser: Browser, misconfigured: tuple[str, Path]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_visitors_see_not_available_and_operators_see_why(
    visitor: Page, misconfigured: tuple[str, Path]
) -> None:
    url, log_path = misconfigured
    open_app(visitor, url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("The workbench is not available")
    expect(visitor.get_by_test_id("stMain")).to_contain_text("not available at the moment")
    shown = visitor.get_by_test_id("stApp").inner_text()
    for detail in ("UE_", "demo", "production", "oidc", "local", "Traceback"):
        assert detail not in shown, f"the page shows {detail!r}"
    expect(visitor.get_by_test_id("stMain").get_by_role("button")).to_have_count(0)
    visitor.screenshot(path="/tmp/e2e-shots/not-available.png")
    assert_no_axe_violations(visitor, "the not-available page")
    logged = log_path.read_text(encoding="utf-8", errors="replace")
    assert "UE_AUTH_MODE" in logged
