"""Single sign-on in a real browser, through ``st.login``, against a real OpenID Connect provider.

The provider is ``oidc-provider-mock`` on a free localhost port: it signs real ID tokens, and the
test chooses each account's ``sub`` (typed on its authorisation form) and claims (registered
through its ``PUT /users/<sub>`` API). The workbench runs in oidc mode with a ``secrets.toml``
pointing ``st.login`` at it. A verified person gets in with their role; an unverified email, a
service the workbench does not trust and a changed ``sub`` for a bound email are refused with
the clear message, and nothing of the workbench is shown.
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import oidc_provider_mock
import pytest
import werkzeug.serving
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import _free_port, running_app
from tests.e2e.helpers import (
    APP_TIMEOUT_MS,
    RERUN_START_MS,
    SCREENSHOT_DIR,
    assert_no_axe_violations,
    open_app,
    sidebar_button,
    sidebar_page_titles,
    wait_for_app,
)
from ue_core.db.engine import Database
from ue_core.personas import DEMO_EMAIL_DOMAIN
from ue_core.services import accounts, sign_in
from ui.navigation import screens_for

pytestmark = pytest.mark.e2e

LEAD = f"jo.williams@{DEMO_EMAIL_DOMAIN}"
MEMBER = f"sam.patel@{DEMO_EMAIL_DOMAIN}"


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    """A real OpenID Connect provider on a free localhost port, in a thread of this process."""
    server = werkzeug.serving.make_server(
        "127.0.0.1", _free_port(), oidc_provider_mock.app(), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    with pytest.MonkeyPatch.context() as patch:
        # The provider and Streamlit's client speak plain HTTP on localhost.
        patch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(5)
            server.server_close()


def _register(provider: str, sub: str, claims: dict[str, object]) -> None:
    """Give the provider's account ``sub`` these claims (its ``PUT /users/<sub>`` API)."""
    request = urllib.request.Request(
        f"{provider}/users/{sub}",
        data=json.dumps(claims).encode(),
        headers={"Content-Type": "application/json"},
        method="PUT",
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 204


def _oidc_app(
    e2e_dir: Path, name: str, database_url: str, provider: str, trusted_issuer: str
) -> Iterator[str]:
    port = _free_port()
    secrets_file = e2e_dir / f"{name}-secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "workbench"\n'
        'client_secret = "workbench-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    env = {
        "UE_DATABASE_URL": database_url,
        "UE_AUTH_MODE": "oidc",
        "UE_ENV": "test",
        "UE_OIDC_ISSUER": trusted_issuer,
        "AUTHLIB_INSECURE_TRANSPORT": "1",
    }
    with running_app(
        e2e_dir / f"{name}.log",
        env,
        port=port,
        extra_args=("--secrets.files", str(secrets_file)),
    ) as url:
        yield url


@pytest.fixture(scope="module")
def sso_url(e2e_dir: Path, demo_database_url: str, provider_url: str) -> Iterator[str]:
    """The workbench trusting the provider."""
    yield from _oidc_app(e2e_dir, "sso", demo_database_url, provider_url, provider_url)


@pytest.fixture(scope="module")
def other_issuer_url(e2e_dir: Path, demo_database_url: str, provider_url: str) -> Iterator[str]:
    """The workbench trusting a different sign-in service from the provider it is pointed at."""
    yield from _oidc_app(
        e2e_dir, "other-issuer", demo_database_url, provider_url, "https://login.example.org/v2"
    )


def _page(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", base_url=base_url
    )
    context.set_default_timeout(20_000)
    return context.new_page()


def _sign_in_through_provider(page: Page, base_url: str, sub: str) -> None:
    """From the workbench's sign-in page, sign in at the provider as ``sub`` and come back."""
    open_app(page, base_url)
    expect(
        page.get_by_role("heading", name="Sign in to the user engagement workbench")
    ).to_be_visible()
    page.get_by_role("button", name="Sign in", exact=True).click()
    # st.login sends the browser to the provider's authorisation form.
    page.get_by_placeholder("sub").wait_for(timeout=APP_TIMEOUT_MS)
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base_url}/**", timeout=APP_TIMEOUT_MS)
    page.wait_for_timeout(RERUN_START_MS)
    wait_for_app(page)


def _expect_refused(page: Page, message: str, shot: str) -> None:
    expect(page.get_by_role("heading", name="You cannot sign in to the workbench")).to_be_visible()
    expect(page.get_by_test_id("stAlertContentError")).to_have_text(message)
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    assert_no_axe_violations(page, "the refused single sign-on page")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"sso-refused-{shot}.png"), full_page=True)


def test_verified_person_gets_in_with_their_role_and_a_changed_sub_is_refused(
    browser: Browser, sso_url: str, provider_url: str, demo_database_url: str
) -> None:
    _register(provider_url, "jo-at-idp", {"email": LEAD, "email_verified": True, "name": "Jo"})
    db = Database(demo_database_url)
    lead = accounts.actor_for_email(db, LEAD)
    assert lead is not None

    page = _page(browser, sso_url)
    open_app(page, sso_url)
    assert_no_axe_violations(page, "the single sign-on page")
    _sign_in_through_provider(page, sso_url, "jo-at-idp")
    expect(sidebar_button(page, "Sign out")).to_be_visible(timeout=APP_TIMEOUT_MS)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text(f"Signed in as {lead.display_name}")
    for membership in lead.memberships:
        expect(sidebar).to_contain_text(membership.describe())
    # The lead's menu, exactly: the roles come from the workbench account, not the provider.
    assert sidebar_page_titles(page) == [screen.title for screen in screens_for(lead)]
    assert_no_axe_violations(page, "the home page after single sign-on")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "sso-signed-in.png"), full_page=True)
    # The account is now bound to the provider's account for Jo.
    assert sign_in.actor_for_identity(db, provider_url, "jo-at-idp") == lead
    page.context.close()

    # Someone else at the provider now claims Jo's (verified) email under another account.
    _register(provider_url, "impostor", {"email": LEAD, "email_verified": True})
    page = _page(browser, sso_url)
    _sign_in_through_provider(page, sso_url, "impostor")
    _expect_refused(page, sign_in.ALREADY_LINKED, "changed-sub")
    page.context.close()
    db.dispose()


def test_unverified_email_is_refused(browser: Browser, sso_url: str, provider_url: str) -> None:
    _register(provider_url, "sam-unverified", {"email": MEMBER, "email_verified": False})
    page = _page(browser, sso_url)
    _sign_in_through_provider(page, sso_url, "sam-unverified")
    _expect_refused(page, sign_in.UNVERIFIED_EMAIL, "unverified")
    page.context.close()


def test_a_sign_in_service_the_workbench_does_not_trust_is_refused(
    browser: Browser, other_issuer_url: str, provider_url: str
) -> None:
    _register(provider_url, "sam-verified", {"email": MEMBER, "email_verified": True})
    page = _page(browser, other_issuer_url)
    _sign_in_through_provider(page, other_issuer_url, "sam-verified")
    _expect_refused(page, sign_in.UNTRUSTED_SERVICE, "issuer")
    page.context.close()
