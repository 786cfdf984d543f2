"""Single sign-on claim checks: trusted issuer and tenant, verified email, allowed domains."""

from __future__ import annotations

import pytest

from ue_core.config import OidcTrust
from ue_core.services.sign_in import (
    DOMAIN_NOT_ALLOWED,
    INCOMPLETE_IDENTITY,
    UNTRUSTED_SERVICE,
    UNVERIFIED_EMAIL,
    Identity,
    SignInRefused,
    check_claims,
)

ISSUER = "https://login.example/tenant-1/v2.0"
TRUST = OidcTrust(issuer=ISSUER)
GOOD: dict[str, object] = {
    "iss": ISSUER,
    "sub": "abc-123",
    "email": " Jo.Williams@Stats.Example ",
    "email_verified": True,
    "tid": "tenant-1",
}


def _refusal(claims: dict[str, object], trust: OidcTrust = TRUST) -> SignInRefused:
    with pytest.raises(SignInRefused) as refused:
        check_claims(claims, trust)
    return refused.value


def test_a_verified_email_from_the_trusted_issuer_is_accepted() -> None:
    assert check_claims(GOOD, TRUST) == Identity(
        issuer=ISSUER, subject="abc-123", email="jo.williams@stats.example"
    )
    # A trailing slash is the same issuer; some services send email_verified as "true".
    assert check_claims({**GOOD, "iss": ISSUER + "/", "email_verified": "true"}, TRUST)


@pytest.mark.parametrize("verified", [False, "false", None, "yes", 1])
def test_an_email_the_service_has_not_verified_is_refused(verified: object) -> None:
    claims = {**GOOD, "email_verified": verified}
    if verified is None:
        del claims["email_verified"]
    refused = _refusal(claims)
    assert str(refused) == UNVERIFIED_EMAIL
    assert "jo.williams@stats.example" in refused.detail


@pytest.mark.parametrize("issuer", ["https://evil.example/tenant-1/v2.0", "", None])
def test_another_issuer_is_refused_without_naming_the_trusted_one(issuer: object) -> None:
    refused = _refusal({**GOOD, "iss": issuer})
    assert str(refused) == UNTRUSTED_SERVICE
    assert ISSUER not in str(refused)
    assert ISSUER in refused.detail


def test_the_tenant_is_checked_when_configured() -> None:
    trust = OidcTrust(issuer=ISSUER, tenant="tenant-1")
    assert check_claims(GOOD, trust).subject == "abc-123"
    assert str(_refusal({**GOOD, "tid": "tenant-2"}, trust)) == UNTRUSTED_SERVICE
    no_tenant = {key: value for key, value in GOOD.items() if key != "tid"}
    assert str(_refusal(no_tenant, trust)) == UNTRUSTED_SERVICE
    # Without a configured tenant any tid is accepted.
    assert check_claims(no_tenant, TRUST).subject == "abc-123"


@pytest.mark.parametrize(
    "changes", [{"sub": ""}, {"sub": None}, {"email": ""}, {"email": "jo"}, {"email": "@x.org"}]
)
def test_claims_without_an_account_or_email_are_refused(changes: dict[str, object]) -> None:
    assert str(_refusal({**GOOD, **changes})) == INCOMPLETE_IDENTITY


def test_allowed_domains_are_enforced_when_configured() -> None:
    trust = OidcTrust(issuer=ISSUER, allowed_domains=("stats.example", "ons.gov.uk"))
    assert check_claims(GOOD, trust).email == "jo.williams@stats.example"
    refused = _refusal({**GOOD, "email": "jo@elsewhere.example"}, trust)
    assert str(refused) == DOMAIN_NOT_ALLOWED
    assert "stats.example" not in str(refused)
    # A subdomain is a different domain.
    assert str(_refusal({**GOOD, "email": "jo@x.stats.example"}, trust)) == DOMAIN_NOT_ALLOWED
